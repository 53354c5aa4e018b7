"""Every failure the engine reports to a user, each a class with a location.

One base class, `SlaError`; the CLI turns any of them into one readable line and exit 1.
`did_you_mean` words the "what to do" of a misspelt id or key.
A location is optional: a problem with a whole file has no line, a problem with a command-line
value has no file.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Self

from engine.i18n import _


@dataclass(frozen=True)
class Location:
    """Where a problem is: file, 1-based line and column, and the key path inside the file."""

    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str | None = None

    def prefix(self) -> str:
        """`file:line:col: key.path: `, leaving out what is unknown."""
        parts: list[str] = []
        if self.file is not None:
            where = self.file
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            parts.append(where)
        if self.path:
            parts.append(self.path)
        return "".join(f"{p}: " for p in parts)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, with what to do about it in the message."""

    message: str
    location: Location = field(default_factory=Location)

    def __str__(self) -> str:
        return f"{self.location.prefix()}{self.message}"


class SlaError(Exception):
    """Base of every error meant for a user; carries one or more problems."""

    def __init__(self, problems: Problem | list[Problem]) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def at(cls, message: str, **where: object) -> Self:
        """Shorthand: one problem at a location given as keyword arguments."""
        return cls(Problem(message, Location(**where)))  # type: ignore[arg-type]


class YamlError(SlaError, ValueError):
    """A file is not the YAML this project accepts (syntax, encoding, an ambiguous scalar)."""


class ValidationError(SlaError, ValueError):
    """A file parses but breaks its schema or a rule that spans files."""


class ReferenceNotFound(SlaError, LookupError):
    """A tier, add-on, calendar or exception id that the rules do not have."""


class InputError(SlaError, ValueError):
    """A value given on the command line or in an incident is malformed (a time, a duration)."""


class PricingError(SlaError, ValueError):
    """A quote cannot be made from the rules as they are (e.g. a price that is not set)."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`; did you mean 'x'?` when a choice is close to `word`, else the choices listed (when
    there are a dozen or fewer), else nothing: the end of a problem's message."""
    options = sorted(set(choices))
    close = difflib.get_close_matches(str(word), options, n=1, cutoff=0.6)
    if close:
        return _("; did you mean {choice}?").format(choice=repr(close[0]))
    if len(options) <= 12:
        return _("; choose one of {choices}").format(choices=", ".join(options))
    return ""
