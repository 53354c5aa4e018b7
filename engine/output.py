"""Writing output files: atomically, and never over a file the command read."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from engine.errors import InputError
from engine.i18n import _


@contextmanager
def atomic_file(
    target: Path, inputs: Iterable[Path] = (), *, binary: bool = False
) -> Iterator[IO[Any]]:
    """A stream to a temporary file beside `target` that replaces `target` on success.

    A reader never sees half a file, and an error (or a crash) leaves the old file as it was:
    the temporary file is removed. Refuses to write over any of `inputs`, and into a folder
    that does not exist.
    """
    resolved = target.resolve()
    for source in inputs:
        if source.exists() and source.resolve() == resolved:
            raise InputError.at(
                _("the output would overwrite an input file; choose another output path"),
                file=str(target),
            )
    if not resolved.parent.is_dir():
        raise InputError.at(
            _("the output folder does not exist; create it first"), file=str(target)
        )
    handle, temporary = tempfile.mkstemp(dir=resolved.parent, prefix=f".{resolved.name}.")
    try:
        stream: IO[Any] = (
            os.fdopen(handle, "wb")
            if binary
            else os.fdopen(handle, "w", encoding="utf-8", newline="")
        )
        with stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, resolved)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_atomic(target: Path, content: str | bytes, inputs: Iterable[Path] = ()) -> None:
    """Write all of `content` to `target` through `atomic_file`."""
    with atomic_file(target, inputs, binary=isinstance(content, bytes)) as stream:
        stream.write(content)
