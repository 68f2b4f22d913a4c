"""Tests for the synthetic OCT B-scan generator (numpy only, no Qt)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dida_view.synthetic import (
    CLASS_NAMES,
    CLASSES,
    GENERATOR_VERSION,
    generate_dataset,
    generate_scan,
    write_dataset,
)

LESIONS = CLASSES[1:]


def test_class_list_is_fixed() -> None:
    expected = "normal|Early AMD|Wet AMD|Dry AMD|CME|ME|SRD|ERM|MH|RA".split("|")
    assert CLASSES == expected
    assert set(CLASS_NAMES) == set(CLASSES)
    assert CLASS_NAMES["MH"] == "macular hole"
    assert isinstance(GENERATOR_VERSION, str) and GENERATOR_VERSION


@pytest.mark.parametrize("label", ["normal", "CME", "Wet AMD"])
def test_same_seed_gives_identical_scan(label: str) -> None:
    a = generate_scan(label, 11, secondary=True)
    b = generate_scan(label, 11, secondary=True)
    assert a.image.tobytes() == b.image.tobytes()
    assert a.mask.tobytes() == b.mask.tobytes()
    assert a.findings == b.findings


def test_different_seeds_differ() -> None:
    a, b = generate_scan("normal", 1), generate_scan("normal", 2)
    assert np.abs(a.image.astype(int) - b.image.astype(int)).mean() > 5


@pytest.mark.parametrize("size", [(496, 512), (496, 1024), (300, 256)])
def test_shape_and_dtype(size: tuple[int, int]) -> None:
    scan = generate_scan("SRD", 3, height=size[0], width=size[1])
    assert scan.image.shape == size and scan.image.dtype == np.uint8
    assert scan.mask.shape == size and scan.mask.dtype == bool
    assert scan.label == "SRD" and scan.seed == 3


@pytest.mark.parametrize("label", LESIONS)
def test_lesion_masks_are_non_empty_and_match_findings(label: str) -> None:
    for seed in (0, 1):
        scan = generate_scan(label, seed)
        assert scan.mask.sum() >= 50, (label, seed)
        primary = scan.findings[0]
        assert primary["label"] == label and primary["role"] == "primary"
        y0, x0, y1, x1 = primary["bbox"]
        rows, cols = np.nonzero(scan.mask)
        assert [rows.min(), cols.min(), rows.max() + 1, cols.max() + 1] == [y0, x0, y1, x1]


def test_normal_has_empty_mask_and_no_findings() -> None:
    scan = generate_scan("normal", 5, secondary=True)  # no secondary on a normal scan
    assert not scan.mask.any()
    assert scan.findings == []


def test_unknown_label_and_bad_arguments_raise() -> None:
    with pytest.raises(ValueError, match="Glaucoma"):
        generate_scan("Glaucoma", 0)
    with pytest.raises(ValueError, match="cme"):
        generate_scan("cme", 0)
    with pytest.raises(ValueError):
        generate_scan("CME", -1)
    with pytest.raises(ValueError):
        generate_scan("CME", 0, secondary="CME")
    with pytest.raises(ValueError):
        generate_scan("normal", 0, secondary="ERM")
    with pytest.raises(ValueError, match="Foo"):
        list(generate_dataset(2, 0, classes=["CME", "Foo"]))


def test_secondary_finding_is_listed_but_not_masked() -> None:
    alone = generate_scan("CME", 4)
    both = generate_scan("CME", 4, secondary="ERM")
    assert [f["role"] for f in both.findings] == ["primary", "secondary"]
    assert [f["label"] for f in both.findings] == ["CME", "ERM"]
    assert both.findings[1]["severity"] < both.findings[0]["severity"]
    assert both.findings[1]["bbox"] is not None
    # The mask is the primary finding's: the membrane above the cysts stays out of it.
    assert both.mask.any() and alone.mask.any()
    assert both.mask[: both.findings[1]["bbox"][0] + 2].sum() == 0
    auto = generate_scan("Wet AMD", 9, secondary=None)
    assert len(auto.findings) == 2 and auto.findings[1]["label"] != "Wet AMD"


def test_dataset_is_balanced_and_deterministic() -> None:
    classes = ["normal", "MH", "RA"]
    a = list(generate_dataset(6, 42, classes=classes, height=248, width=256))
    b = list(generate_dataset(6, 42, classes=classes, height=248, width=256))
    assert [s.label for s in a] == classes * 2
    assert len({s.seed for s in a}) == 6
    assert all(x.image.tobytes() == y.image.tobytes() for x, y in zip(a, b, strict=True))
    with_second = list(
        generate_dataset(4, 1, classes=["ERM"], height=248, width=256, secondary_rate=1.0)
    )
    assert all(len(s.findings) == 2 for s in with_second)


def test_write_dataset(tmp_path) -> None:
    from PIL import Image

    entries = write_dataset(
        tmp_path / "out",
        4,
        7,
        classes=["normal", "Early AMD"],
        height=248,
        width=256,
        secondary_rate=0.5,
    )
    listed = json.loads((tmp_path / "out" / "labels.json").read_text(encoding="utf-8"))
    assert listed == entries and len(entries) == 4
    assert [e["label"] for e in entries] == ["normal", "Early AMD"] * 2
    for e in entries:
        assert {"file", "label", "mask", "findings"} <= set(e)
        image = np.asarray(Image.open(tmp_path / "out" / e["file"]))
        mask = np.asarray(Image.open(tmp_path / "out" / e["mask"]))
        assert image.shape == mask.shape == (248, 256) and image.dtype == np.uint8
        assert set(np.unique(mask)) <= {0, 255}
        assert (mask.any()) == (e["label"] != "normal")
    assert entries[1]["file"].startswith("early-amd_")
    # An entry is reproducible from its label, seed and findings.
    e = entries[1]
    second = e["findings"][1]["label"] if len(e["findings"]) > 1 else False
    again = generate_scan(e["label"], e["seed"], height=248, width=256, secondary=second)
    assert np.array_equal(again.image, np.asarray(Image.open(tmp_path / "out" / e["file"])))


def _clean_normals(n: int) -> list:
    scans = [generate_scan("normal", s) for s in range(n + 4)]
    return [s for s in scans if not s.meta["wedge"]][:n]


def test_normal_anatomy_is_plausible() -> None:
    for scan in _clean_normals(4):
        img = scan.image.astype(np.float32)
        h, w = img.shape
        # Smooth over 5 columns and 3 rows so single speckle grains do not decide.
        sm = sum(np.roll(img, s, axis=1) for s in range(-2, 3)) / 5
        sm = (sm[:-2] + sm[1:-1] + sm[2:]) / 3
        brightest = sm.argmax(axis=0) + 1
        cols = np.arange(10, w - 10)
        ilm, rpe = scan.meta["ilm"][cols], scan.meta["rpe"][cols]
        # The brightest band in each column lies below the retina's surface...
        assert np.mean(brightest[cols] > ilm) > 0.97
        # ... and for most columns it is the RPE/ellipsoid complex at the bottom of the retina.
        assert np.mean(np.abs(brightest[cols] - rpe) < 14 * h / 496) > 0.8
        rows = np.arange(h)[:, None]
        vitreous = img[(rows < scan.meta["ilm"][None, :] - 12)]
        rpe_band = img[(rows >= scan.meta["rpe"][None, :]) & (rows < scan.meta["bm"][None, :])]
        assert vitreous.mean() + 60 < rpe_band.mean()
        assert 8 < vitreous.mean() < 60  # speckled noise floor, not black, not grey


@pytest.mark.parametrize(
    "label, sign", [("CME", -1), ("SRD", -1), ("MH", -1), ("ERM", +1), ("Wet AMD", 0)]
)
def test_findings_change_pixels_inside_their_mask(label: str, sign: int) -> None:
    # Same seed: same healthy anatomy and speckle, so the difference is the finding.
    for seed in (2, 3):
        normal = generate_scan("normal", seed).image.astype(np.float32)
        scan = generate_scan(label, seed)
        diff = scan.image.astype(np.float32) - normal
        inside = diff[scan.mask]
        assert np.abs(inside).mean() > 15, (label, seed)
        if sign:
            assert np.sign(inside.mean()) == sign and abs(inside.mean()) > 15, (label, seed)
        far = np.ones_like(scan.mask)
        y0, x0, y1, x1 = scan.findings[0]["bbox"]
        far[:, max(x0 - 80, 0) : x1 + 80] = False
        if far.any():
            assert np.abs(diff[far]).mean() < 0.3 * np.abs(inside).mean()


def test_geographic_atrophy_brightens_the_choroid() -> None:
    for seed in (4, 5):
        scan = generate_scan("Dry AMD", seed)
        normal = generate_scan("normal", seed)
        cols = np.flatnonzero(scan.mask.any(axis=0))
        cols = cols[5:-5]
        bm = scan.meta["bm"][cols].astype(int)
        depth = (bm[None, :] + np.arange(15, 60)[:, None]).clip(0, scan.image.shape[0] - 1)
        atrophy = scan.image[depth, cols[None, :]].astype(float).mean()
        healthy = normal.image[depth, cols[None, :]].astype(float).mean()
        assert atrophy > healthy + 15
