"""Paths anchored at the project root, never at the current directory."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"                # FashionMNIST lands in DATA_DIR/FashionMNIST/raw (git-ignored)
RUNS_DIR = ROOT / "runs"                # one folder per training run
DEFAULT_RUN_DIR = RUNS_DIR / "dcgan"    # the committed 50-epoch run the write-up shows
FP32_RUN_DIR = RUNS_DIR / "dcgan-fp32" # the same run in plain fp32, for its quality curve (history only)
FIGURES_DIR = ROOT / "figures"          # figures the write-up shows, as vector PDF


def shown(path: Path) -> Path:
    """A path as the write-up prints it: relative to the project root when inside it, else as it is."""
    path = Path(path).resolve()
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
