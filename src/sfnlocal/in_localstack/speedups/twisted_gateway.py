"""Serve the embedded engine's gateway with twisted, on GATEWAY_LISTEN's address only.

The embedded engine starts with ``GATEWAY_SERVER=hypercorn`` (engine/settings.py),
because LocalStack's default server, twisted, binds every interface whatever host
GATEWAY_LISTEN names (its ``register`` passes the host for IPv6 only: "TODO:
interface = host?"), and the embedded engine must listen on loopback only.
Hypercorn costs more per request: its asyncio loop, h11 and the ASGI-to-WSGI
hand-off run under the GIL beside everything else, for every call from outside the
engine (the approver's SendTaskSuccess, a user's StartExecution and polling).
Measured (BENCHMARKS.md, fifth round), engine CPU per botocore ListStateMachines:
6.3 to 6.4 ms over hypercorn with its connections kept open (fixes/keep_alive.py),
7.3 to 8.3 ms without; 3.5 to 4.9 ms over twisted.

This binds each twisted listener to its GATEWAY_LISTEN host, then switches a
hypercorn setting to twisted: both or neither, so a LocalStack this was not
written for keeps hypercorn on loopback. The container's twisted gateway listens
on 0.0.0.0 either way.
"""

from __future__ import annotations

import importlib
import logging

from sfnlocal.in_localstack.patching import Target, problems

LOG = logging.getLogger(__name__)

SERVER_MODULE = "localstack.runtime.server.twisted"
REGISTER = Target(
    SERVER_MODULE,
    "TwistedRuntimeServer.register",
    "(self, gateway: rolo.gateway.gateway.Gateway, listen: list[localstack.config.HostAndPort],"
    " ssl_creds: tuple[str, str] | None = None)",
    # Not the original on an error: it would listen on every interface.
    hot_path=False,
)
SETTING = Target("localstack.config", "GATEWAY_SERVER", "builtins.str", kind="value")
REPLACED_SERVER = "hypercorn"


def register_on_listen_hosts(_original, self, gateway, listen, ssl_creds=None) -> None:
    """``TwistedRuntimeServer.register``, each endpoint bound to its host's address."""
    server = importlib.import_module(SERVER_MODULE)  # its names, as register uses them
    site = server.TwistedGateway(gateway)
    factory = site
    if ssl_creds:
        cert_file_name, key_file_name = ssl_creds
        context_factory = server.ssl.DefaultOpenSSLContextFactory(key_file_name, cert_file_name)
        context_factory.getContext().use_certificate_chain_file(cert_file_name)
        factory = server.TLSMultiplexerFactory(context_factory, False, site)
    for host_and_port in listen:
        if server.config.is_ipv6_address(host_and_port.host):
            endpoint_class = server.endpoints.TCP6ServerEndpoint
        else:
            endpoint_class = server.endpoints.TCP4ServerEndpoint
        endpoint = endpoint_class(server.reactor, host_and_port.port, interface=host_and_port.host)
        endpoint.listen(factory)


def install() -> None:
    if found := problems(REGISTER, SETTING):
        LOG.warning("sfnlocal: the gateway stays as configured: %s", "; ".join(found))
        return
    REGISTER.patch(register_on_listen_hosts)
    SETTING.patch(lambda current: "twisted" if current == REPLACED_SERVER else current)
