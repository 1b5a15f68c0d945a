"""The committed run is the one the code on the page trains: every session of it ran at this checkout's training
code, and that code, run again here, recomputes the losses and probabilities its first steps recorded (on the
retrain's first steps while a retrain is under way)."""
import math

import torch

from hw5.answers.data import load_images
from hw5.answers.gan import Step, batches, build_gan, seed_rngs, train_step
from hw5.config import DATA_DIR, TrainConfig, as_record

STEPS = 5   # recomputed steps: the first is the initial weights' forward pass, the rest follow Adam's updates


def test_the_committed_run_is_the_assignments_in_fp32(committed_run):
    history, config = committed_run, TrainConfig()
    assert history["config"] == as_record(config)   # what `make retrain` trains
    assert history["finished"] and history["epochs_done"] == 50 and history["num_images"] == 60_000
    steps = 50 * math.ceil(60_000 / config.batch_size)
    assert all(len(history[f"{name}_per_step"]) == steps for name in Step._fields)


def test_the_code_on_the_page_recomputes_the_runs_first_steps(run_of_this_code):
    history = run_of_this_code
    config = TrainConfig(**history["config"])
    images = load_images(DATA_DIR, train=True, limit=config.limit)[0]
    rng = seed_rngs(config)   # as hw5.train.loop.train seeds a run
    gan = build_gan(config, torch.device("cpu"))
    steps = zip(range(STEPS), batches(images, config, rng))
    recomputed = torch.stack([torch.stack(train_step(gan, real, z)) for _, (real, z) in steps])   # (STEPS, 4)
    recorded = torch.tensor([history[f"{name}_per_step"][:STEPS] for name in Step._fields]).T
    torch.testing.assert_close(recomputed, recorded, rtol=1e-4, atol=1e-6)   # float rounding across CPUs only
