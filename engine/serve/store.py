"""The contracts folder as the server sees it: ids, ETags, checked writes and git commits.

An id is a lower-case slug (`bakkerij-de-vries`) and names `<folder>/<id>.yaml`; anything
else is refused before a path is built from it, so no request reaches another file. A write
is validated first, then made atomically (a reader never sees half a file), and only when the
caller's ETag still matches the file: someone else's change in between is never overwritten.
When the folder is in a git repository, each write is one commit whose message names what
changed by meaning (as `sla diff` sees it).
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from engine.output import write_atomic
from engine.paths import display_path
from engine.serve import backend

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 80
_GIT_TIMEOUT = 30


def is_slug(text: str) -> bool:
    return len(text) <= MAX_SLUG and SLUG.match(text) is not None


def etag_of(raw: bytes) -> str:
    return '"' + hashlib.sha256(raw).hexdigest()[:32] + '"'


class Stale(Exception):
    """The file changed since the caller read it (or exists when it should not)."""

    def __init__(self, current: bytes | None) -> None:
        self.current = current
        super().__init__("stale")


class PreconditionRequired(Exception):
    """An existing contract may only be replaced with the ETag it was read with."""


@dataclass(frozen=True)
class Saved:
    created: bool
    etag: str
    commit: str | None  # the commit's id when the folder is a git repository


@dataclass(frozen=True)
class _Cached:
    stamp: tuple[int, int]
    raw: bytes
    contract: backend.EffectiveContract | None
    problems: tuple[backend.Problem, ...]


class ContractStore:
    """The contracts of one folder, checked against one rule set."""

    def __init__(self, folder: Path, rules: backend.RuleSet) -> None:
        self.folder = folder
        self.rules = rules
        self._lock = threading.Lock()
        self._cache: dict[str, _Cached] = {}

    def path(self, contract_id: str) -> Path:
        if not is_slug(contract_id):
            raise ValueError(f"{contract_id!r} is not a contract id")
        return self.folder / f"{contract_id}.yaml"

    def name(self, contract_id: str) -> str:
        """The file as the command line names it in messages."""
        return display_path(self.path(contract_id))

    def ids(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(p.stem for p in self.folder.glob("*.yaml") if is_slug(p.stem))

    def exists(self, contract_id: str) -> bool:
        return self.path(contract_id).is_file()

    def read(self, contract_id: str) -> bytes | None:
        try:
            return self.path(contract_id).read_bytes()
        except FileNotFoundError:
            return None

    def load(self, contract_id: str) -> _Cached | None:
        """The file's bytes, its effective contract (None when invalid) and its problems.

        Cached by modification time and size: the helpdesk asks for the same contracts all
        day, and merging one is most of the cost of a deadline request.
        """
        path = self.path(contract_id)
        try:
            info = path.stat()
        except FileNotFoundError:
            self._cache.pop(contract_id, None)
            return None
        stamp = (info.st_mtime_ns, info.st_size)
        cached = self._cache.get(contract_id)
        if cached is not None and cached.stamp == stamp:
            return cached
        raw = path.read_bytes()
        name = self.name(contract_id)
        problems = backend.contract_problems(self.rules, raw, name)
        contract = None
        if not problems:
            contract = backend.contract_of(self.rules, backend.parse_contract(raw, name))
        cached = _Cached(stamp, raw, contract, tuple(problems))
        self._cache[contract_id] = cached
        return cached

    def all(self) -> Iterator[tuple[str, _Cached]]:
        for contract_id in self.ids():
            loaded = self.load(contract_id)
            if loaded is not None:
                yield contract_id, loaded

    def write(
        self,
        contract_id: str,
        raw: bytes,
        *,
        if_match: str | None,
        if_none_match: str | None,
        message: str,
    ) -> Saved:
        """Write a contract already validated, under the caller's preconditions.

        Raises Stale (412) when the file is not as the caller saw it, PreconditionRequired
        (428) when an existing file is to be replaced without an ETag.
        """
        path = self.path(contract_id)
        with self._lock:
            current = self.read(contract_id)
            if (
                if_none_match is not None
                and current is not None
                and (if_none_match.strip() == "*" or etag_of(current) in _tags(if_none_match))
            ):
                raise Stale(current)
            if if_match is not None:
                matches = current is not None and (
                    if_match.strip() == "*" or etag_of(current) in _tags(if_match)
                )
                if not matches:
                    raise Stale(current)
            elif current is not None and if_none_match is None:
                raise PreconditionRequired()
            write_atomic(path, raw)
            commit = commit_file(path, message)
        return Saved(current is None, etag_of(raw), commit)


def _tags(header: str) -> set[str]:
    tags = set()
    for part in header.split(","):
        tag = part.strip()
        tags.add(tag.removeprefix("W/"))
    return tags


def _git(folder: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(folder), *arguments],
        capture_output=True,
        text=True,
        timeout=_GIT_TIMEOUT,
        check=False,
    )


def in_git(folder: Path) -> bool:
    try:
        done = _git(folder, "rev-parse", "--is-inside-work-tree")
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and done.stdout.strip() == "true"


def commit_file(path: Path, message: str) -> str | None:
    """Commit just this file when its folder is in a git repository; the commit id, or None.

    Only this path is committed (`git commit -- path`), so whatever else is staged in the
    repository stays staged and out of the commit. Without a configured identity the commit
    is made as `sla serve`.
    """
    folder = path.parent
    if not in_git(folder):
        return None
    identity: list[str] = []
    if _git(folder, "config", "user.email").returncode != 0:
        identity = ["-c", "user.name=sla serve", "-c", "user.email=sla-serve@localhost"]
    added = _git(folder, "add", "--", path.name)
    if added.returncode != 0:
        return None
    done = _git(folder, *identity, "commit", "--quiet", "-m", message, "--", path.name)
    if done.returncode != 0:
        return None
    head = _git(folder, "rev-parse", "HEAD")
    return head.stdout.strip() or None
