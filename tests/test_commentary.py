"""The commentary of Q3(e), (f) and the appendix, checked against the committed run: every number a marked
sentence states is the run's own, recomputed here, and what the sentence says of it holds (descriptions of what
images look like are not tested).

Each checked sentence of hw5.ipynb is followed there by the invisible marker `<!-- claim: ID -->`; the sentence
is the text before it, back to the marker before it or to the start of its paragraph or list item. Each claim
below lists, in order, the numbers its sentence must print: change one in the notebook, or let the run say
otherwise, and the test fails.
"""
import copy
import re

import nbformat
import numpy as np
import pytest
import torch

from hw5.answers.data import CLASS_NAMES, load_images
from hw5.appendix.dynamics import step_correlation, step_losses, step_values, surges, windows
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


def num(x: float, digits: int = 2) -> str:
    """x as a sentence prints it: thousands separated by commas, a minus sign (never a hyphen)."""
    return f"{x:,.{digits}f}".replace("-", "−")


def test_a_marked_sentence_is_read_back_to_its_paragraph_with_every_number_in_it():
    markdown = ("Intro 5.\n\n- *Epochs 1–12:* $L_D$ 1.15–1.35 <!-- claim: a --> and 11,750 steps,"
                " corr −0.53. <!-- claim: b -->\n- Next 7.")
    sentences = marked_sentences(markdown)
    assert sentences == {"a": "*Epochs 1–12:* $L_D$ 1.15–1.35",
                         "b": "and 11,750 steps, corr −0.53."}
    assert NUMBER.findall(sentences["a"]) == ["1", "12", "1.15", "1.35"]
    assert NUMBER.findall(sentences["b"]) == ["11,750", "−0.53"]
    assert [num(11750, 0), num(-0.534), num(0.5, 1)] == ["11,750", "−0.53", "0.5"]


def epoch_means(history: dict, key: str) -> np.ndarray:
    return np.array([e[key] for e in history["epochs"]])


def commentary_claims(history: dict, excess: torch.Tensor,
                      excess_by_epoch: torch.Tensor) -> dict[str, tuple[list[str], bool]]:
    """Marker id -> (the numbers its sentence prints, in order; whether the rest of the sentence holds) for the
    run `history`. `excess` is the final generator's generated/real power (H, W), `excess_by_epoch` that of the
    fixed-noise samples after every epoch (E, H, W). Epochs are counted from 1, as on the page."""
    ln2 = np.log(2)
    d, g = epoch_means(history, "d_loss"), epoch_means(history, "g_loss")
    real_p, fake_p = epoch_means(history, "d_real"), epoch_means(history, "d_fake")
    margin = real_p.round(2) - fake_p.round(2)                         # as a reader finds it from the table
    n = len(d)
    steps_per_epoch = history["epochs"][0]["steps"]
    d_steps, g_steps = np.array(history["d_loss_per_step"]), np.array(history["g_loss_per_step"])
    fd = {q["epoch"]: q["frechet_distance"] for q in history["quality"]}
    coverage = {q["epoch"]: q["coverage"] for q in history["quality"]}
    scored = sorted(fd)
    drops = {(a, b): fd[a] - fd[b] for a, b in zip(scored, scored[1:])}
    changes = {(a, b): round(fd[b], 1) / round(fd[a], 1) - 1 for a, b in drops}   # as from the table's values
    rises = [(b, change) for (a, b), change in changes.items() if change > 0.01]
    level = [pair for pair, change in changes.items() if abs(change) <= 0.01]   # within 1%
    best, worst = min(fd, key=fd.get), min(coverage, key=coverage.get)
    real, untrained = (history["quality_reference"][k] for k in ("real_train_images", "untrained_generator"))
    vs_real = np.array(history["quality"][-1]["class_fractions"]) / np.array(real["class_fractions"])
    rows = windows(n)                                                   # the loss table's rows
    window_d = [step_losses(history, *w)[0].mean() for w in rows]
    corr = [step_correlation(*step_losses(history, *w)) for w in rows]
    # 0-based epoch indices: the upset (D's largest lead of all), D's largest lead before it, the nearest to balance
    upset = int(np.argmin(d))
    lead, nearest = int(np.argmin(d[:upset])), int(np.argmax(d))
    plateau_start = 31                                      # the plateau: this epoch .. the one before the upset
    plateau = slice(plateau_start - 1, upset)
    band = lambda x: [num(x[plateau].min()), num(x[plateau].max())]     # "1.19–1.23"
    h, w = excess.shape
    checkerboard = excess_by_epoch[:, h // 2, w // 2].numpy()          # period 2 both ways, after every epoch
    strong = int(np.argmax(checkerboard < 10))                          # the first epoch (0-based) under 10x
    flat = excess.flatten()[1:]                                         # without the zero frequency, as the table
    opening = {key: step_values(history, key, 1, 1) for key in ("d_loss", "g_loss")}   # epoch 1's steps
    low, high = int(opening["d_loss"].argmin()), int(opening["g_loss"].argmax())
    calm = range(2, upset + 1)                                          # between the opening and the upset
    calm_d = min(step_values(history, "d_loss", e, e).min() for e in calm)
    calm_g = max(step_values(history, "g_loss", e, e).max() for e in calm)
    beyond = [np.flatnonzero((step_values(history, "d_loss", e, e) < calm_d)
                             | (step_values(history, "g_loss", e, e) > calm_g)) + 1 for e in range(1, n + 1)]
    surging = [e + 1 for e, steps in enumerate(beyond) if len(steps)]    # epochs with a step beyond those extremes
    fd_table = {epoch: round(value, 1) for epoch, value in fd.items()}  # as the quality table prints them
    claims = {
        "batches": (["256", "64", "938", "32", "46,900"],
                    history["config"]["batch_size"] == 64 and steps_per_epoch == 938
                    and history["num_images"] % 64 == 32 and len(d_steps) == 46_900),
        "below-balance": ([str(nearest + 1), num(d[nearest]), num(g[nearest])],
                          (d < 2 * ln2).all() and (g > ln2).all()),
        "anticorrelated": ([num(min(corr)), num(max(corr))], max(corr) < 0),
        "opening": ([num(d_steps[0]), num(g_steps[0]), "1", num(opening["d_loss"][low]), str(low + 1),
                     num(opening["g_loss"][high]), str(high + 1), "1", num(d[0]), num(g[0])],
                    abs(d_steps[0] - 2 * ln2) < 0.05 and abs(g_steps[0] - ln2) < 0.05 and d_steps.argmin() == low),
        "largest-lead": ([str(upset + 1), str(lead + 1), num(d[lead]), num(g[lead]), num(real_p[lead]),
                          num(fake_p[lead])],
                         np.argmax(g[:upset]) == lead and np.argmax(margin[:upset]) == lead),
        "plateau": ([str(plateau_start), str(upset), *band(d), *band(g), *band(real_p),
                     *band(fake_p), *band(margin), num(margin[lead]), str(lead + 1)],
                    d[plateau_start - 2] < d[plateau].min() and margin[plateau].max() < margin[lead]
                    and window_d[1] < window_d[2] < window_d[3]),          # the lead shrinks: 11-20, 21-30, 31-40
        "upset": ([str(upset + 1), num(d[upset]), num(g[upset]), num(real_p[upset]), num(fake_p[upset]),
                   num(g_steps.max())],
                  np.argmax(g) == upset and g_steps.argmax() // steps_per_epoch == upset),
        "recovery": ([str(n), num(d[-1]), num(g[-1])],
                     abs(d[-1] - d[plateau].mean()) < 0.05 and abs(g[-1] - g[plateau].mean()) < 0.1),
        "gradient-factor": (["1", num(1 - fake_p.round(2).max()), num(1 - fake_p.round(2).min())], True),   # the table's
        "fd-vs-losses": ([num(fd[1], 1), "1", num(fd[lead + 1], 1), str(lead + 1), num(fd[30], 1), "30",
                          num(fd[best], 1), str(best)],
                         fd[lead + 1] < fd[1] and plateau_start - 1 <= 30 < best < upset + 1),
        "surges": (["1", str(upset + 1), "2", str(upset), str(upset + 2), str(n)],
                   surging == [1, upset + 1] and n == upset + 3           # after the upset, epochs 49 and 50
                   and surges(history)[1:3] == (calm_d, calm_g)),   # the range the table's last lines print
        "no-collapse": ([num(coverage[worst], 3), str(worst), num(coverage[n], 3), str(n)], coverage[worst] > 0.8),
        "fd-first-drop": ([num(fd[1], 1), "1", num(fd[5], 1), "5"], max(drops, key=drops.get) == (1, 5)),
        "fd-rises": ([num(100 * rises[0][1], 0), str(rises[0][0]), num(100 * rises[1][1], 0), str(rises[1][0]),
                      str(upset + 1), "1", *(str(e) for pair in level for e in pair)],
                     len(rises) == 2 and rises[1][0] == n > upset + 1),
        "fd-vs-references": ([num(fd[n], 1), num(100 * fd_table[n] / round(untrained["frechet_distance"], 2), 1),
                              num(fd_table[n] - round(real["frechet_distance"], 2), 1), num(real["frechet_distance"])],
                             True),
        "classes": ([num(vs_real.max(), 1), num(vs_real.min(), 1)],
                    (CLASS_NAMES[np.argmax(vs_real)], CLASS_NAMES[np.argmin(vs_real)]) == ("Sneaker", "Sandal")),
        "checkerboard-early": (["1", str(strong), num(checkerboard[:strong].min(), 0),
                                num(checkerboard[:strong].max(), 0), str(strong + 1),
                                num(checkerboard[strong:].max(), 1), str(upset + 1)],
                               (checkerboard[strong:] < 10).all() and np.argmax(checkerboard[strong:]) + strong == upset),
        "checkerboard-final": ([num(excess[h // 2, w // 2], 1), num(flat.median())],
                               int(flat.argmax()) + 1 == (h // 2) * w + w // 2),
    }
    return {id: (numbers, bool(holds)) for id, (numbers, holds) in claims.items()}


@pytest.fixture(scope="module")
def committed_inputs(committed_run) -> tuple[dict, torch.Tensor, torch.Tensor]:
    """The committed run's history, and the spectra ratios of its final generator and of its per-epoch samples."""
    history, generator, samples = load_results(RUN_DIR)
    test_images = load_images(DATA_DIR, train=False)[0]
    excess = excess_power(Evaluator(TrainConfig(**history["config"])).judge(generator)[0], test_images)   # as the notebook
    return history, excess, excess_power(samples, test_images)


@pytest.fixture(scope="module")
def committed_claims(committed_inputs) -> dict[str, tuple[list[str], bool]]:
    return commentary_claims(*committed_inputs)


def notebook_sentences() -> dict[str, str]:
    nb = nbformat.read(ROOT / "hw5.ipynb", as_version=4)
    markers = [m for cell in nb.cells if cell.cell_type == "markdown" for m in MARKER.findall(cell.source)]
    assert len(set(markers)) == len(markers), "a marker used twice"
    return {id: sentence for cell in nb.cells if cell.cell_type == "markdown"
            for id, sentence in marked_sentences(cell.source).items()}


def mismatch(sentence: str, claim: tuple[list[str], bool]) -> str | None:
    """Why the sentence misstates its claim, or None when it prints exactly the claim's numbers and the claim
    holds."""
    numbers, holds = claim
    if NUMBER.findall(sentence) != numbers:
        return f"the sentence prints {NUMBER.findall(sentence)}, the run gives {numbers}: {sentence!r}"
    return None if holds else f"does not hold for the run: {sentence!r}"


@pytest.mark.parametrize("claim", notebook_sentences())
def test_each_marked_sentence_prints_the_runs_numbers_and_holds(committed_claims, claim):
    assert mismatch(notebook_sentences()[claim], committed_claims[claim]) is None


def test_every_claim_has_its_sentence_in_the_notebook(committed_claims):
    assert sorted(notebook_sentences()) == sorted(committed_claims)


def test_changing_any_number_of_a_marked_sentence_fails(committed_claims):
    """Each number of each marked sentence, one at a time, with its last digit changed."""
    for id, sentence in notebook_sentences().items():
        for match in NUMBER.finditer(sentence):
            digit = match.end() - 1
            changed = sentence[:digit] + str((int(sentence[digit]) + 1) % 10) + sentence[digit + 1:]
            assert mismatch(changed, committed_claims[id]), (id, match.group())


def test_claims_fail_where_the_run_says_otherwise(committed_inputs):
    """The committed run, changed where the commentary makes a claim: exactly those claims change."""
    history, excess, by_epoch = copy.deepcopy(committed_inputs)
    claims = commentary_claims(history, excess, by_epoch)
    history["epochs"][9]["d_real"] = 0.5                                  # no lead of D at epoch 10
    next(q for q in history["quality"] if q["epoch"] == 30)["coverage"] = 0.2   # a collapse at epoch 30
    history["quality"][-1]["frechet_distance"] = 350.0                    # a worse final generator
    excess[excess.shape[0] // 2, excess.shape[1] // 2] = 12.0             # a strong final checkerboard
    changed = commentary_claims(history, excess, by_epoch)
    assert [id for id in claims if changed[id] != claims[id]] == [
        "largest-lead", "plateau", "no-collapse", "fd-rises", "fd-vs-references", "checkerboard-final"]
