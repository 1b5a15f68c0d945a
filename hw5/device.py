"""Where training runs and in which precision: chosen once, from a name, and passed in."""
import torch


class DeviceError(RuntimeError):
    """The device or precision asked for is not available here; the message says what to use instead."""


def pick_device(name: str = "auto") -> torch.device:
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise DeviceError("--device cuda was asked for, but PyTorch sees no CUDA GPU: use --device cpu (or auto)")
    if name == "mps" and not torch.backends.mps.is_available():
        raise DeviceError("--device mps was asked for, but this PyTorch has no MPS backend: use --device cpu "
                          "(or auto)")
    if name not in ("cpu", "cuda", "mps"):
        raise DeviceError(f"unknown device {name!r}: use auto, cpu, cuda or mps")
    return torch.device(name)


def resolve_precision(precision: str, device: torch.device) -> torch.dtype:
    """The compute dtype of the matrix products: bf16 where the hardware does it natively ("auto"), else fp32.
    Weights, optimizer states and the loss stay fp32 either way (autocast)."""
    if precision == "fp32":
        return torch.float32
    native = (torch.cuda.is_bf16_supported() if device.type == "cuda" else
              device.type == "cpu" and torch.ops.mkldnn._is_mkldnn_bf16_supported())
    if precision == "bf16":
        if not native and device.type != "cpu":
            raise DeviceError(f"--precision bf16 is not supported on {device}: use fp32 (or auto)")
        return torch.bfloat16
    if precision == "auto":
        return torch.bfloat16 if native else torch.float32
    raise DeviceError(f"unknown precision {precision!r}: use auto, fp32 or bf16")


def precision_name(dtype: torch.dtype) -> str:
    """The dtype's name (bfloat16, float32), as histories and the bench record it."""
    return str(dtype).removeprefix("torch.")
