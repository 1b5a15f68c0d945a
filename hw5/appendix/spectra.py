"""Power spectra of images: where the transposed convolutions' checkerboard artifacts show (Appendix D)."""
import torch


def power_spectrum(images: torch.Tensor) -> torch.Tensor:
    """Mean power |FFT|² of (..., N, 1, H, W) images, each centred on its own mean, over the N images:
    (..., H, W) float64, entry [k, l] at k cycles per image down and l across (index H - k is frequency -k)."""
    x = images.squeeze(-3).double()
    x = x - x.mean(dim=(-2, -1), keepdim=True)
    return torch.fft.fft2(x).abs().square().mean(-3)


def excess_power(generated: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
    """Generated over real power per frequency, (..., H, W), of generated (..., N, 1, H, W) and real (M, 1, H, W)
    images: 1 where they match; checkerboards of period 2 and 4 px peak at H/2 and H/4 cycles per image."""
    return power_spectrum(generated) / power_spectrum(real)
