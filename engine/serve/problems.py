"""Errors as `application/problem+json` (RFC 9457), with the command line's locations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi.responses import JSONResponse

from engine.serve import backend

MEDIA_TYPE = "application/problem+json"
TITLES = {
    400: "Bad request",
    401: "Login required",
    404: "Not found",
    412: "Precondition failed",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Invalid input",
    428: "Precondition required",
}


def rows(problems: Sequence[backend.Problem], *, with_file: bool = True) -> list[dict[str, Any]]:
    """Each problem as `sla validate --format json` writes it."""
    out = []
    for p in problems:
        row: dict[str, Any] = {"file": p.location.file} if with_file else {}
        row.update(
            line=p.location.line,
            column=p.location.column,
            path=p.location.path,
            message=p.message,
        )
        out.append(row)
    return out


def problem(
    status: int,
    detail: str,
    problems: Sequence[backend.Problem] = (),
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if problems:
        body["problems"] = rows(problems)
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)
