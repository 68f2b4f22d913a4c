"""Bounded resources: decompression bombs refused by their header, figures reduced."""

import struct
import zlib

import numpy as np
import pytest
from onnx_models import make_region_model
from PIL import Image

from dida_view.cli import main
from dida_view.errors import ImageError
from dida_view.io import limits
from dida_view.io.reader import load_scan


def png_header_only(path, width, height):
    """A PNG whose header claims ``width x height`` grey pixels, with one tiny IDAT."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
                     + chunk(b"IDAT", zlib.compress(bytes(width + 1))) + chunk(b"IEND", b""))
    return path


@pytest.mark.parametrize("size", [(13000, 12000), (40000, 40000)])
def test_a_decompression_bomb_is_refused_by_its_header(tmp_path, size):
    p = png_header_only(tmp_path / "bomb.png", *size)
    with pytest.raises(ImageError) as exc:
        load_scan(p).image()
    msg = str(exc.value)
    assert "bomb.png" in msg and "too large" in msg or "limit" in msg
    assert "\n" not in msg


def test_cli_refuses_a_bomb_in_one_line_and_goes_on(tmp_path, capsys):
    model = make_region_model(tmp_path / "m.onnx", [(0, 16, 0, 16), (16, 32, 16, 32)])
    bomb = png_header_only(tmp_path / "bomb.png", 13000, 12000)
    ok = tmp_path / "ok.png"
    Image.fromarray(np.arange(32 * 32, dtype=np.uint8).reshape(32, 32)).save(ok)
    rc = main(["analyze", str(bomb), str(ok), "--model", str(model), "--grids", "2",
               "--out", str(tmp_path / "o"), "--no-cache"])
    out, err = capsys.readouterr()
    assert rc == 1 and err.count("error:") == 1 and "bomb.png" in err and "ok.png" in out
    assert "Traceback" not in err


def test_memory_error_is_one_line_and_the_batch_goes_on(tmp_path, capsys, monkeypatch):
    from dida_view.method import analysis

    model = make_region_model(tmp_path / "m.onnx", [(0, 16, 0, 16), (16, 32, 16, 32)])
    names = []
    for i in range(2):
        p = tmp_path / f"{i}.png"
        Image.fromarray(np.full((32, 32), 60 + i, np.uint8) + np.eye(32, dtype=np.uint8)
                        ).save(p)
        names.append(str(p))
    real = analysis.analyze
    calls = []

    def flaky(*a, **k):
        calls.append(1)
        if len(calls) == 1:
            raise MemoryError()
        return real(*a, **k)

    monkeypatch.setattr(analysis, "analyze", flaky)
    rc = main(["analyze", *names, "--model", str(model), "--grids", "2", "--no-cache",
               "--out", str(tmp_path / "o"), "--score", "logit"])
    out, err = capsys.readouterr()
    assert rc == 1 and "error: " in err and "not enough memory" in err
    assert "1.png" in out and "Traceback" not in err


def test_block_reduce_and_display_size():
    a = np.arange(36, dtype=np.uint8).reshape(6, 6)
    r = limits.block_reduce(a, 2)
    assert r.shape == (3, 3) and r[0, 0] == round((0 + 1 + 6 + 7) / 4)
    big = np.zeros((50, 9000, 3), np.uint8)
    small = limits.reduce_for_display(big)
    assert max(small.shape[:2]) <= limits.MAX_DISPLAY and small.shape[2] == 3
    assert limits.reduce_for_display(a) is a
    assert limits.display_shape(5000, 9000) == (2276, 4096)


def test_figure_of_a_large_image_is_at_most_4096_per_panel():
    from dida_view.method.dida import DidaResult
    from dida_view.model.preprocess import Box
    from dida_view.render.figure import figure_panels

    res = DidaResult(scores=np.array([1.0]), grid_sizes=(2,), d={2: np.ones((1, 2, 2),
                     np.float32)}, evaluations=4, seconds=0, mask_fill="black",
                     box=Box(0, 32, 0, 32), input_size=(32, 32), labels=["a"],
                     weights=np.ones(1), meta={"original_size": (600, 5000)})
    panels, _ = figure_panels(np.zeros((600, 5000), np.uint8), res, [0])
    assert all(max(p.shape[:2]) <= 4096 for p in panels)


def test_a_large_image_within_the_limit_gets_one_note_not_pillows_alarm(tmp_path,
                                                                         monkeypatch):
    import warnings

    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # so that 40 x 40 is "large"
    a = np.zeros((40, 40), np.float32)
    a[0, 0] = 1
    Image.fromarray(a, "F").save(tmp_path / "f.tif")
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        load_scan(tmp_path / "f.tif").image()
    texts = [str(w.message) for w in said]
    assert len(texts) == 1 and texts[0].startswith("very large image: 40 x 40 pixels")
