"""Every vendor reader on a file written byte by byte to its format (tests/vendor_files.py):
Heidelberg .e2e and HEYEX XML and Topcon .fda through eyepy, Topcon .fds and Zeiss .img
through OCT-Converter (the Heidelberg .vol is in test_volumes.py)."""

import numpy as np
import pytest
from vendor_files import (
    PATIENT_ID,
    write_e2e,
    write_fda,
    write_fds,
    write_heyex_xml,
    write_zeiss_img,
)

from dida_view.errors import ImageError
from dida_view.io.reader import load_scan

pytest.importorskip("eyepy")
pytest.importorskip("oct_converter")


def _slo(n=64):
    return np.tile((np.arange(n) * 3).astype(np.uint8), (n, 1))


def _no_identifiers_outside(scan):
    assert PATIENT_ID not in repr(scan) and all(PATIENT_ID not in n for n in scan.notes)
    assert all("\n" not in n for n in scan.notes)


def test_heidelberg_e2e_through_eyepy(tmp_path):
    bscans = np.stack([np.full((40, 30), 2.0 ** (i - 6)) for i in range(5)])
    bscans[:, :, :10] /= 2  # a darker band on the left of every B-scan
    write_e2e(tmp_path / "scan.e2e", bscans, _slo())
    scan = load_scan(tmp_path / "scan.e2e")
    assert scan.format == "Heidelberg .e2e" and len(scan) == 5
    means = [float(scan.slices[i].mean()) for i in range(5)]
    assert means == sorted(means) and len(set(means)) == 5  # B-scan order kept
    centre = scan.slices[2]
    assert centre.shape == (40, 30) and centre[:, :10].mean() < centre[:, 10:].mean()
    assert scan.localizer is not None and scan.localizer.image.shape == (64, 64)
    assert any("'e2e' transform" in n for n in scan.notes)  # eyepy's contrast, said
    _no_identifiers_outside(scan)


def test_heyex_xml_export_through_eyepy(tmp_path):
    rng = np.random.default_rng(0)
    bscans = (np.arange(4)[:, None, None] * 50 + rng.integers(0, 40, (4, 24, 32))).astype(
        np.uint8)
    xml = write_heyex_xml(tmp_path / "export", bscans, _slo(), scale_x=0.011,
                          scale_y=0.0039, distance=0.12)
    scan = load_scan(xml)
    assert scan.format == "HEYEX XML export" and len(scan) == 4
    for i in range(4):
        assert np.array_equal(scan.slices[i], bscans[i]), i  # 8-bit: exactly as exported
    assert scan.pixel_spacing == pytest.approx((0.0039, 0.011))
    assert scan.slice_spacing == pytest.approx(0.12)
    assert scan.localizer is not None and scan.localizer.image.shape == (64, 64)
    _no_identifiers_outside(scan)


def test_topcon_fda_through_eyepy(tmp_path):
    bscans = np.stack([np.full((32, 48), 40 + 50 * i, np.uint8) for i in range(3)])
    fundus = np.zeros((60, 80, 3), np.uint8)
    fundus[..., 0] = 200  # red: the channel order survives (stored BGR)
    write_fda(tmp_path / "scan.fda", bscans, fundus)
    scan = load_scan(tmp_path / "scan.fda")
    assert scan.format == "Topcon .fda" and len(scan) == 3
    means = [float(scan.slices[i].mean()) for i in range(3)]
    assert means == sorted(means) and means[2] - means[0] > 50  # JPEG: close, in order
    assert scan.pixel_spacing == pytest.approx((0.0026, 6.0 / 47))
    assert scan.localizer is not None
    _no_identifiers_outside(scan)


def test_topcon_fds_through_oct_converter(tmp_path):
    rng = np.random.default_rng(1)
    bscans = rng.integers(0, 4096, (3, 20, 30)).astype(np.uint16)  # 12-bit data
    fundus = rng.integers(0, 256, (40, 50, 3)).astype(np.uint8)
    write_fds(tmp_path / "scan.fds", bscans, fundus)
    scan = load_scan(tmp_path / "scan.fds")
    assert scan.format == "Topcon .fds" and len(scan) == 3
    top = 4095 if bscans[1].max() >= 2048 else 2047
    for i in range(3):
        expect = np.clip(bscans[i] * 255.0 / top + 0.5, 0, 255).astype(np.uint8)
        assert np.array_equal(scan.slices[i], expect), i
    assert scan.pixel_spacing == pytest.approx((0.0026, 6.0 / 30))  # (row, column) mm
    assert scan.slice_spacing == pytest.approx(6.0 / 3)
    assert scan.localizer is not None and scan.localizer.image.shape[:2] == (40, 50)
    assert scan.identifiers()["PatientID"] == PATIENT_ID
    _no_identifiers_outside(scan)


@pytest.mark.parametrize("width", [512, 200])
def test_zeiss_img_through_oct_converter(tmp_path, width):
    rng = np.random.default_rng(width)
    bscans = rng.integers(0, 256, (3, 1024, width)).astype(np.uint8)
    path = tmp_path / "P1234567_Macular Cube_OD_sn1234_cube_z.img"
    write_zeiss_img(path, bscans)
    scan = load_scan(path)
    assert scan.format == "Zeiss .img" and len(scan) == 3
    for i in range(3):
        assert np.array_equal(scan.slices[i], bscans[i]), i
    assert scan.identifiers()["PatientID"] == "P1234567"
    _no_identifiers_outside(scan)


def test_zeiss_img_of_no_cube_size_is_refused(tmp_path):
    (tmp_path / "odd.img").write_bytes(bytes(1024 * 512 + 7))
    with pytest.raises(ImageError, match=r"odd\.img: Zeiss \.img of 524295 bytes") as info:
        load_scan(tmp_path / "odd.img")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("suffix", [".e2e", ".xml", ".fda", ".fds", ".img"])
def test_broken_vendor_files_are_one_line(tmp_path, suffix):
    p = tmp_path / f"broken{suffix}"
    p.write_bytes(b"FOCTFDA" + bytes(40) if suffix != ".xml" else b"<HEDX><BODY>")
    with pytest.raises(ImageError) as info:
        load_scan(p)
    text = str(info.value)
    assert text.startswith(str(p)) and "\n" not in text


def test_what_oct_converter_prints_is_a_note_not_stdout(tmp_path, capsys):
    bscans = np.stack([np.full((32, 48), 40 + 50 * i, np.uint8) for i in range(3)])
    write_fda(tmp_path / "scan.fda", bscans, np.zeros((60, 80, 3), np.uint8))
    scan = load_scan(tmp_path / "scan.fda")  # it has no segmentation chunk: OCT-Converter
    out, _ = capsys.readouterr()  # prints that; --json output must stay JSON
    assert out == ""
    assert "oct_converter: The file does not have any segmentation chunk." in scan.notes
