"""Statistics of the two players' losses over a run: what the reading of the loss curves (Q3f) rests on."""
import math

import numpy as np

WINDOW = 10   # epochs a row of the loss summary covers


def step_values(history: dict, key: str, first: int, last: int) -> np.ndarray:
    """The per-step record `key` (d_loss, g_loss, d_real, d_fake) of epochs first..last (1-based, inclusive)."""
    ends = np.cumsum([0] + [e["steps"] for e in history["epochs"]])
    return np.array(history[f"{key}_per_step"][ends[first - 1]:ends[last]])


def step_losses(history: dict, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
    """The per-step L_D and L_G of epochs first..last (1-based, inclusive)."""
    return step_values(history, "d_loss", first, last), step_values(history, "g_loss", first, last)


def step_correlation(d_steps: np.ndarray, g_steps: np.ndarray) -> float:
    """Correlation of L_D and L_G step by step (negative: what one player gains the other loses)."""
    return float(np.corrcoef(d_steps, g_steps)[0, 1]) if len(d_steps) > 1 else float("nan")


def windows(epochs: int, window: int = WINDOW) -> list[tuple[int, int]]:
    """(first, last) epochs, 1-based and inclusive, of each run of `window` epochs (the last may be shorter)."""
    return [(first, min(epochs, first + window - 1)) for first in range(1, epochs + 1, window)]


def surges(history: dict) -> tuple[range, float, float, dict[int, int]] | None:
    """The calm stretch, epochs 2 to the one before the upset (the lowest mean L_D), with its steps' lowest L_D and
    highest L_G; and for every other epoch (the opening, the upset, those after it), how many steps lie beyond.
    None when the upset is epoch 1 or 2, leaving no calm stretch."""
    upset = 1 + int(np.argmin([e["d_loss"] for e in history["epochs"]]))
    calm = range(2, upset)
    if not calm:
        return None
    low = min(step_values(history, "d_loss", e, e).min() for e in calm)
    high = max(step_values(history, "g_loss", e, e).max() for e in calm)
    outside = lambda e: (step_values(history, "d_loss", e, e) < low) | (step_values(history, "g_loss", e, e) > high)
    beyond = {e: int(outside(e).sum()) for e in range(1, len(history["epochs"]) + 1) if e not in calm}
    return calm, float(low), float(high), beyond


def loss_summary(history: dict, window: int = WINDOW, blocks: int = 3) -> str:
    """Every epoch's mean L_D, L_G and D's mean probabilities D(x), D(G(z)), in `blocks` columns side by side;
    then the losses' step-by-step correlation per `window` epochs; the first step, and the steps beyond the range of
    the calm stretch (surges)."""
    epochs = history["epochs"]
    cells = [f"{e['epoch']:>2}{e['d_loss']:>6.2f}{e['g_loss']:>6.2f}{e['d_real']:>6.2f}{e['d_fake']:>8.2f}"
             for e in epochs]
    height = math.ceil(len(cells) / blocks)
    columns = [cells[k:k + height] for k in range(0, len(cells), height)]
    header = f"{'ep':>2}{'L_D':>6}{'L_G':>6}{'D(x)':>6}{'D(G(z))':>8}"
    lines = ["   ".join([header] * len(columns)),
             *("   ".join(column[row] for column in columns if row < len(column)) for row in range(height))]
    corr = [step_correlation(*step_losses(history, first, last)) for first, last in windows(len(epochs), window)]
    lines.append(f"corr of L_D and L_G over the steps of each {window} epochs: " + " ".join(f"{c:+.2f}" for c in corr))
    if (surge := surges(history)) is not None:
        calm, low, high, beyond = surge
        lines += [f"step 1: L_D {history['d_loss_per_step'][0]:.2f}, L_G {history['g_loss_per_step'][0]:.2f}; "
                  f"epochs {calm[0]}-{calm[-1]}'s steps: L_D >= {low:.2f}, L_G <= {high:.2f}",
                  "steps beyond that range: " + ", ".join(f"{n} in epoch {e}" for e, n in beyond.items())]
    return "\n".join(lines)
