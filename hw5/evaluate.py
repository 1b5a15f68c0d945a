"""`python -m hw5.evaluate RUN_DIR`: one JSON line scoring a finished run's final generator, with the two
reference points (real training images, the untrained generator), all measured the same way (hw5.quality)."""
import argparse
import json
import sys
from pathlib import Path

import torch

from .config import TrainConfig
from .data import DataError
from .gan import build_gan
from .paths import DATA_DIR
from .quality import evaluator_for, reference_scores
from .runs import RunError, load_results


def evaluate_run(run_dir: Path, data_root: Path = DATA_DIR,
                 num_samples: int = TrainConfig().eval_samples) -> dict:
    history, generator, _ = load_results(run_dir)
    config = TrainConfig(**{**history["config"], "eval_samples": num_samples})
    evaluator = evaluator_for(config, data_root)
    final = evaluator.score_generator(generator)
    references = reference_scores(evaluator, build_gan(config, torch.device("cpu")).generator, data_root)
    return {"run_dir": str(run_dir), "epochs": history["epochs_done"], "num_samples": config.eval_samples,
            "frechet_distance": final["frechet_distance"], "coverage": final["coverage"],
            "class_fractions": final["class_fractions"],
            "reference_real_train_images": references["real_train_images"]["frechet_distance"],
            "reference_untrained_generator": references["untrained_generator"]["frechet_distance"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hw5.evaluate", description=__doc__.split("\n\n")[0])
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--data-root", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    try:
        print(json.dumps(evaluate_run(args.run_dir, args.data_root)))
    except (RunError, DataError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
