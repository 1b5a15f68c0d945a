"""FashionMNIST for Q3a: the whole training set as one tensor in [-1, 1], shape (N, 1, 28, 28).

One code path: torchvision's ``FashionMNIST(root, download=True)``. Offline, ``seed_from_debian`` first unpacks
the original files of Debian's ``dataset-fashion-mnist`` into ``root/FashionMNIST/raw/``; torchvision then finds
them and never touches the network. On a machine with internet the same call downloads.
"""
import gzip
import shutil
from pathlib import Path

import torch
from torchvision.datasets import FashionMNIST

from .storage import atomic_write

DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
RAW_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
IDX_UBYTE = 0x08  # IDX type code of unsigned bytes, the only one FashionMNIST uses
CLASS_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")


class DataError(RuntimeError):
    """The data set is missing or damaged; the message says how to fix it."""


def raw_dir(root: Path) -> Path:
    return Path(root) / "FashionMNIST" / "raw"


def seed_from_debian(root: Path, source: Path) -> list[Path]:
    """Unpack Debian's copies of the files torchvision lacks under ``root``; returns what was written."""
    written = []
    for name in RAW_FILES:
        target, packed = raw_dir(root) / name, Path(source) / f"{name}.gz"
        if target.exists() or not packed.exists():
            continue
        with gzip.open(packed, "rb") as src:  # atomic: a kill never leaves a half-unpacked file behind
            written.append(atomic_write(target, lambda dst: shutil.copyfileobj(src, dst)))
    return written


def check_idx(path: Path) -> tuple[int, ...]:
    """Shape stored in the header of an unsigned-byte IDX file, after checking that the file holds all of it."""
    path = Path(path)
    fix = f"delete {path} and run `make data` again (or reinstall Debian's dataset-fashion-mnist)"
    with open(path, "rb") as f:
        header = f.read(4)
        if len(header) < 4 or header[:2] != b"\0\0" or header[2] != IDX_UBYTE or not 1 <= header[3] <= 3:
            raise DataError(f"{path} is not an unsigned-byte IDX file (bad header {header.hex()}): {fix}")
        dims = f.read(4 * header[3])
    if len(dims) < 4 * header[3]:
        raise DataError(f"{path} is truncated inside its header: {fix}")
    shape = tuple(int.from_bytes(dims[i:i + 4], "big") for i in range(0, len(dims), 4))
    expected = 4 + len(dims) + int(torch.tensor(shape).prod())
    actual = path.stat().st_size
    if actual != expected:
        state = "truncated" if actual < expected else "longer than its header says"
        raise DataError(f"{path} is {state} ({actual:,} bytes, header says {expected:,}): {fix}")
    return shape


def load_dataset(root: Path, train: bool = True, debian_dir: Path = DEBIAN_DIR) -> FashionMNIST:
    """torchvision's FashionMNIST, seeded from Debian when possible, with one clear error if it cannot be had."""
    root = Path(root)
    seed_from_debian(root, debian_dir)
    for name in RAW_FILES:
        if (raw_dir(root) / name).exists():
            check_idx(raw_dir(root) / name)
    try:
        return FashionMNIST(root, train=train, download=True)
    except (RuntimeError, OSError) as err:
        raise DataError(
            f"FashionMNIST is not under {raw_dir(root)} and could not be downloaded "
            f"({str(err).strip().splitlines()[-1]}): connect to the internet, or install Debian's "
            f"dataset-fashion-mnist (apt-get install dataset-fashion-mnist) and run `make data`") from err
    except AssertionError as err:  # torchvision's own IDX checks, for damage that check_idx cannot see
        raise DataError(f"FashionMNIST files under {raw_dir(root)} are damaged: delete them and run `make data`") from err


def to_unit_range(images: torch.Tensor) -> torch.Tensor:
    """uint8 pixels (N, 28, 28) -> float32 (N, 1, 28, 28) in [-1, 1], as the generator's tanh outputs them."""
    return images.unsqueeze(1).float().div_(127.5).sub_(1.0)


def load_images(root: Path, train: bool = True, limit: int | None = None,
                debian_dir: Path = DEBIAN_DIR) -> tuple[torch.Tensor, torch.Tensor]:
    """All images (or the first ``limit``) as one float tensor in [-1, 1] of shape (N, 1, 28, 28), and their labels."""
    dataset = load_dataset(root, train, debian_dir)
    return to_unit_range(dataset.data[:limit]), dataset.targets[:limit].clone()


def main() -> int:
    """`python -m hw5.data [ROOT]`: make sure FashionMNIST is under ROOT (default data/), then describe it."""
    import sys

    from .paths import DATA_DIR
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else DATA_DIR
    try:
        for train in (True, False):
            dataset = load_dataset(root, train)
            print(f"FashionMNIST {'train' if train else 'test'}: {tuple(dataset.data.shape)} in {raw_dir(root)}")
    except DataError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
