"""A training run's directory: the only code that reads or writes its files.

    history.json       config, losses, quality scores, timings, provenance (the schema: `History`)
    generator.pt       final weights (state dicts), written when the run finishes
    discriminator.pt
    samples.pt         G(fixed noise) after every epoch, (epochs, 16, 1, 28, 28)
    checkpoint.pt      everything needed to resume, after every epoch, with a SHA-256 checksum
    .lock              held while a process trains the run

Every file is written atomically (hw5.storage): a kill at any moment leaves the previous version.
"""
import contextlib
import platform
import subprocess
from pathlib import Path
from typing import TypedDict

import torch
import torchvision

try:
    import fcntl
except ImportError:  # Windows: runs are not locked there
    fcntl = None

from .config import TrainConfig, as_record
from .gan import GAN, EpochResult
from .models import Generator
from .paths import ROOT
from .storage import load_json, load_torch_checked, remove_stale_temporaries, save_json, save_torch, save_torch_checked

CHECKPOINT = "checkpoint.pt"
HISTORY = "history.json"
GENERATOR = "generator.pt"
DISCRIMINATOR = "discriminator.pt"
SAMPLES = "samples.pt"
LOCK = ".lock"
CHECKPOINT_FORMAT = 1


class RunError(RuntimeError):
    """A run directory cannot be used as asked; the message says why and what to do."""


# ---- The history (history.json): every field is documented here, and only here. --------------------------------

class EpochRecord(TypedDict):
    epoch: int           # 1-based
    d_loss: float        # mean L_D over the epoch's batches
    g_loss: float        # mean L_G over the epoch's batches
    steps: int           # batches in the epoch (the last one may be smaller)
    seconds: float       # wall time of the epoch, the fixed-noise samples included


class QualityScore(TypedDict):   # of one set of images (hw5.quality)
    frechet_distance: float      # to the test set, in the quality classifier's features
    coverage: float              # entropy of the predicted classes / log 10: 1 = all ten equally often
    class_fractions: list[float]  # fraction of the images per predicted class, in data.CLASS_NAMES order


class QualityRecord(QualityScore):
    epoch: int           # the generator after this epoch (at quality.quality_epochs)
    seconds: float       # time the scoring took


class QualityReference(TypedDict):   # the scale's two ends, scored the same way
    real_train_images: QualityScore   # the floor: real images, as many as generated ones are scored
    untrained_generator: QualityScore  # the ceiling: the generator before its first step


class TrainingSession(TypedDict):   # one per process that trained the run: its start or a resumption
    start_epoch: int     # the first epoch this process trained
    commit: str | None   # git commit of the code (None outside a git checkout)
    dirty: bool | None   # tracked files differed from that commit
    device: str          # torch device, e.g. "cpu", "cuda"
    device_name: str     # the GPU's name, or the CPU's architecture
    threads: int         # torch's intra-op threads
    python: str
    torch: str
    torchvision: str
    precision: str       # compute dtype of the matrix products, "bfloat16" or "float32" (absent: float32)


class History(TypedDict):
    config: dict         # config.as_record(TrainConfig): the run's hyperparameters
    num_images: int | None   # training images (None before the first epoch)
    epochs_done: int     # finished epochs, each saved in the checkpoint
    finished: bool       # all epochs done and the final weights and samples written
    d_loss_per_step: list[float]   # L_D of every batch, all epochs in order
    g_loss_per_step: list[float]   # L_G of every batch
    epochs: list[EpochRecord]
    quality: list[QualityRecord]   # empty when the run's eval_samples is 0
    quality_reference: QualityReference | None
    sessions: list[TrainingSession]


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


def session_record(start_epoch: int, device: torch.device, precision: str) -> TrainingSession:
    """Provenance of the process that trains now: the code's commit, the machine, the versions."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                check=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                                    capture_output=True, text=True, check=True).stdout.strip())
    except (OSError, subprocess.CalledProcessError):
        commit, dirty = None, None
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor() or platform.machine()
    return {"start_epoch": start_epoch, "commit": commit, "dirty": dirty, "device": str(device),
            "device_name": name, "threads": torch.get_num_threads(), "python": platform.python_version(),
            "torch": torch.__version__, "torchvision": torchvision.__version__, "precision": precision}


# ---- The directory ------------------------------------------------------------------------------------------

def check_config(run_dir: Path, found: dict, config: TrainConfig) -> None:
    wanted = as_record(config)
    differ = [f"{k}: run has {found.get(k)!r}, asked {v!r}" for k, v in wanted.items() if found.get(k) != v]
    if differ:
        raise RunError(f"{run_dir} holds a run of another configuration ({'; '.join(differ)}): "
                       f"use another --run-dir, or delete {run_dir} to start over")


def writable_dir(run_dir: Path) -> Path:
    run_dir = Path(run_dir)
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
        probe = run_dir / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as err:
        raise RunError(f"cannot write to run directory {run_dir} ({err.strerror}): choose a writable --run-dir") from err
    return run_dir


@contextlib.contextmanager
def opened(run_dir: Path):
    """The run directory, created if need be, for one process to train in: for as long as the block runs it
    holds an exclusive lock, so a second process (another notebook, a forgotten terminal) cannot train, resume
    or clean up the same run at the same time. The operating system drops the lock when its process dies, so a
    killed run never leaves a stale one. What killed atomic writes left behind is removed first."""
    run_dir = writable_dir(run_dir)
    with open(run_dir / LOCK, "a") as handle:
        if fcntl is not None:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise RunError(f"{run_dir} is being trained by another process: wait for it to finish, or stop "
                               f"it first") from None
        remove_stale_temporaries(run_dir)
        yield run_dir


def save_checkpoint(run_dir: Path, gan: GAN, rng: torch.Generator, history: History, samples: list) -> None:
    save_torch_checked({
        "format": CHECKPOINT_FORMAT, "config": history["config"], "history": history,
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
        state = load_torch_checked(path, map_location=device, weights_only=False)
    except Exception as err:  # checksum mismatch, a damaged zip, a pickle error: never resume from it
        raise RunError(f"checkpoint {path} is damaged ({str(err).splitlines()[0]}): "
                       f"delete it to restart the run from scratch") from err
    if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
        raise RunError(f"checkpoint {path} is not a checkpoint of this code: delete it to restart the run")
    check_config(run_dir, state["config"], config)
    gan.generator.load_state_dict(state["generator"])
    gan.discriminator.load_state_dict(state["discriminator"])
    gan.opt_g.load_state_dict(state["opt_g"])
    gan.opt_d.load_state_dict(state["opt_d"])
    torch.set_rng_state(state["rng"]["torch"].cpu())
    rng.set_state(state["rng"]["data"].cpu())
    if state["rng"]["cuda"] is not None and torch.cuda.is_available():
        torch.cuda.set_rng_state_all([s.cpu() for s in state["rng"]["cuda"]])
    samples = list(state["samples"].cpu()) if state["samples"] is not None else []
    return state["history"], samples


def write_results(run_dir: Path, gan: GAN, history: History, samples: list) -> None:
    """The finished run's lasting files: weights, per-epoch samples, then the history, whose "finished" marks
    them complete (a kill before it leaves the run to be finished from its last checkpoint)."""
    save_torch(gan.generator.state_dict(), run_dir / GENERATOR)
    save_torch(gan.discriminator.state_dict(), run_dir / DISCRIMINATOR)
    save_torch(torch.stack(samples), run_dir / SAMPLES)
    save_json(history, run_dir / HISTORY)


def read_history(run_dir: Path) -> History:
    path = Path(run_dir) / HISTORY
    try:
        return load_json(path)
    except (OSError, ValueError) as err:
        raise RunError(f"{path} cannot be read ({err}): restore it from git, or delete {run_dir} to retrain") from err


def finished_history(run_dir: Path, config: TrainConfig) -> History | None:
    """The history of a finished run of this config in run_dir, or None when there is none to load (no run
    there, or an unfinished one); a run of another config there is an error."""
    if not (Path(run_dir) / HISTORY).exists():
        return None
    history = read_history(run_dir)
    check_config(run_dir, history["config"], config)
    return history if history["finished"] else None


def load_results(run_dir: Path, device: str = "cpu") -> tuple[History, Generator, torch.Tensor]:
    """A finished run: (history, generator in eval mode, samples (epochs, k, 1, 28, 28))."""
    history = read_history(run_dir)
    if not history["finished"]:
        raise RunError(f"{run_dir} holds an unfinished run ({history['epochs_done']} epochs): train it to the end")
    generator = Generator(history["config"]["latent_dim"])
    try:
        generator.load_state_dict(torch.load(Path(run_dir) / GENERATOR, map_location=device, weights_only=True))
        samples = torch.load(Path(run_dir) / SAMPLES, map_location="cpu", weights_only=True)
    except Exception as err:  # missing, truncated or not our weights
        raise RunError(f"the results in {run_dir} cannot be loaded ({str(err).splitlines()[0]}): restore them "
                       f"from git, or delete {run_dir} to retrain") from err
    return history, generator.eval(), samples
