"""``python -m sfnlocal.console [--port N]``: serve the console in the foreground."""

from __future__ import annotations

import argparse
import sys

from sfnlocal.errors import UserError

from .server import serve
from .settings import ConsoleSettings


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m sfnlocal.console", description=__doc__)
    parser.add_argument("--port", type=int, help="port on 127.0.0.1 (default: CONSOLE_PORT)")
    args = parser.parse_args()
    try:
        serve(ConsoleSettings(port=args.port) if args.port else ConsoleSettings())
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
