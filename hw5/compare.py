"""`python -m hw5.compare` (`make compare`): does the fast precision cost sample quality? Trains equal short runs
(default: 5 epochs on all 60,000 images, seeds 0 and 1) in fp32 and in bf16, under runs/compare/, resuming or
loading what is there, then prints the Fréchet distance and class coverage of each at every recorded epoch."""
import argparse
import sys
from dataclasses import replace

from .config import PRECISIONS, TrainConfig
from .paths import RUNS_DIR
from .runs import History
from .train import train

FIXED_PRECISIONS = [p for p in PRECISIONS if p != "auto"]


def comparison_table(histories: dict[str, History]) -> str:
    names = list(histories)
    epochs = sorted({q["epoch"] for h in histories.values() for q in h["quality"]})
    lines = [f"{'epoch':>5}  " + "  ".join(f"{name:>22}" for name in names),
             f"{'':>5}  " + "  ".join(f"{'FD':>12}{'coverage':>10}" for _ in names)]
    for epoch in epochs:
        cells = []
        for name in names:
            score = next((q for q in histories[name]["quality"] if q["epoch"] == epoch), None)
            cells.append(f"{score['frechet_distance']:>12.2f}{score['coverage']:>10.3f}" if score else f"{'':>22}")
        lines.append(f"{epoch:>5}  " + "  ".join(cells))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hw5.compare", description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--precisions", nargs="+", default=FIXED_PRECISIONS, choices=FIXED_PRECISIONS)
    args = parser.parse_args(argv)
    histories = {}
    for seed in args.seeds:
        for precision in args.precisions:
            config = replace(TrainConfig(), epochs=args.epochs, seed=seed, precision=precision)
            histories[f"{precision} seed {seed}"] = train(config, RUNS_DIR / "compare" / f"{precision}-seed{seed}",
                                                          device="cpu")
    print(comparison_table(histories))
    return 0


if __name__ == "__main__":
    sys.exit(main())
