r"""Q3d/Q3e: adversarial training with checkpoints that survive a kill at any moment.

Loss (binary cross-entropy on logits, as the TF tutorial):
    L_D = BCE(D(x), 1) + BCE(D(G(z)), 0),    L_G = BCE(D(G(z)), 1).
Each step is the tutorial's ``train_step``: one generator pass, the discriminator on the real and on the fake batch,
then both players' gradients from that same pass and one Adam step each (a simultaneous update).

CLI: ``python -m hw5.train --run-dir DIR [--epochs N] [--limit N] [--seed S] [--batch-size B] [--device D]``.
"""
import argparse
import contextlib
import platform
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import torch
import torch.nn.functional as F
import torchvision

try:
    import fcntl
except ImportError:  # Windows: runs are not locked there
    fcntl = None

from .config import TrainConfig, as_record
from .data import DataError, load_images
from .models import Discriminator, Generator
from .paths import DATA_DIR, ROOT
from .progress import Progress, format_seconds
from .quality import Evaluator, generate, quality_epochs
from .storage import (load_json, load_torch_checked, remove_stale_temporaries, save_json, save_torch,
                      save_torch_checked)

CHECKPOINT = "checkpoint.pt"       # everything needed to resume; git-ignored
HISTORY = "history.json"           # config, losses, timings, provenance
GENERATOR = "generator.pt"         # final weights (state dicts)
DISCRIMINATOR = "discriminator.pt"
SAMPLES = "samples.pt"             # (epochs, num_fixed_noise, 1, 28, 28): G(fixed_noise) after every epoch
LOCK = ".lock"                     # held while a process trains the run; git-ignored
CHECKPOINT_FORMAT = 1


class RunError(RuntimeError):
    """A run directory cannot be used as asked; the message says why and what to do."""


@dataclass
class GAN:
    generator: Generator
    discriminator: Discriminator
    opt_g: torch.optim.Adam
    opt_d: torch.optim.Adam


def pick_device(name: str = "auto") -> torch.device:
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise RunError("--device cuda was asked for, but PyTorch sees no CUDA GPU: use --device cpu (or auto)")
    if name == "mps" and not torch.backends.mps.is_available():
        raise RunError("--device mps was asked for, but this PyTorch has no MPS backend: use --device cpu (or auto)")
    if name not in ("cpu", "cuda", "mps"):
        raise RunError(f"unknown device {name!r}: use auto, cpu, cuda or mps")
    return torch.device(name)


def build_gan(config: TrainConfig, device: torch.device) -> GAN:
    torch.manual_seed(config.seed)  # the one seeding point: weights now, dropout masks from here on
    generator = Generator(config.latent_dim).to(device)
    discriminator = Discriminator().to(device)
    adam = dict(lr=config.lr, betas=config.adam_betas, eps=config.adam_eps)
    return GAN(generator, discriminator,
               torch.optim.Adam(generator.parameters(), **adam), torch.optim.Adam(discriminator.parameters(), **adam))


def fixed_noise(config: TrainConfig) -> torch.Tensor:
    """The 16 latent vectors rendered after every epoch, from their own generator: identical in every run."""
    return torch.randn(config.num_fixed_noise, config.latent_dim, generator=torch.Generator().manual_seed(config.seed))


def gan_losses(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(L_D, L_G) from the discriminator's logits on a real and a fake batch."""
    d_loss = (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
              + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
    g_loss = F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    return d_loss, g_loss


def resolve_precision(precision: str, device: torch.device) -> torch.dtype:
    """The compute dtype of the matrix products: bf16 where the hardware does it natively ("auto"), else fp32.
    Weights, optimizer states and the loss stay fp32 either way (autocast)."""
    if precision == "fp32":
        return torch.float32
    native = (torch.cuda.is_bf16_supported() if device.type == "cuda" else
              device.type == "cpu" and torch.ops.mkldnn._is_mkldnn_bf16_supported())
    if precision == "bf16":
        if not native and device.type != "cpu":
            raise RunError(f"--precision bf16 is not supported on {device}: use fp32 (or auto)")
        return torch.bfloat16
    if precision == "auto":
        return torch.bfloat16 if native else torch.float32
    raise RunError(f"unknown precision {precision!r}: use auto, fp32 or bf16")


def precision_name(dtype: torch.dtype) -> str:
    """The dtype's name (bfloat16, float32), as histories and the bench record it."""
    return str(dtype).removeprefix("torch.")


def train_step(gan: GAN, real: torch.Tensor, z: torch.Tensor,
               dtype: torch.dtype = torch.float32) -> tuple[torch.Tensor, torch.Tensor]:
    """One simultaneous update of both players; returns the detached (L_D, L_G)."""
    with torch.autocast(real.device.type, dtype=dtype, enabled=dtype != torch.float32):
        fake = gan.generator(z)                                             # (B, 1, 28, 28)
        # two D calls as in the tutorial: L_G's backward then goes through the fake batch only
        real_logits, fake_logits = gan.discriminator(real), gan.discriminator(fake)   # (B,), (B,)
    d_loss, g_loss = gan_losses(real_logits.float(), fake_logits.float())
    d_params, g_params = list(gan.discriminator.parameters()), list(gan.generator.parameters())
    d_grads = torch.autograd.grad(d_loss, d_params, retain_graph=True)  # the tutorial's disc_tape
    g_grads = torch.autograd.grad(g_loss, g_params)                     # the tutorial's gen_tape
    for params, grads in ((d_params, d_grads), (g_params, g_grads)):
        for param, grad in zip(params, grads):
            param.grad = grad
    gan.opt_d.step()
    gan.opt_g.step()
    return d_loss.detach(), g_loss.detach()


def provenance(device: torch.device) -> dict:
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                check=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                                    capture_output=True, text=True, check=True).stdout.strip())
    except (OSError, subprocess.CalledProcessError):
        commit, dirty = None, None
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor() or platform.machine()
    return {"commit": commit, "dirty": dirty, "device": str(device), "device_name": name,
            "threads": torch.get_num_threads(), "python": platform.python_version(),
            "torch": torch.__version__, "torchvision": torchvision.__version__}


def new_history(config: TrainConfig) -> dict:
    return {"config": as_record(config), "num_images": None, "epochs_done": 0, "finished": False,
            "d_loss_per_step": [], "g_loss_per_step": [],   # one float per batch, all epochs in order
            "epochs": [],                                   # per epoch: mean losses over its batches, seconds
            "quality": [],                                  # at quality_epochs: Fréchet distance, coverage
            "quality_reference": None,                      # the same for real images and the untrained G
            "sessions": []}                                 # one entry per (re)start: provenance


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
def locked(run_dir: Path):
    """An exclusive lock on run_dir for as long as the block runs: a second process (another notebook, a
    forgotten terminal) cannot train, resume or clean up the same run at the same time. The operating system
    drops the lock when its process dies, so a killed run never leaves a stale one."""
    with open(run_dir / LOCK, "a") as handle:
        if fcntl is not None:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise RunError(f"{run_dir} is being trained by another process: wait for it to finish, or stop "
                               f"it first") from None
        yield


def load_checkpoint(path: Path, device: torch.device) -> dict:
    try:
        state = load_torch_checked(path, map_location=device, weights_only=False)
    except Exception as err:  # checksum mismatch, a damaged zip, a pickle error: never resume from it
        raise RunError(f"checkpoint {path} is damaged ({str(err).splitlines()[0]}): "
                       f"delete it to restart the run from scratch") from err
    if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
        raise RunError(f"checkpoint {path} is not a checkpoint of this code: delete it to restart the run")
    return state


def save_checkpoint(run_dir: Path, gan: GAN, data_rng: torch.Generator, history: dict, samples: list) -> None:
    save_torch_checked({
        "format": CHECKPOINT_FORMAT, "config": history["config"], "history": history,
        "generator": gan.generator.state_dict(), "discriminator": gan.discriminator.state_dict(),
        "opt_g": gan.opt_g.state_dict(), "opt_d": gan.opt_d.state_dict(),
        "rng": {"torch": torch.get_rng_state(), "data": data_rng.get_state(),
                "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None},
        "samples": torch.stack(samples) if samples else None,
    }, run_dir / CHECKPOINT)
    save_json(history, run_dir / HISTORY)  # readable progress while the run goes on


def restore(state: dict, gan: GAN, data_rng: torch.Generator) -> tuple[dict, list]:
    gan.generator.load_state_dict(state["generator"])
    gan.discriminator.load_state_dict(state["discriminator"])
    gan.opt_g.load_state_dict(state["opt_g"])
    gan.opt_d.load_state_dict(state["opt_d"])
    torch.set_rng_state(state["rng"]["torch"].cpu())
    data_rng.set_state(state["rng"]["data"].cpu())
    if state["rng"]["cuda"] is not None and torch.cuda.is_available():
        torch.cuda.set_rng_state_all([s.cpu() for s in state["rng"]["cuda"]])
    samples = list(state["samples"].cpu()) if state["samples"] is not None else []
    return state["history"], samples


def read_history(run_dir: Path) -> dict:
    path = Path(run_dir) / HISTORY
    try:
        return load_json(path)
    except (OSError, ValueError) as err:
        raise RunError(f"{path} cannot be read ({err}): restore it from git, or delete {run_dir} to retrain") from err


def finished_run(run_dir: Path, config: TrainConfig) -> dict | None:
    """The history of a finished run of this config in run_dir, or None when there is none to load."""
    if not (Path(run_dir) / HISTORY).exists():
        return None
    history = read_history(run_dir)
    check_config(run_dir, history["config"], config)
    return history if history["finished"] else None


def train(config: TrainConfig, run_dir: Path, device: str = "auto", data_root: Path = DATA_DIR,
          progress: bool = True) -> dict:
    """Train (or resume) the run in run_dir to config.epochs; returns its history. Nothing is lost to a kill:
    each finished epoch is checkpointed atomically, and the next call resumes after it."""
    device = pick_device(device)
    dtype = resolve_precision(config.precision, device)
    run_dir = writable_dir(run_dir)
    with locked(run_dir):
        return train_unlocked(config, run_dir, device, dtype, data_root, progress)


def train_unlocked(config: TrainConfig, run_dir: Path, device: torch.device, dtype: torch.dtype, data_root: Path,
                   progress: bool) -> dict:
    """train(), for the one process that holds the run directory's lock."""
    remove_stale_temporaries(run_dir)
    done = finished_run(run_dir, config)
    if done is not None:
        return done
    images, _ = load_images(data_root, train=True, limit=config.limit)
    images = images.to(device)
    gan = build_gan(config, device)
    data_rng = torch.Generator().manual_seed(config.seed + 1)   # shuffling and training noise
    z_fixed = fixed_noise(config)
    evaluator = quality_evaluator(config, data_root)
    history, samples = new_history(config), []
    if (run_dir / CHECKPOINT).exists():
        state = load_checkpoint(run_dir / CHECKPOINT, device)
        check_config(run_dir, state["config"], config)
        history, samples = restore(state, gan, data_rng)
    elif evaluator is not None:  # a fresh run: score the untrained generator before it changes
        history["quality_reference"] = reference_scores(evaluator, gan.generator, data_root)
    history["sessions"].append({"start_epoch": history["epochs_done"] + 1, **provenance(device),
                                "precision": precision_name(dtype)})

    n = history["num_images"] = len(images)
    steps_per_epoch = -(-n // config.batch_size)
    first = history["epochs_done"] + 1
    bar = Progress(total=config.epochs * steps_per_epoch, done=(first - 1) * steps_per_epoch, quiet=not progress)
    epoch = first
    try:
        for epoch in range(first, config.epochs + 1):
            start = time.perf_counter()
            order = torch.randperm(n, generator=data_rng).to(device)
            d_losses, g_losses = [], []
            for step, i in enumerate(range(0, n, config.batch_size), 1):
                real = images[order[i:i + config.batch_size]]
                z = torch.randn(len(real), config.latent_dim, generator=data_rng).to(device)
                d_loss, g_loss = train_step(gan, real, z, dtype)
                d_losses.append(d_loss)
                g_losses.append(g_loss)
                bar.update((epoch - 1) * steps_per_epoch + step,  # the text (a GPU sync) only when shown
                           lambda: f"epoch {epoch}/{config.epochs} · step {step}/{steps_per_epoch} · "
                                   f"D {d_loss.item():.3f} · G {g_loss.item():.3f}")
            d_epoch, g_epoch = torch.stack(d_losses).tolist(), torch.stack(g_losses).tolist()
            samples.append(generate(gan.generator, z_fixed))
            history["d_loss_per_step"] += d_epoch
            history["g_loss_per_step"] += g_epoch
            history["epochs"].append({"epoch": epoch, "d_loss": sum(d_epoch) / len(d_epoch),
                                      "g_loss": sum(g_epoch) / len(g_epoch), "steps": len(d_epoch),
                                      "seconds": time.perf_counter() - start})
            if evaluator is not None and epoch in quality_epochs(config.epochs):
                eval_start = time.perf_counter()
                history["quality"].append({"epoch": epoch, **evaluator.score_generator(gan.generator),
                                           "seconds": time.perf_counter() - eval_start})
            history["epochs_done"] = epoch
            save_checkpoint(run_dir, gan, data_rng, history, samples)
    except KeyboardInterrupt:
        bar.close(f"interrupted in epoch {epoch}: epochs 1-{history['epochs_done']} are saved in {run_dir}; "
                  f"run again to resume")
        raise
    history["finished"] = True   # also when a kill came after the last checkpoint but before the results
    write_results(run_dir, gan, history, samples)
    seconds = sum(e["seconds"] for e in history["epochs"])
    bar.close(f"trained {config.epochs} epochs on {n:,} images in {format_seconds(seconds)} "
              f"({device.type}); results in {run_dir}")
    return history


def quality_evaluator(config: TrainConfig, data_root: Path) -> Evaluator | None:
    if not config.eval_samples:
        return None
    test_images, _ = load_images(data_root, train=False)
    return Evaluator(test_images, config.eval_samples, config.latent_dim, config.seed)


def reference_scores(evaluator: Evaluator, untrained: Generator, data_root: Path) -> dict:
    """The quality scale's ends, measured the same way: real training images (the floor: what a perfect
    generator would score with this many images) and the untrained generator (the ceiling)."""
    real, _ = load_images(data_root, train=True, limit=evaluator.num_samples)
    return {"real_train_images": evaluator.score_images(real),
            "untrained_generator": evaluator.score_generator(untrained)}


def write_results(run_dir: Path, gan: GAN, history: dict, samples: list) -> None:
    """The finished run's lasting files: weights, per-epoch samples, then the history, whose "finished" marks
    them complete (a kill before it leaves the run to be finished from its last checkpoint)."""
    save_torch(gan.generator.state_dict(), run_dir / GENERATOR)
    save_torch(gan.discriminator.state_dict(), run_dir / DISCRIMINATOR)
    save_torch(torch.stack(samples), run_dir / SAMPLES)
    save_json(history, run_dir / HISTORY)


def load_results(run_dir: Path, device: str = "cpu") -> tuple[dict, Generator, torch.Tensor]:
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


def train_or_load(config: TrainConfig, run_dir: Path, device: str = "auto") -> tuple[dict, Generator, torch.Tensor]:
    """The finished run of `config` in run_dir, trained (or resumed) first when it is not finished there."""
    train(config, run_dir, device=device)  # returns at once, loading no data, when the run is finished
    return load_results(run_dir)


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
    parser.add_argument("--precision", choices=("auto", "fp32", "bf16"), default=defaults.precision,
                        help="matrix products in fp32 or bf16 (autocast); auto: bf16 where the hardware has it")
    parser.add_argument("--data-root", type=Path, default=DATA_DIR, help="folder holding FashionMNIST/raw")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    config = replace(TrainConfig(), epochs=args.epochs, limit=args.limit, seed=args.seed, batch_size=args.batch_size,
                     eval_samples=args.eval_samples, precision=args.precision)
    try:
        history = train(config, args.run_dir, device=args.device, data_root=args.data_root)
    except (RunError, DataError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    last = history["epochs"][-1]
    print(f"epoch {last['epoch']}: D loss {last['d_loss']:.4f}, G loss {last['g_loss']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
