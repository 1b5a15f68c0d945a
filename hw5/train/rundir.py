"""A training run's directory: the only code that reads or writes its files. Each is written atomically
(hw5.storage): a kill at any moment leaves the previous version.

    checkpoint.pt      everything needed to resume, one dict, rewritten after every epoch
    generator.pt       final weights (state dicts), written when the run finishes
    discriminator.pt
    samples.pt         G(fixed noise) after every epoch, (epochs, num_fixed_noise, 1, 28, 28)
    history.json       a `History`:
        config             the run's hyperparameters, config.as_record(TrainConfig)
        num_images         training images
        epochs_done        finished epochs, each saved in the checkpoint
        finished           all epochs done and the final weights and samples written
        NAME_per_step      for each field NAME of answers.gan.Step (d_loss, g_loss, d_real, d_fake),
                           its value at every step, all epochs in order
        epochs             per epoch: epoch (1-based), the mean of each Step field over its batches,
                           steps (batches; the last may be smaller), seconds (wall time of the steps
                           and the samples)
        quality            at config.quality_epochs (none when eval_samples is 0): epoch, the scores of
                           appendix.quality (frechet_distance, coverage, class_fractions)
        quality_reference  the scale's ends, scored the same way: real_train_images, untrained_generator
        sessions           per process that trained the run (its start or a resumption): start_epoch, code (the
                           fingerprint of its training code, hw5.train.provenance), commit (git's, as information;
                           None outside a checkout), device, device_name (CPU or GPU model), cpu_capability
                           (torch's vector ISA), threads, python, torch, torchvision, precision (config.precision)

Which code trained a run is hw5.train.provenance's question.
"""
import json
from pathlib import Path

import torch

from ..answers.gan import GAN, Step
from ..answers.models import Generator
from ..config import RUN_DIR, TrainConfig, as_record, shown
from ..storage import save_json, save_torch

CHECKPOINT, HISTORY, GENERATOR, DISCRIMINATOR, SAMPLES = (
    "checkpoint.pt", "history.json", "generator.pt", "discriminator.pt", "samples.pt")
CHECKPOINT_FORMAT = 3
History = dict   # the contents of history.json, as the module's docstring lists them


class RunError(RuntimeError):
    """A run directory cannot be used as asked; the message says why and what to do."""


def new_history(config: TrainConfig, num_images: int) -> History:
    return {"config": as_record(config), "num_images": num_images, "epochs_done": 0, "finished": False,
            **{f"{name}_per_step": [] for name in Step._fields}, "epochs": [], "quality": [],
            "quality_reference": None, "sessions": []}


def record_epoch(history: History, epoch: int, steps: list[Step], seconds: float) -> None:
    """Add an epoch's steps, their means and its time to the history."""
    means = {}
    for name, values in zip(Step._fields, torch.stack([torch.stack(step) for step in steps]).T.tolist()):
        history[f"{name}_per_step"] += values
        means[name] = sum(values) / len(values)
    history["epochs"].append({"epoch": epoch, **means, "steps": len(steps), "seconds": seconds})


def session_record(start_epoch: int, device: torch.device, precision: str) -> dict:
    """The session's entry of history["sessions"], as hw5.train.provenance makes it (the loop records it here)."""
    from .provenance import session_record   # here, not above: provenance reads run directories through this module
    return session_record(start_epoch, device, precision)


def check_config(run_dir: Path, found: dict, config: TrainConfig) -> None:
    differ = [f"{k}: run has {found.get(k)!r}, asked {v!r}" for k, v in as_record(config).items()
              if found.get(k) != v]
    if differ:
        fix = ("`make retrain` trains it anew" if Path(run_dir).resolve() == RUN_DIR else
               "use another --run-dir, or delete it to start over")
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


def resume(run_dir: Path, gan: GAN, rng: torch.Generator, device: torch.device) -> tuple[History, list] | None:
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
    """The run's history, None when run_dir holds none; a RunError when it cannot be read, or, to train it with
    `config`, when it is the run of another config or has finished epochs and no checkpoint to resume them from."""
    path = Path(run_dir) / HISTORY
    if not path.exists():
        return None
    try:
        history = json.loads(path.read_text())
        if not isinstance(history, dict) or not {"config", "finished"} <= history.keys():
            raise ValueError("not a run's history")
    except (OSError, ValueError) as err:
        raise RunError(f"{path} cannot be read ({err}): restore it from git, or delete {run_dir} to retrain") from err
    if config is not None:
        check_config(run_dir, history["config"], config)
        if history.get("epochs_done") and not history["finished"] and not (Path(run_dir) / CHECKPOINT).exists():
            raise RunError(f"{shown(run_dir)} has {history['epochs_done']} of {history['config']['epochs']} epochs "
                           f"done but no {CHECKPOINT} to resume from: restore it (`git checkout -- {shown(run_dir)}` if "
                           f"it was committed), or delete {shown(run_dir)} to train anew")
    return history


def load_results(run_dir: Path) -> tuple[History, Generator, torch.Tensor]:
    """A finished run: (history, generator in eval mode, samples (epochs, k, 1, 28, 28))."""
    history = read_history(run_dir)
    if history is None:
        raise RunError(f"{shown(run_dir)} holds no run: restore it from git, or train it")
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
