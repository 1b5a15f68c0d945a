"""`python -m hw5.train --run-dir DIR [--epochs N] [--limit N] [--seed S] ...`: train the Q3 DCGAN into DIR,
resuming after any interruption (run the same command again)."""
import argparse
import json
import sys
from datetime import timedelta
from pathlib import Path
from subprocess import CalledProcessError

from ..answers.data import DataError
from ..config import DATA_DIR, DEVICES, PRECISIONS, DeviceError, TrainConfig, shown
from .loop import train
from .rundir import RunError, git, load_results, read_history, stale_sessions

OVERRIDES = ("epochs", "limit", "seed", "batch_size", "eval_samples", "precision")   # TrainConfig's fields


def parse_args(argv: list[str] | None = None) -> tuple[argparse.Namespace, TrainConfig]:
    parser = argparse.ArgumentParser(prog="python -m hw5.train",
                                     description="Train the Q3 DCGAN into DIR, resuming after any interruption "
                                                 "(run the same command again).",
                                     epilog="Each of --epochs ... --precision sets the field of that name of "
                                            "TrainConfig (hw5/config.py), whose comment says what it means.",
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--run-dir", type=Path, required=True, help="where checkpoints and results go")
    for name in OVERRIDES:
        parser.add_argument(f"--{name.replace('_', '-')}", type=str if name == "precision" else int,
                            default=getattr(TrainConfig(), name), choices=PRECISIONS if name == "precision" else None)
    parser.add_argument("--device", choices=DEVICES, default="auto", help="auto: a GPU when there is one")
    parser.add_argument("--data-root", type=Path, default=DATA_DIR, help="folder holding FashionMNIST/raw")
    parser.add_argument("--show", action="store_true", help="only print a finished run's last line; never train")
    args = parser.parse_args(argv)
    try:   # TrainConfig checks every value (one rule each, in one place)
        config = TrainConfig(**{name: getattr(args, name) for name in OVERRIDES})
    except ValueError as err:
        parser.error(str(err))
    return args, config


def check_resumable(run_dir: Path) -> None:
    """A RunError if run_dir holds an unfinished run begun by other training code: resumed, it would be neither's."""
    history = read_history(run_dir)
    try:
        reasons = stale_sessions(history) if history and not history["finished"] and git("rev-parse", "HEAD") else []
    except (OSError, CalledProcessError):
        reasons = []
    if reasons:
        raise RunError(f"{shown(run_dir)} holds a run begun by other training code ({'; '.join(reasons)}): delete it "
                       f"to train anew")


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
