"""The ASGI application: the API, the pages, and the guards around both."""

from __future__ import annotations

import re
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

    app.add_middleware(Guarded, server=server)
    app.add_middleware(BodyLimit)  # outermost: the body is counted before anything reads it
    return app


class Guarded:
    """Login (when there are users) before anything else, and the safety headers on every
    response. Plain ASGI: a request costs a header scan, not a task and a stream per layer."""

    def __init__(self, app: ASGIApp, server: Server) -> None:
        self.app = app
        self.server = server
        self.headers = [(k.lower().encode(), v.encode()) for k, v in HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        refusal = self._refusal(scope)
        if refusal is not None:
            await refusal(scope, receive, with_headers)
            return
        await self.app(scope, receive, with_headers)

    def _refusal(self, scope: Scope) -> Response | None:
        guard = self.server.guard
        path: str = scope["path"]
        if not guard.login_required:
            # Without logins only this machine may ask, and by a loopback name: a web page
            # elsewhere that rebinds its own host name to 127.0.0.1 is refused by its Host.
            if _loopback_host(scope):
                return None
            return problem(400, "this server answers only to 127.0.0.1, ::1 or localhost")
        if path.startswith(_OPEN_PATHS):
            return None
        request = Request(scope)
        user = guard.user_of(request.cookies.get(SESSION_COOKIE))
        if user is None and path.startswith("/api/"):
            user = guard.basic_user(request.headers.get("authorization"))
        if user is not None:
            scope.setdefault("state", {})["user"] = user
            return None
        if path.startswith(("/api/", "/openapi.json")):
            return problem(
                401,
                "log in: send HTTP Basic credentials of a user in the --users file",
                headers={"WWW-Authenticate": 'Basic realm="sla"'},
            )
        query = scope.get("query_string", b"").decode("latin-1")
        target = path + (f"?{query}" if query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


_LOOPBACK_HOST = re.compile(r"^(?:127\.0\.0\.1|localhost|\[::1\])(?::\d{1,5})?$")


def _loopback_host(scope: Scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"host":
            return _LOOPBACK_HOST.match(value.decode("latin-1")) is not None
    return False


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
