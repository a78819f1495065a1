"""The console's web application with a stand-in for the stack: escaping,
the cross-site guard on every route that changes something, errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from sfnlocal.console.app import HERE, create_app
from sfnlocal.engine.settings import EngineSettings
from sfnlocal.errors import UserError
from sfnlocal.workflow import graph
from tests.conftest import REPO_ROOT

PORT, TOKEN = 8566, "t0ken"
ORIGIN = f"http://127.0.0.1:{PORT}"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
DEFINITION = json.loads((REPO_ROOT / "statemachine" / "stock_trading.asl.json").read_text())


class FakeReports:
    def start(self) -> None: ...
    def stop(self) -> None: ...


class FakeBackend:
    """Answers as the stack would, with hostile values where the stack has names."""

    def __init__(self) -> None:
        self.settings = EngineSettings(port=4566)
        self.reports = FakeReports()
        self.calls: list[tuple] = []

    def state_machine(self) -> dict:
        return {
            "name": HOSTILE,
            "arn": f"arn:aws:states:us-east-1:000000000000:stateMachine:{HOSTILE}",
            "type": "STANDARD",
            "status": "ACTIVE",
            "role_arn": HOSTILE,
            "created": None,
            "definition_text": json.dumps({"Comment": HOSTILE}),
            "layout": {},
        }

    def start(self, name, input_text):
        self.calls.append(("start", name, input_text))
        if "bad" in input_text:
            raise UserError("stock_price must be an integer from 0 to 99", "give another")
        return {"name": name or "run-1", "arn": "arn:x"}

    def approve(self, name):
        self.calls.append(("approve", name))
        return {"name": name, "message": "Approved"}

    def reject(self, name, reason):
        self.calls.append(("reject", name, reason))
        return {"name": name, "message": "Rejected"}

    def set_mode(self, mode):
        self.calls.append(("mode", mode))
        return {"mode": mode, "message": "ok"}


@pytest.fixture
def backend() -> FakeBackend:
    return FakeBackend()


@pytest.fixture
def client(backend) -> TestClient:
    return TestClient(create_app(backend, PORT, TOKEN), base_url=ORIGIN)


def post(client, path, body, **headers):
    sent = {"Origin": ORIGIN, "X-Console-Token": TOKEN, "Content-Type": "application/json"}
    sent.update(headers)
    return client.post(path, content=json.dumps(body), headers={k: v for k, v in sent.items() if v})


def test_every_value_from_the_stack_is_escaped_in_the_page(client):
    page = client.get("/state-machine")
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text
    # the page's own scripts are files of the console, never inline
    assert re.findall(r"<script[^>]*>", page.text) == ['<script src="/static/console.js" defer>']


def test_the_page_carries_this_process_token_and_strict_headers(client):
    page = client.get("/executions")
    assert f'<meta name="console-token" content="{TOKEN}">' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"


def test_the_scripts_build_the_page_without_parsing_markup():
    script = (HERE / "static" / "console.js").read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script.replace("never innerHTML", "")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/executions", {"name": "x", "input": "{}"}),
        ("/api/approvals/run-1/approve", {}),
        ("/api/approvals/run-1/reject", {"reason": "no"}),
        ("/api/approvals/mode", {"mode": "manual"}),
    ],
)
def test_every_change_is_refused_cross_site_and_done_from_the_console(client, backend, path, body):
    for headers in (
        {"Origin": "http://evil.example"},
        {"X-Console-Token": None},
        {"Origin": None},
        {"Content-Type": "text/plain"},
    ):
        refused = post(client, path, body, **headers)
        assert refused.status_code == 403, headers
        assert "refused" in refused.json()["problem"]
    assert backend.calls == []
    assert post(client, path, body).status_code == 200
    assert len(backend.calls) == 1


def test_a_request_for_another_host_is_refused(client):
    answer = client.get("/executions", headers={"Host": "rebind.example"})
    assert answer.status_code == 403 and "unknown host" in answer.json()["problem"]


def test_a_refused_input_comes_back_with_its_message(client):
    answer = post(client, "/api/executions", {"name": "", "input": "bad"})
    assert answer.status_code == 400
    assert answer.json() == {
        "problem": "stock_price must be an integer from 0 to 99",
        "fix": "give another",
    }


def test_static_assets_are_served_by_the_console_itself(client):
    assert client.get("/static/console.css").status_code == 200
    assert client.get("/static/console.js").headers["content-type"].startswith("text/javascript")
    templates = "".join(p.read_text() for p in (HERE / "templates").glob("*.html"))
    assert not re.search(r"(src|href)=\"(https?:)?//", templates), "no asset from elsewhere"


def test_the_layout_is_graphviz_s_and_places_every_state():
    layout = graph.layout(DEFINITION)
    boxes = {box.name: box for box in layout.boxes}
    assert set(boxes) == set(DEFINITION["States"]) | {"Start", "End"}
    assert layout.rows() == [
        ["Check Stock Price"],
        ["Generate Buy/Sell recommendation"],
        ["Request Human Approval"],
        ["Buy or Sell?"],
        ["Buy Stock", "Sell Stock"],
        ["Report Result"],
    ]
    assert boxes["Start"].y < boxes["Check Stock Price"].y < boxes["End"].y
    for line in layout.lines:
        assert all(0 <= x <= layout.width and 0 <= y <= layout.height for x, y in line.points)
    labels = {(line.source, line.target): line.label for line in layout.lines}
    ids = {box.name: box.id for box in layout.boxes}
    assert labels[(ids["Buy or Sell?"], ids["Buy Stock"])] == "buy"


def test_a_status_never_moves_a_state_so_both_drawings_share_the_layout():
    status = {name: graph.SUCCEEDED for name in DEFINITION["States"] if name != "Sell Stock"}

    def positions(dot) -> dict[str, str]:
        laid = json.loads(graph.lay_out(dot, "json"))
        return {node["name"]: node["pos"] for node in laid["objects"]}

    plain = positions(graph.dot_graph(DEFINITION))
    coloured = positions(graph.dot_graph(DEFINITION, status, "SUCCEEDED"))
    assert coloured == plain


def test_the_path_taken_is_marked_and_the_image_escapes_state_names():
    status = {name: graph.SUCCEEDED for name in DEFINITION["States"] if name != "Sell Stock"}
    marks = graph.marks(DEFINITION, status, "SUCCEEDED")
    ids = {box.name: box.id for box in graph.layout(DEFINITION).boxes}
    assert [ids["Buy or Sell?"], ids["Buy Stock"]] in marks["taken"]
    assert [ids["Buy or Sell?"], ids["Sell Stock"]] not in marks["taken"]
    assert marks["status"].get(ids["Sell Stock"]) is None and marks["status"]["end"] == "succeeded"
    hostile = {"StartAt": HOSTILE, "States": {HOSTILE: {"Type": "Pass", "End": True}}}
    drawn = graph.svg(hostile, {HOSTILE: graph.SUCCEEDED}, "SUCCEEDED", HOSTILE)
    assert drawn.startswith("<svg") and "<script" not in drawn and "&lt;script&gt;" in drawn
    png = graph.render(hostile, {}, "RUNNING", "t", "png")
    assert png.startswith(b"\x89PNG")


def test_the_console_package_holds_its_assets():
    assert (Path(HERE) / "static" / "console.js").is_file()
    assert (Path(HERE) / "templates" / "base.html").is_file()


def test_the_layout_needs_no_graphviz_on_the_path(monkeypatch):
    # GIVEN a machine with no program on PATH at all (no system Graphviz)
    monkeypatch.setenv("PATH", "")
    graph._layout.cache_clear()
    # WHEN the sample is laid out and drawn THEN the tooling's own layout program does it
    assert graph.layout(DEFINITION).rows()[0] == ["Check Stock Price"]
    assert graph.render(DEFINITION, {}, "RUNNING", "t", "png").startswith(b"\x89PNG")


def test_a_missing_layout_program_is_one_error_with_its_fix(monkeypatch):
    monkeypatch.setattr(graph, "DOT_PROGRAM", "no-such-layout-program")
    with pytest.raises(UserError) as raised:
        graph.render(DEFINITION, {}, "RUNNING", "t", "svg")
    assert "'no-such-layout-program' is not installed" in raised.value.problem
    assert "make envs" in raised.value.fix
