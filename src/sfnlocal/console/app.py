"""The console's web application (Starlette): HTML pages, the JSON API their
scripts call, and the static assets, behind the cross-site guard."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sfnlocal.errors import UserError

from . import security
from .backend import Backend

HERE = Path(__file__).parent
MAX_BODY = 300 * 1024  # the largest execution input (256 KiB) and its JSON envelope


class Guard:
    """Refuses requests for another host and cross-site changes; adds the security headers."""

    def __init__(self, app: ASGIApp, port: int, token: str) -> None:
        self.app, self.port, self.token = app, port, token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        refusal = security.host_refusal(headers.get("host"), self.port) or (
            security.mutation_refusal(scope["method"], headers, self.port, self.token)
        )
        if refusal:
            fix = f"use the console's own pages at http://127.0.0.1:{self.port}/"
            response = JSONResponse({"problem": refusal, "fix": fix}, status_code=403)
            await self._with_headers(response, scope, receive, send)
            return
        await self._with_headers(self.app, scope, receive, send)

    @staticmethod
    async def _with_headers(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                for name, value in security.SECURITY_HEADERS.items():
                    response_headers.setdefault(name, value)
            await send(message)

        await app(scope, receive, send_secured)


def _problem(error: UserError, status_code: int = 400) -> JSONResponse:
    return JSONResponse({"problem": error.problem, "fix": error.fix}, status_code=status_code)


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        raise UserError("the request is not JSON", "send a JSON object") from None
    if not isinstance(body, dict):
        raise UserError("the request is not a JSON object", "send a JSON object")
    return body


def create_app(backend: Backend, port: int, token: str | None = None) -> Starlette:
    """The console for ``backend``'s stack, answering as http://127.0.0.1:``port``/."""
    token = token or security.new_token()
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every value from the stack is escaped
        undefined=jinja2.StrictUndefined,
    )
    templates = Jinja2Templates(env=environment)

    def page(request: Request, template: str, title: str, **context: Any) -> Response:
        return templates.TemplateResponse(
            request,
            f"{template}.html",
            {
                "page": template,
                "title": title,
                "token": token,
                "endpoint": backend.settings.endpoint,
                **context,
            },
        )

    def api(method):
        async def endpoint(request: Request) -> Response:
            try:
                return JSONResponse(await method(request))
            except UserError as error:
                return _problem(error)

        return endpoint

    run = run_in_threadpool

    # -- pages -------------------------------------------------------------------

    async def home(request: Request) -> Response:
        return RedirectResponse("/state-machine", status_code=303)

    async def state_machine_page(request: Request) -> Response:
        try:
            machine = await run(backend.state_machine)
        except UserError as error:
            return page(request, "problem", "Console", error=error)
        return page(request, "state_machine", machine["name"], machine=machine)

    async def executions_page(request: Request) -> Response:
        return page(request, "executions", "Executions")

    async def execution_page(request: Request) -> Response:
        name = request.path_params["name"]
        return page(request, "execution", f"Execution {name}", name=name)

    async def approvals_page(request: Request) -> Response:
        return page(request, "approvals", "Approvals")

    async def resources_page(request: Request) -> Response:
        return page(request, "resources", "Resources")

    # -- the API -----------------------------------------------------------------

    async def get_state_machine(request: Request) -> Any:
        return await run(backend.state_machine)

    async def get_executions(request: Request) -> Any:
        return await run(backend.executions)

    async def post_execution(request: Request) -> Any:
        body = await _json_body(request)
        input_text = body.get("input", "{}")
        if not isinstance(input_text, str):
            input_text = json.dumps(input_text)
        return await run(backend.start, body.get("name"), input_text)

    async def get_execution(request: Request) -> Any:
        return await run(backend.execution, request.path_params["name"])

    async def get_approvals(request: Request) -> Any:
        return await run(backend.approvals)

    async def approve(request: Request) -> Any:
        await _json_body(request)
        return await run(backend.approve, request.path_params["name"])

    async def reject(request: Request) -> Any:
        body = await _json_body(request)
        return await run(backend.reject, request.path_params["name"], str(body.get("reason", "")))

    async def set_mode(request: Request) -> Any:
        body = await _json_body(request)
        return await run(backend.set_mode, str(body.get("mode", "")))

    async def get_resources(request: Request) -> Any:
        return await run(backend.resources)

    async def health(request: Request) -> Response:
        return JSONResponse({"console": "sfnlocal", "stack": backend.settings.endpoint})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        backend.reports.start()
        try:
            yield
        finally:
            await run(backend.reports.stop)

    routes = [
        Route("/", home),
        Route("/state-machine", state_machine_page),
        Route("/executions", executions_page),
        Route("/executions/{name}", execution_page),
        Route("/approvals", approvals_page),
        Route("/resources", resources_page),
        Route("/healthz", health),
        Route("/api/state-machine", api(get_state_machine)),
        Route("/api/executions", api(get_executions), methods=["GET"]),
        Route("/api/executions", api(post_execution), methods=["POST"]),
        Route("/api/executions/{name}", api(get_execution)),
        Route("/api/approvals", api(get_approvals)),
        Route("/api/approvals/mode", api(set_mode), methods=["POST"]),
        Route("/api/approvals/{name}/approve", api(approve), methods=["POST"]),
        Route("/api/approvals/{name}/reject", api(reject), methods=["POST"]),
        Route("/api/resources", api(get_resources)),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    return Starlette(
        routes=routes,
        middleware=[
            Middleware(Guard, port=port, token=token),
            Middleware(RequestBodyLimitMiddleware, max_body_size=MAX_BODY),
        ],
        lifespan=lifespan,
    )
