"""The commentary of Q3(f) and the appendix, checked: every quantitative statement it makes about the committed
run holds on the run's numbers (descriptions of what images look like are not tested).

Each checked sentence of hw5.ipynb is followed there by the invisible marker `<!-- claim: ID -->`, and each claim
below names that id: search for the id to go from a sentence to its check or back.
"""
import re

import nbformat
import numpy as np
import pytest
import torch

from hw5.answers.data import load_images
from hw5.appendix.dynamics import step_correlation, step_losses, swing_length
from hw5.appendix.quality import Evaluator
from hw5.appendix.spectra import excess_power
from hw5.config import DATA_DIR, ROOT, RUN_DIR, TrainConfig
from hw5.render.notebook import FP32_RUN_DIR
from hw5.train.rundir import load_results, read_history
from histories import history_from

MARKER = re.compile(r"<!-- claim: ([a-z0-9-]+) -->")


def epoch_means(history: dict, key: str) -> np.ndarray:
    return np.array([e[key] for e in history["epochs"]])


def commentary_claims(history: dict, fp32_history: dict | None, excess: torch.Tensor,
                      excess_by_epoch: torch.Tensor) -> list[tuple[str, str, bool]]:
    """(marker id, statement, holds) of every claim about `history`, the run; those comparing it with its
    plain-fp32 twin only when that is given. `excess` is the final generator's generated/real power (H, W),
    `excess_by_epoch` that of the fixed-noise samples after every epoch (E, H, W)."""
    ln2, nan = np.log(2), float("nan")
    d, g = epoch_means(history, "d_loss"), epoch_means(history, "g_loss")
    n = len(d)
    mean_over = lambda x, first, last: x[first - 1:last].mean() if last <= len(x) else nan   # epochs first..last
    d_first, g_first = step_losses(history, 1, min(10, n))
    d_last, g_last = step_losses(history, max(1, n - 9), n)
    d_steps, g_steps = np.array(history["d_loss_per_step"]), np.array(history["g_loss_per_step"])
    tens = [(mean_over(d, k, k + 9), mean_over(g, k, k + 9)) for k in (21, 31, 41)]
    fd = {q["epoch"]: q["frechet_distance"] for q in history["quality"]}
    last_scored = max(fd)
    later = [e for e in sorted(fd) if e >= 10]
    at = lambda scores, epoch: scores.get(epoch, nan)
    coverage = {q["epoch"]: q["coverage"] for q in history["quality"]}
    fractions = history["quality"][-1]["class_fractions"]
    real = history["quality_reference"]["real_train_images"]
    h, w = excess.shape
    checkerboard = excess_by_epoch[:, h // 2, w // 2].numpy()          # period 2 both ways, after every epoch
    early = np.median(checkerboard[:25])
    late = np.median(checkerboard[25:50]) if n >= 50 else nan
    claims = [
        ("losses-below-chance", "losses: every epoch mean has L_D < 2 ln 2 and L_G > ln 2",
         (d < 2 * ln2).all() and (g > ln2).all()),
        ("early-balance", "losses: epochs 1-10 near balance, mean L_D > 1.1 and L_G < 1",
         d_first.mean() > 1.1 and g_first.mean() < 1),
        ("d-pulls-ahead", "losses: epochs 11-20 D pulls ahead, L_D down and L_G up by > 0.2",
         mean_over(d, 11, 20) < mean_over(d, 1, 10) - 0.2 and mean_over(g, 11, 20) > mean_over(g, 1, 10) + 0.2),
        ("plateau", "losses: after epoch 20, 10-epoch means of L_D, L_G within 0.1",
         all(np.ptp(x) < 0.1 for x in zip(*tens))),
        ("anticorrelated", "losses: anti-correlated step by step, r < -0.5 (first, last 10)",
         step_correlation(d_first, g_first) < -0.5 and step_correlation(d_last, g_last) < -0.5),
        ("swings", "losses: swings of L_D last over 10 steps (first, last 10 epochs)",
         swing_length(d_first) > 10 and swing_length(d_last) > 10),
        ("nobody-wins", "losses: nobody wins, every step has L_D > 0.3 and L_G < 3",
         d_steps.min() > 0.3 and g_steps.max() < 3),
        ("fd-halves", "quality: final FD under half of FD after epoch 1",
         fd[last_scored] < fd[min(fd)] / 2),
        ("fd-flat-10-20", "quality: epochs 10-20 FD stays within 10% of epoch 10's",
         all(abs(at(fd, e) / at(fd, 10) - 1) < 0.1 for e in (15, 20))),
        ("fd-falls-after-20", "quality: from epoch 20 to the end FD falls by over a third",
         fd[last_scored] < at(fd, 20) * 2 / 3),
        ("fd-jagged", "quality: from epoch 10 on, some consecutive scores differ by > 20%",
         any(abs(fd[b] / fd[a] - 1) > 0.2 for a, b in zip(later, later[1:]))),
        ("fd-far-from-real", "quality: final FD still over 10x that of real images",
         fd[last_scored] > 10 * real["frechet_distance"]),
        ("coverage", "quality: coverage >= 0.7 at every score from epoch 10 on",
         any(e >= 10 for e in coverage) and all(c >= 0.7 for e, c in coverage.items() if e >= 10)),
        ("classes-uneven", "quality: every class >= 1% of the final images, top >= 2x real",
         min(fractions) >= 0.01 and max(fractions) >= 2 * real["class_fractions"][int(np.argmax(fractions))]),
    ]
    if fp32_history is not None:
        d32, g32 = epoch_means(fp32_history, "d_loss"), epoch_means(fp32_history, "g_loss")
        fd32 = {q["epoch"]: q["frechet_distance"] for q in fp32_history["quality"]}
        shared = sorted(set(fd) & set(fd32) - {1})
        claims += [
            ("fp32-diverges", "precision: FD within 2% after epoch 1, over 10% apart after 5",
             abs(at(fd, 1) / at(fd32, 1) - 1) < 0.02 and abs(at(fd, 5) / at(fd32, 5) - 1) > 0.1),
            ("fp32-crosses", "precision: each run has the lower FD at 3 or more shared scores",
             min(sum(fd[e] < fd32[e] for e in shared), sum(fd32[e] < fd[e] for e in shared)) >= 3),
            ("fp32-final-close", "precision: final FDs of the two runs within 10% of each other",
             abs(fd[last_scored] / at(fd32, last_scored) - 1) < 0.1),
            ("fp32-same-phases", "precision: 10-epoch loss means of the two runs within 0.1",
             all(abs(mean_over(x, k, k + 9) - mean_over(x32, k, k + 9)) < 0.1
                 for x, x32 in ((d, d32), (g, g32)) for k in range(1, 42, 10))),
            ("fp32-slower", "precision: fp32's median epoch takes over 1.3x bf16's",
             np.median([e["seconds"] for e in fp32_history["epochs"]])
             > 1.3 * np.median([e["seconds"] for e in history["epochs"]])),
        ]
    claims += [
        ("checkerboard-early", f"artifacts: ({h // 2}, {w // 2}) power > 10x real, median of epochs 1-25",
         early > 10),
        ("checkerboard-late", "artifacts: median of epochs 26-50 under a third of that",
         late < early / 3),
        ("checkerboard-flares", "artifacts: but some epoch of 26-50 is back above 10x",
         (checkerboard[25:50] > 10).any()),
        ("checkerboard-final", f"artifacts: final generator's ({h // 2}, {w // 2}) ratio < 5, median ratio < 1",
         excess[h // 2, w // 2] < 5 and excess.flatten()[1:].median() < 1),
    ]
    return [(id, statement, bool(holds)) for id, statement, holds in claims]


@pytest.fixture(scope="module")
def committed_claims() -> dict[str, tuple[str, bool]]:
    history, generator, samples = load_results(RUN_DIR)
    test_images = load_images(DATA_DIR, train=False)[0]
    excess = excess_power(Evaluator(TrainConfig()).judge(generator)[0], test_images)   # as the notebook judges it
    claims = commentary_claims(history, read_history(FP32_RUN_DIR), excess, excess_power(samples, test_images))
    return {id: (statement, holds) for id, statement, holds in claims}


def notebook_markers() -> list[str]:
    nb = nbformat.read(ROOT / "hw5.ipynb", as_version=4)
    return [m for cell in nb.cells if cell.cell_type == "markdown" for m in MARKER.findall(cell.source)]


@pytest.mark.parametrize("claim", notebook_markers())
def test_each_marked_sentence_holds_for_the_committed_run(committed_claims, claim):
    statement, holds = committed_claims[claim]
    assert holds, statement


def test_every_claim_has_its_sentence_in_the_notebook_once(committed_claims):
    markers = notebook_markers()
    assert len(set(markers)) == len(markers) and sorted(markers) == sorted(committed_claims)


def claimed_run() -> tuple[dict, dict, torch.Tensor, torch.Tensor]:
    """A made-up 50-epoch run with everything the commentary says of the committed one: the three loss phases
    with anti-correlated swings, the Fréchet distances, coverage, classes, an fp32 twin and the spectra."""
    per_epoch = 20
    steps = np.arange(50 * per_epoch)
    epoch = steps // per_epoch + 1
    swing = 0.1 * np.sin(2 * np.pi * steps / 80)
    d = np.select([epoch <= 10, epoch <= 20], [1.25, 1.0], 0.8) + swing
    g = np.select([epoch <= 10, epoch <= 20], [0.85, 1.2], 1.7) - swing
    history = history_from(d, g, per_epoch)
    history["epochs"] = [{**e, "seconds": 50.0} for e in history["epochs"]]
    distances = {1: 480, 5: 490, 10: 300, 15: 310, 20: 300, 25: 370, 30: 280, 35: 230, 40: 170, 45: 210, 50: 180}
    fractions = [0.075] * 9 + [0.325]
    history["quality"] = [{"epoch": e, "frechet_distance": fd, "coverage": 0.8, "class_fractions": fractions}
                          for e, fd in distances.items()]
    history["quality_reference"] = {"real_train_images": {"frechet_distance": 1.0, "class_fractions": [0.1] * 10}}
    fp32 = {"epochs": [{**e, "seconds": 80.0} for e in history["epochs"]],     # the same losses, slower
            "quality": [{**q, "frechet_distance": factor * q["frechet_distance"]}   # equal after epoch 1, then
                        for q, factor in zip(history["quality"], [1.0] + [1.15, 0.85] * 4 + [1.15, 0.95])]}  # by turns
    excess = torch.full((28, 28), 0.6, dtype=torch.float64)
    excess[14, 14] = 2.0
    by_epoch = torch.ones(50, 28, 28, dtype=torch.float64)
    by_epoch[:25, 14, 14], by_epoch[25:, 14, 14], by_epoch[30, 14, 14] = 40.0, 5.0, 20.0
    return history, fp32, excess, by_epoch


def test_claims_fail_where_their_statements_are_false():
    history, fp32, excess, by_epoch = claimed_run()
    assert [statement for _, statement, holds in commentary_claims(history, fp32, excess, by_epoch) if not holds] == []
    history["quality"][6]["coverage"] = 0.2                                        # a collapse at epoch 30
    fp32["quality"] = [{**q, "frechet_distance": factor * q["frechet_distance"]}       # fp32 better at every score
                       for q, factor in zip(history["quality"], [1.0, 0.85] + [0.95] * 9)]
    excess[14, 14] = 8.0                                                           # a strong final checkerboard
    failed = [id for id, _, holds in commentary_claims(history, fp32, excess, by_epoch) if not holds]
    assert failed == ["coverage", "fp32-crosses", "checkerboard-final"]
