"""`sla diff`: what differs between two effective contracts, each side with its origin.

Two contracts are compared as they apply, not as text: the header (customer, tier, base,
add-ons, start, period) and every value of the effective contract (services, targets, rates,
calendar, extended hours, configuration-change allowance). Values are compared by meaning:
`60m` equals `1h`, `"80.00"` equals `"80.0"`, a service's priorities are a set. A value that
moved to another layer but kept its meaning is not a difference. Each difference carries the
old and new value, the layer and file:line:col that set it on each side, and whether it is
better or worse for the customer (engine.contract.deviations.compare; blank when not judged).

A side is a tier id, a contract file, or a contract file at an earlier git revision
(`contract_at_revision`, read with `git show REV:./path`).
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from engine.clock.durations import parse_duration
from engine.contract.deviations import compare, format_value
from engine.contract.load import resolve_target
from engine.contract.merge import EffectiveContract, Origin, effective_for_contract
from engine.errors import InputError, ValidationError
from engine.i18n import _, ngettext, pgettext
from engine.paths import display_path
from engine.pricing.money import parse_money
from engine.rules.problems import printable
from engine.rules.ruleset import RuleSet
from engine.rules.schemas import check
from engine.rules.yaml_loader import Document, load_yaml, parse_yaml

HEADER = (
    "customer",
    "tier",
    "base",
    "addons",
    "start",
    "period_months",
    "waived_exceptions",
)
FORMATS = ("text", "json", "md")
_GIT_TIMEOUT = 30


@dataclass(frozen=True)
class Side:
    """One side of a diff: its name as shown, its effective contract and its file if any."""

    label: str
    contract: EffectiveContract
    document: Document | None = None


@dataclass(frozen=True)
class Change:
    """One difference: the value and its origin on the old and the new side."""

    path: str
    old: Any
    new: Any
    old_origin: Origin | None
    new_origin: Origin | None
    effect: str | None  # "better" or "worse" for the customer, None when not judged


@dataclass(frozen=True)
class ContractDiff:
    old: str
    new: str
    changes: tuple[Change, ...]

    @property
    def differs(self) -> bool:
        return bool(self.changes)


def side_for_target(rules: RuleSet, target: str) -> Side:
    """A tier id or a contract file as one side of a diff."""
    contract = resolve_target(rules, target)
    if target in rules.tiers:
        return Side(target, contract)
    return Side(target, contract, load_yaml(Path(target), target))


def contract_at_revision(rules: RuleSet, revision: str, path: Path) -> Side:
    """The contract file `path` as it was at git `revision`, named `REV:path` in messages."""
    name = f"{revision}:{display_path(path)}"
    if not revision or revision.startswith("-"):
        raise InputError.at(f"{revision!r} is not a git revision; give e.g. HEAD~1", file=name)
    folder = path.resolve().parent
    if not folder.is_dir():
        raise InputError.at("no such folder; check the path", file=str(path))
    _git(folder, ["rev-parse", "--is-inside-work-tree"], "is not in a git repository", path)
    _git(
        folder,
        ["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"],
        f"there is no git revision {revision!r}; give a commit, branch or tag (e.g. HEAD~1)",
        path,
    )
    raw = _git(
        folder,
        ["show", f"{revision}:./{path.name}"],
        f"the file does not exist at revision {revision!r}",
        path,
    )
    document = parse_yaml(raw, name)
    problems = check(document, "contract")
    if problems:
        raise ValidationError(problems)
    return Side(name, effective_for_contract(rules, document), document)


def _git(folder: Path, arguments: list[str], failure: str, path: Path) -> bytes:
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *arguments],
            capture_output=True,
            timeout=_GIT_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise InputError.at("git is not installed; --rev needs git", file=str(path)) from None
    except subprocess.TimeoutExpired:
        raise InputError.at(
            f"git did not answer within {_GIT_TIMEOUT} seconds", file=str(path)
        ) from None
    if done.returncode != 0:
        raise InputError.at(failure, file=display_path(path))
    return done.stdout


def diff(old: Side, new: Side) -> ContractDiff:
    """Every difference between two sides, header first, then values in contract order."""
    changes = []
    for key in HEADER:
        a, b = _header(old.contract, key), _header(new.contract, key)
        if not _same(key, a, b):
            changes.append(
                Change(key, a, b, _header_origin(old, key), _header_origin(new, key), None)
            )
    changes += _acknowledgement_changes(old, new)
    paths = list(old.contract.origins)
    paths += [p for p in new.contract.origins if p not in old.contract.origins]
    for path in paths:
        a, b = value_at(old.contract.values, path), value_at(new.contract.values, path)
        if _same(path, a, b):
            continue
        effect = _effect(path, a, b)
        changes.append(
            Change(
                path, a, b, old.contract.origins.get(path), new.contract.origins.get(path), effect
            )
        )
    return ContractDiff(old.label, new.label, tuple(changes))


def _effect(path: str, old: Any, new: Any) -> str | None:
    """better/worse for the customer; None when the values cannot be ordered (or one is absent)."""
    try:
        return compare(path, old, new)
    except (InputError, TypeError, AttributeError):
        return None


def _header(contract: EffectiveContract, key: str) -> Any:
    value = getattr(contract, key)
    return list(value) if key in ("addons", "waived_exceptions") else value


def _acknowledgements(side: Side) -> dict[str, tuple[str, Origin | None]]:
    """path -> (reason, where the entry is) of a side's acknowledged deviations."""
    found: dict[str, tuple[str, Origin | None]] = {}
    for index, entry in enumerate(side.contract.acknowledged_deviations):
        origin = None
        if side.document is not None:
            where = side.document.location(("acknowledged_deviations", index))
            origin = Origin("contract", side.document.file, where.line or 1, where.column or 1)
        found[entry["path"]] = (entry["reason"], origin)
    return found


def _acknowledgement_changes(old: Side, new: Side) -> list[Change]:
    """One change per acknowledged deviation added, removed or given another reason."""
    before, after = _acknowledgements(old), _acknowledgements(new)
    changes = []
    for path in [*before, *(p for p in after if p not in before)]:
        a, a_origin = before.get(path, (None, None))
        b, b_origin = after.get(path, (None, None))
        if a != b:
            changes.append(
                Change(f"acknowledged_deviations[{path}]", a, b, a_origin, b_origin, None)
            )
    return changes


def _header_origin(side: Side, key: str) -> Origin | None:
    if side.document is None or key not in side.document.data:
        return None
    location = side.document.location((key,))
    return Origin("contract", side.document.file, location.line or 1, location.column or 1)


def _same(path: str, a: Any, b: Any) -> bool:
    """Equal in meaning: durations as durations, amounts as Decimal, priorities as sets."""
    return bool(_meaning(path, a) == _meaning(path, b))


def _meaning(path: str, value: Any) -> Any:
    if isinstance(value, Mapping):
        return {
            k: frozenset(v) if k == "priorities" else _meaning(f"{path}.{k}", v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return sorted(value) if path == "addons" else value
    if not isinstance(value, str):
        return value
    for reader in (parse_duration, parse_money):
        try:
            read: Any = reader(value)
        except InputError:
            continue
        return ("amount", read) if isinstance(read, Decimal) else ("duration", read)
    return value


def value_at(values: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path of an effective contract's values, or None where it has none."""
    node: Any = values
    for key in path.split("."):
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node


# Presentation: the diff as text, JSON or a Markdown table for a pull-request comment.


def _origin_text(origin: Origin | None) -> str:
    return f"{origin.layer} {origin.where()}" if origin else "-"


def _effect_text(change: Change) -> str:
    return _effect_word(change.effect) if change.effect else ""


def _effect_word(effect: str) -> str:
    """`better`/`worse` for the customer, in the run's language."""
    return _("better for the customer") if effect == "better" else _("worse for the customer")


def diff_text(result: ContractDiff) -> str:
    if not result.differs:
        return (
            _("no differences between {old} and {new}").format(old=result.old, new=result.new)
            + "\n"
        )
    count = len(result.changes)
    differences = ngettext("{count} difference", "{count} differences", count).format(count=count)
    lines = [f"# {result.old} -> {result.new}: {differences}"]
    for change in result.changes:
        effect = f" ({_effect_text(change)})" if change.effect else ""
        lines.append(
            f"{change.path}: {format_value(change.old)} -> {format_value(change.new)}{effect}"
        )
        if change.old_origin is not None or change.new_origin is not None:
            lines.append(f"  - {_origin_text(change.old_origin)}")
            lines.append(f"  + {_origin_text(change.new_origin)}")
    return "\n".join(lines) + "\n"


def _origin_dict(origin: Origin | None) -> dict[str, Any] | None:
    if origin is None:
        return None
    return {
        "layer": origin.layer,
        "file": origin.file,
        "line": origin.line,
        "column": origin.column,
        "clause": origin.clause,
    }


def diff_json(result: ContractDiff) -> str:
    rows = [
        {
            "path": c.path,
            "old": c.old,
            "new": c.new,
            "effect": c.effect,
            "old_origin": _origin_dict(c.old_origin),
            "new_origin": _origin_dict(c.new_origin),
        }
        for c in result.changes
    ]
    data = {"old": result.old, "new": result.new, "differences": rows}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# Markdown that customer text could otherwise start (a pull-request comment renders it): each
# match is backslash-escaped. Brackets, '&', '_' and ':' only where they would take effect, so
# ordinary values ('[aws]', 'Meijer & Partners', 'not_included') are written as they are.
_MARKDOWN = re.compile(
    r"""[\\`*~<>|]"""  # escapes, code, emphasis, strikethrough, HTML and autolinks, cells
    r"""|!(?=\[)|\[(?=[^\]]*\][(\[:])|\](?=[(\[:])"""  # images and links
    r"""|&(?=#?\w+;)"""  # character references
    r"""|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])"""  # emphasis with underscores
    r"""|(?<=\w):(?=//)|(?<=www)\.|@(?=\w)"""  # autolinked URLs and e-mail addresses
)


def _cell(text: str) -> str:
    """Customer text as a table cell: one line, control characters shown, Markdown escaped."""
    one_line = printable(text.replace("\r\n", " ").replace("\n", " "))
    return _MARKDOWN.sub(lambda m: "\\" + m.group(), one_line)


def _code(text: str) -> str:
    """Text as a code span: nothing inside is Markdown. The fence is longer than any run of
    backticks in it; only '|' is escaped, as a table cell needs even inside code."""
    one_line = printable(text.replace("\r\n", " ").replace("\n", " ")).replace("|", "\\|")
    runs = [len(run) for run in re.findall(r"`+", one_line)]
    fence = "`" * (max(runs, default=0) + 1)
    padded = f" {one_line} " if one_line.startswith("`") or one_line.endswith("`") else one_line
    return f"{fence}{padded}{fence}"


def _origin_cell(origin: Origin | None) -> str:
    return f"{_cell(origin.layer)} {_code(origin.where())}" if origin else "-"


def _effect_cell(effect: str | None) -> str:
    if effect is None:
        return ""
    if effect == "better":
        return pgettext("diff: for the customer", "better")
    return pgettext("diff: for the customer", "worse")


def diff_markdown(result: ContractDiff) -> str:
    title = f"{_code(result.old)} → {_code(result.new)}"
    if not result.differs:
        return _("No differences between {title}.").format(title=title) + "\n"
    count = len(result.changes)
    head = (_("What"), _("Old"), _("New"), _("For the customer"), _("Old from"), _("New from"))
    lines = [
        _("### Contract changes: {title}").format(title=title),
        "",
        ngettext("{count} difference.", "{count} differences.", count).format(count=count),
        "",
        "| " + " | ".join(head) + " |",
        "|---|---|---|---|---|---|",
    ]
    for c in result.changes:
        lines.append(
            f"| {_code(c.path)} | {_cell(format_value(c.old))} | {_cell(format_value(c.new))} "
            f"| {_effect_cell(c.effect)} "
            f"| {_origin_cell(c.old_origin)} | {_origin_cell(c.new_origin)} |"
        )
    return "\n".join(lines) + "\n"


RENDERERS = {"text": diff_text, "json": diff_json, "md": diff_markdown}
