"""Shared set-up of the `sla serve` tests: a server over a copy of the shipped contracts."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from fastapi.testclient import TestClient

from cli import main
from engine.paths import CONTRACTS_DIR, RULES_DIR
from engine.serve.app import build_server, create_app


def contracts_copy(folder: Path, git: bool = False) -> Path:
    target = folder / "contracts"
    shutil.copytree(CONTRACTS_DIR, target)
    if git:
        for args in (
            ["init", "-q"],
            ["-c", "user.name=t", "-c", "user.email=t@t", "add", "."],
            ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "start"],
        ):
            subprocess.run(["git", "-C", str(target), *args], check=True)
    return target


def client(contracts: Path, users: Path | None = None) -> TestClient:
    return TestClient(
        create_app(build_server(RULES_DIR, contracts, users)), base_url="http://127.0.0.1:8000"
    )


def cli_json(*args: str) -> tuple[int, Any]:
    """Exit code and parsed stdout of `sla ARGS` (with --format json in ARGS)."""
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip() else None
