"""The JSON Schemas of schemas/ and the check of a loaded document against one of them.

Messages are rewritten for the people who edit contracts: what is wrong, at which key, and what
to write instead. jsonschema's own wording ("is not valid under any of the given schemas") says
neither, so each schema carries a `description` that the message quotes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from engine.errors import Problem, did_you_mean
from engine.paths import SCHEMAS_DIR

if TYPE_CHECKING:  # jsonschema is imported when a document is first checked, not before
    import jsonschema
    from jsonschema import Draft202012Validator
    from referencing import Registry

    from engine.rules.document import Document, KeyPath

KINDS = (
    "tier",
    "addon",
    "exception",
    "calendar",
    "contract",
    "services",
    "priorities",
    "prices",
    "decisions",
    "evaluation",
    "company",
    "incident",
    "ledger",
    "maintenance",
    "profile",
)


def schema_files(directory: Path = SCHEMAS_DIR) -> list[Path]:
    """All schema files, the shared definitions included."""
    return sorted(directory.glob("*.schema.json"))


@cache
def _registry() -> Registry[Any]:
    from referencing import Registry, Resource

    resources = []
    for path in schema_files():
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


@cache
def validator(kind: str) -> Draft202012Validator:
    """The validator of one kind of file, with cross-file $refs resolved and dates checked."""
    from jsonschema import Draft202012Validator

    name = f"{kind}.schema.json"
    schema = _inline_refs(_registry().contents(name), name)
    return Draft202012Validator(
        schema,
        registry=_registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


# Keywords that only describe; a $ref's siblings of this kind can be laid over its target.
_ANNOTATIONS = frozenset({"description", "title", "$comment", "examples", "default"})


def _inline_refs(schema: Any, base: str) -> Any:
    """The schema with every $ref replaced by what it points to.

    The files keep their $refs for editors; validating a thousand files against the inlined
    form skips a reference lookup (URL joins, pointer walks) at every use of a shared
    definition, which was the larger part of jsonschema's time. None of the schemas refers
    to itself, so the inlining ends.
    """
    if isinstance(schema, list):
        return [_inline_refs(item, base) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" not in schema:
        return {key: _inline_refs(value, base) for key, value in schema.items()}
    reference = urljoin(base, schema["$ref"])
    resolved = _registry().resolver(base).lookup(reference)
    target = _inline_refs(resolved.contents, reference.partition("#")[0])
    siblings = {k: _inline_refs(v, base) for k, v in schema.items() if k != "$ref"}
    if isinstance(target, dict) and set(siblings) <= _ANNOTATIONS:
        return {**target, **siblings}
    return {"allOf": [target], **siblings}


def check(document: Document, kind: str) -> list[Problem]:
    """Every schema problem of `document`, each at its file:line:col and key path."""
    problems = []
    for error in _leaf_errors(validator(kind).iter_errors(document.data)):
        path: KeyPath = tuple(error.absolute_path)
        message = _message(error)
        if error.validator == "additionalProperties":
            extra = _unknown_keys(error)
            for key in extra:
                allowed = _schema_of(error).get("properties", {}).keys()
                problems.append(
                    Problem(
                        f"unknown key {key!r}{did_you_mean(key, allowed)}",
                        document.location((*path, key)),
                    )
                )
            continue
        problems.append(Problem(message, document.location(path)))
    problems.sort(key=lambda p: (p.location.line or 0, p.location.column or 0, p.message))
    return problems


def _leaf_errors(
    errors: Iterator[jsonschema.ValidationError],
) -> Iterator[jsonschema.ValidationError]:
    """Errors to report: an allOf is looked into, an anyOf/oneOf is reported as one."""
    for error in errors:
        if error.validator == "allOf" and error.context:
            yield from _leaf_errors(iter(error.context))
        else:
            yield error


def _schema_of(error: jsonschema.ValidationError) -> dict[str, Any]:
    schema = error.schema
    return dict(schema) if isinstance(schema, Mapping) else {}


def _unknown_keys(error: jsonschema.ValidationError) -> list[str]:
    instance = error.instance if isinstance(error.instance, dict) else {}
    known = set(_schema_of(error).get("properties", {}))
    return sorted(k for k in instance if k not in known)


def _expected(error: jsonschema.ValidationError) -> str:
    description = _schema_of(error).get("description")
    return f"; expected {_lower_first(description)}" if description else ""


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _message(error: jsonschema.ValidationError) -> str:
    value = error.instance
    kind = error.validator
    if kind == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else error.message
        return f"missing required key {missing!r}; add it"
    if kind in ("anyOf", "oneOf", "pattern", "format"):
        hint = ""
        if isinstance(value, int | float) and not isinstance(value, bool):
            hint = " (a bare number is ambiguous: give the unit, or quote an amount)"
        return f"{value!r} is not valid here{_expected(error)}{hint}"
    if kind == "enum":
        choices = [str(c) for c in _schema_of(error).get("enum", ())]
        return f"{value!r} is not allowed{did_you_mean(str(value), choices)}"
    if kind == "const":
        return f"{value!r} is not allowed; write {error.validator_value!r}"
    if kind == "propertyNames":
        return f"{value!r} is not a known name{_expected(error)}"
    if kind == "type":
        wanted = error.validator_value
        if wanted == "string" and isinstance(value, int | float) and not isinstance(value, bool):
            return (
                f'{value!r} is a number here; write it quoted (e.g. "{value}") so it is '
                f"read exactly{_expected(error)}"
            )
        return f"{value!r} should be of type {wanted}{_expected(error)}"
    return f"{error.message}{_expected(error)}"
