"""The bundled demo model and samples: they load, they classify, the maps point right."""

import json

import numpy as np
import pytest

from dida_view import paths, synthetic
from dida_view.io.reader import load_image
from dida_view.method.analysis import Settings, analyze
from dida_view.method.evidence import dida_saliency, pointing_game, resize_mask
from dida_view.model.onnx import OnnxClassifier
from dida_view.model.preprocess import prepare
from dida_view.session.reading import load_reading

FRESH_SEED0 = 990_000  # used neither in training nor in the model card's test


@pytest.fixture(scope="module")
def demo():
    path = paths.demo_model_path()
    assert path is not None, "the demo model must ship in models/"
    return OnnxClassifier(path, device="cpu")


def test_demo_model_loads_through_the_adapter(demo):
    assert demo.labels == synthetic.CLASSES
    assert demo.preprocessing.squeeze_x == 0.5 and demo.input_size == (224, 224)
    assert demo.channels == 1 and not demo.outputs_probabilities
    assert "synthetic" in demo.description


def test_demo_model_classifies_fresh_scans(demo):
    correct = {}
    for c, label in enumerate(synthetic.CLASSES):
        imgs = [synthetic.generate_scan(label, FRESH_SEED0 + 10 * c + i).image for i in range(3)]
        px = np.stack([prepare(im, demo.preprocessing, demo.input_size, 1).pixels
                       for im in imgs])
        pred = np.argmax(demo.raw(px), axis=1)
        correct[label] = int(np.sum(pred == c))
    assert all(v >= 2 for v in correct.values()), correct
    assert sum(correct.values()) >= 27, correct


def _demo_samples():
    """The synthetic samples: their sidecars tie them to the demo model."""
    return [p for p in paths.sample_images()
            if json.loads(p.with_suffix(".json").read_text()).get("model")
            == paths.DEMO_MODEL_NAME]


def test_every_sample_has_a_diagnosis_and_the_model_agrees(demo):
    samples = _demo_samples()
    labels = {_diagnosis(p) for p in samples}
    assert set(synthetic.CLASSES) <= labels  # one scan per class at least
    for p in samples:
        diagnosis = _diagnosis(p)
        px = prepare(load_image(p), demo.preprocessing, demo.input_size, 1).pixels
        top3 = np.argsort(-demo.raw(px[None])[0])[:3]
        assert diagnosis in [demo.labels[k] for k in top3], p.name


@pytest.mark.parametrize("stem_label", ["Wet AMD", "CME"])
def test_dida_points_into_the_lesion_of_a_sample(demo, stem_label):
    sample = next(p for p in _demo_samples() if _diagnosis(p) == stem_label)
    info = json.loads(sample.with_suffix(".json").read_text())
    secondary = info["kind"] != "clear"  # scans with a second finding: secondary=True
    scan = synthetic.generate_scan(stem_label, info["seed"], secondary=secondary)
    image = load_image(sample)
    np.testing.assert_array_equal(image, scan.image)  # the sample is what its seed makes
    res = analyze(demo, image, Settings(grid_sizes=(7, 9, 11, 13, 15), score_space="logit"))
    k = demo.labels.index(stem_label)
    sal = dida_saliency(res, k)
    mask = resize_mask(scan.mask, (res.box.height, res.box.width))
    assert pointing_game(sal, mask, tolerance=3)


def test_a_sample_is_called_a_close_call_only_when_the_viewer_flags_one(demo):
    """The name and the sidecar's ``kind`` follow the program's own rule (score_flags on
    the demo model's probabilities): a scan whose top two are 0.23 apart is no close call."""
    from dida_view.render.scoretext import score_flags

    kinds = {}
    for p in _demo_samples():
        kind = json.loads(p.with_suffix(".json").read_text())["kind"]
        kinds[p.name] = kind
        assert ("_close_call" in p.stem) == (kind == "close call"), p.name
        assert ("_two_findings" in p.stem) == (kind == "two findings"), p.name
        px = prepare(load_image(p), demo.preprocessing, demo.input_size, 1).pixels
        prob = np.exp(demo.raw(px[None])[0].astype(np.float64))
        prob /= prob.sum()
        flagged = score_flags(prob, "probability").flag(int(np.argmax(prob))) == "close call"
        assert flagged == (kind == "close call"), (p.name, np.sort(prob)[-2:])
    assert "close call" in kinds.values() and "two findings" in kinds.values()


def _diagnosis(path):
    return load_reading(path).diagnosis or None
