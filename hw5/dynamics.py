"""Statistics of the two players' losses over a run: what the reading of the loss curves (Q3f) rests on."""
import numpy as np

from .runs import History


def epoch_means(history: History, key: str) -> np.ndarray:
    """The epoch means of "d_loss" or "g_loss", epoch 1 first."""
    return np.array([e[key] for e in history["epochs"]])


def step_losses(history: History, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
    """The per-step L_D and L_G of epochs first..last (1-based, inclusive)."""
    ends = np.cumsum([0] + [e["steps"] for e in history["epochs"]])
    steps = slice(ends[first - 1], ends[last])
    return np.array(history["d_loss_per_step"][steps]), np.array(history["g_loss_per_step"][steps])


def step_correlation(d_steps: np.ndarray, g_steps: np.ndarray) -> float:
    """Correlation of L_D and L_G step by step (negative: what one player gains the other loses)."""
    return float(np.corrcoef(d_steps, g_steps)[0, 1]) if len(d_steps) > 1 else float("nan")


def swing_length(losses: np.ndarray) -> int:
    """How many steps a swing of a loss lasts: the lag at which its autocorrelation first drops to zero or below
    (a quarter of the period for a pure oscillation; 1 for uncorrelated step-to-step noise)."""
    x = np.asarray(losses, dtype=np.float64) - np.mean(losses)
    autocorrelation = np.correlate(x, x, "full")[len(x) - 1:]
    below = np.flatnonzero(autocorrelation <= 0)
    return int(below[0]) if len(below) else len(x)


def loss_summary(history: History, window: int = 10) -> str:
    """The numbers behind the reading of the loss curves, for the first and the last `window` epochs: mean L_D
    and L_G beside their values at the game's equilibrium D = 1/2 (2 ln 2 and ln 2); the step-by-step correlation
    of L_D and L_G (negative: what one player gains the other loses); how long the swings of L_D last; then
    the drift of the epoch means after the first `window` epochs and the extremes."""
    epochs = history["epochs"]
    window = max(1, min(window, len(epochs) // 2 or 1))

    def row(label, first, last):  # epochs first..last, 1-based, inclusive
        d, g = step_losses(history, first, last)
        return f"{label:<20}{d.mean():>7.3f}{g.mean():>7.3f}{step_correlation(d, g):>7.2f}{swing_length(d):>7d}"

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
