"""The bundled real-data model (Kermany 2018) and its 8 real sample scans."""

import json

import numpy as np
import pytest

from dida_view import paths
from dida_view.io.reader import load_image
from dida_view.model.config import METADATA_KEY
from dida_view.model.onnx import OnnxClassifier
from dida_view.model.preprocess import prepare
from dida_view.session.reading import load_reading

MODEL_NAME = "oct_kermany.onnx"
CLASSES = ["CNV", "DME", "DRUSEN", "NORMAL"]


@pytest.fixture(scope="module")
def model_path():
    d = paths.models_dir()
    assert d is not None and (d / MODEL_NAME).is_file(), "the real-data model must ship"
    return d / MODEL_NAME


@pytest.fixture(scope="module")
def kermany(model_path):
    return OnnxClassifier(model_path, device="cpu")


def _real_samples():
    return [p for p in paths.sample_images() if p.name.startswith("00_kermany_")]


def test_model_is_small(model_path):
    assert model_path.stat().st_size <= 5 * 1024 * 1024


def test_model_loads_with_its_labels_and_metadata(kermany, model_path):
    import onnx

    assert kermany.labels == CLASSES
    assert kermany.channels == 1 and not kermany.outputs_probabilities
    props = {p.key: p.value for p in onnx.load(str(model_path)).metadata_props}
    meta = json.loads(props[METADATA_KEY])
    for key in ("labels", "preprocessing", "output", "description", "domain",
                "training_data", "attribution", "licence"):
        assert meta.get(key), key
    assert "Kermany" in meta["attribution"] and "CC BY 4.0" in meta["licence"]
    assert "Spectralis" in meta["domain"]
    assert "not for clinical use" in meta["description"].lower()


def test_model_is_local_up_to_one_global_pooling(model_path):
    import onnx

    ops = [n.op_type for n in onnx.load(str(model_path)).graph.node]
    assert ops.count("GlobalAveragePool") == 1
    tail = ops[ops.index("GlobalAveragePool") + 1:]
    assert set(tail) <= {"Flatten", "Gemm", "Reshape"}, tail
    assert set(ops[: ops.index("GlobalAveragePool")]) <= {"Conv", "Relu", "Add", "MaxPool",
                                                          "AveragePool", "BatchNormalization"}


def test_eight_real_samples_two_per_class_with_sidecars():
    samples = _real_samples()
    assert len(samples) == 8
    assert paths.sample_images()[0] == samples[0]  # a real scan is the first sample
    diagnoses = [_diagnosis(p) for p in samples]
    assert sorted(diagnoses) == sorted(CLASSES * 2)
    for p in samples:
        info = json.loads(p.with_suffix(".json").read_text(encoding="utf-8"))
        assert info["model"] == MODEL_NAME
        assert info["licence"] == "CC BY 4.0" and "Kermany" in info["attribution"]
        assert info["source"]


def test_synthetic_samples_belong_to_the_demo_model():
    others = [p for p in paths.sample_images() if p not in _real_samples()]
    assert others
    for p in others:
        info = json.loads(p.with_suffix(".json").read_text(encoding="utf-8"))
        assert info["model"] == paths.DEMO_MODEL_NAME, p.name


def test_model_classifies_the_real_samples(kermany):
    for p in _real_samples():
        px = prepare(load_image(p), kermany.preprocessing, kermany.input_size, 1).pixels
        scores = kermany.raw(px[None])[0]
        assert kermany.labels[int(np.argmax(scores))] == _diagnosis(p), p.name


def _diagnosis(path):
    return load_reading(path).diagnosis or None
