"""Customer documents (SLA annex, incident quote, maintenance notice) as HTML or Markdown.

Templates run in Jinja's immutable sandbox with StrictUndefined: a template can read the
context it is given and call nothing else, and a name it lacks is an error naming the template
and line, never an empty cell. HTML is autoescaped. Markdown has no autoescape of its own, so
every value printed into a Markdown template is escaped by `finalize` (a value the code marks
as `Markup` is taken as already safe), and a customer called `<script>…` or `{{ 7*7 }}` reads
literally in both. A value that is None is an error too: it would print as "None".
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable, Mapping
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from engine.contract.merge import EffectiveContract
from engine.i18n import _
from engine.paths import TEMPLATES_DIR, display_path
from engine.present.document_context import (
    annex_context,
    document_warnings,
    maintenance_context,
    quote_context,
)
from engine.present.document_format import DocumentError
from engine.present.maintenance import MaintenanceNotice
from engine.pricing.lines import Quote
from engine.rules.ruleset import RuleSet

__all__ = [
    "DOCUMENTS",
    "FORMATS",
    "document_warnings",
    "markdown_escape",
    "render",
    "render_annex",
    "render_maintenance",
    "render_quote",
]

FORMATS = ("html", "md")
DOCUMENTS = ("annex", "quote", "maintenance")

_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_MD_ENTITY = re.compile(r"&(?=#\d+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")
_MD_LINE_START = re.compile(r"^(#{1,6}(?= |$)|[-+*](?= |$)|\d{1,9}(?=[.)](?: |$)))")


def markdown_escape(text: str) -> str:
    """`text` as Markdown that shows it literally: `a | b` -> `a \\| b`, `<x>` -> `\\<x\\>`.

    Escapes what CommonMark and GitHub tables would read as markup: backslash, code, emphasis,
    links, raw HTML, table pipes, strike-through, entities, and a heading, list or quote marker
    at the start; a newline becomes a space, as a table cell or a line of prose needs.
    """
    text = " ".join(text.splitlines())
    text = _MD_INLINE.sub(r"\\\1", text)
    text = _MD_ENTITY.sub(r"\\&", text)
    match = _MD_LINE_START.match(text)
    if not match:
        return text
    mark = match.group(1)
    if mark[0].isdigit():  # `1. FC …`: escape the dot or parenthesis after the number
        return f"{mark}\\{text[len(mark) :]}"
    return f"\\{text}"


def _refuse_none(value: object) -> object:
    if value is None:
        raise DocumentError.at(_("a value of the document is empty (None); this is a bug in sla"))
    return value


def _finalize_html(value: object) -> object:
    """As printed: an amount's euro sign stays on the line of its number (`€\xa0100,00`)."""
    value = _refuse_none(value)
    if isinstance(value, str) and not isinstance(value, Markup):
        return value.replace("€ ", "€\xa0")
    return value


def _finalize_markdown(value: object) -> object:
    value = _refuse_none(value)
    if isinstance(value, Markup):
        return str(value)
    return markdown_escape(str(value))


@cache
def environment(output_format: str, directory: Path = TEMPLATES_DIR) -> jinja2.Environment:
    """The sandboxed environment of one output format (html: autoescaped; md: escaped)."""
    if output_format not in FORMATS:
        raise DocumentError.at(
            _("unknown format {name}; use {choices}").format(
                name=repr(output_format), choices=", ".join(FORMATS)
            )
        )
    finalize: Callable[[object], object] = (
        _finalize_markdown if output_format == "md" else _finalize_html
    )
    return ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(directory),
        autoescape=output_format == "html",
        undefined=jinja2.StrictUndefined,
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(
    document: str,
    context: Mapping[str, Any],
    output_format: str,
    directory: Path = TEMPLATES_DIR,
) -> str:
    """Render <directory>/<document>.<format>.j2 with `context`; Jinja errors become ours."""
    name = f"{document}.{output_format}.j2"
    try:
        return environment(output_format, directory).get_template(name).render(context)
    except jinja2.TemplateSyntaxError as error:
        raise DocumentError.at(
            _("template syntax: {error}; fix the template").format(error=error.message),
            file=_template_file(error.filename or name),
            line=error.lineno,
        ) from None
    except jinja2.TemplateNotFound as error:
        raise DocumentError.at(
            _("no template {name} in {folder}; restore it from the repository").format(
                name=repr(error.name), folder=display_path(TEMPLATES_DIR)
            )
        ) from None
    except (jinja2.UndefinedError, jinja2.exceptions.SecurityError) as error:
        file, line = _template_frame(error)
        raise DocumentError.at(
            _("{error}; the template uses a value the document does not have").format(
                error=error.message
            ),
            file=file or name,
            line=line,
        ) from None


def render_annex(
    rules: RuleSet,
    contract: EffectiveContract,
    output_format: str,
    lang: str = "nl",
    issued: date | None = None,
) -> str:
    """The SLA annex of `contract` (seed §1, §1.2 and §2)."""
    return render("annex", annex_context(rules, contract, lang, issued), output_format)


def render_quote(
    rules: RuleSet,
    quote: Quote,
    output_format: str,
    lang: str = "nl",
    issued: date | None = None,
) -> str:
    """An incident quote (made by engine.pricing.quote)."""
    return render("quote", quote_context(rules, quote, lang, issued), output_format)


def render_maintenance(
    rules: RuleSet,
    contract: EffectiveContract,
    notice: MaintenanceNotice,
    output_format: str,
    lang: str = "nl",
    issued: date | None = None,
) -> str:
    """A notice of planned maintenance (seed §2.6) to the customer of `contract`."""
    context = maintenance_context(rules, contract, notice, lang, issued)
    return render("maintenance", context, output_format)


def _template_file(filename: str) -> str:
    return display_path(Path(filename)) if Path(filename).is_absolute() else filename


def _template_frame(error: BaseException) -> tuple[str | None, int | None]:
    """The template file and line of the innermost template frame of a render error."""
    found: tuple[str | None, int | None] = (None, None)
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.endswith(".j2"):
            found = (_template_file(frame.filename), frame.lineno)
    return found
