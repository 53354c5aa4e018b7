"""Writing output files: atomically, and never over a file the command read."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from engine.errors import InputError


def write_atomic(target: Path, content: str | bytes, inputs: Iterable[Path] = ()) -> None:
    """Write `content` to `target` through a temporary file in the same folder, then rename.

    A reader never sees half a file, and a crash leaves the old file as it was. Refuses to
    write over any of `inputs`.
    """
    resolved = target.resolve()
    for source in inputs:
        if source.exists() and source.resolve() == resolved:
            raise InputError.at(
                "the output would overwrite an input file; choose another output path",
                file=str(target),
            )
    if not resolved.parent.is_dir():
        raise InputError.at("the output folder does not exist; create it first", file=str(target))
    data = content.encode("utf-8") if isinstance(content, str) else content
    handle, temporary = tempfile.mkstemp(dir=resolved.parent, prefix=f".{resolved.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, resolved)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
