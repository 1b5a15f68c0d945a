"""`python -m hw5.train --run-dir DIR [--epochs N] [--limit N] [--seed S] ...`: train the Q3 DCGAN into DIR,
resuming after any interruption (run the same command again)."""
import argparse
import json
import sys
from datetime import timedelta
from pathlib import Path

from ..answers.data import DataError
from ..config import DATA_DIR, DEVICES, PRECISIONS, DeviceError, TrainConfig, shown
from .loop import train
from .provenance import check_resumable
from .rundir import RunError, load_results, read_history

OVERRIDES = {   # TrainConfig's fields a flag sets, and what each means (its comment in hw5/config.py says more)
    "epochs": "epochs to train", "limit": "train on the first N images only",
    "seed": "seeds weights, shuffling, noise and dropout", "batch_size": "images per step",
    "eval_samples": "images per quality score (0: none)", "precision": "the matrix products' dtype"}


def parse_args(argv: list[str] | None = None) -> tuple[argparse.Namespace, TrainConfig]:
    parser = argparse.ArgumentParser(prog="python -m hw5.train",
                                     description="Train the Q3 DCGAN into DIR, resuming after any interruption "
                                                 "(run the same command again).",
                                     epilog="Each of --epochs ... --precision sets the field of that name of "
                                            "TrainConfig (hw5/config.py); the defaults are the committed run's.")
    parser.add_argument("--run-dir", type=Path, required=True, help="where checkpoints and results go")
    for name, meaning in OVERRIDES.items():
        default = getattr(TrainConfig(), name)
        parser.add_argument(f"--{name.replace('_', '-')}", type=str if name == "precision" else int, default=default,
                            choices=PRECISIONS if name == "precision" else None,
                            help=f"{meaning} (default: {'all' if default is None else default})")
    parser.add_argument("--device", choices=DEVICES, default="auto",
                        help="auto: a GPU when there is one (default: auto)")
    parser.add_argument("--data-root", type=Path, default=DATA_DIR,
                        help=f"folder holding FashionMNIST/raw (default: {shown(DATA_DIR)})")
    parser.add_argument("--show", action="store_true", help="only print a finished run's last line; never train")
    args = parser.parse_args(argv)
    try:   # TrainConfig checks every value (one rule each, in one place)
        config = TrainConfig(**{name: getattr(args, name) for name in OVERRIDES})
    except ValueError as err:
        parser.error(str(err))
    return args, config


def main(argv: list[str] | None = None) -> int:
    args, config = parse_args(argv)
    try:
        if not args.show:
            check_resumable(args.run_dir)
        history = (load_results(args.run_dir)[0] if args.show else
                   train(config, args.run_dir, device=args.device, data_root=args.data_root))
    except (RunError, DataError, DeviceError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        saved = (read_history(args.run_dir) or {}).get("epochs_done", 0)
        print(f"interrupted: {saved} epochs are saved in {shown(args.run_dir)}; run the same command to resume",
              file=sys.stderr)
        return 130
    if not args.show:
        seconds = round(sum(e["seconds"] for e in history["epochs"]))
        print(f"trained {history['epochs_done']} epochs in {timedelta(seconds=seconds)}; results in "
              f"{shown(args.run_dir)}", file=sys.stderr)
    last = history["epochs"][-1]   # and the final scores, as training recorded them: one JSON line
    final = history["quality"][-1] if history["quality"] else {}
    references = history["quality_reference"] or {}   # its two reference points
    print(json.dumps({"run_dir": str(shown(args.run_dir)), "epochs": last["epoch"], "d_loss": last["d_loss"],
                      "g_loss": last["g_loss"], **{k: v for k, v in final.items() if k != "epoch"},
                      **{f"reference_{name}": score["frechet_distance"] for name, score in references.items()}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
