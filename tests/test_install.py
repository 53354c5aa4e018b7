"""A built, non-editable install finds its rules, schemas and templates from any folder.

The wheel is built offline from the working tree (no build isolation, no index) and installed
into a new virtualenv that borrows this one's dependencies; `sla` then runs in a folder that
is not the project's, where only the installed copy of engine/ can be imported.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from engine.paths import PROJECT_ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin/ folder of a fresh virtualenv with the wheel of this tree installed."""
    root = tmp_path_factory.mktemp("install")
    build = root / "build"
    shutil.copytree(
        PROJECT_ROOT,
        build,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "build", "*.egg-info", "__pycache__", ".*_cache", "out", "tests"
        ),
    )
    wheels = root / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    subprocess.run(
        [
            *pip,
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-w",
            str(wheels),
            str(build),
        ],
        check=True,
        cwd=root,
    )
    (wheel,) = wheels.glob("sla-*.whl")
    _assert_carries_every_shipped_file(wheel)
    target = root / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    bin_dir = target / "bin"
    new_purelib = subprocess.run(
        [str(bin_dir / "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # The dependencies come from this virtualenv: a plain path entry, so its editable
    # install of sla (a .pth file of its own) is not picked up.
    Path(new_purelib, "borrowed-dependencies.pth").write_text(
        sysconfig.get_path("purelib") + "\n", encoding="utf-8"
    )
    subprocess.run(
        [
            *pip,
            "--python",
            str(bin_dir / "python"),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        cwd=root,
    )
    return bin_dir


def _assert_carries_every_shipped_file(wheel: Path) -> None:
    """Every file of rules/, schemas/ and templates/ is in the wheel under engine/_shipped/, and
    every static file of the web pages beside engine/serve/: a folder added to the checkout but
    not to pyproject.toml's package list would otherwise be missing only from an install."""
    with zipfile.ZipFile(wheel) as archive:
        carried = set(archive.namelist())
    shipped = [
        path.relative_to(PROJECT_ROOT)
        for folder in ("rules", "schemas", "templates")
        for path in (PROJECT_ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    ]
    missing = [str(p) for p in shipped if f"engine/_shipped/{p.as_posix()}" not in carried]
    assert not missing, f"not in the wheel (add them to pyproject.toml): {missing}"


def sla(bin_dir: Path, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return subprocess.run(
        [str(bin_dir / "sla"), *args], cwd=folder, capture_output=True, text=True, env=env
    )


def test_the_engine_comes_from_the_install_not_the_checkout(
    installed: Path, tmp_path: Path
) -> None:
    result = subprocess.run(
        [
            str(installed / "python"),
            "-c",
            "import engine, cli; print(engine.__file__, cli.__file__)",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(PROJECT_ROOT) not in result.stdout
    assert "site-packages" in result.stdout


def test_validate_a_contract_from_another_folder(installed: Path, tmp_path: Path) -> None:
    shutil.copy(PROJECT_ROOT / "contracts" / "bakkerij-de-vries.yaml", tmp_path / "c.yaml")
    result = sla(installed, tmp_path, "validate", "c.yaml")
    assert (result.returncode, result.stdout, result.stderr) == (0, "1 file valid\n", "")
    result = sla(installed, tmp_path, "validate", "c.yaml", "--lang", "nl")  # the catalogues
    assert (result.returncode, result.stdout) == (0, "1 bestand geldig\n")
    shutil.copy(PROJECT_ROOT / "tests/cases/invalid/unknown-tier/input.yaml", tmp_path / "bad.yaml")
    result = sla(installed, tmp_path, "validate", "bad.yaml")
    assert result.returncode == 1
    assert "bad.yaml:2:7: tier: unknown tier 'advancd'; did you mean 'advanced'?" in result.stdout


def test_quote_and_a_pdf_from_another_folder(installed: Path, tmp_path: Path) -> None:
    result = sla(
        installed, tmp_path, "quote", "advanced", "--priority", "1", "--start",
        "2026-11-28T11:00", "--minutes", "20", "--format", "json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert '"total": "145.00"' in result.stdout
    shutil.copy(PROJECT_ROOT / "contracts" / "bakkerij-de-vries.yaml", tmp_path / "c.yaml")
    result = sla(
        installed, tmp_path, "render", "c.yaml", "--doc", "annex", "--format", "pdf",
        "-o", "annex.pdf", "--date", "2026-12-01",
    )  # fmt: skip
    assert (result.returncode, result.stdout) == (0, "wrote annex.pdf\n"), result.stderr
    assert (tmp_path / "annex.pdf").read_bytes().startswith(b"%PDF-")


def test_rules_option_points_at_a_contracts_repository_price_list(
    installed: Path, tmp_path: Path
) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(PROJECT_ROOT / "rules", rules)
    prices = rules / "prices.yaml"
    text = prices.read_text(encoding="utf-8")
    assert 'sla_without_addon: "100.00"' in text
    prices.write_text(text.replace('sla_without_addon: "100.00"', 'sla_without_addon: "110.00"'))
    call = ("advanced", "--priority", "1", "--start", "2026-11-28T11:00", "--minutes", "20")
    before = sla(installed, tmp_path, "quote", *call, "--format", "json")
    after = sla(installed, tmp_path, "quote", *call, "--rules", "rules", "--format", "json")
    group = sla(installed, tmp_path, "--rules", "rules", "quote", *call, "--format", "json")
    assert '"total": "145.00"' in before.stdout
    assert '"total": "155.00"' in after.stdout, after.stderr
    assert group.stdout == after.stdout
