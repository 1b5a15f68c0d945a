"""What the notebook needs besides the models: its mode (full or smoke), where results go, text from a run."""
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
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


def swing_length(losses: np.ndarray) -> int:
    """How many steps a swing of a loss lasts: the lag at which its autocorrelation first drops to zero or below
    (a quarter of the period for a pure oscillation; 1 for uncorrelated step-to-step noise)."""
    x = np.asarray(losses, dtype=np.float64) - np.mean(losses)
    autocorrelation = np.correlate(x, x, "full")[len(x) - 1:]
    below = np.flatnonzero(autocorrelation <= 0)
    return int(below[0]) if len(below) else len(x)


def loss_summary(history: dict, window: int = 10) -> str:
    """The numbers behind the reading of the loss curves, for the first and the last `window` epochs: mean L_D
    and L_G beside their values at the game's equilibrium D = 1/2 (2 ln 2 and ln 2); the step-by-step correlation
    of L_D and L_G (negative: what one player gains the other loses); how long the swings of L_D last; then
    the drift of the epoch means after the first `window` epochs and the extremes."""
    epochs = history["epochs"]
    window = max(1, min(window, len(epochs) // 2 or 1))
    ends = np.cumsum([0] + [e["steps"] for e in epochs])
    d_steps, g_steps = np.array(history["d_loss_per_step"]), np.array(history["g_loss_per_step"])

    def row(label, first, last):  # epochs first..last, 1-based, inclusive
        d, g = d_steps[ends[first - 1]:ends[last]], g_steps[ends[first - 1]:ends[last]]
        corr = np.corrcoef(d, g)[0, 1] if len(d) > 1 else float("nan")
        return f"{label:<20}{d.mean():>7.3f}{g.mean():>7.3f}{corr:>7.2f}{swing_length(d):>7d}"

    span = lambda first, last: f"epochs {first}-{last}" if last > first else f"epoch {first}"
    n = len(epochs)
    lines = [f"{'':<20}{'L_D':>7}{'L_G':>7}{'corr':>7}{'swing':>7}",
             row(span(1, window), 1, window),
             row(span(n - window + 1, n), n - window + 1, n),
             f"{'equilibrium D = 1/2':<20}{2 * np.log(2):>7.3f}{np.log(2):>7.3f}",
             "corr: correlation of L_D and L_G step by step; swing: steps until the",
             "autocorrelation of L_D first reaches 0"]
    later = epochs[window:]
    if len(later) > 1:
        x = [e["epoch"] for e in later]
        drift = {key: round(10 * np.polyfit(x, [e[key] for e in later], 1)[0], 3) + 0.0  # + 0.0: no "-0.000"
                 for key in ("d_loss", "g_loss")}
        lines.append(f"drift of the epoch means, {span(x[0], x[-1])}: L_D {drift['d_loss']:+.3f}, "
                     f"L_G {drift['g_loss']:+.3f} per 10 epochs")
    for key, name in (("d_loss", "L_D"), ("g_loss", "L_G")):
        low = min(epochs, key=lambda e: e[key])
        high = max(epochs, key=lambda e: e[key])
        steps = history[f"{key}_per_step"]
        lines.append(f"{name}: epoch means {low[key]:.3f} (epoch {low['epoch']}) to {high[key]:.3f} "
                     f"(epoch {high['epoch']}), steps {min(steps):.3f} to {max(steps):.3f}")
    return "\n".join(lines)


def run_summary(history: dict) -> str:
    """Where a run came from: its size and training time, then per session (start or resumption) the epochs it
    trained, the commit of the code, the device and the precision."""
    seconds = sum(e["seconds"] for e in history["epochs"])
    lines = [f"{history['epochs_done']} epochs x {history['epochs'][0]['steps']} steps on "
             f"{history['num_images']:,} images, {seconds / 60:.1f} min of training"]
    sessions = history["sessions"]
    for k, session in enumerate(sessions):
        last = sessions[k + 1]["start_epoch"] - 1 if k + 1 < len(sessions) else history["epochs_done"]
        commit = (session["commit"] or "unknown")[:10] + (" + uncommitted changes" if session["dirty"] else "")
        lines.append(f"epochs {session['start_epoch']}-{last}: code at {commit}, {session['device']} "
                     f"({session['device_name']}), {session.get('precision', 'fp32')}")
    return "\n".join(lines)


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
