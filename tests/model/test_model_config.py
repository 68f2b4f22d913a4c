"""A model's configuration (ONNX metadata ``dida_view``, sidecar ``<stem>.dida.json``) is
read bounded and validated when the model opens: one line naming the model, the key and
what was expected; the model still opens where the broken part is optional, with a note."""

import json
import re

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper
from onnx_models import make_region_model

from dida_view.errors import ModelError
from dida_view.io.limits import MAX_INPUT_PIXELS, MAX_INPUT_SIDE
from dida_view.model.onnx import OnnxClassifier

REGIONS = [(0, 16, 0, 16), (16, 32, 16, 32), (0, 32, 0, 32)]
LABELS = ["a", "b", "c"]
NESTED = "[" * 100000 + "]" * 100000
FULL = {"labels": LABELS, "preprocessing": {"squeeze_x": 1.0}}


def set_metadata_text(path, text: str):
    """Replace the model's ``dida_view`` metadata with ``text`` as it is."""
    model = onnx.load(str(path))
    del model.metadata_props[:]
    helper.set_model_props(model, {"dida_view": text})
    onnx.save(model, str(path))
    return path


def one_line_model_error(path, match: str) -> str:
    with pytest.raises(ModelError) as info:
        OnnxClassifier(path)
    text = str(info.value)
    assert "\n" not in text and str(path) in text, text
    assert re.search(match, text), text
    return text


# -- item 1: nested JSON ---------------------------------------------------------------
def test_deeply_nested_metadata_is_one_line(tmp_path):
    p = set_metadata_text(make_region_model(tmp_path / "m.onnx", REGIONS), NESTED)
    one_line_model_error(p, r"metadata 'dida_view'.*nested more than 64 levels")


def test_deeply_nested_sidecar_is_one_line(tmp_path):
    p = make_region_model(tmp_path / "m.onnx", REGIONS)
    (tmp_path / "m.dida.json").write_text(NESTED)
    one_line_model_error(p, r"m\.dida\.json.*nested more than 64 levels")


def test_broken_sidecar_is_optional_when_the_metadata_gives_everything(tmp_path):
    p = make_region_model(tmp_path / "m.onnx", REGIONS, metadata=FULL)
    (tmp_path / "m.dida.json").write_text(NESTED)
    clf = OnnxClassifier(p)
    assert clf.labels == LABELS
    (note,) = [n for n in clf.info.notes if "m.dida.json" in n]
    assert "not used" in note and "nested" in note and "\n" not in note


def test_broken_metadata_is_optional_when_the_sidecar_gives_everything(tmp_path):
    p = set_metadata_text(make_region_model(tmp_path / "m.onnx", REGIONS), "{not json")
    (tmp_path / "m.dida.json").write_text(json.dumps(FULL))
    clf = OnnxClassifier(p)
    assert clf.labels == LABELS
    assert any("metadata 'dida_view'" in n and "not used" in n for n in clf.info.notes)


def test_sidecar_in_utf16_with_bom_is_read(tmp_path):
    p = make_region_model(tmp_path / "m.onnx", REGIONS)
    (tmp_path / "m.dida.json").write_bytes(json.dumps({"labels": LABELS}).encode("utf-16"))
    assert OnnxClassifier(p).labels == LABELS


# -- item 5: wrong types and shapes ----------------------------------------------------
@pytest.mark.parametrize("config, match", [
    ({"preprocessing": {"mean": [0.1] * 5}}, r"preprocessing\.mean.*1 number or 3"),
    ({"preprocessing": {"std": [0.5, 0.5]}}, r"preprocessing\.std.*1 number or 3"),
    ({"preprocessing": {"input_size": {"h": 32, "w": 32}}},
     r"preprocessing\.input_size.*height, width"),
    ({"preprocessing": {"input_size": [32]}}, r"preprocessing\.input_size"),
    ({"preprocessing": {"input_size": [32.5, 32]}}, r"preprocessing\.input_size"),
    ({"preprocessing": {"squeeze_x": "0.5"}}, r"preprocessing\.squeeze_x.*number"),
    ({"preprocessing": {"scale": None}}, r"preprocessing\.scale.*number"),
    ({"preprocessing": {"scale": float("inf")}}, r"preprocessing\.scale.*finite"),
    ({"preprocessing": {"mean": [float("nan")]}}, r"preprocessing\.mean.*finite"),
    ({"preprocessing": {"fill": [1, 2]}}, r"preprocessing\.fill"),
    ({"preprocessing": {"fill": 300}}, r"preprocessing\.fill.*0\.\.255"),
    ({"preprocessing": {"interpolation": ["nearest"]}}, r"preprocessing\.interpolation"),
    ({"preprocessing": {"resize": {"x": 1}}}, r"preprocessing\.resize"),
    ({"preprocessing": {"pad_before_resize": 1}}, r"preprocessing\.pad_before_resize"),
    ({"preprocessing": [1, 2]}, r"preprocessing.*JSON object"),
    ({"labels": "a,b,c"}, r"'labels'.*list"),
    ({"labels": ["a", {"b": 1}, "c"]}, r"'labels'.*names"),
    ({"output": 3}, r"'output'.*'logits' or 'probabilities'"),
    ({"score_output": ["logits"]}, r"'score_output'.*output name"),
])
@pytest.mark.parametrize("where", ["metadata", "sidecar"])
def test_wrong_types_and_shapes_are_one_line_naming_model_key_and_expectation(
        tmp_path, config, match, where):
    if where == "metadata":
        p = make_region_model(tmp_path / "m.onnx", REGIONS, metadata=config)
        source = "model metadata"
    else:
        p = make_region_model(tmp_path / "m.onnx", REGIONS)
        (tmp_path / "m.dida.json").write_text(json.dumps(config))
        source = "m.dida.json"
    text = one_line_model_error(p, match)
    assert source in text


def test_mean_of_three_for_a_one_channel_model_names_the_channels(tmp_path):
    p = make_region_model(tmp_path / "m.onnx", REGIONS, channels=1,
                          metadata={"preprocessing": {"mean": [0.1, 0.2, 0.3]}})
    one_line_model_error(p, r"preprocessing\.mean.*1 number \(one per channel\)")


def test_wrong_typed_text_fields_are_dropped_with_a_note(tmp_path):
    p = make_region_model(tmp_path / "m.onnx", REGIONS, metadata={
        "labels": LABELS, "description": {"x": 1}, "domain": ["OCT"], "name": "ok"})
    clf = OnnxClassifier(p)
    assert clf.description == "" and "domain" not in clf.metadata
    assert clf.metadata["name"] == "ok"
    notes = [n for n in clf.info.notes if "ignored" in n]
    assert len(notes) == 2 and all("model metadata" in n for n in notes)


# -- item 2: what a configuration may ask for -----------------------------------------
def dynamic_model(tmp_path, input_size, shape=("N", 3, "H", "W")):
    node = helper.make_node("ReduceMean", ["image"], ["m"], axes=[2, 3], keepdims=0)
    g = helper.make_graph([node], "g",
                          [helper.make_tensor_value_info("image", TensorProto.FLOAT,
                                                         list(shape))],
                          [helper.make_tensor_value_info("m", TensorProto.FLOAT,
                                                         [shape[0], 3])])
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    helper.set_model_props(model, {"dida_view": json.dumps(
        {"preprocessing": {"input_size": input_size}})})
    p = tmp_path / "dyn.onnx"
    onnx.save(model, str(p))
    return p


@pytest.mark.parametrize("size", [[12000, 12000], [30000, 30000], [MAX_INPUT_SIDE + 1, 8]])
def test_input_size_a_model_asks_for_is_bounded(tmp_path, size):
    p = dynamic_model(tmp_path, size)
    text = one_line_model_error(p, r"input_size")
    assert f"{size[0]} x {size[1]}" in text and "limit" in text


def test_input_pixels_are_bounded_too(tmp_path):
    side = int(MAX_INPUT_PIXELS ** 0.5) + 16
    assert side <= MAX_INPUT_SIDE
    one_line_model_error(dynamic_model(tmp_path, [side, side]), r"input_size.*limit")


def test_largest_allowed_input_opens(tmp_path):
    clf = OnnxClassifier(dynamic_model(tmp_path, [64, 48]))
    assert clf.input_size == (64, 48)


def test_fixed_input_shape_of_the_model_is_bounded(tmp_path):
    p = dynamic_model(tmp_path, None, shape=("N", 3, 20000, 20000))
    one_line_model_error(p, r"20000 x 20000.*limit")


def test_fixed_batch_is_bounded(tmp_path):
    p = dynamic_model(tmp_path, [224, 224], shape=(100000, 3, "H", "W"))
    one_line_model_error(p, r"fixed batch of 100000.*limit")


def test_channels_other_than_1_or_3_are_one_line(tmp_path):
    p = dynamic_model(tmp_path, [32, 32], shape=("N", 5, "H", "W"))
    one_line_model_error(p, r"5 channels")


def test_class_count_is_bounded(tmp_path):
    w = np.zeros((3, 10 ** 6), np.float32)
    node = helper.make_node("ReduceMean", ["image"], ["m"], axes=[2, 3], keepdims=0)
    mat = helper.make_node("MatMul", ["m", "W"], ["out"])
    g = helper.make_graph([node, mat], "g",
                          [helper.make_tensor_value_info("image", TensorProto.FLOAT,
                                                         ["N", 3, 8, 8])],
                          [helper.make_tensor_value_info("out", TensorProto.FLOAT,
                                                         ["N", 10 ** 6])],
                          [onnx.numpy_helper.from_array(w, "W")])
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    p = tmp_path / "wide.onnx"
    onnx.save(model, str(p))
    one_line_model_error(p, r"1000000 classes.*limit")


def test_large_batches_run_in_parts_of_bounded_input(tmp_path, monkeypatch):
    from dida_view.model import onnx as onnx_module

    image_bytes = 32 * 32 * 3 * 4
    monkeypatch.setattr(onnx_module, "MAX_RUN_BYTES", 3 * image_bytes)
    clf = OnnxClassifier(make_region_model(tmp_path / "m.onnx", REGIONS))
    assert clf.run_batch == 3
    sizes = []
    run = clf._run
    monkeypatch.setattr(clf, "_run", lambda x: sizes.append(x.shape[0]) or run(x))
    x = np.random.default_rng(0).uniform(0, 255, (7, 32, 32, 3)).astype(np.float32)
    together = clf.raw(x)
    assert sizes == [3, 3, 1]
    one_by_one = np.concatenate([clf.raw(x[i:i + 1]) for i in range(7)])
    np.testing.assert_allclose(together, one_by_one, rtol=1e-6)
