"""The rule set as commands load it: read and checked once, then kept in a cache between runs.

Loading the rules means parsing some 35 YAML files and checking each against its JSON Schema,
which costs a small command most of its start-up (jsonschema alone takes a tenth of a second to
import). A rule set that loaded without problems is therefore pickled into the user's cache
folder (`$SLA_CACHE_DIR`, else `$XDG_CACHE_HOME/sla`, else `~/.cache/sla`), under a key made
of everything it was made from: the rules folder's path and each rule file's name and
contents, the schemas likewise, the size and modification time of each source file of the
engine and of the holidays package, and the Python version. The public holidays the
calendars name are kept with it, for the years around this one. Any change gives another key,
so a cached rule set is never used across versions or after an edit; the cache is safe to
delete at any time, and a cache that cannot be read or written is ignored.
`SLA_CACHE_DIR=""` turns the cache off.

Only rule sets without problems are cached: `sla validate` reads the files every time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from datetime import date
from importlib.util import find_spec
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
        rules, holidays = cached
        from engine.clock import calendars

        for key, days in holidays.items():
            calendars.HOLIDAY_NAMES.setdefault(key, days)
        return rules
    rules = load_checked(folder)
    rules.settings  # noqa: B018  # computed now, so that it is cached with the rest
    _write(entry, (rules, _holiday_table(rules)))
    return rules


def _holiday_table(rules: RuleSet) -> dict[tuple[str, str | None, int], dict[date, list[str]]]:
    """The public holidays the calendars of `rules` name, for the years around this one: a
    deadline then need not load the holidays package (a tenth of a second and more)."""
    from engine.clock.calendars import holiday_names

    this_year = date.today().year
    table = {}
    for rule in rules.calendar_rules().values():
        spec = rule.get("holidays")
        if not spec or "country" not in spec:
            continue
        country, language = str(spec["country"]), spec.get("language")
        for year in _holiday_years(this_year):
            table[(country, language, year)] = holiday_names(
                country, language, range(year, year + 1)
            )
    return table


def _holiday_years(this_year: int) -> range:
    """Ten years either side, and always those `sla validate` checks names over."""
    return range(min(this_year - 10, 2026), max(this_year + 10, 2031))


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
    holidays = find_spec("holidays")  # its tables are cached too; found without importing it
    sources = sorted(PACKAGE_DIR.rglob("*.py"))
    if holidays is not None and holidays.origin:
        sources += sorted(Path(holidays.origin).parent.glob("*.py"))
    for path in sources:
        stat = path.stat()
        digest.update(f"|{path}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:32]


_Entry = tuple[RuleSet, dict[tuple[str, str | None, int], dict[date, list[str]]]]


def _read(entry: Path) -> _Entry | None:
    try:
        with entry.open("rb") as stream:
            cached = pickle.load(stream)
    except Exception:  # missing, half-written by another version, unreadable: load afresh
        return None
    if isinstance(cached, tuple) and len(cached) == 2 and isinstance(cached[0], RuleSet):
        return cached
    return None


def _write(entry: Path, rules: _Entry) -> None:
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
