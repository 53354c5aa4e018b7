"""Keeping the message catalogue in step with the code (`make messages`, tests/test_i18n.py).

`python -m engine.catalogue` extracts every marked message of engine/ and cli.py with Babel
(babel.cfg says where), writes engine/locale/messages.pot, and updates both catalogues: the
English one gets each message as written in the code (the code is written in English); the
Dutch one keeps its translations, drops messages the code no longer has, and adds new ones
untranslated, for a person to translate (the test of the catalogue names them).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from engine.i18n import LANGUAGES, LOCALE_DIR, catalogue_path

ROOT = LOCALE_DIR.parent.parent
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "N_": None,
}
TEMPLATE = LOCALE_DIR / "messages.pot"


def extract() -> Catalog:
    """Every marked message of the code, with where it is used."""
    template = Catalog(project="sla", fuzzy=False)
    methods = [("engine/**.py", "python"), ("cli.py", "python")]
    for filename, lineno, message, comments, _context in extract_from_dir(
        str(ROOT), method_map=methods, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=_context)
    return template


def updated(template: Catalog, lang: str) -> Catalog:
    """`lang`'s catalogue with exactly the template's messages."""
    path = catalogue_path(lang)
    if path.exists():
        with path.open("rb") as po:
            old = read_po(po, locale=lang)
    else:
        old = Catalog(locale=lang, project="sla")
    new = Catalog(locale=lang, project="sla", fuzzy=False)
    for message in template:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        kept = old.get(key, context=message.context)
        if lang == "en":
            string: str | tuple[str, ...] = _as_text(message.id)
        elif kept is not None and not kept.fuzzy and kept.string:
            string = _as_text(kept.string)
        else:
            string = "" if isinstance(message.id, str) else ("", "")
        new.add(
            message.id,
            string,
            message.locations,
            auto_comments=message.auto_comments,
            context=message.context,
        )
    return new


def write(catalog: Catalog, path: Path) -> None:
    """Write `catalog`, unless only its header's dates would change (no churn in git)."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=True)
    if path.exists() and _undated(path.read_bytes()) == _undated(buffer.getvalue()):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def _undated(text: bytes) -> list[bytes]:
    dated = (b'"POT-Creation-Date:', b'"PO-Revision-Date:')
    return [line for line in text.splitlines() if not line.startswith(dated)]


def main() -> int:
    template = extract()
    write(template, TEMPLATE)
    for lang in LANGUAGES:
        write(updated(template, lang), catalogue_path(lang))
    missing = [m.id for m in updated(template, "nl") if m.id and not all(_strings(m.string))]
    for message in missing:
        print(f"untranslated in nl: {message!r}", file=sys.stderr)
    return 1 if missing else 0


def _as_text(value: object) -> str | tuple[str, ...]:
    """A message's text, or its singular and plural forms as a tuple."""
    if isinstance(value, str):
        return value
    return tuple(str(v) for v in value)  # type: ignore[attr-defined]


def _strings(string: object) -> tuple[str, ...]:
    return tuple(string) if isinstance(string, tuple) else (str(string or ""),)


if __name__ == "__main__":
    sys.exit(main())
