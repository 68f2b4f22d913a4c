"""Volumes: multi-page TIFF, Heidelberg .vol (eyepy, from a file written to the spec)."""

import numpy as np
import pytest
from PIL import Image
from vendor_files import PATIENT_ID, SLO_SCALE, write_vol

from dida_view.errors import ImageError, SettingsError
from dida_view.io import vendor
from dida_view.io.reader import load_image, load_scan
from dida_view.io.scan import Slices, parse_slices


def write_tiff_pages(path, pages):
    ims = [Image.fromarray(p) for p in pages]
    ims[0].save(path, save_all=True, append_images=ims[1:])


def test_every_page_of_a_multi_page_tiff_is_a_b_scan(tmp_path):
    pages = [np.full((20, 30), 50 * (i + 1), np.uint8) for i in range(4)]
    write_tiff_pages(tmp_path / "v.tif", pages)
    scan = load_scan(tmp_path / "v.tif")
    assert len(scan) == 4 and scan.is_volume and scan.format == "tiff-pages"
    assert [int(scan.slices[i][0, 0]) for i in range(4)] == [50, 100, 150, 200]
    assert load_image(tmp_path / "v.tif")[0, 0] == 150  # the centre page, not page 1


def test_16_bit_pages_share_one_windowing(tmp_path):
    pages = [np.full((8, 8), v, np.uint16) for v in (500, 1000, 4000)]
    write_tiff_pages(tmp_path / "w.tif", pages)
    scan = load_scan(tmp_path / "w.tif")
    got = [int(scan.slices[i][0, 0]) for i in range(3)]
    assert got == [round(v / 4095 * 255) for v in (500, 1000, 4000)]
    assert any("decided on all pages" in n for n in scan.notes)


def test_slices_are_read_lazily_and_read_only():
    reads = []
    s = Slices(10, lambda i: reads.append(i) or np.full((2, 2), i, np.uint8), keep=2)
    assert len(s) == 10 and reads == []
    assert s[3][0, 0] == 3 and s[-1][0, 0] == 9 and s[3][0, 0] == 3
    assert reads == [3, 9] and not s[3].flags.writeable
    with pytest.raises(IndexError):
        s[10]


def test_parse_slices():
    assert parse_slices("all", 4) == [0, 1, 2, 3]
    assert parse_slices("center", 5) == [2] and parse_slices("centre", 4) == [2]
    assert parse_slices("3, 1,3", 4) == [2, 0]
    for bad in ("0", "5", "x", "1,,2"):
        with pytest.raises(SettingsError, match="slices"):
            parse_slices(bad, 4)


def _volume(n=5):
    b = np.stack([np.full((40, 30), 0.02 * (i + 1), np.float32) for i in range(n)])
    slo = np.tile((np.arange(64) * 3).astype(np.uint8), (64, 1))
    return b, slo


def test_heidelberg_vol_through_eyepy(tmp_path):
    pytest.importorskip("eyepy")
    b, slo = _volume()
    write_vol(tmp_path / "scan.vol", b, slo, distance=0.12, scale_x=0.011, start=(0.5, 0.6))
    scan = load_scan(tmp_path / "scan.vol")
    assert len(scan) == 5 and scan.format == "Heidelberg .vol"
    values = [int(scan.slices[i][10, 10]) for i in range(5)]
    assert values == sorted(values) and len(set(values)) == 5  # B-scan order kept
    assert scan.pixel_spacing == pytest.approx((0.0039, 0.011))
    assert scan.slice_spacing == pytest.approx(0.12)
    loc = scan.localizer
    assert loc is not None and loc.image.shape == (64, 64)
    x0, y0, x1, y1 = loc.lines[1]
    assert (x0, y0) == pytest.approx((0.5 / SLO_SCALE, (0.6 + 0.12) / SLO_SCALE))
    assert x1 == pytest.approx((0.5 + 30 * 0.011) / SLO_SCALE) and y1 == pytest.approx(y0)
    assert scan.case_id.startswith("oct-") and PATIENT_ID not in repr(scan)
    assert all("\n" not in n for n in scan.notes)


def test_vendor_file_without_the_extra_says_how_to_install_it(tmp_path, monkeypatch):
    def missing(name):
        raise ImportError(name)

    monkeypatch.setattr(vendor.importlib, "import_module", missing)
    (tmp_path / "x.e2e").write_bytes(b"CMDb" + bytes(100))
    with pytest.raises(ImageError, match=r"x.e2e: .*Heidelberg .e2e.*'oct' extra"):
        load_scan(tmp_path / "x.e2e")


def test_broken_vendor_file_is_one_line(tmp_path):
    pytest.importorskip("eyepy")
    (tmp_path / "bad.vol").write_bytes(b"HSF-OCT-103" + bytes(100))
    with pytest.raises(ImageError) as exc:
        load_scan(tmp_path / "bad.vol")
    assert "bad.vol" in str(exc.value) and "\n" not in str(exc.value)


def test_pages_of_different_types_each_get_their_own_rule(tmp_path):
    # 16-bit pages (12-bit data) around an 8-bit centre page: the centre's rule (8-bit, as
    # it is) applied to the others turned them 83-86 % white
    rng = np.random.default_rng(0)
    wide = [rng.integers(0, 4096, (20, 30)).astype(np.uint16) for _ in range(4)]
    centre = rng.integers(0, 256, (20, 30)).astype(np.uint8)
    pages = [wide[0], wide[1], centre, wide[2], wide[3]]
    write_tiff_pages(tmp_path / "mixed.tif", pages)
    scan = load_scan(tmp_path / "mixed.tif")
    assert len(scan) == 5 and np.array_equal(scan.slices[2], centre)
    top = max(int(p.max()) for p in wide)
    for i in (0, 1, 3, 4):
        expect = np.clip(pages[i].astype(np.float64) * 255 / 4095 + 0.5, 0, 255).astype(
            np.uint8)
        assert np.array_equal(scan.slices[i], expect), i
        assert (scan.slices[i] == 255).mean() < 0.05
    assert top < 4096
    notes = " | ".join(scan.notes)
    assert "pages of different types" in notes
    assert "pages 1-2, 4-5 (16-bit)" in notes and "12-bit" in notes
    assert "page 3 (8-bit)" in notes and "as it is" in notes


def test_pages_of_one_type_still_share_one_rule(tmp_path):
    pages = [np.full((8, 8), v, np.uint16) for v in (100, 3000, 200)]
    write_tiff_pages(tmp_path / "same.tif", pages)
    scan = load_scan(tmp_path / "same.tif")
    assert [int(scan.slices[i][0, 0]) for i in range(3)] == [
        round(v / 4095 * 255) for v in (100, 3000, 200)]
    assert not any("different types" in n for n in scan.notes)


def test_float_and_8_bit_pages(tmp_path):
    f = np.linspace(-1, 1, 64, dtype=np.float32).reshape(8, 8)
    g = np.arange(64, dtype=np.uint8).reshape(8, 8)
    ims = [Image.fromarray(g), Image.fromarray(f, "F"), Image.fromarray(g)]
    ims[0].save(tmp_path / "fl.tif", save_all=True, append_images=ims[1:])
    scan = load_scan(tmp_path / "fl.tif")
    assert np.array_equal(scan.slices[0], g) and np.array_equal(scan.slices[2], g)
    assert scan.slices[1].min() == 0 and scan.slices[1].max() == 255
    assert any(n.startswith("page 2 (float)") and "percentiles" in n for n in scan.notes)
