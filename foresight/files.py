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
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.")
    except OSError as error:
        raise StoreError(f"{target}: cannot write here ({error.strerror}); nothing was changed") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except OSError as error:  # a full disk, say: the file that was there is kept
        Path(temporary).unlink(missing_ok=True)
        raise StoreError(f"{target}: writing failed ({error.strerror}); the file that was there is kept") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
