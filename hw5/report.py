"""What the notebook needs besides the models: its mode (full or smoke), where results go, text from a run."""
import tempfile
from dataclasses import dataclass
from pathlib import Path

import torch

from .config import TrainConfig, smoke, smoke_mode
from .paths import DEFAULT_RUN_DIR, FIGURES_DIR

ASSIGNMENT_EPOCHS = 50
ASSIGNMENT_GRID_EPOCHS = (10, 30, 50)  # the assignment asks for samples after these epochs


@dataclass(frozen=True)
class Session:
    config: TrainConfig
    run_dir: Path        # a finished run of `config` here is loaded, anything else is trained or resumed
    figures_dir: Path    # where the notebook saves its figures
    smoke: bool


def notebook_session() -> Session:
    """The full assignment run, or with HW5_SMOKE=1 a tiny one in a temporary folder (the committed run and
    figures are never touched by a smoke run)."""
    if not smoke_mode():
        return Session(TrainConfig(), DEFAULT_RUN_DIR, FIGURES_DIR, smoke=False)
    scratch = Path(tempfile.mkdtemp(prefix="hw5-smoke-"))
    return Session(smoke(TrainConfig()), scratch / "run", scratch / "figures", smoke=True)


def grid_epochs(epochs: int) -> list[int]:
    """The assignment's epochs 10, 30, 50, scaled to a run of `epochs` epochs (identical for 50)."""
    return sorted({max(1, round(e * epochs / ASSIGNMENT_EPOCHS)) for e in ASSIGNMENT_GRID_EPOCHS})


def progression_epochs(epochs: int, columns: int = 11) -> list[int]:
    """About `columns` epochs spread over the run, always with the first and the last: 1, 5, 10, ..., 50."""
    step = max(1, round(epochs / (columns - 1)))
    return sorted({1, epochs, *range(step, epochs + 1, step)})


def layer_table(model: torch.nn.Module, example: torch.Tensor) -> str:
    """One row per leaf layer: output shape (for one example) and parameter count, then the total."""
    rows, hooks = [], []
    for name, layer in model.named_modules():
        if not list(layer.children()):
            hooks.append(layer.register_forward_hook(
                lambda mod, inp, out, name=name: rows.append(
                    (name, type(mod).__name__, tuple(out.shape[1:]), sum(p.numel() for p in mod.parameters())))))
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(example)
    model.train(was_training)
    for hook in hooks:
        hook.remove()
    width = max(len(f"{name} ({kind})") for name, kind, _, _ in rows)
    lines = [f"{'layer':<{width}}  {'output shape':<16}{'parameters':>12}"]
    lines += [f"{f'{name} ({kind})':<{width}}  {str(shape):<16}{count:>12,}" for name, kind, shape, count in rows]
    lines.append(f"{'total':<{width}}  {'':<16}{sum(r[3] for r in rows):>12,}")
    return "\n".join(lines)


def loss_summary(history: dict, window: int = 5) -> str:
    """The run's losses in numbers: first and last `window` epochs, extremes, and how far they sit from the
    values of the game's equilibrium D = 1/2 (L_D = 2 ln 2 = 1.386, L_G = ln 2 = 0.693)."""
    epochs = history["epochs"]
    window = max(1, min(window, len(epochs) // 2 or 1))

    def mean(key, part):
        return sum(e[key] for e in part) / len(part)

    first, last = epochs[:window], epochs[-window:]
    span = lambda part: f"{part[0]['epoch']}-{part[-1]['epoch']}" if len(part) > 1 else f"{part[0]['epoch']}"
    lines = [f"{'':<26}{'L_D':>8}{'L_G':>8}",
             f"{'mean, epochs ' + span(first):<26}{mean('d_loss', first):>8.3f}{mean('g_loss', first):>8.3f}",
             f"{'mean, epochs ' + span(last):<26}{mean('d_loss', last):>8.3f}{mean('g_loss', last):>8.3f}"]
    for key in ("d_loss", "g_loss"):
        low = min(epochs, key=lambda e: e[key])
        high = max(epochs, key=lambda e: e[key])
        steps = history[f"{key}_per_step"]
        lines.append(f"{key[0].upper()} epoch means range {low[key]:.3f} (epoch {low['epoch']}) to "
                     f"{high[key]:.3f} (epoch {high['epoch']}); single steps {min(steps):.3f} to {max(steps):.3f}")
    return "\n".join(lines)


def run_summary(history: dict) -> str:
    """Where a run came from: size, time, device, commit."""
    last = history["sessions"][-1]
    seconds = sum(e["seconds"] for e in history["epochs"])
    commit = (last["commit"] or "unknown")[:10] + (" (with uncommitted changes)" if last["dirty"] else "")
    return (f"{history['epochs_done']} epochs x {history['epochs'][0]['steps']} steps on {history['num_images']:,} images, "
            f"{seconds / 60:.1f} min of training on {last['device']} ({last['device_name']}), "
            f"{len(history['sessions'])} session(s), code at commit {commit}")


def quality_table(history: dict, classifier_info: dict) -> str:
    """The run's quality scores beside the two reference points, one line each."""
    reference = history["quality_reference"]
    rows = [("real training images (floor)", reference["real_train_images"]),
            ("untrained generator (ceiling)", reference["untrained_generator"]),
            *[(f"generator after epoch {q['epoch']}", q) for q in history["quality"]]]
    lines = [f"classifier: test accuracy {classifier_info['test_accuracy']:.2%} "
             f"({classifier_info['epochs']} epochs, seed {classifier_info['seed']})",
             f"{'Fréchet distance on ' + format(history['config']['eval_samples'], ',') + ' images':<40}"
             f"{'FD':>9}{'coverage':>10}"]
    lines += [f"{name:<40}{score['frechet_distance']:>9.2f}{score['coverage']:>10.3f}" for name, score in rows]
    return "\n".join(lines)
