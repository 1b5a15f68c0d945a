"""Train the Q3 DCGAN into a run directory, resuming after any interruption; the command line.

    python -m hw5.train --run-dir DIR [--epochs N] [--limit N] [--seed S] [--batch-size B] [--device D]

The algorithm is `hw5.gan`; the run directory's files are `hw5.runs`; this module wires them to the data and
to the sample-quality scores, and reports progress.
"""
import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import torch

from . import runs
from .config import PRECISIONS, TrainConfig
from .data import DataError, load_images
from .device import DeviceError, pick_device, precision_name, resolve_precision
from .gan import EpochResult, build_gan, fit
from .models import Generator
from .paths import DATA_DIR, shown
from .progress import Progress, format_seconds
from .quality import evaluator_for, quality_epochs, reference_scores
from .runs import History, RunError


def train(config: TrainConfig, run_dir: Path, device: str = "auto", data_root: Path = DATA_DIR,
          progress: bool = True) -> History:
    """Train (or resume) the run in run_dir to config.epochs; returns its history. Nothing is lost to a kill:
    each finished epoch is checkpointed atomically, and the next call resumes after it. A finished run is
    returned at once, loading no data."""
    device = pick_device(device)
    dtype = resolve_precision(config.precision, device)
    with runs.opened(run_dir) as run_dir:
        done = runs.finished_history(run_dir, config)
        if done is not None:
            return done
        images, _ = load_images(data_root, train=True, limit=config.limit)
        images = images.to(device)
        gan = build_gan(config, device)
        rng = torch.Generator().manual_seed(config.seed + 1)   # shuffling and training noise
        # built after the GAN: loading its classifier draws from torch's global RNG, which dropout uses next
        evaluator = evaluator_for(config, data_root)
        history, samples = runs.resume(run_dir, config, gan, rng, device) or (runs.new_history(config), [])
        if history["epochs_done"] == 0 and evaluator is not None:  # score the untrained generator first
            history["quality_reference"] = reference_scores(evaluator, gan.generator, data_root)
        first = history["epochs_done"] + 1
        history["sessions"].append(runs.session_record(first, device, precision_name(dtype)))
        history["num_images"] = n = len(images)

        def end_of_epoch(result: EpochResult) -> None:
            samples.append(result.samples)
            runs.record_epoch(history, result)
            if evaluator is not None and result.epoch in quality_epochs(config.epochs):
                start = time.perf_counter()
                history["quality"].append({"epoch": result.epoch, **evaluator.score_generator(gan.generator),
                                           "seconds": time.perf_counter() - start})
            history["epochs_done"] = result.epoch
            runs.save_checkpoint(run_dir, gan, rng, history, samples)

        steps_per_epoch = -(-n // config.batch_size)
        bar = Progress(total=config.epochs * steps_per_epoch, done=(first - 1) * steps_per_epoch,
                       quiet=not progress)

        def on_step(epoch: int, step: int, d_loss: torch.Tensor, g_loss: torch.Tensor) -> None:
            bar.update((epoch - 1) * steps_per_epoch + step,   # the text (a GPU sync) only when shown
                       lambda: f"epoch {epoch}/{config.epochs} · step {step}/{steps_per_epoch} · "
                               f"D {d_loss.item():.3f} · G {g_loss.item():.3f}")

        try:
            fit(gan, images, config, rng, dtype, first, end_of_epoch, on_step)
        except KeyboardInterrupt:
            bar.close(f"interrupted in epoch {history['epochs_done'] + 1}: epochs 1-{history['epochs_done']} "
                      f"are saved in {shown(run_dir)}; run again to resume")
            raise
        history["finished"] = True   # also when a kill came after the last checkpoint but before the results
        runs.write_results(run_dir, gan, history, samples)
        seconds = sum(e["seconds"] for e in history["epochs"])
        bar.close(f"trained {config.epochs} epochs on {n:,} images in {format_seconds(seconds)} ({device.type})\n"
                  f"results in {shown(run_dir)}")
        return history


def train_or_load(config: TrainConfig, run_dir: Path, device: str = "auto") -> tuple[History, Generator, torch.Tensor]:
    """The finished run of `config` in run_dir, trained (or resumed) first when it is not finished there."""
    train(config, run_dir, device=device)
    return runs.load_results(run_dir)


def int_at_least(minimum: int):
    """argparse type: an integer >= minimum, with a one-line error otherwise."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected an integer >= {minimum}, got {value}")
        return value
    return parse


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    defaults = TrainConfig()
    parser = argparse.ArgumentParser(prog="python -m hw5.train", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--run-dir", type=Path, required=True, help="where checkpoints and results go")
    parser.add_argument("--epochs", type=int_at_least(1), default=defaults.epochs)
    parser.add_argument("--limit", type=int_at_least(1), default=None, help="train on the first N images (smoke runs)")
    parser.add_argument("--seed", type=int_at_least(0), default=defaults.seed)
    parser.add_argument("--batch-size", type=int_at_least(1), default=defaults.batch_size)
    parser.add_argument("--eval-samples", type=int_at_least(0), default=defaults.eval_samples,
                        help="images per sample-quality evaluation; 0 turns evaluation off")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), default="auto")
    parser.add_argument("--precision", choices=PRECISIONS, default=defaults.precision,
                        help="matrix products in fp32 or bf16 (autocast); auto: bf16 where the hardware has it")
    parser.add_argument("--data-root", type=Path, default=DATA_DIR, help="folder holding FashionMNIST/raw")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    config = replace(TrainConfig(), epochs=args.epochs, limit=args.limit, seed=args.seed, batch_size=args.batch_size,
                     eval_samples=args.eval_samples, precision=args.precision)
    try:
        history = train(config, args.run_dir, device=args.device, data_root=args.data_root)
    except (RunError, DataError, DeviceError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    last = history["epochs"][-1]
    print(f"epoch {last['epoch']}: D loss {last['d_loss']:.4f}, G loss {last['g_loss']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
