"""The committed run is the one the code on the page trains: every session of it ran at this checkout's training
code, and that code, run again here, recomputes the losses and probabilities its first steps recorded."""
import torch

from hw5.answers.data import load_images
from hw5.answers.gan import batches, build_gan, train_step
from hw5.config import DATA_DIR, RUN_DIR, TrainConfig, as_record
from hw5.train.rundir import PER_STEP, read_history, stale_sessions

STEPS = 5   # recomputed steps: the first is the initial weights' forward pass, the rest follow Adam's updates


def test_the_committed_run_is_the_assignments_in_fp32():
    history = read_history(RUN_DIR)
    assert history["config"] == as_record(TrainConfig())   # what `make retrain` trains
    assert history["finished"] and history["epochs_done"] == 50 and history["num_images"] == 60_000
    assert {session["precision"] for session in history["sessions"]} == {"float32"}
    assert all(len(history[f"{name}_per_step"]) == 50 * 235 for name in PER_STEP)


def test_every_session_of_the_committed_run_ran_at_this_checkouts_training_code():
    assert stale_sessions(read_history(RUN_DIR)) == []


def test_the_code_on_the_page_recomputes_the_committed_runs_first_steps():
    history = read_history(RUN_DIR)
    config = TrainConfig(**history["config"])
    images = load_images(DATA_DIR, train=True, limit=config.limit)[0]
    gan = build_gan(config, torch.device("cpu"))
    rng = torch.Generator().manual_seed(config.seed + 1)   # as hw5.train.loop seeds the data order and noise
    steps = zip(range(STEPS), batches(images, config, rng))
    recomputed = torch.stack([train_step(gan, real, z) for _, (real, z) in steps])   # (STEPS, 4)
    recorded = torch.tensor([history[f"{name}_per_step"][:STEPS] for name in PER_STEP]).T
    torch.testing.assert_close(recomputed, recorded, rtol=1e-4, atol=1e-6)   # float rounding across CPUs only
