import gzip
from pathlib import Path

import numpy as np
import pytest

from hw5.answers.data import RAW_FILES, raw_dir
from hw5.config import RETRAIN_DIR, RUN_DIR
from hw5.train.provenance import check_shown, other_code, retrain_under_way
from hw5.train.rundir import RunError, read_history


def write_idx(path: Path, array: np.ndarray) -> Path:
    """An unsigned-byte IDX file: magic 0x0000 08 <ndim>, big-endian dims, then the bytes."""
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + array.astype(np.uint8).tobytes())
    return path


def write_tiny_fashion(root: Path) -> Path:
    """A data root holding a FashionMNIST of 300 training and 50 test images, all four raw files."""
    rng = np.random.default_rng(0)
    for name, n in zip(RAW_FILES, (300, 300, 50, 50)):
        shape = (n, 28, 28) if "images" in name else (n,)
        high = 256 if "images" in name else 10
        write_idx(raw_dir(root) / name, rng.integers(0, high, size=shape))
    return root


@pytest.fixture
def tiny_fashion(tmp_path) -> Path:
    """A fresh tiny data root per test (tests may damage it)."""
    return write_tiny_fashion(tmp_path / "data")


@pytest.fixture(scope="session")
def shared_tiny_fashion(tmp_path_factory) -> Path:
    """One tiny data root for the whole session, for tests that only read it."""
    return write_tiny_fashion(tmp_path_factory.mktemp("shared") / "data")


@pytest.fixture
def debian_copy(tmp_path, tiny_fashion) -> Path:
    """A folder laid out like Debian's dataset-fashion-mnist: the four files, gzipped."""
    folder = tmp_path / "debian"
    folder.mkdir()
    for name in RAW_FILES:
        (folder / f"{name}.gz").write_bytes(gzip.compress((raw_dir(tiny_fashion) / name).read_bytes()))
    return folder


@pytest.fixture(scope="session")
def committed_run() -> dict:
    """The committed run's history, when this checkout's training code trained it. While that code's retrain is
    under way (committed, unfinished, in RETRAIN_DIR), the tests that need the finished run skip, saying so; in
    every other case they fail with what `make` says (check_shown)."""
    try:
        check_shown(RUN_DIR, RETRAIN_DIR)
    except RunError as err:
        (pytest.skip if retrain_under_way(RETRAIN_DIR) else pytest.fail)(str(err))
    return read_history(RUN_DIR)


@pytest.fixture(scope="session")
def run_of_this_code() -> dict:
    """The history of the run this checkout's training code trained or is training: the committed run, or
    while its retrain is under way, the retrain's epochs so far."""
    history = read_history(RUN_DIR)
    if history is not None and not other_code(history):
        return history
    if retrain_under_way(RETRAIN_DIR):
        return read_history(RETRAIN_DIR)
    pytest.fail(f"neither {RUN_DIR} nor {RETRAIN_DIR} holds a run of this checkout's training code")
