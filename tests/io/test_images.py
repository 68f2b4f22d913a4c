"""Image reading and diagnosis sidecars."""


import numpy as np
import pytest
from PIL import Image

from dida_view.errors import ImageError
from dida_view.io.reader import load_image


def test_grey_rgb_16bit_and_alpha(tmp_path):
    g = np.arange(64, dtype=np.uint8).reshape(8, 8)
    Image.fromarray(g).save(tmp_path / "g.png")
    np.testing.assert_array_equal(load_image(tmp_path / "g.png"), g)
    Image.fromarray(np.stack([g] * 3, -1)).save(tmp_path / "grey_as_rgb.png")
    assert load_image(tmp_path / "grey_as_rgb.png").ndim == 2
    rgb = np.zeros((8, 8, 3), np.uint8)
    rgb[..., 0] = 200
    Image.fromarray(rgb).save(tmp_path / "c.png")
    assert load_image(tmp_path / "c.png").shape == (8, 8, 3)
    Image.fromarray(g.astype(np.uint16) * 1000).save(tmp_path / "w.png")
    w = load_image(tmp_path / "w.png")
    assert w.dtype == np.uint8 and w.max() > 200
    Image.fromarray(np.dstack([rgb, np.full((8, 8), 255, np.uint8)]), "RGBA").save(
        tmp_path / "a.png")
    assert load_image(tmp_path / "a.png").shape == (8, 8, 3)


def test_bad_images_name_the_file(tmp_path):
    cases = {"missing.png": None, "text.png": b"hello", "cut.png": None}
    Image.fromarray(np.zeros((64, 64), np.uint8)).save(tmp_path / "full.png")
    (tmp_path / "cut.png").write_bytes((tmp_path / "full.png").read_bytes()[:60])
    (tmp_path / "text.png").write_bytes(b"hello")
    for name in cases:
        with pytest.raises(ImageError) as exc:
            load_image(tmp_path / name)
        assert name in str(exc.value) and "\n" not in str(exc.value)
    with pytest.raises(ImageError, match="folder"):
        load_image(tmp_path)
