"""The language of a run, and its messages from one catalogue in Dutch and English (SPEC §8).

Every message a command prints (reports, prompts, errors) is written in English in the code,
marked with `_()` or `ngettext()`, and looked up in the catalogue of the run's language:
engine/locale/<lang>/LC_MESSAGES/messages.po, extracted and updated with Babel (`make
messages`). The catalogues are read as `.po` text when first needed, so no compiled `.mo`
file lives in git and an editable install and a built package read the same files.

The language of a run: `--lang nl|en` when given, else the first of LANGUAGE, LC_ALL,
LC_MESSAGES and LANG that names Dutch or English (as gettext reads them), else English.
"""

from __future__ import annotations

import gettext as _gettext
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from functools import cache
from pathlib import Path

LANGUAGES = ("nl", "en")
DEFAULT = "en"
# Customer documents follow the contract's language, Dutch unless asked otherwise (SPEC §8).
DOCUMENT_LANGUAGE = "nl"
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
# gettext's order: LANGUAGE (a list, a:b:c) first, then the first of these that is set.
_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")

_current: ContextVar[str] = ContextVar("sla_language", default=DEFAULT)


def language_of_locale(value: str) -> str | None:
    """`nl` for `nl_NL.UTF-8`, `nl_BE@euro` or `nl`; None for C, POSIX or another language."""
    code = value.split(".")[0].split("@")[0].split("_")[0].split("-")[0].strip().lower()
    return code if code in LANGUAGES else None


def choose_language(given: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """--lang when given, else the environment's locale, else English."""
    if given:
        if given not in LANGUAGES:
            raise ValueError(f"unknown language {given!r}")
        return given
    env = os.environ if environ is None else environ
    # LANGUAGE is a priority list; gettext ignores it when the locale is C (as we do too).
    locale = next((env[name] for name in _LOCALE_VARIABLES if env.get(name)), "")
    if locale not in ("C", "POSIX") or not locale:
        for entry in env.get("LANGUAGE", "").split(":"):
            found = language_of_locale(entry) if entry else None
            if found:
                return found
    return language_of_locale(locale) or DEFAULT


def set_language(lang: str) -> Token[str]:
    """Make `lang` the language of this run's messages; the token undoes it (`reset_language`)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    return _current.set(lang)


def reset_language(token: Token[str]) -> None:
    """The language as it was before `set_language` gave `token`."""
    _current.reset(token)


def current_language() -> str:
    return _current.get()


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Messages in `lang` inside the block (a report asked for in a given language)."""
    token = _current.set(lang)
    try:
        yield
    finally:
        _current.reset(token)


class Catalogue(_gettext.NullTranslations):
    """One language's messages, read from its `.po` file."""

    def __init__(self, messages: dict[str, str | tuple[str, ...]], plural_forms: str) -> None:
        super().__init__()
        self._messages = messages
        self._plural = _gettext.c2py(_plural_expression(plural_forms))

    def gettext(self, message: str) -> str:
        found = self._messages.get(message)
        return found if isinstance(found, str) and found else message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        found = self._messages.get(msgid1)
        if isinstance(found, tuple):
            index: int = self._plural(n)
            if index < len(found) and found[index]:
                return found[index]
        return msgid1 if n == 1 else msgid2


def _plural_expression(header: str) -> str:
    """`n != 1` from `nplurals=2; plural=(n != 1);`."""
    for part in header.split(";"):
        name, _, value = part.partition("=")
        if name.strip() == "plural":
            return value.strip()
    return "n != 1"


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def catalogue(lang: str) -> Catalogue:
    """The messages of `lang`, read once per process."""
    entries = read_catalogue(catalogue_path(lang).read_text(encoding="utf-8"))
    header = entries.pop("", "")
    plural_forms = ""
    for line in str(header).splitlines():
        name, _sep, value = line.partition(":")
        if name.strip().lower() == "plural-forms":
            plural_forms = value.strip()
    return Catalogue(entries, plural_forms)


def read_catalogue(text: str) -> dict[str, str | tuple[str, ...]]:
    """The translated entries of a `.po` file: msgid (with `context\\x04` in front when it has
    a msgctxt) -> msgstr, or the tuple of msgstr[n] for a plural; fuzzy ones left out.

    A few lines instead of Babel's reader, which costs every command its import (~20-80 ms
    measured here) and ~16 ms to read the Dutch file against ~2 ms for this one
    (tests/test_i18n.py checks that both read the same)."""
    entries: dict[str, str | tuple[str, ...]] = {}
    fields: dict[str, str] = {}
    fuzzy = False
    current = ""

    def finish() -> None:
        if "msgid" in fields and not fuzzy:
            context = fields.get("msgctxt")
            key = fields["msgid"] if context is None else f"{context}\x04{fields['msgid']}"
            if "msgid_plural" in fields:
                forms = sorted(k for k in fields if k.startswith("msgstr["))
                entries[key] = tuple(fields[k] for k in forms)
            else:
                entries[key] = fields.get("msgstr", "")

    for line in [*text.splitlines(), ""]:
        line = line.strip()
        if not line:  # an empty line ends an entry
            finish()
            fields, fuzzy, current = {}, False, ""
        elif line.startswith("#,"):
            fuzzy = "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            fields[current] += _unquote(line)
        else:
            current, _sep, rest = line.partition(" ")
            if current == "msgctxt" and "msgid" in fields:  # no empty line between entries
                finish()
                fields, fuzzy = {}, False
            fields[current] = _unquote(rest)
    return entries


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_ESCAPE = re.compile(r"\\(.)")


def _unquote(quoted: str) -> str:
    """The text of a C string literal as a `.po` file writes it (`"a \\"b\\" \\n"`)."""
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m[1], m[1]), quoted.strip()[1:-1])


def _(message: str) -> str:
    """`message` (English, as written in the code) in the run's language."""
    return catalogue(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n` in the run's language ("1 file", "2 files")."""
    return catalogue(_current.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` in the run's language, where the same English words need two translations."""
    key = f"{context}\x04{message}"
    found = catalogue(_current.get()).gettext(key)
    return message if found == key else found


def N_(message: str) -> str:
    """Mark `message` for the catalogue without translating it here (translated where shown)."""
    return message


gettext = _
