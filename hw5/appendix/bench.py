"""`python -m hw5.appendix.bench` (`make bench`): this project's training speed on this machine against a
straightforward PyTorch port (DataLoader, two D passes), both in fp32. The last line printed is one JSON object."""
import argparse
import itertools
import json
import time

import torch
from torchvision import datasets, transforms

from ..answers.data import load_images
from ..answers.gan import batches, build_gan, seed_rngs, train_step
from ..config import DATA_DIR, DEVICES, TrainConfig, pick_device, resolve_precision


def images_per_second(batch_stream, step, steps: int, warmup: int, device: torch.device) -> float:
    """Images per second of step(real, z) over `steps` batches of the stream, after `warmup` untimed ones."""
    sync = torch.cuda.synchronize if device.type == "cuda" else lambda: None
    timed, start = 0, None
    for k, (real, z) in zip(range(warmup + steps), batch_stream):
        if k == warmup:
            sync()
            start = time.perf_counter()
        step(real.to(device), z.to(device))
        timed += len(real) if k >= warmup else 0
    sync()
    return timed / (time.perf_counter() - start)


def port_step(gan, real: torch.Tensor, z: torch.Tensor) -> None:
    """The straightforward port's step: D on fake.detach(), then G through a second D pass."""
    bce, G, D = torch.nn.functional.binary_cross_entropy_with_logits, gan.generator, gan.discriminator
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


def project_images_per_second(config: TrainConfig, device: torch.device, steps: int, warmup: int) -> float:
    """This project's training as hw5.train runs it: the resident data tensor, a fresh order each epoch."""
    rng = seed_rngs(config)
    gan = build_gan(config, device)
    images = load_images(DATA_DIR, train=True, limit=config.limit)[0].to(device)
    epochs = itertools.chain.from_iterable(batches(images, config, rng) for _ in itertools.count())
    dtype = resolve_precision(config.precision, device)
    return images_per_second(epochs, lambda real, z: train_step(gan, real, z, dtype), steps, warmup, device)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hw5.appendix.bench",
                                     description="Training speed against a straightforward PyTorch port.")
    parser.add_argument("--steps", type=int, default=30, help="timed steps of each (after the warm-up)")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--device", choices=DEVICES, default="auto")
    args = parser.parse_args(argv)
    device, config = pick_device(args.device), TrainConfig()
    native = (torch.cuda.is_bf16_supported() if device.type == "cuda" else
              device.type == "cpu" and torch.ops.mkldnn._is_mkldnn_bf16_supported())
    capability = torch.backends.cpu.get_cpu_capability()
    print(f"{device} ({torch.get_num_threads()} threads, {capability}): bf16 {'native' if native else 'emulated'} "
          f"(--precision bf16 is {'fast' if native else 'slow'} here)", flush=True)
    normalise = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
    dataset = datasets.FashionMNIST(DATA_DIR, train=True, download=True, transform=normalise)
    loader = torch.utils.data.DataLoader(dataset, batch_size=config.batch_size, shuffle=True, drop_last=True)
    port_batches = ((real, torch.randn(len(real), config.latent_dim)) for real, _ in loader)
    gan = build_gan(config, device)
    port = images_per_second(port_batches, lambda real, z: port_step(gan, real, z), args.steps, args.warmup, device)
    print(f"straightforward port (DataLoader, two D passes): {port:.0f} img/s", flush=True)
    ours = project_images_per_second(config, device, args.steps, args.warmup)
    print(f"this project: {ours:.0f} img/s = {ours / port:.2f}x", flush=True)
    print(json.dumps({"img_per_s": round(ours, 1), "baseline_img_per_s": round(port, 1),
                      "speedup": round(ours / port, 3), "bf16_native": native, "cpu_capability": capability,
                      "device": str(device), "hours_for_50_epochs": round(config.epochs * 60000 / ours / 3600, 2)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
