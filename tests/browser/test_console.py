"""The web console in a real browser, on a real stack: the seed's console steps
(start an execution, read the Graph inspector), approvals by hand, the
resources, and the guard against other sites."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot, unique

pytestmark = pytest.mark.integration

EXECUTION_TIMEOUT = 90_000  # ms: a manual approval, a cold Lambda, a busy machine


def node(page: Page, state: str):
    return page.locator(f'#graph .node[data-state="{state}"]')


def edge(page: Page, source: str, target: str):
    ids = {
        name: page.locator(f'#graph .node[data-state="{name}"]').get_attribute("data-id")
        for name in (source, target)
    }
    return page.locator(f'#graph .edge[data-source="{ids[source]}"][data-target="{ids[target]}"]')


def step_panel_json(page: Page, tab: str) -> object:
    page.get_by_role("tab", name=tab).click()
    return json.loads(page.locator("#step-panel").inner_text())


def executions_count(workflow) -> int:
    pages = workflow.sfn.get_paginator("list_executions").paginate(
        stateMachineArn=workflow.state_machine_arn
    )
    return sum(len(listed["executions"]) for listed in pages)


def exists(workflow, name: str) -> bool:
    arn = workflow.state_machine_arn.replace(":stateMachine:", ":execution:") + f":{name}"
    try:
        workflow.sfn.describe_execution(executionArn=arn)
    except workflow.sfn.exceptions.ExecutionDoesNotExist:
        return False
    return True


def test_start_a_named_execution_from_the_page_and_see_the_buy_path(page: Page, workflow):
    # GIVEN the state machine's page: its graph, definition and role
    page.goto("/state-machine")
    expect(node(page, "Check Stock Price")).to_be_visible()
    expect(page.locator("#definition")).to_contain_text('"StartAt": "Check Stock Price"')
    expect(page.get_by_text(":role/")).to_be_visible()
    screenshot(page, "state-machine")
    # WHEN the user starts an execution with a name of their own (non-ASCII allowed)
    name = unique("console-kauf-ä")
    page.get_by_role("button", name="Start execution").click()
    expect(page.locator("#start-dialog")).to_contain_text("don't work with Amazon CloudWatch")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Input").fill('{"stock_price": 20}')
    screenshot(page, "start-execution")
    page.locator("#start-submit").click()
    # THEN its Execution details open and it succeeds, the buy path marked
    page.wait_for_url(f"**/executions/**{name[-8:]}")
    expect(page.locator("#execution-name")).to_have_text(name)
    expect(page.locator("#execution-status .badge")).to_have_attribute(
        "data-status", "SUCCEEDED", timeout=EXECUTION_TIMEOUT
    )
    for state in ("Check Stock Price", "Request Human Approval", "Buy Stock", "Report Result"):
        expect(node(page, state)).to_have_attribute("data-status", "succeeded")
    expect(node(page, "Sell Stock")).to_have_attribute("data-status", "not reached")
    expect(edge(page, "Buy or Sell?", "Buy Stock")).to_have_class("edge taken")
    expect(edge(page, "Buy or Sell?", "Sell Stock")).to_have_class("edge")
    expect(page.locator("#execution-details")).to_contain_text("buy")
    # AND the stack ran exactly that execution, with that input
    arn = workflow.state_machine_arn.replace(":stateMachine:", ":execution:") + f":{name}"
    execution = workflow.wait(arn)
    assert (execution.status, execution.input) == ("SUCCEEDED", {"stock_price": 20})
    # AND its event history is the table of the console's Execution details
    expect(page.locator("#events tbody tr")).to_have_count(len(execution.history))
    expect(page.locator("#events")).to_contain_text("ExecutionSucceeded")


def test_open_buy_stock_and_read_its_step_input_and_output(page: Page, workflow):
    # GIVEN a finished buy execution
    execution = workflow.run({"stock_price": 30})
    name = execution.arn.rsplit(":", 1)[-1]
    page.goto(f"/executions/{name}")
    expect(page.locator("#execution-status .badge")).to_have_attribute("data-status", "SUCCEEDED")
    # WHEN the user chooses Buy Stock in the Graph inspector
    node(page, "Buy Stock").click()
    # THEN Step input is what Buy Stock received, Step output what it returned
    expect(page.locator("#step-title")).to_have_text("Buy Stock")
    assert step_panel_json(page, "Step input") == {"stock_price": 30, "recommended_type": "buy"}
    output = step_panel_json(page, "Step output")
    assert output == execution.state_output("Buy Stock")
    assert (output["type"], output["price"]) == ("buy", "30")
    # AND, a task, its details name the function it called and its result
    details = step_panel_json(page, "Details")
    assert details["resource"].endswith(":function:sfnlocal-BuyStock")
    assert details["result"] == output
    page.get_by_role("tab", name="Step input").click()
    screenshot(page, "execution")
    screenshot(page.locator("section.card", has=page.locator("#graph")), "graph-inspector")


def test_a_bad_price_is_refused_in_the_dialog_and_nothing_starts(page: Page, workflow):
    # GIVEN the Start execution dialog
    before = executions_count(workflow)
    page.goto("/executions")
    page.get_by_role("button", name="Start execution").click()
    name = unique("console-bad")
    page.get_by_label("Name").fill(name)
    # WHEN the input's price is out of the sample's range
    page.get_by_label("Input").fill('{"stock_price": 120}')
    page.locator("#start-submit").click()
    # THEN the dialog says why, stays open, and no execution started
    error = page.locator("#start-error")
    expect(error).to_contain_text("stock_price must be an integer from 0 to 99, got 120")
    expect(page.locator("#start-dialog")).to_be_visible()
    screenshot(page, "start-refused")
    # AND a name AWS would refuse is refused the same way
    page.get_by_label("Name").fill("two words")
    page.get_by_label("Input").fill('{"stock_price": 20}')
    page.locator("#start-submit").click()
    expect(error).to_contain_text("the name must not contain ' '")
    assert page.url.endswith("/executions")
    assert not exists(workflow, name)
    assert executions_count(workflow) == before


def test_approve_one_execution_and_reject_another_from_the_approvals_page(
    page: Page, workflow, manual_mode
):
    # GIVEN manual approval mode and two executions waiting at Request Human Approval
    approved_arn = workflow.start({"stock_price": 70})
    rejected_arn = workflow.start({"stock_price": 10})
    approved, rejected = (arn.rsplit(":", 1)[-1] for arn in (approved_arn, rejected_arn))
    page.goto("/approvals")
    expect(page.locator("#mode-current")).to_have_text("The approval mode is manual.")
    for name in (approved, rejected):
        expect(page.locator(f'#approvals tr[data-name="{name}"]')).to_be_visible(
            timeout=EXECUTION_TIMEOUT
        )
    expect(page.locator(f'#approvals tr[data-name="{approved}"]')).to_contain_text(
        '"recommended_type":"sell"'
    )
    screenshot(page, "approvals")
    # WHEN the user approves one, and rejects the other with a reason
    page.locator(f'#approvals tr[data-name="{approved}"]').get_by_role(
        "button", name="Approve"
    ).click()
    expect(page.locator("#notices")).to_contain_text(f"Approved {approved}")
    row = page.locator(f'#approvals tr[data-name="{rejected}"]')
    row.get_by_label(f"reason to reject {rejected}").fill("too risky today")
    row.get_by_role("button", name="Reject").click()
    expect(page.locator("#notices")).to_contain_text(
        f"Rejected {rejected}: it fails with Rejected: too risky today"
    )
    # THEN the approved one sells and succeeds, the rejected one fails with the reason
    done = workflow.wait(approved_arn)
    assert done.status == "SUCCEEDED" and "Sell Stock" in done.states_entered()
    failed = workflow.wait(rejected_arn)
    assert (failed.status, failed.error, failed.cause) == ("FAILED", "Rejected", "too risky today")
    # AND the console shows both outcomes: neither waits any more (the stack may hold
    # other executions waiting, a user's own among them, so no "nothing waits" here)
    for name in (approved, rejected):
        expect(page.locator(f'#approvals tr[data-name="{name}"]')).to_have_count(0)
    page.goto("/executions")
    for name, status in ((approved, "SUCCEEDED"), (rejected, "FAILED")):
        expect(page.locator(f'#executions tr[data-name="{name}"] .badge')).to_have_attribute(
            "data-status", status
        )
    screenshot(page, "executions")
    page.goto(f"/executions/{rejected}")
    expect(node(page, "Request Human Approval")).to_have_attribute("data-status", "failed")
    expect(page.locator("#execution-details")).to_contain_text("too risky today")
    node(page, "Request Human Approval").click()
    assert step_panel_json(page, "Details")["error"] == "Rejected"


def test_a_reason_being_typed_keeps_its_text_and_focus_when_another_approval_arrives(
    page: Page, workflow, manual_mode
):
    # GIVEN one execution waiting for approval, and the user typing a reason to reject it
    first_arn = workflow.start({"stock_price": 10})
    first = first_arn.rsplit(":", 1)[-1]
    page.goto("/approvals")
    first_row = page.locator(f'#approvals tr[data-name="{first}"]')
    expect(first_row).to_be_visible(timeout=EXECUTION_TIMEOUT)
    reason = first_row.get_by_label(f"reason to reject {first}")
    reason.click()
    page.keyboard.type("half a rea")
    # WHEN another execution starts waiting, and the page draws its row
    second_arn = workflow.start({"stock_price": 80})
    second = second_arn.rsplit(":", 1)[-1]
    expect(page.locator(f'#approvals tr[data-name="{second}"]')).to_be_visible(
        timeout=EXECUTION_TIMEOUT
    )
    # THEN the reason is still there and still focused: the user goes on typing
    expect(reason).to_have_value("half a rea")
    expect(reason).to_be_focused()
    page.keyboard.type("son")
    first_row.get_by_role("button", name="Reject").click()
    failed = workflow.wait(first_arn)
    assert (failed.status, failed.cause) == ("FAILED", "half a reason")
    # (the second is answered too: no test leaves an execution waiting for the next)
    page.locator(f'#approvals tr[data-name="{second}"]').get_by_role(
        "button", name="Approve"
    ).click()
    assert workflow.wait(second_arn).status == "SUCCEEDED"


def test_resources_lists_what_the_deploy_created_and_the_reports(page: Page, workflow, stack):
    # GIVEN an execution that published its report
    execution = workflow.run({"stock_price": 45})
    message_id = execution.output["MessageId"]
    # WHEN the user opens the resources page
    page.goto("/resources")
    # THEN every resource the seed's Deploy resources page lists is there and available
    outputs = stack.outputs
    expected = {
        "StateMachine": outputs.state_machine_arn,
        "RequestHumanApprovalQueue": outputs.queue_arn,
        "RequestHumanApprovalDeadLetterQueue": outputs.dlq_arn,
        "ReportResultTopic": outputs.topic_arn,
        "StateMachineRole": outputs.roles["StateMachine"],
        **{f"{name}Function": function.arn for name, function in outputs.functions.items()},
    }
    assert len(outputs.functions) == 5
    for logical_id, arn in expected.items():
        row = page.locator(f'#resources tr[data-logical-id="{logical_id}"]')
        expect(row).to_contain_text(arn)
        expect(row.locator(".badge")).to_have_class("badge succeeded")
    # AND the report of the execution arrives on the page
    expect(page.locator("#reports")).to_contain_text(message_id, timeout=30_000)
    screenshot(page, "resources")


class _Hostile(BaseHTTPRequestHandler):
    """Another site's page that posts to the console behind the user's back."""

    body = b""

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hostile_site(console) -> Iterator[tuple[str, str]]:
    """(URL of the hostile page, the execution name it tries to start)."""
    name = unique("cross-site")
    field = json.dumps({"name": name, "input": "{}", "x": ""})[:-2]  # '{"name": ..., "x": "'
    _Hostile.body = f"""<!doctype html><title>another site</title>
<form id="f" method="POST" action="{console.url}api/executions" enctype="text/plain">
<input type="hidden" name="{escape(field)}" value='"}}'></form>
<script>
fetch("{console.url}api/executions", {{method: "POST", mode: "no-cors",
  body: JSON.stringify({{name: "{name}-fetch", input: "{{}}"}})}})
  .catch(() => "blocked").finally(() => document.getElementById("f").submit());
</script>""".encode()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", name
    finally:
        server.shutdown()
        server.server_close()


def test_a_cross_site_post_is_refused(page: Page, workflow, console, hostile_site):
    # GIVEN another site's page, open in the same browser, that posts to the console
    hostile_url, name = hostile_site
    before = executions_count(workflow)
    # WHEN it sends its requests (a fetch, then a form submitted to the console's API)
    with page.expect_response(f"{console.url}api/executions") as posted:
        page.goto(hostile_url)
    # THEN the console refuses them, naming the foreign origin, and nothing starts
    response = posted.value
    assert response.status == 403
    assert "refused: cross-site request from http://127.0.0.1:" in response.text()
    page.wait_for_url(f"{console.url}api/executions")
    expect(page.locator("body")).to_contain_text("refused")
    screenshot(page, "cross-site-refused")
    assert not exists(workflow, name) and not exists(workflow, f"{name}-fetch")
    assert executions_count(workflow) == before
