"""The ONNX adapter on tiny graphs made with onnx.helper, and unusable models."""

import json

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper
from onnx_models import make_region_model

from dida_view.errors import ModelError
from dida_view.method.analysis import Settings, analyze
from dida_view.model.onnx import OnnxClassifier
from dida_view.model.scores import resolve_space, to_space

REGIONS = [(0, 16, 0, 16), (16, 32, 16, 32), (0, 32, 0, 32)]
LABELS = ["top-left", "bottom-right", "whole"]


def image_bright_top_left():
    img = np.full((32, 32), 60, np.uint8)
    img[:16, :16] = 250
    return img


def check_runs(path, **kw):
    clf = OnnxClassifier(path, **kw)
    res = analyze(clf, image_bright_top_left(), Settings(grid_sizes=(2,), score_space="logit",
                                                         batch_size=3))
    return clf, res


@pytest.mark.parametrize("layout", ["NCHW", "NHWC"])
@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("batch", ["N", 1])
def test_layouts_channels_and_batch(tmp_path, layout, channels, batch):
    p = make_region_model(tmp_path / "m.onnx", REGIONS, channels=channels, layout=layout,
                          batch=batch, metadata={"labels": LABELS})
    clf, res = check_runs(p)
    assert clf.layout == layout and clf.channels == channels
    assert clf.fixed_batch == (1 if batch == 1 else None)
    assert clf.labels == LABELS and clf.input_size == (32, 32)
    # class 0 looks at the top-left quarter only: only that cell is red
    d = res.d[2][0]
    assert d[0, 0] > 0 and d[0, 1] == d[1, 0] == d[1, 1] == 0
    assert res.evaluations == 4


@pytest.mark.parametrize("dtype", [TensorProto.FLOAT16, TensorProto.UINT8])
def test_float16_and_uint8_inputs(tmp_path, dtype):
    p = make_region_model(tmp_path / "m.onnx", REGIONS, dtype=dtype)
    clf, res = check_runs(p)
    assert res.d[2][0][0, 0] > 0 and res.d[2][0][1, 1] == 0
    base = clf.raw(np.full((1, 32, 32, 3), 255.0, np.float32))
    np.testing.assert_allclose(base, 10.0, rtol=2e-3)  # gain 10 x brightness 1.0


def test_probability_output_detected_and_4d_output(tmp_path):
    p = make_region_model(tmp_path / "m.onnx", REGIONS, softmax=True, out4d=True)
    clf, res = check_runs(p)
    assert clf.outputs_probabilities and clf.info.output_kind == "probabilities"
    assert clf.labels == ["class 0", "class 1", "class 2"]
    p2 = make_region_model(tmp_path / "l.onnx", REGIONS)
    assert not OnnxClassifier(p2).outputs_probabilities


def test_logit_and_probability_models_agree_in_every_space(tmp_path):
    a = OnnxClassifier(make_region_model(tmp_path / "a.onnx", REGIONS, softmax=True))
    b = OnnxClassifier(make_region_model(tmp_path / "b.onnx", REGIONS))
    x = np.random.default_rng(0).uniform(0, 255, (4, 32, 32, 3)).astype(np.float32)
    for space in ("probability", "log-odds"):
        np.testing.assert_allclose(to_space(a.raw(x), space, True),
                                   to_space(b.raw(x), space, False), atol=1e-4)


def test_several_outputs_pick_the_class_vector_or_the_named_one(tmp_path):
    p = make_region_model(tmp_path / "m.onnx", REGIONS, extra_output=True)
    clf = OnnxClassifier(p)
    assert clf.output_name == "logits"
    with pytest.raises(ModelError, match="no output named 'nope'"):
        OnnxClassifier(p, output="nope")
    with pytest.raises(ModelError, match="not a class vector"):
        OnnxClassifier(p, output="features")


def test_labels_from_sidecar_then_labels_txt(tmp_path):
    p = make_region_model(tmp_path / "m.onnx", REGIONS)
    (tmp_path / "labels.txt").write_text("a\nb\nc\n")
    assert OnnxClassifier(p).labels == ["a", "b", "c"]
    (tmp_path / "m.labels.txt").write_text("x\ny\nz\n")
    assert OnnxClassifier(p).labels == ["x", "y", "z"]
    (tmp_path / "m.dida.json").write_text(json.dumps(
        {"labels": ["s1", "s2", "s3"], "preprocessing": {"squeeze_x": 0.5}}))
    clf = OnnxClassifier(p)
    assert clf.labels == ["s1", "s2", "s3"] and clf.preprocessing.squeeze_x == 0.5
    # the model's own metadata comes first
    m = make_region_model(tmp_path / "m.onnx", REGIONS, metadata={"labels": LABELS})
    assert OnnxClassifier(m).labels == LABELS
    (tmp_path / "m.dida.json").write_text(json.dumps({"labels": ["only", "two"]}))
    p3 = make_region_model(tmp_path / "m.onnx", REGIONS)
    with pytest.raises(ModelError, match="2 labels .* 3 classes"):
        OnnxClassifier(p3)


def test_dynamic_spatial_size_comes_from_the_preprocessing(tmp_path):
    # a global-average model with dynamic H and W: ReduceMean over the image
    node = helper.make_node("ReduceMean", ["image"], ["m"], axes=[2, 3], keepdims=0)
    g = helper.make_graph([node], "g",
                          [helper.make_tensor_value_info("image", TensorProto.FLOAT,
                                                         ["N", 3, "H", "W"])],
                          [helper.make_tensor_value_info("m", TensorProto.FLOAT, ["N", 3])])
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    helper.set_model_props(model, {"dida_view": json.dumps(
        {"preprocessing": {"input_size": [48, 40]}})})
    p = tmp_path / "dyn.onnx"
    onnx.save(model, str(p))
    clf = OnnxClassifier(p)
    assert clf.input_size == (48, 40)


def test_auto_space_switches_to_logit_when_saturated():
    space, note = resolve_space(np.array([30.0, 0.0, -5.0]), "auto", False)
    assert space == "logit" and "saturated" in note
    space, note = resolve_space(np.array([1.0, 0.5, 0.0]), "auto", False)
    assert space == "probability" and note is None


def test_saturated_model_auto_gives_a_visible_map(tmp_path):
    p = make_region_model(tmp_path / "m.onnx", REGIONS, gain=400.0)  # p(top) = 1.000
    clf = OnnxClassifier(p)
    img = image_bright_top_left()
    prob = analyze(clf, img, Settings(grid_sizes=(4,), score_space="probability"))
    auto = analyze(clf, img, Settings(grid_sizes=(4,)))
    assert auto.score_space == "logit" and auto.note
    assert np.abs(prob.d[4][0]).max() < 1e-6  # the blank map that auto avoids
    assert np.all(auto.d[4][0][:2, :2] > 1.0)


def test_log_odds_is_stable_when_saturated():
    lo = to_space(np.array([[60.0, 0.0, 0.0]]), "log-odds", False)[0]
    assert lo[0] == pytest.approx(60.0 - np.log(2.0))
    assert np.all(np.isfinite(lo))


@pytest.mark.parametrize("content, match", [
    (b"this is not onnx at all", "not an ONNX model"),
    (None, "no such file"),
])
def test_unusable_files(tmp_path, content, match):
    p = tmp_path / "bad.onnx"
    if content is not None:
        p.write_bytes(content)
    with pytest.raises(ModelError, match=match) as exc:
        OnnxClassifier(p)
    assert str(p) in str(exc.value) and "\n" not in str(exc.value)


def test_truncated_model(tmp_path):
    p = make_region_model(tmp_path / "m.onnx", REGIONS)
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelError, match="m.onnx"):
        OnnxClassifier(p)


def test_missing_external_weights(tmp_path):
    p = make_region_model(tmp_path / "m.onnx", REGIONS, size=(64, 64))
    model = onnx.load(str(p))
    onnx.save_model(model, str(p), save_as_external_data=True, all_tensors_to_one_file=True,
                    location="m.weights", size_threshold=0)
    (tmp_path / "m.weights").unlink()
    with pytest.raises(ModelError, match="external weights are missing|m.weights"):
        OnnxClassifier(p)


def _save(tmp_path, inputs, outputs, nodes, name="odd.onnx"):
    g = helper.make_graph(nodes, "g", inputs, outputs)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    p = tmp_path / name
    onnx.save(m, str(p))
    return p


def test_no_rank4_input(tmp_path):
    p = _save(tmp_path, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 10])],
              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 10])],
              [helper.make_node("Relu", ["x"], ["y"])])
    with pytest.raises(ModelError, match="no image input of rank 4"):
        OnnxClassifier(p)


def test_output_not_a_class_vector(tmp_path):
    p = _save(tmp_path, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, 8, 8])],
              [helper.make_node("Relu", ["x"], ["y"])])
    with pytest.raises(ModelError, match="class scores"):
        OnnxClassifier(p)
