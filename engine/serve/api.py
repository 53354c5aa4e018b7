"""The JSON API, `/api/v1`: each call answers what the command line answers with
`--format json` for the same input; errors are problem documents with the same locations."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from engine.errors import ReferenceNotFound
from engine.serve import backend, changes
from engine.serve.context import MAX_BODY, Server, server_of
from engine.serve.problems import problem, rows
from engine.serve.store import PreconditionRequired, Stale, etag_of, is_slug

router = APIRouter(prefix="/api/v1", tags=["api"])


async def _server(request: Request) -> Server:
    """The shared server state; async, so FastAPI does not hop to a worker thread for it."""
    return server_of(request)


ServerDep = Annotated[Server, Depends(_server)]
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain")
_YAML_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/yaml": {"schema": {"type": "string"}}},
    }
}
Id = Annotated[str, Path(description="A contract id: the file name without .yaml, a slug")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Pause(Strict):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    start: str = Field(alias="from", description="ISO 8601; Europe/Amsterdam without offset")
    to: str


class DeadlineRequest(Strict):
    contract: str = Field(description="A contract id or a tier id")
    priority: int = Field(ge=1, le=4)
    reported: str = Field(description="ISO 8601; Europe/Amsterdam without an offset")
    first_response: str | None = None
    resolved: str | None = None
    on_site: str | None = None
    pauses: list[Pause] = []
    causes: list[str] = []
    addons: list[str] = []


class QuoteRequest(Strict):
    contract: str = Field(description="A contract id or a tier id")
    priority: int = Field(ge=1, le=4)
    start: str
    minutes: int = Field(ge=0)
    work: Literal["incident", "config-change", "outside-sla"] = "incident"
    on_site: bool = False
    travel_minutes: int = Field(default=0, ge=0)
    causes: list[str] = []
    addons: list[str] = []
    ticket: str | None = None


class ValidationProblem(BaseModel):
    line: int | None
    column: int | None
    path: str | None
    message: str


class ValidationResult(BaseModel):
    valid: bool
    problems: list[ValidationProblem]


class ContractEntry(BaseModel):
    id: str
    file: str
    valid: bool
    contract: dict[str, Any] | None
    problems: list[dict[str, Any]]


def _time(field: str, text: str) -> Any:
    try:
        return backend.time_of(text)
    except backend.SlaError as error:
        raise backend.SlaError(
            [backend.Problem(p.message, p.location.__class__(path=field)) for p in error.problems]
        ) from None


def _engine_error(error: backend.SlaError) -> JSONResponse:
    status = 404 if isinstance(error, ReferenceNotFound) and _about_contract(error) else 422
    return problem(status, str(error.problems[0]), error.problems)


def _about_contract(error: backend.SlaError) -> bool:
    return any(p.location.path == "contract" for p in error.problems)


@router.get("/contracts", response_model=list[ContractEntry])
def list_contracts(server: ServerDep) -> list[dict[str, Any]]:
    """Every contract of the folder: its effective contract as `sla show --format json`, or
    its problems as `sla validate --format json`."""
    out = []
    for contract_id, loaded in server.store.all():
        out.append(
            {
                "id": contract_id,
                "file": server.store.name(contract_id),
                "valid": loaded.contract is not None,
                "contract": backend.contract_dict(loaded.contract) if loaded.contract else None,
                "problems": rows(loaded.problems),
            }
        )
    return out


@router.get("/contracts/{contract_id}", responses={404: {}, 400: {}, 422: {}})
def get_contract(contract_id: Id, server: ServerDep) -> Response:
    """The effective contract, as `sla show CONTRACT --format json`; its ETag for a PUT."""
    if not is_slug(contract_id):
        return problem(400, f"{contract_id!r} is not a contract id (a lower-case slug)")
    loaded = server.store.load(contract_id)
    if loaded is None:
        return problem(404, f"there is no contract {contract_id!r}")
    headers = {"ETag": etag_of(loaded.raw)}
    if loaded.contract is None:
        detail = str(loaded.problems[0])
        return problem(422, detail, loaded.problems, headers=headers)
    return JSONResponse(backend.contract_dict(loaded.contract), headers=headers)


@router.post("/deadlines", responses={404: {}, 422: {}})
async def post_deadlines(request: DeadlineRequest, server: ServerDep) -> Response:
    """When a ticket is due and whether it was met, as `sla deadline … --format json`."""
    try:
        contract = server.target(request.contract, tuple(request.addons))
        answer = backend.deadlines_dict(
            server.rules,
            contract,
            priority=request.priority,
            reported=_time("reported", request.reported),
            first_response=_maybe("first_response", request.first_response),
            resolved=_maybe("resolved", request.resolved),
            on_site=_maybe("on_site", request.on_site),
            pauses=[
                (_time(f"pauses[{i}].from", p.start), _time(f"pauses[{i}].to", p.to))
                for i, p in enumerate(request.pauses)
            ],
            causes=request.causes,
        )
    except backend.SlaError as error:
        return _engine_error(error)
    return JSONResponse(answer)


def _maybe(field: str, text: str | None) -> Any:
    return None if text is None else _time(field, text)


@router.post("/quotes", responses={404: {}, 422: {}})
async def post_quotes(request: QuoteRequest, server: ServerDep) -> Response:
    """What a call costs, line by line, as `sla quote … --format json`."""
    try:
        contract = server.target(request.contract, tuple(request.addons))
        work = backend.make_work(
            priority=request.priority,
            start=_time("start", request.start),
            minutes=request.minutes,
            kind=request.work,
            on_site=request.on_site,
            travel_minutes=request.travel_minutes,
            causes=request.causes,
            ticket=request.ticket,
        )
        answer = backend.quote_dict(backend.quote_for(server.rules, contract, work), work)
    except backend.SlaError as error:
        return _engine_error(error)
    return JSONResponse(answer)


async def _yaml_body(request: Request) -> bytes | Response:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in YAML_TYPES:
        return problem(415, "send the contract as YAML (Content-Type: application/yaml)")
    raw = await request.body()
    if len(raw) > MAX_BODY:
        return problem(413, f"the body is over {MAX_BODY:,} bytes; a contract is a page")
    return raw


@router.post("/validate", response_model=ValidationResult, openapi_extra=_YAML_BODY)
async def post_validate(request: Request, server: ServerDep) -> Response:
    """Check a contract (YAML body) as `sla validate` does; every problem, with its place."""
    raw = await _yaml_body(request)
    if isinstance(raw, Response):
        return raw
    problems = backend.contract_problems(server.rules, raw, "request body")
    return JSONResponse({"valid": not problems, "problems": rows(problems, with_file=False)})


@router.put(
    "/contracts/{contract_id}",
    openapi_extra=_YAML_BODY,
    responses={200: {}, 201: {}, 400: {}, 412: {}, 415: {}, 422: {}, 428: {}},
)
async def put_contract(
    contract_id: Id,
    request: Request,
    server: ServerDep,
    if_match: Annotated[str | None, Header()] = None,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """Create (`If-None-Match: *`, 201) or replace (`If-Match: <ETag>`, 200) a contract.

    The body is validated first; an invalid one is 422 with its problems and the file is left
    as it was. A stale ETag is 412; replacing an existing contract without one is 428.
    """
    if not is_slug(contract_id):
        return problem(400, f"{contract_id!r} is not a contract id (a lower-case slug)")
    raw = await _yaml_body(request)
    if isinstance(raw, Response):
        return raw
    name = server.store.name(contract_id)
    problems = backend.contract_problems(server.rules, raw, name)
    if problems:
        return problem(422, f"the contract is not valid ({len(problems)} problems)", problems)
    new = backend.contract_of(server.rules, backend.parse_contract(raw, name))
    old_loaded = server.store.load(contract_id)
    old = old_loaded.contract if old_loaded is not None else None
    try:
        saved = server.store.write(
            contract_id,
            raw,
            if_match=if_match,
            if_none_match=if_none_match,
            message=changes.commit_message(contract_id, old, new),
        )
    except Stale as stale:
        headers = {"ETag": etag_of(stale.current)} if stale.current is not None else None
        detail = (
            "the contract was changed since you read it; read it again (GET) and reapply"
            if stale.current is not None
            else "there is no such contract to replace; create it with If-None-Match: *"
        )
        return problem(412, detail, headers=headers)
    except PreconditionRequired:
        return problem(428, "the contract exists; send If-Match with the ETag you read it with")
    headers = {"ETag": saved.etag}
    if saved.created:
        headers["Location"] = f"/api/v1/contracts/{contract_id}"
    return JSONResponse(
        backend.contract_dict(new), status_code=201 if saved.created else 200, headers=headers
    )
