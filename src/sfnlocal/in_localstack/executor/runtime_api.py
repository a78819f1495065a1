"""A Lambda Runtime API server for one execution environment.

The runtime interface client (awslambdaric) inside the function's process
long-polls ``/invocation/next`` and posts the result back; this server hands
it invocations and resolves their futures. The API is documented at
https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sfnlocal.in_localstack.executor.task_root import TaskRoot

LOG = logging.getLogger(__name__)

API_PREFIX = "/2018-06-01/runtime"


@dataclass
class Invocation:
    request_id: str
    function_arn: str
    payload: bytes
    timeout_seconds: float
    trace_id: str = ""
    # Resolves to (is_error, body) once the runtime answers.
    result: Future[tuple[bool, bytes]] = field(default_factory=Future)
    # Set when the runtime takes the invocation (its GET /next returns it). As on
    # AWS the function's timeout runs from there: not while it waited for a
    # runtime still in its init or still finishing the previous invocation.
    delivered: threading.Event = field(default_factory=threading.Event)
    delivered_at: float | None = None  # time.monotonic()
    deadline_epoch_ms: int = 0

    def deliver(self) -> None:
        self.deadline_epoch_ms = deadline_ms(self.timeout_seconds)
        self.delivered_at = time.monotonic()
        self.delivered.set()

    def outcome(self) -> tuple[bool, bytes]:
        """The runtime's answer, or :class:`concurrent.futures.TimeoutError` when the
        function's timeout passed after delivery, or passed before the runtime took it
        (AWS gives a function whose init ran past the init limit its timeout for a
        second init at the first invocation)."""
        if not self.delivered.wait(self.timeout_seconds):
            raise FutureTimeout()
        if self.result.done():
            return self.result.result()
        remaining = self.timeout_seconds - (time.monotonic() - (self.delivered_at or 0))
        return self.result.result(timeout=max(0.0, remaining))


_STOP = object()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # A runtime killed (timeout, stop) while it long-polls leaves a dead socket.
        LOG.debug("runtime api: connection from %s ended abruptly", client_address, exc_info=True)


class RuntimeApiServer:
    """Serves the Runtime API on a free loopback port until :meth:`close`.

    Error bodies the runtime posts show its code folder as ``task_root`` shows it.
    """

    def __init__(self, task_root: TaskRoot | None = None) -> None:
        self._task_root = task_root
        self._pending: queue.Queue[Invocation | object] = queue.Queue()
        self._in_flight: dict[str, Invocation] = {}
        self._lock = threading.Lock()
        self.ready = threading.Event()  # the runtime asked for its first invocation
        self.init_error: bytes | None = None
        self.init_failed = threading.Event()
        self._httpd = _Server(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="lambda-runtime-api", daemon=True
        )
        self._thread.start()

    @property
    def address(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"{host}:{port}"

    def submit(self, invocation: Invocation) -> None:
        with self._lock:
            self._in_flight[invocation.request_id] = invocation
        self._pending.put(invocation)

    def fail_in_flight(self, body: bytes) -> None:
        """Resolves every unanswered invocation as an error (the runtime died)."""
        with self._lock:
            in_flight, self._in_flight = self._in_flight, {}
        for invocation in in_flight.values():
            if not invocation.result.done():
                invocation.result.set_result((True, body))
            if not invocation.delivered.is_set():
                invocation.deliver()

    def close(self) -> None:
        self._pending.put(_STOP)
        self._httpd.shutdown()
        self._httpd.server_close()

    # -- request handling -------------------------------------------------

    def _next(self) -> Invocation | None:
        self.ready.set()
        item = self._pending.get()
        if item is _STOP:
            return None
        item.deliver()  # type: ignore[union-attr]
        return item  # type: ignore[return-value]

    def _error_body(self, body: bytes) -> bytes:
        return self._task_root.body(body) if self._task_root else body

    def _complete(self, request_id: str, is_error: bool, body: bytes) -> bool:
        with self._lock:
            invocation = self._in_flight.pop(request_id, None)
        if invocation is None or invocation.result.done():
            return False
        invocation.result.set_result((is_error, body))
        return True

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else delayed ACKs add ~40 ms per call

            def log_message(self, format: str, *args: object) -> None:
                LOG.debug("runtime api: " + format, *args)

            def _reply(self, status: HTTPStatus, body: bytes = b"", headers=None) -> None:
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _body(self) -> bytes:
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def do_GET(self) -> None:
                if self.path != f"{API_PREFIX}/invocation/next":
                    self._reply(HTTPStatus.NOT_FOUND)
                    return
                invocation = server._next()
                if invocation is None:
                    self.close_connection = True
                    self._reply(HTTPStatus.GONE)
                    return
                self._reply(
                    HTTPStatus.OK,
                    invocation.payload,
                    {
                        "Content-Type": "application/json",
                        "Lambda-Runtime-Aws-Request-Id": invocation.request_id,
                        "Lambda-Runtime-Deadline-Ms": str(invocation.deadline_epoch_ms),
                        "Lambda-Runtime-Invoked-Function-Arn": invocation.function_arn,
                        "Lambda-Runtime-Trace-Id": invocation.trace_id,
                    },
                )

            def do_POST(self) -> None:
                body = self._body()
                parts = self.path.removeprefix(API_PREFIX).strip("/").split("/")
                if parts == ["init", "error"]:
                    server.init_error = server._error_body(body)
                    server.init_failed.set()
                    # an invocation waiting for a late init gets its error, as on AWS
                    server.fail_in_flight(server.init_error)
                    self._reply(HTTPStatus.ACCEPTED, b'{"status":"OK"}')
                elif len(parts) == 3 and parts[0] == "invocation":
                    request_id, outcome = parts[1], parts[2]
                    if outcome not in ("response", "error"):
                        self._reply(HTTPStatus.NOT_FOUND)
                        return
                    if outcome == "error":
                        body = server._error_body(body)
                    if server._complete(request_id, outcome == "error", body):
                        self._reply(HTTPStatus.ACCEPTED, b'{"status":"OK"}')
                    else:
                        message = {"errorMessage": f"unknown request id {request_id}"}
                        self._reply(HTTPStatus.BAD_REQUEST, json.dumps(message).encode())
                else:
                    self._reply(HTTPStatus.NOT_FOUND)

        return Handler


def deadline_ms(timeout_seconds: float) -> int:
    return int((time.time() + timeout_seconds) * 1000)
