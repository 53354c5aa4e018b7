"""The JSON API answers exactly what the command line answers with `--format json`."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from cli import main
from tests.serve_support import cli_json, client, contracts_copy

SHIPPED = [
    "advocatenkantoor-meijer",
    "bakkerij-de-vries",
    "fietsenmaker-bos",
    "jansen-installatietechniek",
]


@pytest.fixture
def contracts(tmp_path: Path) -> Path:
    return contracts_copy(tmp_path)


@pytest.fixture
def api(contracts: Path) -> TestClient:
    return client(contracts)


def target(contracts: Path, name: str) -> str:
    return str(contracts / f"{name}.yaml") if "-" in name else name


@pytest.mark.parametrize("contract_id", SHIPPED)
def test_get_contract_is_sla_show_json(api: TestClient, contracts: Path, contract_id: str) -> None:
    response = api.get(f"/api/v1/contracts/{contract_id}")
    code, expected = cli_json("show", target(contracts, contract_id), "--format", "json")
    assert (response.status_code, code) == (200, 0)
    assert response.json() == expected
    assert response.headers["etag"].startswith('"')


def test_list_names_every_contract_with_its_show_json(api: TestClient, contracts: Path) -> None:
    listed = api.get("/api/v1/contracts").json()
    assert [entry["id"] for entry in listed] == SHIPPED
    for entry in listed:
        _, expected = cli_json("show", target(contracts, entry["id"]), "--format", "json")
        assert entry["valid"] and entry["contract"] == expected and entry["problems"] == []


DEADLINES = [
    ({"contract": "standaard", "priority": 1, "reported": "2026-11-23T16:00"}, []),
    (
        {
            "contract": "advocatenkantoor-meijer",
            "priority": 2,
            "reported": "2026-11-27 18:00",
            "first_response": "2026-11-27 19:10",
        },
        [],
    ),
    (
        {
            "contract": "advanced",
            "priority": 1,
            "reported": "2026-11-23T10:00",
            "resolved": "2026-11-24T12:00",
            "on_site": "2026-11-23T13:00",
            "pauses": [{"from": "2026-11-23T11:00", "to": "2026-11-23T12:00"}],
            "causes": ["derde-partij"],
            "addons": ["aws"],
        },
        [],
    ),
]


def deadline_args(contracts: Path, body: dict[str, object]) -> list[str]:
    args = ["deadline", target(contracts, str(body["contract"]))]
    args += ["--priority", str(body["priority"]), "--reported", str(body["reported"])]
    for key in ("first_response", "resolved", "on_site"):
        if key in body:
            args += [f"--{key.replace('_', '-')}", str(body[key])]
    for pause in body.get("pauses", []):  # type: ignore[attr-defined]
        args += ["--pause", f"{pause['from']}/{pause['to']}"]
    for cause in body.get("causes", []):  # type: ignore[attr-defined]
        args += ["--cause", cause]
    for addon in body.get("addons", []):  # type: ignore[attr-defined]
        args += ["--addon", addon]
    return [*args, "--format", "json"]


@pytest.mark.parametrize(("body", "_"), DEADLINES)
def test_deadlines_are_sla_deadline_json(
    api: TestClient, contracts: Path, body: dict[str, object], _: object
) -> None:
    response = api.post("/api/v1/deadlines", json=body)
    code, expected = cli_json(*deadline_args(contracts, body))
    assert (response.status_code, code) == (200, 0)
    assert response.json() == expected


QUOTES = [
    {"contract": "advanced", "priority": 1, "start": "2026-11-28T11:00", "minutes": 20},
    {
        "contract": "standaard",
        "priority": 2,
        "start": "2026-11-23T10:00",
        "minutes": 40,
        "work": "config-change",
    },
    {
        "contract": "jansen-installatietechniek",
        "priority": 1,
        "start": "2026-11-23T10:00",
        "minutes": 60,
        "on_site": True,
        "travel_minutes": 20,
    },
    {
        "contract": "advanced",
        "priority": 3,
        "start": "2026-11-23T10:00",
        "minutes": 50,
        "causes": ["misbruik"],
        "addons": ["aws"],
    },
]


def quote_args(contracts: Path, body: dict[str, object]) -> list[str]:
    args = ["quote", target(contracts, str(body["contract"]))]
    args += ["--priority", str(body["priority"]), "--start", str(body["start"])]
    args += ["--minutes", str(body["minutes"])]
    if "work" in body:
        args += ["--work", str(body["work"])]
    if body.get("on_site"):
        args += ["--on-site"]
    if "travel_minutes" in body:
        args += ["--travel-minutes", str(body["travel_minutes"])]
    for cause in body.get("causes", []):  # type: ignore[attr-defined]
        args += ["--cause", cause]
    for addon in body.get("addons", []):  # type: ignore[attr-defined]
        args += ["--addon", addon]
    return [*args, "--format", "json"]


@pytest.mark.parametrize("body", QUOTES)
def test_quotes_are_sla_quote_json(
    api: TestClient, contracts: Path, body: dict[str, object]
) -> None:
    response = api.post("/api/v1/quotes", json=body)
    code, expected = cli_json(*quote_args(contracts, body))
    assert (response.status_code, code) == (200, 0)
    assert response.json() == expected


BAD_CONTRACT = """\
customer: Acme B.V.
tier: maatwerk
base: advanced
start: 2026-01-01
period_months: 12
overrides:
  targets:
    P1: {first_response: 8h}
    P2: {first_response: "3 uur"}
"""


@pytest.mark.parametrize(
    "text",
    [
        BAD_CONTRACT,
        "customer: x\n",
        "customer: [unclosed\n",
        (Path(__file__).parent.parent / "contracts" / "bakkerij-de-vries.yaml").read_text(),
    ],
)
def test_validate_is_sla_validate_json(api: TestClient, tmp_path: Path, text: str) -> None:
    file = tmp_path / "body.yaml"
    file.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(file), "--format", "json"])
    import json

    expected = [{k: v for k, v in row.items() if k != "file"} for row in json.loads(result.stdout)]
    response = api.post(
        "/api/v1/validate", content=text.encode(), headers={"content-type": "application/yaml"}
    )
    assert response.status_code == 200
    assert response.json() == {"valid": result.exit_code == 0, "problems": expected}
    assert bool(expected) == (result.exit_code == 1)


def test_engine_errors_are_problem_json_with_the_cli_location(api: TestClient) -> None:
    response = api.post(
        "/api/v1/deadlines", json={"contract": "advanced", "priority": 1, "reported": "23-11"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()["problems"][0]
    assert problem["path"] == "reported" and "23-11" in problem["message"]
    unknown = api.post(
        "/api/v1/quotes",
        json={"contract": "advance", "priority": 1, "start": "2026-11-23T10:00", "minutes": 5},
    )
    assert unknown.status_code == 404 and "did you mean 'advanced'" in unknown.json()["detail"]
    cause = api.post(
        "/api/v1/deadlines",
        json={
            "contract": "advanced",
            "priority": 1,
            "reported": "2026-11-23T10:00",
            "causes": ["derde-party"],
        },
    )
    assert cause.status_code == 422 and "derde-partij" in cause.json()["detail"]


def test_request_fields_are_checked(api: TestClient) -> None:
    response = api.post("/api/v1/deadlines", json={"contract": "advanced", "priority": 5})
    assert response.status_code == 422
    paths = {p["path"] for p in response.json()["problems"]}
    assert paths == {"priority", "reported"}
    extra = api.post(
        "/api/v1/deadlines",
        json={"contract": "advanced", "priority": 1, "reported": "2026-11-23T10:00", "x": 1},
    )
    assert extra.status_code == 422


def test_invalid_contract_in_the_folder_is_422_with_its_file_location(
    api: TestClient, contracts: Path
) -> None:
    (contracts / "broken.yaml").write_text(BAD_CONTRACT, encoding="utf-8")
    response = api.get("/api/v1/contracts/broken")
    assert response.status_code == 422
    rows = response.json()["problems"]
    result = CliRunner().invoke(
        main, ["validate", str(contracts / "broken.yaml"), "--format", "json"]
    )
    import json

    cli_rows = json.loads(result.stdout)
    assert [(r["line"], r["column"], r["path"], r["message"]) for r in rows] == [
        (r["line"], r["column"], r["path"], r["message"]) for r in cli_rows
    ]
    listed = {e["id"]: e for e in api.get("/api/v1/contracts").json()}
    assert listed["broken"]["valid"] is False and listed["broken"]["problems"]


@pytest.mark.parametrize("bad", ["Bakkerij", "a_b", "..%2Fcli", "x.yaml", "-a", "a" * 81])
def test_ids_are_slugs_only(api: TestClient, bad: str) -> None:
    assert api.get(f"/api/v1/contracts/{bad}").status_code in (400, 404)
    put = api.put(
        f"/api/v1/contracts/{bad}",
        content=b"customer: x\n",
        headers={"content-type": "application/yaml", "if-none-match": "*"},
    )
    assert put.status_code in (400, 404)


def test_unknown_id_is_404(api: TestClient) -> None:
    assert api.get("/api/v1/contracts/nobody").status_code == 404


NEW = """\
# yaml-language-server: $schema=../schemas/contract.schema.json
# Sold by Marieke, 2 December.
customer: Acme B.V.
tier: advanced
start: 2026-01-01
period_months: 12
"""


def put(api: TestClient, contract_id: str, text: str, **headers: str):  # type: ignore[no-untyped-def]
    headers = {k.replace("_", "-"): v for k, v in headers.items()}
    return api.put(
        f"/api/v1/contracts/{contract_id}",
        content=text.encode(),
        headers={"content-type": "application/yaml", **headers},
    )


def test_put_creates_then_replaces_with_etags(api: TestClient, contracts: Path) -> None:
    created = put(api, "acme", NEW, if_none_match="*")
    assert created.status_code == 201
    assert (contracts / "acme.yaml").read_text() == NEW
    _, expected = cli_json("show", str(contracts / "acme.yaml"), "--format", "json")
    assert created.json() == expected
    assert put(api, "acme", NEW, if_none_match="*").status_code == 412
    etag = api.get("/api/v1/contracts/acme").headers["etag"]
    assert etag == created.headers["etag"]
    changed = NEW.replace("advanced", "enterprise")
    assert put(api, "acme", changed).status_code == 428
    assert put(api, "acme", changed, if_match='"0000"').status_code == 412
    replaced = put(api, "acme", changed, if_match=etag)
    assert replaced.status_code == 200 and replaced.json()["tier"] == "enterprise"
    stale = put(api, "acme", NEW, if_match=etag)
    assert stale.status_code == 412
    assert stale.headers["etag"] == replaced.headers["etag"]
    assert (contracts / "acme.yaml").read_text() == changed


def test_put_invalid_is_422_and_leaves_the_file(api: TestClient, contracts: Path) -> None:
    before = (contracts / "bakkerij-de-vries.yaml").read_bytes()
    etag = api.get("/api/v1/contracts/bakkerij-de-vries").headers["etag"]
    response = put(api, "bakkerij-de-vries", BAD_CONTRACT, if_match=etag)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    paths = {p["path"] for p in response.json()["problems"]}
    assert "overrides.targets.P2.first_response" in paths
    assert (contracts / "bakkerij-de-vries.yaml").read_bytes() == before
    assert put(api, "nieuw", BAD_CONTRACT, if_none_match="*").status_code == 422
    assert not (contracts / "nieuw.yaml").exists()


def test_put_wants_yaml(api: TestClient) -> None:
    response = api.put("/api/v1/contracts/acme", json={"customer": "x"})
    assert response.status_code == 415


def test_put_in_a_git_folder_commits_with_the_semantic_difference(tmp_path: Path) -> None:
    import subprocess

    contracts = contracts_copy(tmp_path, git=True)
    api = client(contracts)
    etag = api.get("/api/v1/contracts/bakkerij-de-vries").headers["etag"]
    text = (contracts / "bakkerij-de-vries.yaml").read_text()
    changed = text.replace("first_response: 1h,", "first_response: 30m,")
    assert changed != text
    assert put(api, "bakkerij-de-vries", changed, if_match=etag).status_code == 200
    log = subprocess.run(
        ["git", "-C", str(contracts), "log", "--format=%B", "-1"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert log.startswith("bakkerij-de-vries: targets.P1.first_response 1h -> 30m (better")
    count = subprocess.run(
        ["git", "-C", str(contracts), "rev-list", "--count", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert count.strip() == "2"


def test_openapi_describes_every_endpoint(api: TestClient) -> None:
    paths = api.get("/openapi.json").json()["paths"]
    assert set(paths) == {
        "/api/v1/contracts",
        "/api/v1/contracts/{contract_id}",
        "/api/v1/deadlines",
        "/api/v1/quotes",
        "/api/v1/validate",
    }
    assert set(paths["/api/v1/contracts/{contract_id}"]) == {"get", "put"}
