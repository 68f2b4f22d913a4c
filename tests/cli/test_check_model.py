"""``dida-view check-model``: DiDA View's input and scores against the user's tensor."""

import numpy as np
import pytest
from onnx_models import make_region_model
from PIL import Image

from dida_view.cli import main
from dida_view.model.onnx import OnnxClassifier
from dida_view.model.preprocess import prepare
from dida_view.model.reference import compare_reference
from dida_view.model.resize import resize_opencv

REGIONS = [(0, 16, 0, 32), (16, 32, 0, 32), (8, 24, 8, 24)]
PRE = {"resize_convention": "opencv", "interpolation": "nearest", "resize": "stretch",
       "mean": [0.5], "std": [0.25]}


@pytest.fixture
def model(tmp_path):
    return make_region_model(tmp_path / "m.onnx", REGIONS, size=(32, 32), channels=3,
                             metadata={"labels": ["top", "bottom", "centre"],
                                       "preprocessing": PRE})


@pytest.fixture
def image(tmp_path):
    rng = np.random.default_rng(1)
    img = rng.integers(0, 120, (45, 70), dtype=np.uint8)
    img[:20] += 120  # the top half is brighter: "top" wins
    p = tmp_path / "scan.png"
    Image.fromarray(img).save(p)
    return p, img


def _opencv_tensor(img):
    """What an OpenCV training script makes: cv2.resize nearest, /255, (x-0.5)/0.25, CHW."""
    x = resize_opencv(img, (32, 32), "nearest") / 255.0
    x = (x - 0.5) / 0.25
    return np.repeat(x[None, None], 3, axis=1).astype(np.float32)  # (1, 3, 32, 32)


@pytest.mark.parametrize("form", ["nchw", "chw", "nhwc_255", "hwc_01"])
def test_a_matching_pipeline_gives_zero_difference_in_any_layout_and_scale(model, image,
                                                                            form):
    _, img = image
    clf = OnnxClassifier(model, device="cpu")
    t = _opencv_tensor(img)
    pixels = prepare(img, clf.preprocessing, (32, 32), 3).pixels
    ref = {"nchw": t, "chw": t[0], "nhwc_255": pixels[None],
           "hwc_01": pixels / 255.0}[form]
    rep = compare_reference(clf, img, ref)
    assert rep.layout == ("NHWC" if form.startswith(("nhwc", "hwc")) else "NCHW")
    assert rep.scale == {"nchw": "model", "chw": "model", "nhwc_255": "255",
                         "hwc_01": "1"}[form]
    assert rep.max_abs < 1e-5 and rep.max_levels < 1e-3 and rep.score_max_abs < 1e-4
    assert rep.agree and rep.ours_top == 0


def test_check_model_reports_a_pillow_pipeline_that_differs(tmp_path, model, image, capsys):
    path, img = image
    pil = np.asarray(Image.fromarray(img).resize((32, 32), Image.Resampling.NEAREST),
                     np.float32)  # Pillow picks other pixels than cv2's legacy nearest
    ref = np.repeat(((pil / 255.0 - 0.5) / 0.25)[None, None], 3, axis=1)
    np.save(tmp_path / "ref.npy", ref)
    rc = main(["check-model", str(model), str(path), "--reference", str(tmp_path / "ref.npy")])
    out = capsys.readouterr().out
    assert rc in (0, 1)
    assert "guessed layout NCHW" in out and "the model's input" in out
    line = next(ln for ln in out.splitlines() if ln.startswith("input tensor"))
    assert float(line.split("difference ")[1].split()[0]) > 0.5
    assert "top class: DiDA View top" in out and "hint:" in out


def test_check_model_agrees_with_the_matching_tensor(tmp_path, model, image, capsys):
    path, img = image
    np.save(tmp_path / "ref.npy", _opencv_tensor(img))
    rc = main(["check-model", str(model), str(path), "--reference", str(tmp_path / "ref.npy")])
    out = capsys.readouterr().out
    assert rc == 0 and ": agree" in out and " 0.0 pixel levels at most" in out
    assert "hint:" not in out


@pytest.mark.parametrize("ref, message", [
    (None, "no such file"),
    (np.zeros((2, 3, 32, 32)), "holds 2 images"),
    (np.zeros((1, 3, 31, 32)), "the model takes NCHW (1, 3, 32, 32)"),
    (np.full((32, 32), np.nan), "NaN"),
    ("text", "not a .npy array"),
])
def test_check_model_errors_are_one_line(tmp_path, model, image, capsys, ref, message):
    path, _ = image
    target = tmp_path / "ref.npy"
    if isinstance(ref, np.ndarray):
        np.save(target, ref)
    elif ref == "text":
        target.write_text("not numpy")
    rc = main(["check-model", str(model), str(path), "--reference", str(target)])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and err.startswith("error: ") and message in err
    assert len(err.splitlines()) == 1


def test_the_scale_is_guessed_from_the_range_even_when_the_geometry_differs(model, image):
    """A user's 0..1 tensor from another resize (black bars where DiDA View has content, or
    the other way round) is still read as 0..1, not as 0..255 pixels."""
    _, img = image
    clf = OnnxClassifier(model, device="cpu")
    ours = prepare(img, clf.preprocessing, (32, 32), 3).pixels[..., 0] / 255.0
    theirs = np.zeros_like(ours)
    theirs[8:24] = ours[::2]  # letterboxed: half height, black above and below
    rep = compare_reference(clf, img, theirs[None, None].repeat(3, axis=1))
    assert rep.scale == "1" and rep.layout == "NCHW"
    assert rep.max_levels > 50  # and the difference is reported, in pixel levels
