"""The rule set as commands load it: read and checked once, then kept in a cache between runs.

Loading the rules means parsing some 35 YAML files and checking each against its JSON Schema,
which costs a small command most of its start-up (jsonschema alone takes a tenth of a second to
import). A rule set that loaded without problems is therefore pickled into the user's cache
folder (`$SLA_CACHE_DIR`, else `$XDG_CACHE_HOME/sla`, else `~/.cache/sla`), under a key made
of everything it was made from: the rules folder's path and each rule file's name and
contents, the schemas likewise, the size and modification time of each source file of the
engine, and the Python version. Any change gives another key, so a cached rule set is never
used across versions or after an edit; the cache is safe to delete at any time, and a cache
that cannot be read or written is ignored. `SLA_CACHE_DIR=""` turns the cache off.

Only rule sets without problems are cached: `sla validate` reads the files every time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

from engine.rules.ruleset import RuleSet
from engine.rules.ruleset import load_rules as load_checked

_FORMAT = 1  # bumped when what is pickled changes shape in a way the key would not see


def load_rules(rules_dir: Path | None = None) -> RuleSet:
    """The rules of `rules_dir` (default: the shipped rules), loaded and checked; from the
    cache when nothing they were made from has changed."""
    from engine.paths import RULES_DIR

    folder = rules_dir or RULES_DIR
    cache = cache_dir()
    if cache is None or not folder.is_dir():
        return load_checked(folder)
    entry = cache / f"rules-{cache_key(folder)}.pickle"
    cached = _read(entry)
    if cached is not None:
        return cached
    rules = load_checked(folder)
    rules.settings  # noqa: B018  # computed now, so that it is cached with the rest
    _write(entry, rules)
    return rules


def cache_dir() -> Path | None:
    """Where cached rule sets go; None when caching is turned off."""
    configured = os.environ.get("SLA_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sla"


def cache_key(rules_dir: Path) -> str:
    """A digest of everything a loaded rule set depends on (see the module's docstring)."""
    from engine.paths import PACKAGE_DIR, SCHEMAS_DIR

    digest = hashlib.sha256()
    digest.update(f"{_FORMAT}|{sys.version}|{pickle.HIGHEST_PROTOCOL}|".encode())
    folder = rules_dir.resolve()
    digest.update(str(folder).encode())
    for root, pattern in ((folder, "*.y*ml"), (SCHEMAS_DIR, "*.json")):
        for path in sorted(root.rglob(pattern)):  # contents: an edit within a tick still counts
            digest.update(f"|{path}|".encode())
            digest.update(path.read_bytes())
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        stat = path.stat()
        digest.update(f"|{path}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:32]


def _read(entry: Path) -> RuleSet | None:
    try:
        with entry.open("rb") as stream:
            rules = pickle.load(stream)
    except Exception:  # missing, half-written by another version, unreadable: load afresh
        return None
    return rules if isinstance(rules, RuleSet) else None


def _write(entry: Path, rules: RuleSet) -> None:
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".rules-")
    except OSError:  # a read-only home: the cache is only a shortcut
        return
    try:
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(rules, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, entry)
    except (OSError, pickle.PicklingError):  # a full disk: the same
        Path(temporary).unlink(missing_ok=True)
