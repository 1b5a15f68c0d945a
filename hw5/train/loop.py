"""The one training loop: for each epoch the batches, the steps and their record, the fixed-noise samples, the
quality score and the checkpoint, so that a run resumes after any interruption exactly where it stopped."""
import math
import time
from pathlib import Path

import torch

from ..answers.data import load_images
from ..answers.gan import batches, build_gan, fixed_noise, seed_rngs, train_step
from ..answers.models import generate
from ..appendix.quality import Evaluator
from ..config import DATA_DIR, TrainConfig, pick_device, quality_epochs, resolve_precision
from . import rundir
from .progress import Progress
from .rundir import History


def train(config: TrainConfig, run_dir: Path, device: str = "auto",
          data_root: Path = DATA_DIR, progress: bool = True) -> History:
    """Train the run in run_dir to config.epochs, from scratch or from its last checkpoint, and
    return its history; a finished run is returned as it is, a run of another config refused."""
    device = pick_device(device)
    dtype = resolve_precision(config.precision, device)
    history = rundir.read_history(run_dir, config)
    if history is not None and history["finished"]:
        return history
    if device.type == "cuda":   # fp32 means fp32: no TF32 convolutions (cuDNN's default)
        torch.backends.cudnn.allow_tf32 = False
    images = load_images(data_root, train=True, limit=config.limit)[0].to(device)
    rng = seed_rngs(config)          # the batch order and training noise
    gan = build_gan(config, device)  # the initial weights, from the seed
    z_fixed = fixed_noise(config)    # (num_fixed_noise, latent_dim), its own RNG
    evaluator = Evaluator(config, data_root) if config.eval_samples else None
    run_dir = rundir.prepare(run_dir)
    history, samples = (rundir.resume(run_dir, gan, rng, device)   # every state as saved
                        or (rundir.new_history(config, len(images)), []))
    if evaluator is not None and history["epochs_done"] == 0:   # the quality scale's ends
        history["quality_reference"] = evaluator.reference_scores(gan.generator, data_root)
    first = history["epochs_done"] + 1
    show = Progress(config.epochs, progress)
    if first <= config.epochs:
        history["sessions"].append(rundir.session_record(first, device, config.precision))
        show.line(f"training epochs {first}-{config.epochs} on {len(images):,} images "
                  f"({device.type}, {config.precision}), a line per epoch")
    steps_an_epoch = math.ceil(len(images) / config.batch_size)
    for epoch in range(first, config.epochs + 1):
        start = time.perf_counter()
        bar = show.bar(batches(images, config, rng), epoch, steps_an_epoch)
        steps = [train_step(gan, real, z, dtype) for real, z in bar]   # tensors: no GPU sync
        samples.append(generate(gan.generator, z_fixed))   # eval mode
        rundir.record_epoch(history, epoch, steps, time.perf_counter() - start)
        if evaluator is not None and epoch in quality_epochs(config.epochs):
            score = evaluator.score_generator(gan.generator)
            history["quality"].append({"epoch": epoch, **score})
        history["epochs_done"] = epoch
        rundir.save_checkpoint(run_dir, gan, rng, history, samples)
        show.epoch_done(history, first)
    history["finished"] = True
    rundir.write_results(run_dir, gan, history, samples)
    return history
