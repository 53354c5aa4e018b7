"""The ASGI application: the API, the pages, and the guards around both."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from engine.errors import Location, Problem
from engine.serve import api, pages
from engine.serve.context import MAX_BODY, MAX_UPLOAD, Server
from engine.serve.problems import problem
from engine.serve.security import HEADERS, SESSION_COOKIE

STATIC_DIR = Path(__file__).resolve().parent / "static"
_OPEN_PATHS = ("/login", "/static/")
_UPLOAD_PATHS = ("/configure/whatif",)


class BodyLimit:
    """Refuse a request body over the limit, whether or not it says its length (413)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = MAX_UPLOAD if scope["path"].startswith(_UPLOAD_PATHS) else MAX_BODY
        for name, value in scope.get("headers", []):
            if name == b"content-length" and (not value.isdigit() or int(value) > limit):
                await _too_large(limit)(scope, receive, send)
                return
        # No usable length (a chunked body): read it up to the limit before the app sees it,
        # then hand it on. Memory stays bounded by the limit.
        if not any(name == b"content-length" for name, _ in scope.get("headers", [])):
            body = bytearray()
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    break
                body += message.get("body", b"")
                if len(body) > limit:
                    await _too_large(limit)(scope, receive, send)
                    return
                if not message.get("more_body", False):
                    break
            replayed = False

            async def replay() -> Message:
                nonlocal replayed
                if replayed:
                    return await receive()
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}

            await self.app(scope, replay, send)
            return
        await self.app(scope, receive, send)


def _too_large(limit: int) -> Response:
    return problem(413, f"the request body is over {limit:,} bytes")


def create_app(server: Server) -> FastAPI:
    app = FastAPI(
        title="sla serve",
        version="1",
        summary="VIOMS service-level contracts: the helpdesk's JSON API",
        docs_url=None,
        redoc_url=None,
    )
    app.state.server = server
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        problems = [
            Problem(
                str(item.get("msg", "invalid")),
                Location(path=".".join(str(p) for p in item.get("loc", ()) if p != "body")),
            )
            for item in error.errors()
        ]
        return problem(422, "the request does not have the expected fields", problems)

    @app.middleware("http")
    async def guard(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await _guarded(server, request, call_next)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    app.add_middleware(BodyLimit)  # outermost: the body is counted before anything reads it
    return app


async def _guarded(
    server: Server, request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    if not server.guard.login_required or request.url.path.startswith(_OPEN_PATHS):
        return await call_next(request)
    user = server.guard.user_of(request.cookies.get(SESSION_COOKIE))
    if user is None and request.url.path.startswith("/api/"):
        user = server.guard.basic_user(request.headers.get("authorization"))
    if user is not None:
        request.state.user = user
        return await call_next(request)
    if request.url.path.startswith(("/api/", "/openapi.json")):
        return problem(
            401,
            "log in: send HTTP Basic credentials of a user in the --users file",
            headers={"WWW-Authenticate": 'Basic realm="sla"'},
        )
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


def build_server(
    rules_dir: Path, contracts_dir: Path, users_file: Path | None, examples: Path | None = None
) -> Server:
    """Load the rules and users once; the server answers from them until it stops.

    The what-if panel offers the example exports of a source checkout when there are some.
    """
    from engine.paths import EXAMPLES_DIR
    from engine.serve import backend
    from engine.serve.security import Guard, load_users
    from engine.serve.store import ContractStore

    rules = backend.rules_from(rules_dir)
    users = load_users(users_file) if users_file is not None else None
    examples = examples or (EXAMPLES_DIR if EXAMPLES_DIR.is_dir() else None)
    return Server(rules, ContractStore(contracts_dir, rules), Guard(users), examples)
