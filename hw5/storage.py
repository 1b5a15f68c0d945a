"""Atomic file output: write to a temporary file beside the target, fsync, rename. A kill at any moment leaves
either the old file or the new one under the target's name, never a truncated one."""
import json
import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable

import torch


def atomic_write(path: Path, write: Callable[[BinaryIO], object]) -> Path:
    """Write `path` through write(file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(fd, 0o644)  # mkstemp makes 0600 files
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def save_torch(obj, path: Path) -> Path:
    return atomic_write(path, lambda f: torch.save(obj, f))


def save_json(obj, path: Path) -> Path:
    return atomic_write(path, lambda f: f.write(json.dumps(obj, indent=1).encode() + b"\n"))
