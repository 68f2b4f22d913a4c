"""``dida-view calibrate`` on third-party models (small ONNX nets made here), and the
domain check it leaves beside the model, as ``analyze`` then reports it."""

import json
import shutil

import numpy as np
import pytest
from onnx_models import make_region_model
from onnx_nets import make_net
from PIL import Image

from dida_view.cli import main
from dida_view.model.domain import domain_check
from dida_view.model.domainfeatures import FeatureCut, choose_cuts
from dida_view.model.domainref import reference_path
from dida_view.model.onnx import OnnxClassifier


def layered(seed: int, size=(60, 80)) -> np.ndarray:
    """A toy B-scan: dark above, a few bright wavy layers, speckle."""
    rng = np.random.default_rng(seed)
    h, w = size
    img = np.full(size, 30.0)
    top = h * rng.uniform(0.3, 0.5) + 3 * np.sin(np.linspace(0, rng.uniform(2, 6), w))
    rows = np.arange(h)[:, None]
    for k, level in enumerate((200, 120, 170)):
        band = (rows > top + 5 * k) & (rows <= top + 5 * k + 3)
        img[band] = level
    img *= rng.gamma(4.0, 0.25, size)
    return np.clip(img, 0, 255).astype(np.uint8)


def unlike(seed: int, size=(60, 80)) -> np.ndarray:
    """Not a toy B-scan: a colour checkerboard, or bright noise."""
    rng = np.random.default_rng(seed)
    if seed % 2:
        yy, xx = np.mgrid[0:size[0], 0:size[1]]
        board = ((yy // 6 + xx // 6) % 2).astype(np.uint8) * 255
        return np.stack([board, 255 - board, board // 2], axis=2)
    return rng.integers(150, 256, (*size, 3), dtype=np.uint8)


@pytest.fixture
def scans(tmp_path):
    folder = tmp_path / "scans" / "nested"
    folder.mkdir(parents=True)
    for i in range(40):
        Image.fromarray(layered(i)).save(folder / f"b{i:02d}.png")
    (folder / "notes.txt").write_text("not a scan: left out")
    return tmp_path / "scans"


@pytest.fixture
def net(tmp_path):
    return make_net(tmp_path / "third_party.onnx", "plain", size=(40, 48))


def _analyze(capsys, model, image):
    capsys.readouterr()
    rc = main(["analyze", str(image), "--model", str(model), "--grids", "2,4",
               "--out", str(image.parent / "out"), "--json", "--no-cache"])
    out = capsys.readouterr()
    return rc, json.loads(out.out.strip().splitlines()[-1]), out.err


def test_calibrate_writes_the_reference_and_analyze_uses_it_from_then_on(
        tmp_path, scans, net, capsys):
    typical_png, odd_png = tmp_path / "new.png", tmp_path / "odd.png"
    Image.fromarray(layered(1000)).save(typical_png)
    Image.fromarray(unlike(7)).save(odd_png)
    rc, rec, _ = _analyze(capsys, net, typical_png)
    assert rc == 0 and rec["domain_check"] is None  # no reference yet

    assert main(["calibrate", str(net), str(scans), "--holdout", "0.25"]) == 0
    out = capsys.readouterr().out
    assert "40 B-scans from 40 files" in out and "4 folds" in out
    assert "threshold: score >" in out and "2 of 40 held-out" in out
    assert "shapes: content 1.07-1.67 times as wide as high" in out  # 80 x 60 scans: 4:3
    path = reference_path(net)
    assert path.is_file() and str(path) in out

    clf = OnnxClassifier(net, device="cpu")
    assert clf.domain_reference is not None and len(clf.reference_fingerprint) == 64
    check = domain_check(clf)
    assert clf.fingerprint in check.fingerprint
    assert check.fingerprint.endswith(clf.reference_fingerprint)
    fresh = [check.check(layered(2000 + i)) for i in range(40)]
    assert sum(not r.typical for r in fresh) <= 6  # about 5 % of new in-domain scans
    assert all(not check.check(unlike(i)).typical for i in range(6))

    rc, rec, err = _analyze(capsys, net, odd_png)
    dc = rec["domain_check"]
    assert rc == 0 and dc["typical"] is False and dc["percentile"] == 100.0
    assert dc["reference"].startswith("40 in-domain scans given to dida-view calibrate")
    assert f"note: {odd_png}: this scan is unlike the model's reference scans" in err
    assert any("unlike the model's reference scans" in n for n in rec["notes"])
    rc, rec, err = _analyze(capsys, net, typical_png)
    assert rec["domain_check"]["typical"] is True and "unlike" not in err


def test_a_reference_of_other_weights_is_ignored_with_a_note(tmp_path, scans, net, capsys):
    assert main(["calibrate", str(net), str(scans), "--reference", "toy scans"]) == 0
    make_net(net, "plain", size=(40, 48), seed=5)  # the same file, new weights
    clf = OnnxClassifier(net, device="cpu")
    assert clf.domain_reference is None and clf.reference_fingerprint == ""
    assert any("another version of this model" in n for n in clf.info.notes)
    assert domain_check(clf) is None


def test_contrast_and_widths_and_a_model_read_at_its_penultimate(tmp_path, scans, capsys):
    model = make_region_model(tmp_path / "flat.onnx", [(0, 16, 0, 16), (16, 32, 16, 32)],
                              metadata={"labels": ["a", "b"]})
    clf = OnnxClassifier(model, device="cpu")
    assert choose_cuts(clf) == ["flat"]  # Flatten first: no local prefix
    assert FeatureCut(clf).dims <= 1024  # 32 x 32 x 3 inputs, grouped
    odd = tmp_path / "odd"
    odd.mkdir()
    for i in range(10):
        Image.fromarray(unlike(i)).save(odd / f"o{i}.png")
    rc = main(["calibrate", str(model), str(scans), "--contrast", str(odd),
               "--widths", "60,100"])
    out = capsys.readouterr().out
    assert rc == 0 and "each also at widths 60,100" in out
    assert "120 B-scans from 40 files" in out and "contrast: 30 out-of-domain" in out
    ref = OnnxClassifier(model, device="cpu").domain_reference
    assert [c.kind for c in ref.components] == ["mahalanobis", "contrast"]


def test_a_reference_the_model_cannot_be_cut_for_is_a_note_not_a_failure(
        tmp_path, scans, net, capsys):
    assert main(["calibrate", str(net), str(scans)]) == 0
    path = reference_path(net)
    doc = json.loads(path.read_text())
    doc["features"]["cuts"][0] = "no_such_tensor"  # the model key still matches
    path.write_text(json.dumps(doc))
    image = tmp_path / "new.png"
    Image.fromarray(layered(5)).save(image)
    rc, rec, err = _analyze(capsys, net, image)
    assert rc == 0 and rec["domain_check"] is None
    said = [n for n in rec["notes"] if n.startswith("no domain check: ")]
    assert said and "cannot be cut" in said[0]  # the result's note, in every view
    assert "Traceback" not in err


def test_calibrate_errors_are_one_line_each(tmp_path, scans, net, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["calibrate", str(net), str(empty)]) == 2
    err = capsys.readouterr().err
    assert f"error: {empty}: no scan files in this folder" in err
    assert "0 reference scans; at least 20 are needed" in err
    assert main(["calibrate", str(net), str(scans), "--holdout", "0.7"]) == 2
    assert "--holdout must be in (0, 0.5]" in capsys.readouterr().err
    assert main(["calibrate", str(net), str(scans), "--widths", "12,x"]) == 2
    assert "error: --widths: bad list" in capsys.readouterr().err
    assert main(["calibrate", str(tmp_path / "none.onnx"), str(scans)]) == 2
    assert "no such file" in capsys.readouterr().err
    broken = next(scans.rglob("b00.png"))
    broken.write_bytes(b"not a png")
    assert main(["calibrate", str(net), str(scans), str(tmp_path / "gone.png")]) == 1
    out = capsys.readouterr()
    assert f"error: {broken}" in out.err and f"{tmp_path / 'gone.png'}: no such file" in \
        out.err
    assert "39 B-scans from 39 files" in out.out and reference_path(net).is_file()
    assert "Traceback" not in out.err


def test_the_check_does_not_change_the_maps(tmp_path, scans, net, capsys):
    image = tmp_path / "new.png"
    Image.fromarray(layered(77)).save(image)
    bare = tmp_path / "bare"
    bare.mkdir()
    shutil.copy(net, bare / net.name)
    assert main(["calibrate", str(net), str(scans)]) == 0
    maps = []
    for model in (net, bare / net.name):
        rc, rec, _ = _analyze(capsys, model, image)
        npz = next(p for p in rec["outputs"] if p.endswith(".npz"))
        maps.append(dict(np.load(npz)))
        shutil.rmtree(image.parent / "out")
    assert maps[0].keys() == maps[1].keys()
    for key in maps[0]:
        if maps[0][key].dtype.kind in "fiub":
            assert np.array_equal(maps[0][key], maps[1][key]), key
