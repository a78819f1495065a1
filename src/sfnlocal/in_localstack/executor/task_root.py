"""Show the function's code folder as ``/var/task``, where AWS puts it.

On AWS a function's code is in ``/var/task`` (``LAMBDA_TASK_ROOT``), so an
error's ``stackTrace`` reads ``File "/var/task/app.py", line 3, in handler``
in the invoke response, in the function's logs and in Step Functions' causes
(https://docs.aws.amazon.com/lambda/latest/dg/python-exceptions.html,
https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).

Here the code is LocalStack's unzipped folder (``.../<function>-<uuid>/code``)
and the runtime runs in it. It cannot be ``/var/task``: many functions run at
once, on a host without root. Nor is ``LAMBDA_TASK_ROOT`` set to ``/var/task``:
awslambdaric does not read it (it imports the handler from ``PYTHONPATH`` and the
working directory), while handlers that do read it open their own files through
it, which must then exist. So the runtime keeps the real folder, and what it
reports (error bodies it posts to the Runtime API, its output lines) has that
folder's prefix replaced by ``/var/task``.
"""

from __future__ import annotations

import json
from pathlib import Path

AWS_TASK_ROOT = "/var/task"


class TaskRoot:
    """Rewrites ``code_dir``'s path into ``/var/task`` in what the runtime reports."""

    def __init__(self, code_dir: Path | str) -> None:
        self._local = str(code_dir).rstrip("/") + "/"
        self._aws = AWS_TASK_ROOT + "/"
        # In a JSON body the path appears as UTF-8 (awslambdaric writes with
        # ensure_ascii=False) or, from another encoder, escaped.
        self._in_bodies = {
            self._local.encode(),
            json.dumps(self._local)[1:-1].encode(),
            json.dumps(self._local, ensure_ascii=False)[1:-1].encode(),
        }

    def text(self, value: str) -> str:
        return value.replace(self._local, self._aws)

    def body(self, value: bytes) -> bytes:
        for local in self._in_bodies:
            value = value.replace(local, self._aws.encode())
        return value
