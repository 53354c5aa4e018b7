"""Load one YAML file into plain data plus the line and column of every value.

This stage only reads; it never guesses. YAML 1.1 reads `no` as false, `18:00` as 1080, `010`
as 8 and `1_000` as 1000; a contract means none of those, so each such plain scalar is an error
that says to quote it. Anchors, aliases and merge keys are refused (they make a contract hard
to read and are the way to an alias bomb), and so are duplicate keys, tabs in indentation,
non-UTF-8 bytes, empty files, several documents in one file and files over `MAX_BYTES`.

Plain dates (`2026-01-01`) stay text: the schema decides where a date is expected.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from engine.errors import Location, Problem, YamlError
from engine.rules.document import Document as Document  # loaded files are Documents
from engine.rules.document import KeyPath as KeyPath
from engine.rules.document import format_path as format_path

try:  # libyaml's parser when it is there: the same nodes, several times faster
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - pyyaml without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 1_000_000
"""A contract is a page of YAML; a megabyte is a mistake (or an attack), not a contract."""


_STR = "tag:yaml.org,2002:str"
_STANDARD_TAGS = {
    _STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:merge",
}
# YAML 1.2 core schema: the only plain scalars that are not strings.
_CORE_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_CORE_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_CORE_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_CORE_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_YAML11_LETTERS = frozenset({"y", "Y", "n", "N"})
_LEADING_ZERO = re.compile(r"^[-+]?0[0-9]")
_DATE_ONLY = re.compile(r"^\d{4}-\d\d-\d\d$")


def load_yaml(path: Path, display_name: str | None = None) -> Document:
    """Read and parse `path`; every refusal is a YamlError at file:line:col."""
    name = display_name or str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise YamlError.at(f"cannot read the file: {error.strerror}", file=name) from None
    return parse_yaml(raw, name)


def parse_yaml(raw: bytes, name: str) -> Document:
    """Parse bytes already read; `name` is used in messages."""
    if len(raw) > MAX_BYTES:
        raise YamlError.at(
            f"the file is {len(raw):,} bytes, over the limit of {MAX_BYTES:,}; "
            "a contract or rule file should be a page of YAML",
            file=name,
        )
    text = _decode(raw, name)
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        raise YamlError.at("the file is empty; it must hold one YAML mapping", file=name)
    _refuse_tabs(text, name)
    root = _compose_single(text, name)
    positions: dict[KeyPath, tuple[int, int]] = {}
    data = _Builder(name, text, positions).build(root, ())
    return Document(name, data, positions)


def _decode(raw: bytes, name: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        raise YamlError.at(
            f"byte 0x{raw[error.start]:02x} is not UTF-8; save the file as UTF-8",
            file=name,
            line=line,
            column=column,
        ) from None


def _refuse_tabs(text: str, name: str) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        indent = len(line) - len(line.lstrip(" \t"))
        tab = line.find("\t", 0, indent)
        if tab >= 0:
            raise YamlError.at(
                "a tab in the indentation; YAML indents with spaces only",
                file=name,
                line=number,
                column=tab + 1,
            )


def _compose_single(text: str, name: str) -> yaml.Node:
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.composer.ComposerError as error:
        mark = error.problem_mark
        if "single document" in f"{error.context} {error.problem}":
            raise YamlError.at(
                "several YAML documents in one file; keep one contract or rule per file",
                file=name,
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
            ) from None
        raise _syntax_error(error, name) from None
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error, name) from None
    except yaml.YAMLError as error:  # pragma: no cover - the C parser's unmarked errors
        raise YamlError.at(f"not valid YAML: {error}", file=name) from None
    finally:
        loader.dispose()
    if root is None:
        raise YamlError.at("the file is empty; it must hold one YAML mapping", file=name)
    return root


def _syntax_error(error: yaml.MarkedYAMLError, name: str) -> YamlError:
    mark = error.problem_mark or error.context_mark
    what = error.problem or error.context or "syntax error"
    if "found undefined alias" in what or "found duplicate anchor" in what:
        what = "anchors and aliases (&name, *name) are not allowed; write the value out"
    return YamlError.at(
        f"not valid YAML: {what}",
        file=name,
        line=mark.line + 1 if mark else None,
        column=mark.column + 1 if mark else None,
    )


def _first_alias(text: str) -> tuple[int, int]:
    """Line and column of the first alias; parsed again only on this error path, because the
    composed nodes no longer say where an alias stood."""
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
            return event.start_mark.line + 1, event.start_mark.column + 1
    return 1, 1  # pragma: no cover - only called once an alias was met


class _Builder:
    """Turns composed nodes into dicts, lists and scalars, recording positions."""

    def __init__(self, name: str, text: str, positions: dict[KeyPath, tuple[int, int]]) -> None:
        self.name = name
        self.text = text
        self.positions = positions
        self.seen: set[int] = set()

    def fail(self, node: yaml.Node, path: KeyPath, message: str) -> YamlError:
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        return YamlError(Problem(message, Location(self.name, line, column, format_path(path))))

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        # The composer shares one node between an anchor and its aliases; meeting a node twice
        # means an alias, refused here before any expansion can happen.
        if id(node) in self.seen:
            line, column = _first_alias(self.text)
            raise YamlError(
                Problem(
                    "anchors and aliases (&name, *name) are not allowed; write the value out",
                    Location(self.name, line, column, format_path(path)),
                )
            )
        self.seen.add(id(node))
        self.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if node.tag not in _STANDARD_TAGS:
            raise self.fail(node, path, f"the tag {node.tag} is not allowed; remove it")
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise self.fail(key_node, path, "merge keys (<<) are not allowed; write keys out")
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(key_node, path, "a key must be a plain word, not a list or mapping")
            key = key_node.value
            if key in first_seen:
                raise self.fail(
                    key_node,
                    (*path, key),
                    f"duplicate key {key!r} (first at line {first_seen[key]}); keep one",
                )
            first_seen[key] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, (*path, key))
        return out

    def _scalar(self, node: yaml.ScalarNode, path: KeyPath) -> Any:
        text: str = node.value
        if node.style:
            return text  # quoted or block scalar (the C parser marks plain as ''): always text
        if node.tag == _STR and text not in _YAML11_LETTERS:
            return text
        if _CORE_NULL.match(text):
            return None
        if _CORE_BOOL.match(text):
            return text.lower() == "true"
        if _LEADING_ZERO.match(text):
            raise self.fail(
                node,
                path,
                f"{text!r} is read as an octal number by YAML 1.1; quote it or drop the 0",
            )
        if _CORE_INT.match(text):
            return int(text)
        if _CORE_FLOAT.match(text):
            return float(text)
        if _DATE_ONLY.match(text):
            return text
        message = self._ambiguity(node)
        if message:
            raise self.fail(node, path, message)
        return text

    @staticmethod
    def _ambiguity(node: yaml.ScalarNode) -> str | None:
        """Why a plain scalar that YAML 1.1 would not read as text must be quoted, if it must."""
        text, tag = node.value, node.tag
        # PyYAML leaves y/n as text, but the YAML 1.1 spec (and other parsers) read them as
        # booleans: a file that means the letter must say so with quotes.
        if tag == "tag:yaml.org,2002:bool" or text in _YAML11_LETTERS:
            return (
                f"{text!r} is read as a yes/no value by YAML 1.1; "
                f"write true or false, or quote it: '{text}'"
            )
        if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
            if ":" in text:
                return f"{text!r} is read as a base-60 number by YAML 1.1; quote it: '{text}'"
            return f"{text!r} is an ambiguous number; write it plainly (e.g. 1000) or quote it"
        if tag == "tag:yaml.org,2002:timestamp":
            return (
                f"{text!r} is read as a date-time without a zone; quote it and give an offset, "
                "e.g. '2026-11-23T16:00:00+01:00'"
            )
        return None


def iter_yaml_files(root: Path) -> Iterator[Path]:
    """The .yaml and .yml files under `root` (or `root` itself), in a stable order."""
    if root.is_file():
        yield root
        return
    yield from sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
