"""The commentary of Q3(f): its claims hold for a run that fits them, fail for one that does not, and each one
is tied to a sentence of the notebook by its marker."""
import nbformat
import numpy as np
import torch

from hw5 import commentary
from hw5.paths import ROOT
from histories import history_from


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


def test_commentary_claims_hold_for_a_run_that_fits_them_and_fail_where_it_does_not():
    history, fp32, excess, by_epoch = claimed_run()
    claims = commentary.commentary_claims(history, fp32, excess, by_epoch)
    assert [claim.statement for claim in claims if not claim.holds] == []
    history["quality"][6]["coverage"] = 0.2                                        # a collapse at epoch 30
    fp32["quality"] = [{**q, "frechet_distance": factor * q["frechet_distance"]}       # fp32 better at every score
                       for q, factor in zip(history["quality"], [1.0, 0.85] + [0.95] * 9)]
    excess[14, 14] = 8.0                                                           # a strong final checkerboard
    failed = [claim for claim in commentary.commentary_claims(history, fp32, excess, by_epoch) if not claim.holds]
    assert [claim.id for claim in failed] == ["coverage", "fp32-crosses", "checkerboard-final"]
    table = commentary.claims_table(commentary.commentary_claims(history, fp32, excess, by_epoch))
    assert "FAILS  quality: coverage" in table and table.count("FAILS") == 3 and table.count("holds") == 20


def test_without_the_fp32_twin_its_claims_are_left_out():
    history, fp32, excess, by_epoch = claimed_run()
    ids = [claim.id for claim in commentary.commentary_claims(history, None, excess, by_epoch)]
    with_twin = [claim.id for claim in commentary.commentary_claims(history, fp32, excess, by_epoch)]
    assert [i for i in with_twin if i not in ids] == [i for i in with_twin if i.startswith("fp32-")]
    assert len(with_twin) - len(ids) == 5


def test_commentary_claims_of_a_two_epoch_smoke_run_are_computed_and_mostly_fail():
    history, fp32, excess, by_epoch = claimed_run()
    short = history_from(np.array(history["d_loss_per_step"][:40]), np.array(history["g_loss_per_step"][:40]), 20)
    short.update(epochs=history["epochs"][:2], quality=history["quality"][:1] + [{**history["quality"][1], "epoch": 2}],
                 quality_reference=history["quality_reference"])
    claims = commentary.commentary_claims(short, fp32, excess, by_epoch[:2])
    assert len(claims) == len(commentary.commentary_claims(history, fp32, excess, by_epoch))
    assert sum(claim.holds for claim in claims) < len(claims) / 2


def test_every_claim_has_its_sentence_in_the_notebook_and_every_marked_sentence_a_claim():
    nb = nbformat.read(ROOT / "hw5.ipynb", as_version=4)
    markers = [m for cell in nb.cells if cell.cell_type == "markdown"
               for m in commentary.MARKER.findall(cell.source)]
    ids = [claim.id for claim in commentary.commentary_claims(*claimed_run())]
    assert len(set(ids)) == len(ids) and len(set(markers)) == len(markers)   # each id once, each marker once
    assert sorted(markers) == sorted(ids)
