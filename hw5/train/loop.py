"""The one training loop: `fit`'s epochs (hw5.answers.gan) recorded, scored and checkpointed in a run directory
(`rundir`), one after the other, so that a run resumes after any interruption."""
import sys
import time
from datetime import timedelta
from pathlib import Path

import torch

from ..answers.data import load_images
from ..answers.gan import build_gan, fit
from ..appendix.quality import Evaluator
from ..config import DATA_DIR, TrainConfig, pick_device, precision_name, quality_epochs, resolve_precision, shown
from . import rundir
from .rundir import History


def train(config: TrainConfig, run_dir: Path, device: str = "auto", data_root: Path = DATA_DIR,
          progress: bool = True) -> History:
    """Train (or resume) the run in run_dir to config.epochs; returns its history. Each epoch is checkpointed
    atomically, so a kill loses at most the epoch under way; a finished run is returned at once."""
    device = pick_device(device)
    dtype = resolve_precision(config.precision, device)
    done = rundir.read_history(run_dir, config)   # the one check that run_dir holds this config's run
    if done is not None and done["finished"]:
        return done
    if device.type == "cuda":   # fp32 means fp32: no TF32 convolutions (cuDNN's default)
        torch.backends.cudnn.allow_tf32 = False
    run_dir = rundir.prepare(run_dir)
    images = load_images(data_root, train=True, limit=config.limit)[0].to(device)
    gan = build_gan(config, device)
    rng = torch.Generator().manual_seed(config.seed + 1)   # shuffling and training noise
    evaluator = Evaluator(config, data_root) if config.eval_samples else None
    history, samples = rundir.resume(run_dir, gan, rng, device) or (rundir.new_history(config), [])
    if history["epochs_done"] == 0 and evaluator is not None:  # score the untrained generator first
        history["quality_reference"] = evaluator.reference_scores(gan.generator, data_root)
    first = history["epochs_done"] + 1
    history["sessions"].append(rundir.session_record(first, device, precision_name(dtype)))
    history["num_images"] = len(images)
    report = reporter(progress)
    report(f"training epochs {first}-{config.epochs} on {len(images):,} images ({device.type}, "
           f"{precision_name(dtype)}), a line per epoch")
    try:
        for result in fit(gan, images, config, rng, dtype, first, progress):
            samples.append(result.samples)
            rundir.record_epoch(history, result)
            if evaluator is not None and result.epoch in quality_epochs(config.epochs):
                start = time.perf_counter()
                history["quality"].append({"epoch": result.epoch, **evaluator.score_generator(gan.generator),
                                           "seconds": time.perf_counter() - start})
            history["epochs_done"] = result.epoch
            rundir.save_checkpoint(run_dir, gan, rng, history, samples)
            seconds = [e["seconds"] for e in history["epochs"][first - 1:]]
            eta = timedelta(seconds=round(sum(seconds) / len(seconds) * (config.epochs - result.epoch)))
            means = history["epochs"][-1]
            report(f"epoch {result.epoch}/{config.epochs}: L_D {means['d_loss']:.3f}, L_G {means['g_loss']:.3f}, "
                   f"D(x) {means['d_real']:.3f}, D(G(z)) {means['d_fake']:.3f}, {result.seconds:.0f} s; "
                   f"{eta} to go")
    except KeyboardInterrupt:
        report(f"interrupted in epoch {history['epochs_done'] + 1}: epochs 1-{history['epochs_done']} are saved "
               f"in {shown(run_dir)}; run again to resume")
        raise
    history["finished"] = True   # also when a kill came after the last checkpoint but before the results
    rundir.write_results(run_dir, gan, history, samples)
    seconds = round(sum(e["seconds"] for e in history["epochs"]))
    report(f"trained {config.epochs} epochs in {timedelta(seconds=seconds)}; results in {shown(run_dir)}")
    return history


def reporter(enabled: bool = True):
    """Shows a progress line: on stderr, or in Jupyter in one display that the next line replaces."""
    if not enabled:
        return lambda line: None
    try:
        from IPython import get_ipython
        from IPython.display import Pretty, display
        in_jupyter = hasattr(get_ipython(), "kernel")
    except ImportError:
        in_jupyter = False
    if not in_jupyter:
        return lambda line: print(line, file=sys.stderr, flush=True)
    handle = display(Pretty(""), display_id=True)
    return lambda line: handle.update(Pretty(line))
