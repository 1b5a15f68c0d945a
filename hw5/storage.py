"""Atomic file output: write to a temporary file beside the target, fsync, rename.

A kill at any moment leaves either the old file or the new one under the target's name, never a truncated one.
"""
import hashlib
import io
import json
import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable

import torch


def atomic_write(path: Path, write: Callable[[BinaryIO], object]) -> Path:
    """Write `path` through write(file); its permissions follow the umask, like a file opened with open()."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(fd, 0o666 & ~umask)  # mkstemp makes 0600 files
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


CHECKED_MAGIC = b"HW5CKPT1"  # then the SHA-256 of the payload, then torch.save's bytes


class CorruptFileError(RuntimeError):
    """A checked file does not hold what was written: truncated, altered, or not such a file."""


def save_torch_checked(obj, path: Path) -> Path:
    """torch.save with a SHA-256 checksum in front, so that any damage is detected on loading (PyTorch's own
    format notices a truncated file but not altered bytes inside it)."""
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    payload = buffer.getvalue()
    return atomic_write(path, lambda f: f.write(CHECKED_MAGIC + hashlib.sha256(payload).digest() + payload))


def load_torch_checked(path: Path, **kwargs):
    data = Path(path).read_bytes()
    header = len(CHECKED_MAGIC) + 32
    if len(data) < header or not data.startswith(CHECKED_MAGIC):
        raise CorruptFileError(f"{path} is not a checksummed checkpoint (or is truncated to {len(data)} bytes)")
    if hashlib.sha256(data[header:]).digest() != data[len(CHECKED_MAGIC):header]:
        raise CorruptFileError(f"{path} does not match its checksum: truncated or altered")
    return torch.load(io.BytesIO(data[header:]), **kwargs)


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete what atomic writes killed mid-way left behind (their targets are intact)."""
    stale = list(Path(folder).glob(".*.tmp"))
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def save_json(obj, path: Path) -> Path:
    return atomic_write(path, lambda f: f.write(json.dumps(obj, indent=1).encode() + b"\n"))


def load_json(path: Path):
    return json.loads(Path(path).read_text())


def save_figure(fig, path: Path, dpi: float | None = None) -> Path:
    """Save a matplotlib figure; the format follows the suffix (.pdf for vector, .png for raster, at `dpi`). A PDF
    gets no creation date, so the same figure gives the same bytes on every rebuild."""
    path = Path(path)
    metadata = {"CreationDate": None} if path.suffix == ".pdf" else None
    return atomic_write(path, lambda f: fig.savefig(f, format=path.suffix[1:], bbox_inches="tight",
                                                    metadata=metadata, dpi=dpi or "figure"))
