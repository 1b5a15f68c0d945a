"""The settings: the config's checks, devices, paths."""
import pytest
import torch

from hw5 import config
from hw5.config import DeviceError, TrainConfig


@pytest.mark.parametrize("field, value, message", [
    ("epochs", 0, "epochs must be an integer >= 1, got 0"), ("batch_size", 2.5, "batch_size must be an integer"),
    ("seed", -1, "seed must be an integer >= 0"), ("limit", 0, "limit must be an integer >= 1"),
    ("epochs", True, "epochs must be an integer"), ("lr", 0.0, "lr must be positive"),
    ("precision", "fp16", "precision must be one of fp32, bf16")])
def test_config_rejects_what_cannot_train(field, value, message):
    with pytest.raises(ValueError, match=message):
        TrainConfig(**{field: value})


def test_config_takes_what_it_documents():
    assert TrainConfig().precision == "fp32"   # the committed run's precision, the same on every machine
    assert TrainConfig(limit=None, eval_samples=0, seed=0).adam_betas == (0.9, 0.999)
    assert TrainConfig(adam_betas=[0.5, 0.9]).adam_betas == (0.5, 0.9)   # from JSON: a list


def test_quality_epochs():
    assert config.quality_epochs(50) == [1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50]
    assert config.quality_epochs(2) == [1, 2]
    assert config.quality_epochs(12) == [1, 5, 10, 12]


def test_devices_and_precisions(monkeypatch):
    assert config.pick_device("cpu") == torch.device("cpu")
    assert config.resolve_precision("fp32", torch.device("cpu")) == torch.float32
    assert config.resolve_precision("bf16", torch.device("cpu")) == torch.bfloat16
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda: False)
    with pytest.raises(DeviceError, match="bf16 is not supported on cuda: use fp32"):
        config.resolve_precision("bf16", torch.device("cuda"))
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(DeviceError, match="cuda was asked for"):
        config.pick_device("cuda")
    with pytest.raises(DeviceError, match="unknown device 'tpu'"):
        config.pick_device("tpu")


def test_paths_inside_the_project_are_shown_relative_to_it(tmp_path):
    assert str(config.shown(config.RUN_DIR)) == "runs/dcgan"
    assert config.shown(tmp_path) == tmp_path.resolve()
