"""One readiness check for the host's waits and the image's health check, against a
fake LocalStack answering /_localstack/health and /_localstack/init/ready."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from sfnlocal.engine import ports, readiness
from sfnlocal.engine.readiness import probe


class FakeLocalStack:
    def __init__(self) -> None:
        self.health: object = {"version": "2026.3.0"}
        self.init: object = {"completed": False, "scripts": []}
        self.asked: list[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                fake.asked.append(self.path)
                answer = {"/_localstack/health": fake.health, "/_localstack/init/ready": fake.init}
                if self.path not in answer:
                    self.send_error(404)
                    return
                body = json.dumps(answer[self.path]).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def hooks(self, completed: bool, **states: str) -> None:
        self.init = {
            "completed": completed,
            "scripts": [{"stage": "READY", "name": n, "state": s} for n, s in states.items()],
        }


@pytest.fixture
def localstack() -> Iterator[FakeLocalStack]:
    fake = FakeLocalStack()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def test_ready_once_every_init_hook_succeeded(localstack):
    localstack.hooks(True, **{"10-deploy-sample.sh": "SUCCESSFUL"})

    state = probe(localstack.endpoint)

    assert state.ready
    assert state.describe() == "ready (1 init hooks succeeded, LocalStack 2026.3.0)"


def test_not_ready_while_a_hook_runs_and_the_hook_is_named(localstack):
    localstack.hooks(False, **{"10-deploy-sample.sh": "RUNNING"})

    state = probe(localstack.endpoint)

    assert state.healthy and not state.ready
    assert state.detail == "init scripts still running: 10-deploy-sample.sh"


def test_a_failed_hook_is_not_ready_though_localstack_answers(localstack):
    localstack.hooks(True, **{"10-deploy-sample.sh": "ERROR"})

    state = probe(localstack.endpoint)

    assert state.healthy and not state.ready
    assert state.failed_scripts == ("10-deploy-sample.sh",)
    assert state.describe() == "init hooks failed: 10-deploy-sample.sh"


def test_nothing_answering_is_neither_healthy_nor_ready(localstack):
    endpoint = localstack.endpoint
    localstack.server.shutdown()
    localstack.server.server_close()

    state = probe(endpoint)

    assert not state.healthy and not state.ready
    assert state.detail.startswith("health endpoint did not answer")


def test_an_unexpected_answer_is_not_ready(localstack):
    localstack.health = ["not", "an", "object"]

    assert not probe(localstack.endpoint).healthy


def test_the_health_check_asks_for_the_init_hooks_only_until_they_succeeded(
    localstack, tmp_path, monkeypatch, capsys
):
    # GIVEN the image's health check, in a container started at a given time
    monkeypatch.setenv("HEALTHCHECK_URL", localstack.endpoint)
    monkeypatch.setattr(readiness, "MARKER", tmp_path / "marker")
    monkeypatch.setattr(readiness, "_boot_id", lambda: "12345")
    localstack.hooks(False, **{"10-deploy-sample.sh": "RUNNING"})

    # WHEN it runs while the hook runs, then after it succeeded, then again
    still_running = readiness.health_check()
    localstack.hooks(True, **{"10-deploy-sample.sh": "SUCCESSFUL"})
    succeeded = readiness.health_check()
    localstack.asked.clear()
    later = readiness.health_check()

    # THEN it is unhealthy, then healthy; later it asks the health endpoint only
    assert (still_running, succeeded, later) == (1, 0, 0)
    assert localstack.asked == ["/_localstack/health"]
    assert capsys.readouterr().out.splitlines()[0] == (
        "not ready (init scripts still running: 10-deploy-sample.sh)"
    )


def test_after_a_restart_the_health_check_asks_for_the_init_hooks_again(
    localstack, tmp_path, monkeypatch
):
    monkeypatch.setenv("HEALTHCHECK_URL", localstack.endpoint)
    monkeypatch.setattr(readiness, "MARKER", tmp_path / "marker")
    (tmp_path / "marker").write_text("an earlier start")
    monkeypatch.setattr(readiness, "_boot_id", lambda: "12345")
    localstack.hooks(False, **{"10-deploy-sample.sh": "RUNNING"})

    assert readiness.health_check() == 1


def test_the_health_check_asks_the_gateway_port_localstack_listens_on(monkeypatch):
    monkeypatch.delenv("HEALTHCHECK_URL", raising=False)
    monkeypatch.setenv("GATEWAY_LISTEN", "0.0.0.0:4510,0.0.0.0:443")

    assert readiness.container_endpoint() == "http://127.0.0.1:4510"


def test_a_free_port_is_below_the_ports_the_kernel_hands_out_itself():
    # GIVEN the kernel's ephemeral range (outgoing connections, Docker's published ports)
    ephemeral_low = ports._below_ephemeral().stop
    # WHEN a test picks ports for stacks of its own
    picked = [ports.free_port() for _ in range(20)]
    # THEN none is one the kernel may hand to someone else meanwhile
    assert all(ports.LOWEST_PICK <= port < ephemeral_low for port in picked)
