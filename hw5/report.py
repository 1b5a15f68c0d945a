"""What the notebook needs besides the models: its mode (full or smoke), where results go, text from a run."""
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .config import TrainConfig, smoke, smoke_mode
from .paths import DEFAULT_RUN_DIR, FIGURES_DIR, FP32_RUN_DIR

ASSIGNMENT_EPOCHS = 50
ASSIGNMENT_GRID_EPOCHS = (10, 30, 50)  # the assignment asks for samples after these epochs


@dataclass(frozen=True)
class Session:
    config: TrainConfig
    run_dir: Path        # a finished run of `config` here is loaded, anything else is trained or resumed
    fp32_run_dir: Path   # the same run in plain fp32 (precision="fp32"), likewise
    figures_dir: Path    # where the notebook saves its figures
    smoke: bool


def notebook_session() -> Session:
    """The full assignment run, or with HW5_SMOKE=1 a tiny one in a temporary folder (the committed run and
    figures are never touched by a smoke run)."""
    if not smoke_mode():
        return Session(TrainConfig(), DEFAULT_RUN_DIR, FP32_RUN_DIR, FIGURES_DIR, smoke=False)
    scratch = Path(tempfile.mkdtemp(prefix="hw5-smoke-"))
    return Session(smoke(TrainConfig()), scratch / "run", scratch / "run-fp32", scratch / "figures", smoke=True)


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


def step_losses(history: dict, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
    """The per-step L_D and L_G of epochs first..last (1-based, inclusive)."""
    ends = np.cumsum([0] + [e["steps"] for e in history["epochs"]])
    steps = slice(ends[first - 1], ends[last])
    return np.array(history["d_loss_per_step"][steps]), np.array(history["g_loss_per_step"][steps])


def step_correlation(d_steps: np.ndarray, g_steps: np.ndarray) -> float:
    """Correlation of L_D and L_G step by step (negative: what one player gains the other loses)."""
    return float(np.corrcoef(d_steps, g_steps)[0, 1]) if len(d_steps) > 1 else float("nan")


def loss_summary(history: dict, window: int = 10) -> str:
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


def excess_power_table(ratio: torch.Tensor) -> str:
    """Generated/real power at the frequencies of period 2 and 4 pixels (0, H/4, H/2 cycles per image each way:
    where the stride-2 transposed convolutions leave their checkerboards), and its median over all frequencies."""
    h, w = ratio.shape
    rows, cols = (0, h // 4, h // 2), (0, w // 4, w // 2)
    lines = ["generated / real power at k cycles per image down, l across",
             f"(0: constant, {h // 4}: period 4 px, {h // 2}: period 2 px)",
             f"{'':>8}" + "".join(f"{f'l = {l}':>10}" for l in cols)]
    lines += [f"{f'k = {k}':>8}" + "".join(f"{'':>10}" if k == l == 0 else f"{ratio[k, l].item():>10.1f}"
                                          for l in cols) for k in rows]
    lines.append(f"median over all {h * w - 1} frequencies: {ratio.flatten()[1:].median().item():.2f}")
    return "\n".join(lines)


def commentary_claims(history: dict, fp32_history: dict, excess: torch.Tensor,
                      excess_by_epoch: torch.Tensor) -> list[tuple[str, bool]]:
    """The statements the commentary of Q3f makes about the run, each tested on the run's numbers:
    (statement, holds). `excess` is the final generator's generated/real power (H, W), `excess_by_epoch` that of
    the fixed-noise samples after every epoch (E, H, W). Written for the committed 50-epoch run; any other run
    (retrained, smoke) is checked the same way, and a statement that is not true of it says so."""
    ln2, nan = np.log(2), float("nan")
    epoch_means = lambda run, key: np.array([e[key] for e in run["epochs"]])
    d, g = epoch_means(history, "d_loss"), epoch_means(history, "g_loss")
    d32, g32 = epoch_means(fp32_history, "d_loss"), epoch_means(fp32_history, "g_loss")
    n = len(d)
    mean_over = lambda x, first, last: x[first - 1:last].mean() if last <= len(x) else nan   # epochs first..last
    d_first, g_first = step_losses(history, 1, min(10, n))
    d_last, g_last = step_losses(history, max(1, n - 9), n)
    d_steps, g_steps = np.array(history["d_loss_per_step"]), np.array(history["g_loss_per_step"])
    tens = [(mean_over(d, k, k + 9), mean_over(g, k, k + 9)) for k in (21, 31, 41)]
    fd = {q["epoch"]: q["frechet_distance"] for q in history["quality"]}
    fd32 = {q["epoch"]: q["frechet_distance"] for q in fp32_history["quality"]}
    last_scored = max(fd)
    shared = sorted(set(fd) & set(fd32) - {1})
    later = [e for e in sorted(fd) if e >= 10]
    at = lambda scores, epoch: scores.get(epoch, nan)
    coverage = {q["epoch"]: q["coverage"] for q in history["quality"]}
    fractions = history["quality"][-1]["class_fractions"]
    real_fractions = history["quality_reference"]["real_train_images"]["class_fractions"]
    h, w = excess.shape
    checkerboard = excess_by_epoch[:, h // 2, w // 2].numpy()          # period 2 both ways, after every epoch
    early = np.median(checkerboard[:25])
    late = np.median(checkerboard[25:50]) if n >= 50 else nan
    claims = [
        ("losses: every epoch mean has L_D < 2 ln 2 and L_G > ln 2",
         (d < 2 * ln2).all() and (g > ln2).all()),
        ("losses: epochs 1-10 near balance, mean L_D > 1.1 and L_G < 1",
         d_first.mean() > 1.1 and g_first.mean() < 1),
        ("losses: epochs 11-20 D pulls ahead, L_D down and L_G up by > 0.2",
         mean_over(d, 11, 20) < mean_over(d, 1, 10) - 0.2 and mean_over(g, 11, 20) > mean_over(g, 1, 10) + 0.2),
        ("losses: after epoch 20, 10-epoch means of L_D, L_G within 0.1",
         all(np.ptp(x) < 0.1 for x in zip(*tens))),
        ("losses: anti-correlated step by step, r < -0.5 (first, last 10)",
         step_correlation(d_first, g_first) < -0.5 and step_correlation(d_last, g_last) < -0.5),
        ("losses: swings of L_D last over 10 steps (first, last 10 epochs)",
         swing_length(d_first) > 10 and swing_length(d_last) > 10),
        ("losses: nobody wins, every step has L_D > 0.3 and L_G < 3",
         d_steps.min() > 0.3 and g_steps.max() < 3),
        ("quality: final FD under half of FD after epoch 1",
         fd[last_scored] < fd[min(fd)] / 2),
        ("quality: epochs 10-20 FD stays within 10% of epoch 10's",
         all(abs(at(fd, e) / at(fd, 10) - 1) < 0.1 for e in (15, 20))),
        ("quality: from epoch 20 to the end FD falls by over a third",
         fd[last_scored] < at(fd, 20) * 2 / 3),
        ("quality: from epoch 10 on, some consecutive scores differ by > 20%",
         any(abs(fd[b] / fd[a] - 1) > 0.2 for a, b in zip(later, later[1:]))),
        ("quality: final FD still over 10x that of real images",
         fd[last_scored] > 10 * history["quality_reference"]["real_train_images"]["frechet_distance"]),
        ("quality: coverage >= 0.7 at every score from epoch 10 on",
         any(e >= 10 for e in coverage) and all(c >= 0.7 for e, c in coverage.items() if e >= 10)),
        ("quality: every class >= 1% of the final images, top >= 2x real",
         min(fractions) >= 0.01 and max(fractions) >= 2 * real_fractions[int(np.argmax(fractions))]),
        ("precision: FD within 2% after epoch 1, over 10% apart after 5",
         abs(at(fd, 1) / at(fd32, 1) - 1) < 0.02 and abs(at(fd, 5) / at(fd32, 5) - 1) > 0.1),
        ("precision: each run has the lower FD at 3 or more shared scores",
         min(sum(fd[e] < fd32[e] for e in shared), sum(fd32[e] < fd[e] for e in shared)) >= 3),
        ("precision: final FDs of the two runs within 10% of each other",
         abs(fd[last_scored] / at(fd32, last_scored) - 1) < 0.1),
        ("precision: 10-epoch loss means of the two runs within 0.1",
         all(abs(mean_over(x, k, k + 9) - mean_over(x32, k, k + 9)) < 0.1
             for x, x32 in ((d, d32), (g, g32)) for k in range(1, 42, 10))),
        ("precision: fp32's median epoch takes over 1.3x bf16's",
         np.median([e["seconds"] for e in fp32_history["epochs"]])
         > 1.3 * np.median([e["seconds"] for e in history["epochs"]])),
        (f"artifacts: ({h // 2}, {w // 2}) power > 10x real, median of epochs 1-25",
         early > 10),
        ("artifacts: median of epochs 26-50 under a third of that",
         late < early / 3),
        ("artifacts: but some epoch of 26-50 is back above 10x",
         (checkerboard[25:50] > 10).any()),
        (f"artifacts: final generator's ({h // 2}, {w // 2}) ratio < 5, median ratio < 1",
         excess[h // 2, w // 2] < 5 and excess.flatten()[1:].median() < 1),
    ]
    return [(statement, bool(holds)) for statement, holds in claims]


def claims_table(claims: list[tuple[str, bool]]) -> str:
    return "\n".join(f"{'holds' if holds else 'FAILS':<7}{statement}" for statement, holds in claims)


def run_summary(history: dict) -> str:
    """Where a run came from: its size and training time (in all, and the median epoch, which other work on the
    machine slows less), then per session (start or resumption) the epochs it trained, the commit of the code,
    the device and the precision."""
    seconds = [e["seconds"] for e in history["epochs"]]
    lines = [f"{history['epochs_done']} epochs x {history['epochs'][0]['steps']} steps on "
             f"{history['num_images']:,} images, {sum(seconds) / 60:.1f} min training, "
             f"median epoch {np.median(seconds):.1f} s"]
    sessions = history["sessions"]
    for k, session in enumerate(sessions):
        last = sessions[k + 1]["start_epoch"] - 1 if k + 1 < len(sessions) else history["epochs_done"]
        commit = (session["commit"] or "unknown")[:10] + (" + uncommitted changes" if session["dirty"] else "")
        lines.append(f"epochs {session['start_epoch']}-{last}: code at {commit}, {session['device']} "
                     f"({session['device_name']}), {session.get('precision', 'fp32')}")
    return "\n".join(lines)


def quality_table(history: dict, classifier_info: dict, label: str = "this run",
                  others: dict[str, dict] | None = None) -> str:
    """The run's quality scores by epoch beside the two reference points, and those of `others` (name -> history,
    e.g. the same run in another precision) in further columns, at equal epochs."""
    runs = {label: history, **(others or {})}
    reference = history["quality_reference"]
    by_epoch = [{q["epoch"]: q for q in run["quality"]} for run in runs.values()]
    width = max(22, *(len(name) + 3 for name in runs))
    score = lambda q: f"{q['frechet_distance']:>{width - 10}.2f}{q['coverage']:>10.3f}" if q else " " * width
    rows = [("real training images (floor)", [reference["real_train_images"]]),
            ("untrained generator (ceiling)", [reference["untrained_generator"]]),
            *[(f"after epoch {epoch}", [scores.get(epoch) for scores in by_epoch])
              for epoch in sorted(set().union(*by_epoch))]]
    lines = [f"classifier: test accuracy {classifier_info['test_accuracy']:.2%} "
             f"({classifier_info['epochs']} epochs, seed {classifier_info['seed']}); "
             f"{history['config']['eval_samples']:,} images per score",
             f"{'':<30}" + "".join(f"{name:>{width}}" for name in runs),
             f"{'':<30}" + f"{'FD':>{width - 10}}{'coverage':>10}" * len(runs)]
    lines += [f"{name:<30}" + "".join(score(q) for q in scores) for name, scores in rows]
    return "\n".join(lines)
