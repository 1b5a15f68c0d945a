"""`python -m hw5.bench` (`make bench`): training speed of this project against a straightforward PyTorch port,
side by side in one process, on this machine. The last line printed is one JSON object.

The straightforward port (kept here as the reference): torchvision's DataLoader with ToTensor and Normalize,
fp32, the discriminator updated on `fake.detach()`, then the generator updated through a second D pass.
"""
import argparse
import itertools
import json
import sys
import time

import torch
import torchvision
from torch.utils.flop_counter import FlopCounterMode

from .config import PRECISIONS, TrainConfig
from .data import load_images
from .device import pick_device, precision_name, resolve_precision
from .gan import batches, build_gan, train_step
from .paths import DATA_DIR


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def matmul_peak_gflops(dtype: torch.dtype, device: torch.device, n: int = 2048, seconds: float = 1.0) -> float:
    """Best GFLOP/s of an n x n matrix product in `dtype` (2 n^3 flops each)."""
    a, b = torch.randn(n, n, device=device).to(dtype), torch.randn(n, n, device=device).to(dtype)
    a @ b
    best, deadline = 0.0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        sync(device)
        start = time.perf_counter()
        a @ b
        sync(device)
        best = max(best, 2 * n ** 3 / (time.perf_counter() - start) / 1e9)
    return best


def baseline_images_per_second(steps: int, warmup: int, device: torch.device, data_root=DATA_DIR) -> float:
    """The straightforward port, data loading included, as most PyTorch DCGAN code is written."""
    transform = torchvision.transforms.Compose([torchvision.transforms.ToTensor(),
                                                torchvision.transforms.Normalize((0.5,), (0.5,))])
    dataset = torchvision.datasets.FashionMNIST(data_root, train=True, download=True, transform=transform)
    config = TrainConfig()
    gan = build_gan(config, device)
    G, D = gan.generator, gan.discriminator
    for i, layer in enumerate(D.features):  # the port uses torch's own dropout, not the project's cheaper mask
        if isinstance(layer, torch.nn.Dropout):
            D.features[i] = torch.nn.Dropout(layer.p)
    loader = torch.utils.data.DataLoader(dataset, batch_size=config.batch_size, shuffle=True, drop_last=True)
    bce = torch.nn.BCEWithLogitsLoss()
    timed, start = 0, None
    for step, (real, _) in enumerate(loader):
        if step == warmup:
            sync(device)
            start = time.perf_counter()
        real = real.to(device)
        z = torch.randn(len(real), config.latent_dim, device=device)
        fake = G(z)
        out_real, out_fake = D(real), D(fake.detach())
        d_loss = bce(out_real, torch.ones_like(out_real)) + bce(out_fake, torch.zeros_like(out_fake))
        gan.opt_d.zero_grad()
        d_loss.backward()
        gan.opt_d.step()
        out = D(fake)
        g_loss = bce(out, torch.ones_like(out))
        gan.opt_g.zero_grad()
        g_loss.backward()
        gan.opt_g.step()
        timed += len(real) if step >= warmup else 0
        if step + 1 == warmup + steps:
            break
    sync(device)
    return timed / (time.perf_counter() - start)


def project_images_per_second(steps: int, warmup: int, device: torch.device, precision: str,
                              data_root=DATA_DIR) -> float:
    """This project's training as hw5.train runs it: gan.batches (the resident data tensor, a fresh order each
    epoch, index slices) feeding gan.train_step, in the precision training resolves."""
    config = TrainConfig(precision=precision)
    images = load_images(data_root, train=True)[0].to(device)
    gan = build_gan(config, device)
    dtype = resolve_precision(config.precision, device)
    rng = torch.Generator().manual_seed(config.seed + 1)
    stream = itertools.chain.from_iterable(batches(images, config, rng) for _ in itertools.count())  # epochs
    start, timed = None, 0
    for step, (real, z) in zip(range(warmup + steps), stream):
        if step == warmup:
            sync(device)
            start = time.perf_counter()
        train_step(gan, real, z, dtype)
        timed += len(real) if step >= warmup else 0
    sync(device)
    return timed / (time.perf_counter() - start)


def gflop_per_image(device: torch.device) -> float:
    """Matrix flops (convolutions, products) of one training step per image, counted by PyTorch, fp32 step."""
    config = TrainConfig()
    gan = build_gan(config, device)
    real = torch.zeros(config.batch_size, 1, 28, 28, device=device)
    z = torch.randn(config.batch_size, config.latent_dim, device=device)
    with FlopCounterMode(display=False) as counter:
        train_step(gan, real, z, torch.float32)
    return counter.get_total_flops() / config.batch_size / 1e9


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hw5.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=30, help="timed steps of each (after the warm-up)")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--precision", choices=PRECISIONS, default=TrainConfig().precision)
    parser.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), default="auto")
    args = parser.parse_args(argv)
    device = pick_device(args.device)
    precision = resolve_precision(args.precision, device)
    peak32 = matmul_peak_gflops(torch.float32, device)
    peak16 = matmul_peak_gflops(torch.bfloat16, device)
    print(f"matmul peak: fp32 {peak32:.0f} GFLOP/s, bf16 {peak16:.0f} GFLOP/s ({device}, "
          f"{torch.get_num_threads()} threads)", flush=True)
    flops = gflop_per_image(device)
    baseline = baseline_images_per_second(args.steps, args.warmup, device)
    print(f"straightforward port (DataLoader, fp32, two D passes): {baseline:.0f} img/s", flush=True)
    ours = project_images_per_second(args.steps, args.warmup, device, args.precision)
    print(f"this project ({precision_name(precision)}): {ours:.0f} img/s = {ours / baseline:.2f}x; "
          f"{flops:.3f} GFLOP per image", flush=True)
    peak = peak16 if precision == torch.bfloat16 else peak32
    print(json.dumps({"img_per_s": round(ours, 1), "baseline_img_per_s": round(baseline, 1),
                      "speedup": round(ours / baseline, 3), "gflop_per_img": round(flops, 4),
                      "peak_gflops_fp32": round(peak32, 1), "peak_gflops_bf16": round(peak16, 1),
                      "fraction_of_peak": round(ours * flops / peak, 3),
                      "precision": precision_name(precision), "device": str(device),
                      "hours_for_50_epochs": round(TrainConfig().epochs * 60000 / ours / 3600, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
