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


def surges(history: dict) -> tuple[float, float, dict[int, np.ndarray]]:
    """The range of the steps of every epoch but the first and the upset (the lowest mean L_D): their lowest L_D
    and highest L_G; and per epoch, its steps (1-based) beyond that range, for the epochs that have any."""
    upset = 1 + int(np.argmin([e["d_loss"] for e in history["epochs"]]))
    epochs = range(1, len(history["epochs"]) + 1)
    rest = [e for e in epochs if e not in (1, upset)]
    low = min(step_values(history, "d_loss", e, e).min() for e in rest)
    high = max(step_values(history, "g_loss", e, e).max() for e in rest)
    beyond = {e: np.flatnonzero((step_values(history, "d_loss", e, e) < low)
                                | (step_values(history, "g_loss", e, e) > high)) + 1 for e in epochs}
    return float(low), float(high), {e: steps for e, steps in beyond.items() if len(steps)}


def loss_summary(history: dict, window: int = WINDOW, blocks: int = 3) -> str:
    """Every epoch's mean L_D, L_G and D's mean probabilities D(x), D(G(z)), in `blocks` columns side by side;
    then the losses' step-by-step correlation per `window` epochs, and the steps beyond the other epochs' range
    (surges)."""
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
    if len(epochs) > 2:
        low, high, beyond = surges(history)
        lines.append(f"{len(epochs) - 2} other epochs' steps: L_D >= {low:.2f}, L_G <= {high:.2f}; beyond them: "
                     + ", ".join(f"{len(steps)} in epoch {e}" for e, steps in beyond.items()))
    return "\n".join(lines)
