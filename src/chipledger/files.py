"""Atomic file replacement: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def replace_atomically(path: Path, content: bytes) -> bool:
    """Writes `content` to `path` through a temporary file and a rename; skips identical content.

    Returns True if the file was written. The new file is readable by all (mode 644).
    """
    if path.exists() and path.read_bytes() == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            handle.write(content)
        os.chmod(handle.name, 0o644)  # temporary files are created 0600
        os.replace(handle.name, path)
    except BaseException:
        os.unlink(handle.name)
        raise
    return True
