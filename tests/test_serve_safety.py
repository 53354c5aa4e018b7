"""`sla serve` keeps to loopback without users, asks for a login with them, and guards every
form and response (CSRF, CSP without inline script, nosniff, no framing, bounded bodies)."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from cli import main
from engine.errors import InputError
from engine.serve.security import hash_password, load_users
from tests.serve_support import client, contracts_copy


@pytest.fixture
def contracts(tmp_path: Path) -> Path:
    return contracts_copy(tmp_path)


@pytest.fixture
def users(tmp_path: Path) -> Path:
    file = tmp_path / "users.txt"
    file.write_text(f"# sales\nmarieke:{hash_password('tulp-2026')}\n", encoding="utf-8")
    return file


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::"])
def test_another_host_without_users_is_refused(host: str) -> None:
    result = CliRunner().invoke(main, ["serve", "--host", host])
    assert result.exit_code == 2
    assert "--users" in result.stderr


def test_another_host_with_users_starts(monkeypatch: pytest.MonkeyPatch, users: Path) -> None:
    import uvicorn

    started: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(kw))
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--users", str(users)])
    assert result.exit_code == 0, result.output
    assert started["host"] == "0.0.0.0"


def test_default_is_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    started: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(kw))
    assert CliRunner().invoke(main, ["serve"]).exit_code == 0
    assert started["host"] == "127.0.0.1"


def test_bad_users_file_names_the_line(tmp_path: Path) -> None:
    file = tmp_path / "users.txt"
    file.write_text("marieke:geheim\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_users(file)
    assert error.value.problems[0].location.line == 1
    result = CliRunner().invoke(main, ["serve", "--users", str(file)])
    assert result.exit_code == 1 and "users.txt:1" in result.stderr


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match, "the form carries no CSRF token"
    return match.group(1)


def test_with_users_every_page_and_call_needs_a_login(contracts: Path, users: Path) -> None:
    web = client(contracts, users)
    page = web.get("/", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/"
    for path in ("/api/v1/contracts", "/openapi.json"):
        denied = web.get(path)
        assert denied.status_code == 401
        assert denied.headers["content-type"] == "application/problem+json"
        assert denied.headers["www-authenticate"].startswith("Basic")
    wrong = base64.b64encode(b"marieke:tulp").decode()
    assert (
        web.get("/api/v1/contracts", headers={"authorization": f"Basic {wrong}"}).status_code == 401
    )
    right = base64.b64encode(b"marieke:tulp-2026").decode()
    assert (
        web.get("/api/v1/contracts", headers={"authorization": f"Basic {right}"}).status_code == 200
    )


def test_login_with_csrf_then_pages_open(contracts: Path, users: Path) -> None:
    web = client(contracts, users)
    form = web.get("/login?next=/quote")
    token = csrf_of(form.text)
    assert web.post("/login", data={"user": "marieke", "password": "tulp-2026"}).status_code == 403
    bad = web.post("/login", data={"csrf": token, "user": "marieke", "password": "x", "next": "/"})
    assert bad.status_code == 401 and "verkeerd wachtwoord" in bad.text
    good = web.post(
        "/login",
        data={"csrf": token, "user": "marieke", "password": "tulp-2026", "next": "/quote"},
        follow_redirects=False,
    )
    assert good.status_code == 303 and good.headers["location"] == "/quote"
    assert web.get("/").status_code == 200
    assert web.get("/api/v1/contracts").status_code == 200  # the session serves the API too
    web.cookies.set("sla_session", "bWFyaWVrZQ.9999999999.forged")
    assert web.get("/", follow_redirects=False).status_code == 303


def test_login_never_redirects_off_site(contracts: Path, users: Path) -> None:
    web = client(contracts, users)
    token = csrf_of(web.get("/login").text)
    answer = web.post(
        "/login",
        data={"csrf": token, "user": "marieke", "password": "tulp-2026", "next": "//evil.example"},
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/"


@pytest.mark.parametrize("path", ["/configure/save", "/configure/preview", "/quote"])
def test_forms_without_the_right_csrf_token_are_refused(contracts: Path, path: str) -> None:
    web = client(contracts)
    token = csrf_of(web.get("/configure/new").text)
    assert web.post(path, data={"customer": "x"}).status_code == 403
    other = client(contracts)  # another browser: another cookie, so this token does not fit
    other.get("/")
    assert other.post(path, data={"csrf": token, "customer": "x"}).status_code == 403


PAGES = ["/", "/configure/new", "/contracts/bakkerij-de-vries", "/contracts/bakkerij-de-vries/edit",
         "/quote", "/login"]  # fmt: skip


@pytest.mark.parametrize("path", [*PAGES, "/api/v1/contracts", "/openapi.json"])
def test_headers_on_every_response(contracts: Path, path: str) -> None:
    response = client(contracts).get(path)
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    script = re.search(r"script-src ([^;]+)", csp)
    assert script and script.group(1).strip() == "'self'"
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_no_inline_script_or_handlers(contracts: Path, path: str) -> None:
    page = client(contracts).get(path).text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert not re.search(r"\son[a-z]+=", page)


def test_request_bodies_are_bounded(contracts: Path) -> None:
    web = client(contracts)
    big = b"# " + b"x" * 1_100_000 + b"\n"
    response = web.post(
        "/api/v1/validate", content=big, headers={"content-type": "application/yaml"}
    )
    assert response.status_code == 413

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(30):
            yield b"x" * 50_000

    streamed = web.post(
        "/api/v1/validate", content=chunks(), headers={"content-type": "application/yaml"}
    )
    assert streamed.status_code == 413


def test_openapi_is_served_without_docs_pages(contracts: Path) -> None:
    web: TestClient = client(contracts)
    assert web.get("/openapi.json").status_code == 200
    assert web.get("/docs").status_code == 404


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example"])
def test_without_users_only_loopback_names_are_answered(contracts: Path, host: str) -> None:
    web = client(contracts)
    for path in ("/", "/api/v1/contracts"):
        assert web.get(path, headers={"host": host}).status_code == 400
    for good in ("localhost:8000", "127.0.0.1", "[::1]:8000"):
        assert web.get("/api/v1/contracts", headers={"host": good}).status_code == 200
