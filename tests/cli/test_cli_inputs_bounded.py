"""The CLI on bad input: one ``error:`` line per problem (argparse's too), notes for what
was ignored, and a model's NaN outputs as an error for that image while the batch goes on."""

import json

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper
from onnx_models import make_region_model
from PIL import Image

from dida_view.cli import main

NESTED = "[" * 100000 + "]" * 100000


def _image(path, value, size=32):
    a = np.full((size, size), value, np.uint8)
    a[0, 0] = value + 1  # not constant: a constant image is not analysed
    Image.fromarray(a).save(path)
    return path


def log_model(path):
    """Scores ``log(mean brightness - 0.5)`` per channel: NaN where the input (0..1) is
    darker than half on average, finite on the grey probe (128 / 255)."""
    nodes = [helper.make_node("ReduceMean", ["image"], ["m"], axes=[2, 3], keepdims=0),
             helper.make_node("Sub", ["m", "half"], ["s"]),
             helper.make_node("Log", ["s"], ["out"])]
    g = helper.make_graph(nodes, "g",
                          [helper.make_tensor_value_info("image", TensorProto.FLOAT,
                                                         ["N", 3, 32, 32])],
                          [helper.make_tensor_value_info("out", TensorProto.FLOAT, ["N", 3])],
                          [numpy_helper.from_array(np.array(0.5, np.float32), "half")])
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    helper.set_model_props(model, {"dida_view": json.dumps(
        {"labels": ["r", "g", "b"], "output": "logits"})})
    onnx.save(model, str(path))
    return path


def _main(argv):
    try:
        return main(argv)
    except SystemExit as exc:  # argparse exits (a console script's status all the same)
        return exc.code


def _analyze(capsys, *argv):
    rc = _main(["analyze", *map(str, argv), "--no-cache"])
    out, err = capsys.readouterr()
    return rc, out, err


def test_nan_output_is_an_error_for_that_image_and_the_batch_goes_on(tmp_path, capsys):
    model = log_model(tmp_path / "log.onnx")
    dark = _image(tmp_path / "dark.png", 50)
    bright = _image(tmp_path / "bright.png", 240)
    rc, out, err = _analyze(capsys, dark, bright, "--model", model, "--grids", "2",
                            "--out", tmp_path / "o", "--json")
    assert rc == 1
    errors = [ln for ln in err.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(f"error: {dark}: ")
    assert "NaN" in errors[0] and "float32" not in err
    (record,) = [json.loads(ln) for ln in out.splitlines()]
    assert record["image"] == str(bright) and "NaN" not in out
    assert all(np.isfinite(v) for v in record["scores"].values())


def test_nan_output_of_a_masked_image_is_an_error_too(tmp_path, capsys):
    model = log_model(tmp_path / "log.onnx")
    mid = _image(tmp_path / "mid.png", 160)  # 0.63: a black quarter takes it below 0.5
    rc, out, err = _analyze(capsys, mid, "--model", model, "--grids", "2", "--engine", "full",
                            "--out", tmp_path / "o", "--json")
    assert rc == 1 and out == ""
    assert err.count("error:") == 1 and f"error: {mid}: " in err and "NaN" in err


def test_model_notes_are_shown(tmp_path, capsys):
    model = make_region_model(tmp_path / "m.onnx", [(0, 16, 0, 16), (16, 32, 16, 32)],
                              metadata={"labels": ["a", "b"], "preprocessing": {}})
    (tmp_path / "m.dida.json").write_text(NESTED)
    rc, _, err = _analyze(capsys, _image(tmp_path / "x.png", 100), "--model", model,
                          "--grids", "2", "--out", tmp_path / "o")
    assert rc == 0
    assert f"note: {model}: m.dida.json not used (nested more than 64 levels deep)" in err


def test_nested_model_sidecar_is_one_error_line(tmp_path, capsys):
    model = make_region_model(tmp_path / "m.onnx", [(0, 16, 0, 16), (16, 32, 16, 32)])
    (tmp_path / "m.dida.json").write_text(NESTED)
    rc, _, err = _analyze(capsys, _image(tmp_path / "x.png", 100), "--model", model,
                          "--out", tmp_path / "o")
    assert rc == 2 and err == f"error: {model}: m.dida.json: nested more than 64 levels deep\n"


# -- argparse ---------------------------------------------------------------------------
@pytest.mark.parametrize("argv", [
    ["analyze"], ["analyze", "x.png", "--bogus"], ["analyze", "x.png", "--gain", "abc"],
    ["analyze", "x.png", "--mask", "purple"], ["synth"], ["synth", "--count", "x"],
    ["check-model", "m.onnx"], ["--self-test", "--bogus"], ["--bogus"],
])
def test_every_usage_error_is_one_line(argv, capsys):
    rc = _main(argv)
    out, err = capsys.readouterr()
    assert rc == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "usage:" not in err and "--help" in err


def test_negative_weights_reach_our_own_check(tmp_path, capsys):
    rc, _, err = _analyze(capsys, _image(tmp_path / "x.png", 100), "--grids", "2,3",
                          "--weights", "-1,2", "--out", tmp_path / "o")
    assert rc == 2 and err.startswith("error: --weights: ") and ">= 0" in err


def test_empty_slices_is_an_error_naming_the_option(tmp_path, capsys):
    rc, _, err = _analyze(capsys, _image(tmp_path / "x.png", 100), "--slices", "",
                          "--out", tmp_path / "o")
    assert rc == 2 and err.count("\n") == 1
    assert err.startswith("error: argument --slices: ") and "''" in err


def test_slices_on_a_plain_image_is_said_in_a_note(tmp_path, capsys):
    model = make_region_model(tmp_path / "m.onnx", [(0, 16, 0, 16), (16, 32, 16, 32)])
    img = _image(tmp_path / "x.png", 100)
    rc, _, err = _analyze(capsys, img, "--model", model, "--grids", "2", "--slices", "2",
                          "--out", tmp_path / "o")
    assert rc == 0 and f"note: {img}: --slices ignored: one image, not a volume" in err
    rc, out, _ = _analyze(capsys, img, "--model", model, "--grids", "2", "--slices", "all",
                          "--out", tmp_path / "o", "--json")
    assert rc == 0 and "--slices ignored" in " ".join(json.loads(out)["notes"])
