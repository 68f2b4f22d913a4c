"""Settings are checked one way: a bad setting exits 2 naming it, before any work; a
setting one image cannot take exits 1 naming that image. Library logs become notes."""

import logging

import numpy as np
import pytest
from onnx_models import make_region_model
from PIL import Image

from dida_view.cli import main


@pytest.fixture
def model(tmp_path):
    return make_region_model(tmp_path / "m.onnx", [(0, 16, 0, 16), (16, 32, 16, 32)])


@pytest.fixture
def img(tmp_path):
    a = np.full((32, 32), 40, np.uint8)
    a[:16, :16] = 200
    Image.fromarray(a).save(tmp_path / "i.png")
    return tmp_path / "i.png"


@pytest.mark.parametrize("flag,value", [
    ("--gain", "nan"), ("--gain", "inf"), ("--gain", "-1"), ("--gain", "0"),
    ("--opacity", "nan"), ("--opacity", "1.5"), ("--weights", "1,-1"),
    ("--weights", "1,nan"), ("--weights", "1,x"), ("--top", "0"),
])
def test_a_bad_setting_exits_2_naming_it(tmp_path, model, img, capsys, flag, value):
    rc = main(["analyze", str(img), "--model", str(model), "--grids", "2,4",
               "--out", str(tmp_path / "o"), f"{flag}={value}"])
    out, err = capsys.readouterr()
    assert rc == 2 and out == ""
    assert err.startswith(f"error: {flag}") and err.count("\n") == 1
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_a_grid_finer_than_one_image_exits_1_naming_that_image(tmp_path, model, img, capsys):
    small = tmp_path / "small.png"
    a = np.zeros((4, 64), np.uint8)
    a[:, :8] = 200
    Image.fromarray(a).save(small)  # a 2 x 32 content box in the 32 x 32 model input
    rc = main(["analyze", str(small), str(img), "--model", str(model), "--grids", "2,8",
               "--grid-geometry", "content",  # 8 x 8 cells (square cells would fit: 1 x 8)
               "--out", str(tmp_path / "o"), "--score", "logit"])
    out, err = capsys.readouterr()
    assert rc == 1 and err.startswith(f"error: {small}: grid size 8 is finer")
    assert "i.png" in out  # the other image was analysed


def test_a_constant_image_too_small_for_the_grid_is_named_too(tmp_path, model, capsys):
    flat = tmp_path / "flat.png"
    Image.fromarray(np.full((4, 64), 90, np.uint8)).save(flat)
    rc = main(["analyze", str(flat), "--model", str(model), "--grids", "8",
               "--grid-geometry", "content", "--out", str(tmp_path / "o")])
    assert rc == 1 and capsys.readouterr().err.startswith(f"error: {flat}: grid size 8")


def test_a_library_log_message_becomes_one_note_line(tmp_path, model, img, capsys,
                                                     monkeypatch):
    from dida_view.method import analysis

    real = analysis.analyze

    def chatty(*a, **k):
        logging.getLogger("pydicom.pixels").warning("odd value\nsecond line")
        return real(*a, **k)

    monkeypatch.setattr(analysis, "analyze", chatty)
    rc = main(["analyze", str(img), "--model", str(model), "--grids", "2",
               "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert rc == 0 and f"note: {img}: pydicom: odd value\n" in err
    assert "second line" not in err


def test_a_message_both_warned_and_logged_is_one_note(tmp_path, model, img, capsys,
                                                      monkeypatch):
    import warnings

    from dida_view.method import analysis

    real = analysis.analyze

    def twice(*a, **k):  # as pydicom's warn_and_log does
        warnings.warn("value out of range", UserWarning, stacklevel=1)
        logging.getLogger("pydicom").warning("value out of range")
        return real(*a, **k)

    monkeypatch.setattr(analysis, "analyze", twice)
    rc = main(["analyze", str(img), "--model", str(model), "--grids", "2",
               "--out", str(tmp_path / "o")])
    assert rc == 0 and capsys.readouterr().err.count("value out of range") == 1
