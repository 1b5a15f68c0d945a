"""Statistics of the two players' losses over a run: what the reading of the loss curves (Q3f) rests on."""
import numpy as np

WINDOW = 10   # epochs a row of the loss summary covers


def step_losses(history: dict, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
    """The per-step L_D and L_G of epochs first..last (1-based, inclusive)."""
    ends = np.cumsum([0] + [e["steps"] for e in history["epochs"]])
    steps = slice(ends[first - 1], ends[last])
    return np.array(history["d_loss_per_step"][steps]), np.array(history["g_loss_per_step"][steps])


def step_correlation(d_steps: np.ndarray, g_steps: np.ndarray) -> float:
    """Correlation of L_D and L_G step by step (negative: what one player gains the other loses)."""
    return float(np.corrcoef(d_steps, g_steps)[0, 1]) if len(d_steps) > 1 else float("nan")


def windows(epochs: int, window: int = WINDOW) -> list[tuple[int, int]]:
    """(first, last) epochs, 1-based and inclusive, of each run of `window` epochs (the last may be shorter)."""
    return [(first, min(epochs, first + window - 1)) for first in range(1, epochs + 1, window)]


def loss_summary(history: dict, window: int = WINDOW) -> str:
    """Per `window` epochs: mean L_D and L_G (beside 2 ln 2 and ln 2, their values at D = 1/2), D's mean
    probabilities D(x) and D(G(z)), and the losses' step-by-step correlation; then every step's loss range."""
    epochs = history["epochs"]
    lines = [f"{'':<16}{'L_D':>7}{'L_G':>7}{'D(x)':>7}{'D(G(z))':>9}{'corr':>7}"]
    for first, last in windows(len(epochs), window):
        d, g = step_losses(history, first, last)
        d_real, d_fake = (np.mean([e[key] for e in epochs[first - 1:last]]) for key in ("d_real", "d_fake"))
        label = f"epochs {first}-{last}" if last > first else f"epoch {first}"
        lines.append(f"{label:<16}{d.mean():>7.3f}{g.mean():>7.3f}{d_real:>7.3f}{d_fake:>9.3f}"
                     f"{step_correlation(d, g):>7.2f}")
    lines += [f"{'D = 1/2':<16}{2 * np.log(2):>7.3f}{np.log(2):>7.3f}{0.5:>7.3f}{0.5:>9.3f}",
              "corr: correlation of L_D and L_G over the steps of those epochs"]
    d_steps, g_steps = history["d_loss_per_step"], history["g_loss_per_step"]
    lines.append(f"every step: L_D {min(d_steps):.3f} to {max(d_steps):.3f}, "
                 f"L_G {min(g_steps):.3f} to {max(g_steps):.3f}")
    return "\n".join(lines)
