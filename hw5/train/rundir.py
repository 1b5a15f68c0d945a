"""A training run's directory: the only code that reads or writes its files. Each is written atomically
(hw5.storage): a kill at any moment leaves the previous version.

    checkpoint.pt      everything needed to resume, one dict, rewritten after every epoch
    generator.pt       final weights (state dicts), written when the run finishes
    discriminator.pt
    samples.pt         G(fixed noise) after every epoch, (epochs, num_fixed_noise, 1, 28, 28)
    history.json       a `History`:
        config             the run's hyperparameters, config.as_record(TrainConfig)
        num_images         training images (None before the first epoch)
        epochs_done        finished epochs, each saved in the checkpoint
        finished           all epochs done and the final weights and samples written
        d_loss_per_step    L_D of every batch, all epochs in order; g_loss_per_step: L_G
        epochs             per epoch: epoch (1-based), d_loss and g_loss (means over its batches), steps
                           (batches; the last may be smaller), seconds (wall time, the samples included)
        quality            at config.quality_epochs (none when eval_samples is 0): epoch, the scores of
                           appendix.quality (frechet_distance, coverage, class_fractions), seconds
        quality_reference  the scale's ends, scored the same way: real_train_images, untrained_generator
        sessions           per process that trained the run (its start or a resumption): start_epoch, commit
                           and dirty (git; None outside a checkout), device, device_name, threads, python,
                           torch, torchvision, precision (of the matrix products, "bfloat16" or "float32")
"""
import json
import platform
import subprocess
from pathlib import Path

import torch
import torchvision

from ..answers.gan import GAN, EpochResult
from ..answers.models import Generator
from ..config import FP32_RUN_DIR, ROOT, RUN_DIR, TrainConfig, as_record, shown
from ..storage import save_json, save_torch

CHECKPOINT, HISTORY, GENERATOR, DISCRIMINATOR, SAMPLES = (
    "checkpoint.pt", "history.json", "generator.pt", "discriminator.pt", "samples.pt")
CHECKPOINT_FORMAT = 2   # 1 had a SHA-256 header
History = dict   # the contents of history.json, as the module's docstring lists them


class RunError(RuntimeError):
    """A run directory cannot be used as asked; the message says why and what to do."""


def new_history(config: TrainConfig) -> History:
    return {"config": as_record(config), "num_images": None, "epochs_done": 0, "finished": False,
            "d_loss_per_step": [], "g_loss_per_step": [], "epochs": [], "quality": [],
            "quality_reference": None, "sessions": []}


def record_epoch(history: History, result: EpochResult) -> None:
    """Add an epoch's losses and time to the history (its quality score, if any, is added by the caller)."""
    history["d_loss_per_step"] += result.d_loss_per_step
    history["g_loss_per_step"] += result.g_loss_per_step
    steps = len(result.d_loss_per_step)
    history["epochs"].append({"epoch": result.epoch, "d_loss": sum(result.d_loss_per_step) / steps,
                              "g_loss": sum(result.g_loss_per_step) / steps, "steps": steps,
                              "seconds": result.seconds})


def session_record(start_epoch: int, device: torch.device, precision: str) -> dict:
    """Provenance of the process that trains now: the code's commit, the machine, the versions."""
    git = lambda *args: subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                                       check=True).stdout.strip()
    try:
        commit, dirty = git("rev-parse", "HEAD"), bool(git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.CalledProcessError):
        commit, dirty = None, None
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor() or platform.machine()
    return {"start_epoch": start_epoch, "commit": commit, "dirty": dirty, "device": str(device),
            "device_name": name, "threads": torch.get_num_threads(), "python": platform.python_version(),
            "torch": torch.__version__, "torchvision": torchvision.__version__, "precision": precision}


def check_config(run_dir: Path, found: dict, config: TrainConfig) -> None:
    differ = [f"{k}: run has {found.get(k)!r}, asked {v!r}" for k, v in as_record(config).items()
              if found.get(k) != v]
    if differ:
        target = {RUN_DIR: "make retrain", FP32_RUN_DIR: "make retrain-fp32"}.get(Path(run_dir).resolve())
        fix = f"`{target}` trains it anew" if target else "use another --run-dir, or delete it to start over"
        raise RunError(f"{shown(run_dir)} holds a run of another configuration ({'; '.join(differ)}): {fix}")


def prepare(run_dir: Path) -> Path:
    """The run directory, created if need be, without what killed atomic writes left behind."""
    try:
        Path(run_dir).mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise RunError(f"cannot write to run directory {run_dir} ({err.strerror}): choose another --run-dir") from err
    for stale in Path(run_dir).glob(".*.tmp"):
        stale.unlink()
    return Path(run_dir)


def save_checkpoint(run_dir: Path, gan: GAN, rng: torch.Generator, history: History, samples: list) -> None:
    save_torch({
        "format": CHECKPOINT_FORMAT, "history": history,
        "generator": gan.generator.state_dict(), "discriminator": gan.discriminator.state_dict(),
        "opt_g": gan.opt_g.state_dict(), "opt_d": gan.opt_d.state_dict(),
        "rng": {"torch": torch.get_rng_state(), "data": rng.get_state(),
                "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None},
        "samples": torch.stack(samples) if samples else None,
    }, run_dir / CHECKPOINT)
    save_json(history, run_dir / HISTORY)  # readable progress while the run goes on


def resume(run_dir: Path, config: TrainConfig, gan: GAN, rng: torch.Generator,
           device: torch.device) -> tuple[History, list] | None:
    """Restore gan, its optimizers and every random state from run_dir's checkpoint; returns the history and
    the samples so far, or None when there is no checkpoint (a fresh run)."""
    path = run_dir / CHECKPOINT
    if not path.exists():
        return None
    try:
        state = torch.load(path, map_location=device, weights_only=False)
    except Exception as err:  # truncated, damaged, not a torch file: never resume from it
        raise RunError(f"checkpoint {path} is damaged ({str(err).splitlines()[0]}): "
                       f"delete it to restart the run from scratch") from err
    if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
        raise RunError(f"checkpoint {path} is not a checkpoint of this code: delete it to restart the run")
    check_config(run_dir, state["history"]["config"], config)
    for key in ("generator", "discriminator", "opt_g", "opt_d"):
        getattr(gan, key).load_state_dict(state[key])
    torch.set_rng_state(state["rng"]["torch"].cpu())
    rng.set_state(state["rng"]["data"].cpu())
    if state["rng"]["cuda"] is not None and torch.cuda.is_available():
        torch.cuda.set_rng_state_all([s.cpu() for s in state["rng"]["cuda"]])
    samples = list(state["samples"].cpu()) if state["samples"] is not None else []
    return state["history"], samples


def write_results(run_dir: Path, gan: GAN, history: History, samples: list) -> None:
    """Weights, per-epoch samples, then the history, whose "finished" marks them complete."""
    save_torch(gan.generator.state_dict(), run_dir / GENERATOR)
    save_torch(gan.discriminator.state_dict(), run_dir / DISCRIMINATOR)
    save_torch(torch.stack(samples), run_dir / SAMPLES)
    save_json(history, run_dir / HISTORY)


def read_history(run_dir: Path, config: TrainConfig | None = None) -> History | None:
    """The run's history (None when there is none); a run of another config than `config` is an error."""
    path = Path(run_dir) / HISTORY
    if config is not None and not path.exists():
        return None
    try:
        history = json.loads(path.read_text())
        if not isinstance(history, dict) or not {"config", "finished"} <= history.keys():
            raise ValueError("not a run's history")
    except (OSError, ValueError) as err:
        raise RunError(f"{path} cannot be read ({err}): restore it from git, or delete {run_dir} to retrain") from err
    if config is not None:
        check_config(run_dir, history["config"], config)
    return history


def load_results(run_dir: Path) -> tuple[History, Generator, torch.Tensor]:
    """A finished run: (history, generator in eval mode, samples (epochs, k, 1, 28, 28))."""
    history = read_history(run_dir)
    if not history["finished"]:
        raise RunError(f"{run_dir} holds an unfinished run ({history['epochs_done']} epochs): train it to the end")
    generator = Generator(history["config"]["latent_dim"])
    try:
        generator.load_state_dict(torch.load(Path(run_dir) / GENERATOR, map_location="cpu", weights_only=True))
        samples = torch.load(Path(run_dir) / SAMPLES, map_location="cpu", weights_only=True)
    except Exception as err:  # missing, truncated or not our weights
        raise RunError(f"the results in {run_dir} cannot be loaded ({str(err).splitlines()[0]}): restore them "
                       f"from git, or delete {run_dir} to retrain") from err
    return history, generator.eval(), samples
