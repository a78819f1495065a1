"""Why a request is refused: the console's guard against other sites.

Any page open in the same browser can send requests to 127.0.0.1, so:
- every request must name this console as its Host (a DNS-rebinding page
  names its own host);
- a request that changes something (POST) must also come from this console's
  own origin (Origin header, and Sec-Fetch-Site when the browser sends it),
  carry the per-process token that only this console's pages hold (a header,
  which a cross-site page can neither read nor send without a CORS preflight
  the console never grants), and send JSON.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping

from sfnlocal.engine.settings import LOCALHOST

TOKEN_HEADER = "x-console-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
HOST_NAMES = (LOCALHOST, "localhost")

SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-resource-policy": "same-origin",
    "cache-control": "no-store",
}


def new_token() -> str:
    return secrets.token_urlsafe(32)


def allowed_hosts(port: int) -> frozenset[str]:
    return frozenset(f"{name}:{port}" for name in HOST_NAMES)


def host_refusal(host: str | None, port: int) -> str | None:
    """Why a request with this Host header is refused, or None."""
    if host is None or host.lower() not in allowed_hosts(port):
        return f"unknown host {host!r}: the console answers to http://{LOCALHOST}:{port}/ only"
    return None


def mutation_refusal(method: str, headers: Mapping[str, str], port: int, token: str) -> str | None:
    """Why a request that changes something is refused, or None (``headers`` lower-case)."""
    if method.upper() in SAFE_METHODS:
        return None
    host = (headers.get("host") or "").lower()
    if refusal := host_refusal(host, port):
        return refusal
    origin = headers.get("origin")
    if not origin:
        return "refused: a request that changes something must carry an Origin header"
    if origin.lower() != f"http://{host}":
        return f"refused: cross-site request from {origin}"
    site = headers.get("sec-fetch-site")
    if site and site != "same-origin":
        return f"refused: cross-site request (Sec-Fetch-Site {site})"
    if not hmac.compare_digest(headers.get(TOKEN_HEADER, "").encode(), token.encode()):
        return "refused: the console token is missing or wrong (reload the page)"
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        return f"refused: send application/json, not {content_type or 'no content type'}"
    return None
