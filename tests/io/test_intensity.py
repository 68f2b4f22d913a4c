"""Intensity rules: bit depth, signed data, float windowing, alpha, constant images."""

import json
import zlib

import numpy as np
import pytest
from onnx_models import make_region_model
from PIL import Image

from dida_view.cli import main
from dida_view.errors import ImageError
from dida_view.io import intensity
from dida_view.io.images import png_sbit
from dida_view.io.reader import read_image
from dida_view.method.analysis import Settings, analyze
from dida_view.model.onnx import OnnxClassifier


def _with_sbit(path, bits):
    """Insert an sBIT chunk (grey: one byte) after IHDR of a PNG file."""
    data = path.read_bytes()
    chunk = b"sBIT" + bytes([bits])
    crc = zlib.crc32(chunk).to_bytes(4, "big")
    at = 8 + 8 + 13 + 4  # signature, IHDR length+type, IHDR data, crc
    path.write_bytes(data[:at] + (1).to_bytes(4, "big") + chunk + crc + data[at:])


def test_12_bit_data_in_a_16_bit_png_is_scaled_by_its_sbit(tmp_path):
    a = np.linspace(0, 4095, 64 * 64).reshape(64, 64).astype(np.uint16)
    Image.fromarray(a).save(tmp_path / "s.png")
    _with_sbit(tmp_path / "s.png", 12)
    assert png_sbit(tmp_path / "s.png") == 12
    img, notes = read_image(tmp_path / "s.png")
    assert img.max() == 255 and img.min() == 0  # not 4095/65535*255 = 16 (the old rule)
    assert "12-bit" in notes[0] and "sBIT" in notes[0]


def test_16_bit_without_sbit_uses_the_datas_range(tmp_path):
    a = np.full((16, 16), 1000, np.uint16)
    a[0, 0] = 3000
    Image.fromarray(a).save(tmp_path / "w.png")
    img, notes = read_image(tmp_path / "w.png")
    assert img[1, 1] == round(1000 / 4095 * 255)  # as 12-bit data
    assert "12-bit" in notes[0] and "3000" in notes[0]


def test_signed_data_by_its_range():
    a = np.array([[-100, 0], [50, 100]], np.int16)
    w = intensity.plan(a)
    out = w.apply(a)
    assert out[0, 0] == 0 and out[1, 1] == 255 and "signed" in w.note
    assert intensity.plan(np.array([[3, 200]], np.int16)).note is None  # 8-bit values


def test_float_with_a_hot_and_an_infinite_pixel_is_windowed_by_percentiles(tmp_path):
    rng = np.random.default_rng(0)
    a = rng.uniform(0.2, 0.4, (100, 100)).astype(np.float32)
    a[0, 0] = 1e30
    a[0, 1] = np.inf
    a[0, 2] = np.nan
    a[0, 3] = -np.inf
    Image.fromarray(a, "F").save(tmp_path / "f.tif")
    img, notes = read_image(tmp_path / "f.tif")
    body = img[1:]
    assert body.mean() > 100 and body.std() > 50  # not black under the hot pixel
    assert img[0, 1] == 255 and img[0, 2] == 0 and img[0, 3] == 0
    assert "percentiles" in notes[0] and "NaN/infinite" in notes[0]


def test_float_without_finite_values_is_a_clean_error(tmp_path):
    Image.fromarray(np.full((4, 4), np.nan, np.float32), "F").save(tmp_path / "n.tif")
    with pytest.raises(ImageError, match="n.tif: .*finite"):
        read_image(tmp_path / "n.tif")


def test_alpha_is_composited_on_black(tmp_path):
    rgba = np.zeros((8, 8, 4), np.uint8)
    rgba[..., 0] = 200  # red hidden under transparent pixels
    rgba[..., 3] = 255
    rgba[:4, :, 3] = 0
    Image.fromarray(rgba, "RGBA").save(tmp_path / "a.png")
    img, notes = read_image(tmp_path / "a.png")
    assert img[:4].max() == 0 and (img[4:, :, 0] == 200).all()
    assert "composited on black" in notes[0]
    la = np.stack([np.full((4, 4), 90, np.uint8), np.full((4, 4), 128, np.uint8)], -1)
    Image.fromarray(la, "LA").save(tmp_path / "la.png")
    img, _ = read_image(tmp_path / "la.png")
    assert img.ndim == 2 and img[0, 0] == 45


def test_opaque_and_8_bit_images_get_no_note(tmp_path):
    Image.fromarray(np.arange(64, dtype=np.uint8).reshape(8, 8)).save(tmp_path / "g.png")
    assert read_image(tmp_path / "g.png")[1] == ()


@pytest.fixture
def model(tmp_path):
    return make_region_model(tmp_path / "m.onnx", [(0, 16, 0, 16), (16, 32, 16, 32)],
                             metadata={"labels": ["a", "b"]})


def test_a_constant_image_runs_no_masked_inference(model):
    clf = OnnxClassifier(model)
    calls = []
    raw = clf.raw
    clf.raw = lambda batch: calls.append(len(batch)) or raw(batch)
    res = analyze(clf, np.full((40, 40), 128, np.uint8), Settings(grid_sizes=(2, 4)))
    assert calls == [1] and res.evaluations == 0  # the unmasked inference only
    assert all(not res.d[n].any() for n in (2, 4)) and "constant image" in res.note


def test_cli_json_carries_the_windowing_notes(tmp_path, model, capsys):
    a = np.linspace(0, 4095, 40 * 40).reshape(40, 40).astype(np.uint16)
    Image.fromarray(a).save(tmp_path / "w.png")
    rc = main(["analyze", str(tmp_path / "w.png"), "--model", str(model), "--grids", "2",
               "--out", str(tmp_path / "o"), "--json"])
    assert rc == 0
    rec = json.loads(capsys.readouterr().out)
    assert any("12-bit" in n for n in rec["notes"])
