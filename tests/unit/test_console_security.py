"""The console's guard: which requests it refuses, and why (pure functions)."""

from __future__ import annotations

import pytest

from sfnlocal.console import security

PORT, TOKEN = 8566, "the-token"
SAME_SITE = {
    "host": f"127.0.0.1:{PORT}",
    "origin": f"http://127.0.0.1:{PORT}",
    "sec-fetch-site": "same-origin",
    "x-console-token": TOKEN,
    "content-type": "application/json",
}


def refusal(**changes: str | None) -> str | None:
    headers = {k: v for k, v in {**SAME_SITE, **changes}.items() if v is not None}
    return security.mutation_refusal("POST", headers, PORT, TOKEN)


def test_a_post_from_the_console_itself_passes():
    assert refusal() is None
    assert refusal(host=f"localhost:{PORT}", origin=f"http://localhost:{PORT}") is None


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"origin": "http://evil.example"}, "cross-site request from http://evil.example"),
        ({"origin": f"http://127.0.0.1:{PORT + 1}"}, "cross-site"),
        ({"origin": f"http://localhost:{PORT}"}, "cross-site"),  # Host says 127.0.0.1
        ({"origin": "null"}, "cross-site"),
        ({"origin": None}, "must carry an Origin header"),
        ({"sec-fetch-site": "cross-site"}, "Sec-Fetch-Site cross-site"),
        ({"sec-fetch-site": "same-site"}, "Sec-Fetch-Site same-site"),
        ({"x-console-token": None}, "token is missing or wrong"),
        ({"x-console-token": "guess"}, "token is missing or wrong"),
        ({"content-type": "text/plain"}, "send application/json"),
        ({"content-type": "application/x-www-form-urlencoded"}, "send application/json"),
        ({"host": "evil.example"}, "unknown host"),
        ({"host": "127.0.0.1"}, "unknown host"),  # another port is another console
    ],
)
def test_a_post_from_anywhere_else_is_refused(changes, reason):
    assert reason in (refusal(**changes) or "")


def test_reading_needs_no_token_but_the_right_host():
    assert security.mutation_refusal("GET", {}, PORT, TOKEN) is None
    assert security.host_refusal(f"127.0.0.1:{PORT}", PORT) is None
    assert security.host_refusal(f"LOCALHOST:{PORT}", PORT) is None
    # a DNS-rebinding page reaches 127.0.0.1 under its own host name
    assert "unknown host" in security.host_refusal(f"rebind.example:{PORT}", PORT)
    assert "unknown host" in security.host_refusal(None, PORT)


def test_each_console_process_has_its_own_unguessable_token():
    tokens = {security.new_token() for _ in range(20)}
    assert len(tokens) == 20 and all(len(t) >= 40 for t in tokens)
