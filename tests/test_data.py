import urllib.error

import pytest
import torch

from hw5.answers.data import RAW_FILES, DataError, load_images, raw_dir, seed_from_debian


def test_loads_all_images_as_one_tensor_in_unit_range(tiny_fashion):
    images, labels = load_images(tiny_fashion, train=True)
    raw = torch.frombuffer(bytearray((raw_dir(tiny_fashion) / RAW_FILES[0]).read_bytes()[16:]), dtype=torch.uint8)
    assert images.shape == (300, 1, 28, 28) and images.dtype == torch.float32
    assert labels.shape == (300,)
    assert torch.equal(images.flatten(), raw.float() / 127.5 - 1)  # 0 -> -1, 255 -> +1, in file order
    assert images.min() == -1 and images.max() == 1


def test_limit_takes_the_first_images(tiny_fashion):
    first, _ = load_images(tiny_fashion, limit=7)
    every, _ = load_images(tiny_fashion)
    assert torch.equal(first, every[:7])


def test_seeds_from_debian_copy_without_network(tmp_path, debian_copy, tiny_fashion):
    root = tmp_path / "fresh"
    written = seed_from_debian(root, debian_copy)
    assert sorted(p.name for p in written) == sorted(RAW_FILES)
    for name in RAW_FILES:
        assert (raw_dir(root) / name).read_bytes() == (raw_dir(tiny_fashion) / name).read_bytes()
    assert seed_from_debian(root, debian_copy) == []  # present files are left alone


def test_truncated_file_gives_one_clear_error(tiny_fashion):
    path = raw_dir(tiny_fashion) / RAW_FILES[0]
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(DataError, match=r"damaged .*delete them and run `make data`"):
        load_images(tiny_fashion)


@pytest.mark.parametrize("content", [b"<html>not found</html>", b"\0\0\x08"])
def test_a_file_that_is_not_idx_gives_one_clear_error(tiny_fashion, content):
    (raw_dir(tiny_fashion) / RAW_FILES[0]).write_bytes(content)
    with pytest.raises(DataError, match=r"damaged .*delete them and run `make data`"):
        load_images(tiny_fashion)


def test_no_data_and_no_network_says_how_to_get_it(tmp_path, monkeypatch):
    def offline(*args, **kwargs):
        raise urllib.error.URLError("network unreachable")

    monkeypatch.setattr("torchvision.datasets.utils.urllib.request.urlopen", offline)
    with pytest.raises(DataError, match="dataset-fashion-mnist"):
        load_images(tmp_path / "empty", debian_dir=tmp_path / "no-debian-package")
