"""Writing files so that an interruption never leaves half of one behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from foresight.errors import StoreError


def atomic_write(path: str | Path, write: Callable[[IO[bytes]], object]) -> Path:
    """Call ``write`` on a temporary file beside ``path``, then rename it to ``path``.

    The file gets the permissions the umask gives a new file (``mkstemp`` alone would
    make it private), since maps and exports are documents to share.

    Raises:
        StoreError: the folder of ``path`` does not exist.
    """
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise StoreError(f"{target}: the folder {folder} does not exist")
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
