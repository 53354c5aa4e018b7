"""Lazy public surfaces for the engine's packages (PEP 562).

A package lists `name -> defining module`; a name is imported the first time it is looked up,
so importing a package costs nothing and packages can name each other's parts without
import cycles.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def surface(
    package: str, names: Mapping[str, str], renamed: Mapping[str, str] | None = None
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for `package`, whose public `names` live in the modules
    given (relative to the package when they start with a dot); `renamed` maps a public name
    to the defining module's name for it."""
    aliases = dict(renamed or {})

    def get(name: str) -> Any:
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), aliases.get(name, name))
        namespace = importlib.import_module(package).__dict__
        namespace[name] = value  # found once; later look-ups do not come here
        return value

    def listing() -> list[str]:
        return sorted({*importlib.import_module(package).__dict__, *names})

    return get, listing
