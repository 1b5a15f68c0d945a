"""The commentary of Q3(f) and the appendix, checked: every quantitative statement it makes about the committed
run holds on the run's numbers (descriptions of what images look like are not tested).

Each checked sentence of hw5.ipynb is followed there by the invisible marker `<!-- claim: ID -->`, and each claim
below names that id: search for the id to go from a sentence to its check or back.
"""
import copy
import re

import nbformat
import numpy as np
import pytest
import torch

from hw5.answers.data import CLASS_NAMES, load_images
from hw5.appendix.dynamics import step_correlation, step_losses, windows
from hw5.appendix.quality import Evaluator
from hw5.appendix.spectra import excess_power
from hw5.config import DATA_DIR, ROOT, RUN_DIR, TrainConfig
from hw5.train.rundir import load_results

MARKER = re.compile(r"<!-- claim: ([a-z0-9-]+) -->")
NUMBER = re.compile(r"−?\d+(?:[.,]\d+)*")   # 11,750  0.92  −0.53 (a minus sign, never a hyphen)


def marked_sentences(markdown: str) -> dict[str, str]:
    """Each marker's sentence: the text before it, back to the marker before it or to the start of its
    paragraph or list item."""
    sentences, start = {}, 0
    for match in MARKER.finditer(markdown):
        sentences[match.group(1)] = re.split(r"(?:\n\s*\n|\n)- |\n\s*\n", markdown[start:match.start()])[-1].strip()
        start = match.end()
    return sentences


def test_a_marked_sentence_is_read_back_to_its_paragraph_with_every_number_in_it():
    markdown = ("Intro 5.\n\n- *Epochs 1–12:* $L_D$ 1.15–1.35 <!-- claim: a --> and 11,750 steps,"
                " corr −0.53. <!-- claim: b -->\n- Next 7.")
    sentences = marked_sentences(markdown)
    assert sentences == {"a": "*Epochs 1–12:* $L_D$ 1.15–1.35",
                         "b": "and 11,750 steps, corr −0.53."}
    assert NUMBER.findall(sentences["a"]) == ["1", "12", "1.15", "1.35"]
    assert NUMBER.findall(sentences["b"]) == ["11,750", "−0.53"]


def epoch_means(history: dict, key: str) -> np.ndarray:
    return np.array([e[key] for e in history["epochs"]])


def commentary_claims(history: dict, excess: torch.Tensor,
                      excess_by_epoch: torch.Tensor) -> list[tuple[str, str, bool]]:
    """(marker id, statement, holds) of every claim about `history`, the run. `excess` is the final generator's
    generated/real power (H, W), `excess_by_epoch` that of the fixed-noise samples after every epoch (E, H, W).
    Epochs are counted from 1, as on the page: at(x, k) is epoch k's value, span(x, a, b) those of epochs a..b."""
    ln2 = np.log(2)
    d, g = epoch_means(history, "d_loss"), epoch_means(history, "g_loss")
    real_p, fake_p = epoch_means(history, "d_real"), epoch_means(history, "d_fake")
    n = len(d)
    at = lambda x, k: x[k - 1]
    span = lambda x, a, b: x[a - 1:b]
    shown = lambda x, text: f"{x:.2f}" == text        # a number as the sentence prints it
    d_steps, g_steps = np.array(history["d_loss_per_step"]), np.array(history["g_loss_per_step"])
    steps_per_epoch = history["epochs"][0]["steps"]
    fd = {q["epoch"]: q["frechet_distance"] for q in history["quality"]}
    scored = sorted(fd)
    drops = {b: fd[a] - fd[b] for a, b in zip(scored, scored[1:])}
    coverage = {q["epoch"]: q["coverage"] for q in history["quality"]}
    at_10, final = (next(q for q in history["quality"] if q["epoch"] == e) for e in (10, n))
    real, untrained = (history["quality_reference"][k] for k in ("real_train_images", "untrained_generator"))
    vs_real = np.array(final["class_fractions"]) / np.array(real["class_fractions"])
    by_rate = [CLASS_NAMES[i] for i in np.argsort(-vs_real)]
    h, w = excess.shape
    checkerboard = excess_by_epoch[:, h // 2, w // 2].numpy()          # period 2 both ways, after every epoch
    early, late = np.median(checkerboard[:n // 2]), np.median(checkerboard[n // 2:])
    corr = [step_correlation(*step_losses(history, *epochs)) for epochs in windows(n)]   # the table's column
    claims = [
        ("batches", "run: batches of 64, 938 steps an epoch, the last of 32 images, 46,900 steps in all",
         history["config"]["batch_size"] == 64 and steps_per_epoch == 938
         and history["num_images"] % 64 == 32 and len(d_steps) == 46_900),
        ("samples-far", "quality: FD 171 after epoch 50, real training images 0.92",
         n == 50 and f"{fd[n]:.0f}" == "171" and shown(real["frechet_distance"], "0.92")),
        ("losses-below-chance", "losses: every epoch mean has L_D < 2 ln 2 and L_G > ln 2",
         (d < 2 * ln2).all() and (g > ln2).all()),
        ("anticorrelated", "losses: step correlation of L_D and L_G in the 10-epoch windows from -0.89 to -0.53",
         f"{min(corr):.2f} {max(corr):.2f}" == "-0.89 -0.53"),
        ("early-balance", "losses: epoch 1's L_D 1.05, the lowest of epochs 1-12; epochs 2-12 L_D 1.15-1.35, "
                          "L_G < 0.95, D(x) - D(G(z)) < 0.2",
         shown(d[0], "1.05") and d[0] < span(d, 2, 12).min() and (1.15 < span(d, 2, 12)).all()
         and (span(d, 2, 12) < 1.35).all() and (span(g, 2, 12) < 0.95).all()
         and (span(real_p - fake_p, 2, 12) < 0.2).all()),
        ("d-pulls-ahead", "losses: epochs 21-25 against 8-12, L_D down > 0.3, L_G up > 0.5, with setbacks in 13-25",
         span(d, 21, 25).mean() < span(d, 8, 12).mean() - 0.3 and span(g, 21, 25).mean() > span(g, 8, 12).mean() + 0.5
         and (np.diff(span(d, 12, 25)) > 0).any()),
        ("d-outpaces-g", "losses: from epoch 10 to 20 FD falls 417 -> 261 while D(G(z)) falls 0.42 -> 0.31",
         f"{fd[10]:.0f} {fd[20]:.0f}" == "417 261" and shown(at(fake_p, 10), "0.42")
         and shown(at(fake_p, 20), "0.31")),
        ("d-dominates", "losses: epochs 26-50, every epoch L_D 0.72-0.90, L_G 1.50-1.85, D(x) > 0.7, D(G(z)) < 0.3",
         n >= 26 and (0.72 <= span(d, 26, n)).all() and (span(d, 26, n) <= 0.90).all()
         and (1.50 <= span(g, 26, n)).all() and (span(g, 26, n) <= 1.85).all()
         and (span(real_p, 26, n) > 0.7).all() and (span(fake_p, 26, n) < 0.3).all()),
        ("late-probabilities", "losses: epochs 26-50, D(x) 0.71-0.76 and D(G(z)) 0.24-0.29",
         n >= 26 and f"{span(real_p, 26, n).min():.2f}-{span(real_p, 26, n).max():.2f}" == "0.71-0.76"
         and f"{span(fake_p, 26, n).min():.2f}-{span(fake_p, 26, n).max():.2f}" == "0.24-0.29"),
        ("g-peak", "losses: L_G's highest epoch means after 25 at 36 and 37 (> 1.84), its highest step (2.4) in 36",
         n >= 37 and set(np.argsort(-span(g, 26, n))[:2] + 26) == {36, 37} and min(at(g, 36), at(g, 37)) > 1.84
         and g_steps.argmax() // steps_per_epoch + 1 == 36 and f"{g_steps.max():.1f}" == "2.4"),
        ("late-narrowing", "losses: epoch 43 to the last, L_D 0.76 -> 0.90 and L_G 1.76 -> 1.51",
         n == 50 and shown(at(d, 43), "0.76") and shown(at(d, n), "0.90")
         and shown(at(g, 43), "1.76") and shown(at(g, n), "1.51")),
        ("nobody-wins", "losses: nobody wins, every step has L_D > 0.3 and L_G < 3",
         d_steps.min() > 0.3 and g_steps.max() < 3),
        ("fd-drop-10-15", "quality: FD's largest drop between scores is 10 -> 15 (417 -> 266), L_G up > 0.2",
         max(drops, key=drops.get) == 15 and f"{fd[10]:.0f} {fd[15]:.0f}" == "417 266"
         and at(g, 15) > at(g, 10) + 0.2),
        ("fd-falls-late", "quality: from epoch 25 to the last FD falls by over 40% (304 -> 171)",
         fd[n] < 0.6 * fd[25] and f"{fd[25]:.0f} {fd[n]:.0f}" == "304 171"),
        ("fd-ends-low", "quality: final FD under 40% of FD after epoch 1",
         fd[n] < 0.4 * fd[1]),
        ("fd-rises", "quality: after epoch 10, FD rises at the scores of epochs 25, 35 and 45 only",
         [b for a, b in zip(scored, scored[1:]) if a >= 10 and fd[b] > fd[a]] == [25, 35, 45]),
        ("fd-far-from-real", "quality: final FD 170-210x that of real images, 0.18-0.25 of the untrained G's",
         170 < fd[n] / real["frechet_distance"] < 210 and 0.18 < fd[n] / untrained["frechet_distance"] < 0.25),
        ("coverage", "quality: at epoch 10 78% bags, coverage 0.36; every other score >= 0.75; final 0.95, "
                     "every class >= 1%",
         f"{max(at_10['class_fractions']):.0%}" == "78%" and CLASS_NAMES[int(np.argmax(at_10["class_fractions"]))]
         == "Bag" and shown(coverage[10], "0.36") and all(c >= 0.75 for e, c in coverage.items() if e != 10)
         and shown(coverage[n], "0.95") and min(final["class_fractions"]) >= 0.01),
        ("classes-uneven", "quality: dresses and sandals 1.8x and 1.9x their real rate, trousers the lowest, "
                           "0.2-0.3x",
         by_rate[:2] == ["Sandal", "Dress"]
         and f"{vs_real[CLASS_NAMES.index('Dress')]:.1f} {vs_real[CLASS_NAMES.index('Sandal')]:.1f}" == "1.8 1.9"
         and by_rate[-1] == "Trouser" and 0.2 < vs_real.min() < 0.3),
        ("checkerboard-early", f"artifacts: ({h // 2}, {w // 2}) power 39x real, median of the first half",
         f"{early:.0f}" == "39"),
        ("checkerboard-late", "artifacts: 4x, median of the second half",
         f"{late:.0f}" == "4"),
        ("checkerboard-flares", "artifacts: but some epoch of the second half is back above 10x",
         (checkerboard[n // 2:] > 10).any()),
        ("checkerboard-final", f"artifacts: final generator's ({h // 2}, {w // 2}) ratio < 5, median ratio < 1",
         excess[h // 2, w // 2] < 5 and excess.flatten()[1:].median() < 1),
        ("period-4-final", f"artifacts: final generator's ({h // 4}, {w // 4}) ratio above its ({h // 2}, {w // 2})",
         excess[h // 4, w // 4] > excess[h // 2, w // 2]),
    ]
    return [(id, statement, bool(holds)) for id, statement, holds in claims]


@pytest.fixture(scope="module")
def committed_inputs(committed_run) -> tuple[dict, torch.Tensor, torch.Tensor]:
    """The committed run's history, and the spectra ratios of its final generator and of its per-epoch samples."""
    history, generator, samples = load_results(RUN_DIR)
    test_images = load_images(DATA_DIR, train=False)[0]
    excess = excess_power(Evaluator(TrainConfig(**history["config"])).judge(generator)[0], test_images)   # as the notebook
    return history, excess, excess_power(samples, test_images)


@pytest.fixture(scope="module")
def committed_claims(committed_inputs) -> dict[str, tuple[str, bool]]:
    return {id: (statement, holds) for id, statement, holds in commentary_claims(*committed_inputs)}


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


def test_claims_fail_where_their_statements_are_false(committed_inputs):
    """The committed run, changed where the commentary makes a claim: exactly those claims fail."""
    history, excess, by_epoch = copy.deepcopy(committed_inputs)
    assert [id for id, _, holds in commentary_claims(history, excess, by_epoch) if not holds] == []
    history["epochs"][29]["d_loss"] = 0.5                                 # D far ahead at epoch 30
    history["epochs"][0]["d_loss"] = 1.3                                  # no early lead of D
    next(q for q in history["quality"] if q["epoch"] == 30)["coverage"] = 0.2   # a collapse at epoch 30
    history["quality"][-1]["frechet_distance"] = 350.0                    # a worse final generator
    excess[excess.shape[0] // 2, excess.shape[1] // 2] = 12.0             # a strong final checkerboard
    failed = [id for id, _, holds in commentary_claims(history, excess, by_epoch) if not holds]
    assert failed == ["samples-far", "early-balance", "d-dominates", "fd-falls-late", "fd-ends-low", "fd-rises",
                      "fd-far-from-real", "coverage", "checkerboard-final", "period-4-final"]
