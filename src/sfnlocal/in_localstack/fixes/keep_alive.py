"""The gateway keeps a client's HTTP/1.1 connection open between calls.

AWS: HTTP/1.1 connections persist unless a side asks to close them (RFC 9112,
section 9.3), and AWS's endpoints keep them open: the SDKs reuse one connection
for call after call ("Reuse connections with keep-alive in Node.js",
https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/node-reusing-connections.html).

LocalStack 2026.3.0, on its hypercorn gateway (the embedded engine's, see
engine/settings.py), answers every request that does not say
``Connection: keep-alive`` with ``Connection: close``
(``handlers.set_close_connection_header``, a 2022 work-around of slow keep-alive
in hypercorn, localstack/localstack#6557): botocore sends no Connection header,
so each call of a client opened a new connection. On these machines keep-alive
is the faster of the two (BENCHMARKS.md, fifth round). This leaves the
connection as HTTP/1.1 and the client say; h11 still closes it when the client
asks.
"""

from __future__ import annotations

from sfnlocal.in_localstack.patching import Target

# Where LocalStack's gateway takes its finalizer from when it builds the handler chain.
TARGET = Target(
    "localstack.aws.handlers",
    "set_close_connection_header",
    "(_chain: rolo.gateway.chain.HandlerChain, context: localstack.aws.api.core.RequestContext,"
    " response: localstack.http.response.Response)",
)


def leave_connection_open(_original, _chain, _context, _response) -> None:
    """Adds no ``Connection: close``."""


def install() -> None:
    TARGET.patch(leave_connection_open)
