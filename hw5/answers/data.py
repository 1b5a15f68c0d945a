"""Q3(a), FashionMNIST: the whole training set as one tensor in [-1, 1], shape (N, 1, 28, 28).

One code path: torchvision's ``FashionMNIST(root, download=True)``. Offline, ``seed_from_debian`` first unpacks
the original files of Debian's ``dataset-fashion-mnist`` into ``root/FashionMNIST/raw/``; torchvision then finds
them and never touches the network. On a machine with internet the same call downloads.
"""
import gzip
import shutil
from pathlib import Path

import torch
from torchvision.datasets import FashionMNIST

from ..config import DATA_DIR
from ..storage import atomic_write

DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
RAW_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
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


def load_dataset(root: Path, train: bool = True, debian_dir: Path = DEBIAN_DIR) -> FashionMNIST:
    """torchvision's FashionMNIST, seeded from Debian when possible, with one clear error if it cannot be had."""
    seed_from_debian(root, debian_dir)
    try:
        return FashionMNIST(root, train=train, download=True)
    except (RuntimeError, OSError, ValueError, AssertionError) as err:   # torchvision's checks of the files
        reason = str(err).strip().splitlines()[-1] if str(err).strip() else type(err).__name__
        if all((raw_dir(root) / name).exists() for name in RAW_FILES):
            raise DataError(f"FashionMNIST files under {raw_dir(root)} are damaged ({reason}): delete them and "
                            f"run `make data`") from err
        raise DataError(f"FashionMNIST is not under {raw_dir(root)} and could not be downloaded ({reason}): "
                        f"connect to the internet, or install Debian's dataset-fashion-mnist "
                        f"(apt-get install dataset-fashion-mnist) and run `make data`") from err


def load_images(root: Path, train: bool = True, limit: int | None = None,
                debian_dir: Path = DEBIAN_DIR) -> tuple[torch.Tensor, torch.Tensor]:
    """All images (or the first ``limit``) as one float tensor (N, 1, 28, 28) in [-1, 1], the range of the
    generator's tanh, and their labels."""
    dataset = load_dataset(root, train, debian_dir)
    return dataset.data[:limit].unsqueeze(1).float().div_(127.5).sub_(1.0), dataset.targets[:limit].clone()


if __name__ == "__main__":   # `make data`: FashionMNIST under data/, or one line saying how to get it
    try:
        for split in (True, False):
            shape = tuple(load_dataset(DATA_DIR, split).data.shape)
            print(f"FashionMNIST {'train' if split else 'test'}: {shape} in {raw_dir(DATA_DIR)}")
    except DataError as err:
        raise SystemExit(f"error: {err}") from None
