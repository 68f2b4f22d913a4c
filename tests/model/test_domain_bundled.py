"""The real-data model's shipped domain check (models/oct_kermany.domain.json), on the
committed fixture (tests/data/domain) and the bundled real samples."""

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from dida_view import paths, synthetic
from dida_view.cli import main
from dida_view.io.reader import load_image
from dida_view.model.domain import domain_check
from dida_view.model.domainref import reference_path
from dida_view.model.onnx import OnnxClassifier

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "domain"
REAL = sorted((paths.samples_dir() or Path("/nonexistent")).glob("00_kermany_*.jpeg"))


@pytest.fixture(scope="module")
def check():
    model = paths.bundled_model(paths.REAL_MODEL_NAME).path()
    if model is None:
        pytest.skip("the real-data model is not installed")
    clf = OnnxClassifier(model, device="cpu")
    assert clf.domain_reference is not None, clf.info.notes  # shipped, and made for it
    return domain_check(clf)


def test_the_shipped_reference_is_small_and_says_what_it_is(check):
    ref = check.reference
    assert reference_path(check.classifier.path).stat().st_size < 2_000_000
    assert "Kermany 2018" in ref.reference and "never trained on" in ref.reference
    assert ref.flag_percent == 5.0 and ref.figures["scans"] == 131
    assert [c.kind for c in ref.components] == ["mahalanobis", "contrast"]
    assert check.features.cuts == ref.cuts and len(ref.cuts) == 10


def test_real_samples_are_typical_at_every_export_width(check):
    assert len(REAL) == 8
    for p in REAL:
        image = load_image(p)
        for width in (512, 768, image.shape[1], 1536):
            resized = np.asarray(Image.fromarray(image).resize((width, image.shape[0]),
                                                               Image.Resampling.BILINEAR))
            r = check.check(resized)
            assert r.typical, (p.name, width, r)


def test_shapes_no_export_has_are_flagged_for_their_shape(check):
    image = load_image(REAL[0])
    h, w = image.shape
    for size in ((h, 4 * w), (4 * h, w)):  # a strip 3 times as wide, a column 4 times as tall
        odd = np.asarray(Image.fromarray(image).resize(size[::-1], Image.Resampling.BILINEAR))
        r = check.check(odd)
        assert not r.typical and not r.shape_covered, size
        assert "shape is unlike that of the model's reference scans" in r.note


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURE.glob("*")
                                        if p.suffix in (".png", ".jpeg")))
def test_pictures_that_are_not_its_scans_are_flagged(check, name):
    r = check.check(load_image(FIXTURE / name))
    assert not r.typical and r.percentile > 95, (name, r)


def test_synthetic_scans_are_flagged_at_any_size(check):
    for k, label in enumerate(synthetic.CLASSES):
        for width in (512, 1024):
            r = check.check(synthetic.generate_scan(label, 123_456 + k, width=width).image)
            assert not r.typical, (label, width, r)


def test_analyze_notes_a_synthetic_scan_and_not_a_real_one(tmp_path, capsys, check):
    """Issue 18, done when: a synthetic scan from ``dida-view synth`` gets a note and
    ``typical: false``; the bundled real samples ``typical: true``."""
    assert main(["synth", "--count", "1", "--seed", "11", "--out", str(tmp_path / "s")]) == 0
    synth = next(p for p in (tmp_path / "s").glob("*.png") if "_mask" not in p.name)
    capsys.readouterr()
    rc = main(["analyze", str(synth), REAL[0].as_posix(), "--model",
               str(check.classifier.path), "--grids", "7", "--json", "--no-cache",
               "--out", str(tmp_path / "out")])
    out = capsys.readouterr()
    assert rc == 0
    records = [json.loads(line) for line in out.out.strip().splitlines()]
    assert records[0]["domain_check"]["typical"] is False
    assert records[1]["domain_check"]["typical"] is True
    assert "Kermany 2018" in records[1]["domain_check"]["reference"]
    notes = [line for line in out.err.splitlines() if "unlike the model's reference" in line]
    assert len(notes) == 1 and notes[0].startswith(f"note: {synth}: ")


def test_a_volume_is_checked_b_scan_by_b_scan(tmp_path, capsys, check):
    real = [load_image(p) for p in REAL[:2]]
    fake = synthetic.generate_scan("CME", 77, width=real[0].shape[1]).image
    volume = tmp_path / "vol.tif"
    pages = [Image.fromarray(x) for x in (*real, fake)]
    pages[0].save(volume, save_all=True, append_images=pages[1:])
    capsys.readouterr()
    rc = main(["analyze", str(volume), "--slices", "all", "--model",
               str(check.classifier.path), "--grids", "7", "--json", "--no-cache",
               "--out", str(tmp_path / "out")])
    out = capsys.readouterr()
    assert rc == 0
    records = [json.loads(line) for line in out.out.strip().splitlines()]
    assert [r["domain_check"]["typical"] for r in records[:3]] == [True, True, False]
    assert records[3]["evidence_map"]["atypical_bscans"] == 1
    assert f"note: {volume} [B-scan 3]: this scan is unlike" in out.err
    assert f"note: {volume}: 1 of 3 B-scans are unlike the model's reference scans" in out.err
