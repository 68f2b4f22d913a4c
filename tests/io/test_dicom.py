"""DICOM: bit depth, VOI window, MONOCHROME1, spacing, frames, compression, privacy."""

import numpy as np
import pytest
from dicom_files import OPHTHALMIC_TOMOGRAPHY, PATIENT, write_dicom

from dida_view.errors import ImageError
from dida_view.io.dicom import anonymous_id
from dida_view.io.reader import load_image, load_scan


def _ramp(h=32, w=48, top=4095):
    return np.linspace(0, top, h * w).reshape(h, w).astype(np.uint16)


def test_12_bit_dicom_is_scaled_by_bits_stored(tmp_path):
    p = tmp_path / "a.dcm"
    write_dicom(p, _ramp(), bits_stored=12)
    scan = load_scan(p)
    img = scan.image()
    assert img.dtype == np.uint8 and img.max() == 255 and img.min() == 0
    assert scan.format == "dicom" and len(scan) == 1 and not scan.is_volume
    assert any("BitsStored" in n for n in scan.notes)
    np.testing.assert_array_equal(load_image(p), img)  # the old entry point reads it too


def test_window_centre_width_is_applied(tmp_path):
    p = tmp_path / "w.dcm"
    write_dicom(p, _ramp(), bits_stored=12, WindowCenter=1000, WindowWidth=400)
    scan = load_scan(p)
    img = scan.image().astype(int)
    raw = _ramp()
    assert (img[raw < 790] == 0).all() and (img[raw > 1210] == 255).all()
    assert any("window" in n and "1000" in n for n in scan.notes)


def test_monochrome1_is_inverted(tmp_path):
    a = np.zeros((8, 8), np.uint8)
    a[:4] = 200
    write_dicom(tmp_path / "m1.dcm", a, photometric="MONOCHROME1")
    scan = load_scan(tmp_path / "m1.dcm")
    assert scan.image()[0, 0] == 55 and scan.image()[7, 7] == 255
    assert any("MONOCHROME1" in n for n in scan.notes)


def test_rgb_secondary_capture_and_pixel_spacing(tmp_path):
    a = np.zeros((16, 20, 3), np.uint8)
    a[..., 0] = 180
    write_dicom(tmp_path / "c.dcm", a, PixelSpacing=[0.0039, 0.0114])
    scan = load_scan(tmp_path / "c.dcm")
    assert scan.image().shape == (16, 20, 3) and scan.image()[0, 0, 0] == 180
    assert scan.pixel_spacing == pytest.approx((0.0039, 0.0114))


def test_multi_frame_oct_is_a_volume_read_frame_by_frame(tmp_path):
    vol = np.stack([np.full((24, 32), 40 * (i + 1), np.uint8) for i in range(5)])
    from pydicom.dataset import Dataset
    measures = Dataset()
    measures.PixelSpacing = [0.0039, 0.0117]
    measures.SliceThickness = 0.24
    group = Dataset()
    group.PixelMeasuresSequence = [measures]
    write_dicom(tmp_path / "v.dcm", vol, frames=True, sop_class=OPHTHALMIC_TOMOGRAPHY,
                SharedFunctionalGroupsSequence=[group])
    scan = load_scan(tmp_path / "v.dcm")
    assert len(scan) == 5 and scan.is_volume and scan.centre == 2
    assert [int(scan.slices[i][0, 0]) for i in range(5)] == [40, 80, 120, 160, 200]
    assert scan.pixel_spacing == pytest.approx((0.0039, 0.0117))
    assert scan.slice_spacing == pytest.approx(0.24)
    assert not scan.slices[0].flags.writeable


def test_rle_compressed_dicom_decodes(tmp_path):
    from pydicom import dcmread
    from pydicom.uid import RLELossless

    p = tmp_path / "r.dcm"
    write_dicom(p, _ramp(top=255).astype(np.uint8))
    ds = dcmread(p)
    ds.compress(RLELossless)
    ds.save_as(p)
    np.testing.assert_array_equal(load_scan(p).image(), _ramp(top=255).astype(np.uint8))


def test_jpeg2000_dicom_decodes_with_pylibjpeg(tmp_path):
    pytest.importorskip("openjpeg")
    from pydicom import dcmread
    from pydicom.uid import JPEG2000Lossless

    p = tmp_path / "j.dcm"
    write_dicom(p, _ramp(), bits_stored=12)
    ds = dcmread(p)
    ds.compress(JPEG2000Lossless, encoding_plugin="pylibjpeg")
    ds.save_as(p)
    img = load_scan(p).image()
    assert img.max() == 255 and img.min() == 0


def test_identifiers_only_on_request_and_an_anonymous_case_id(tmp_path):
    uid = write_dicom(tmp_path / "x.dcm", _ramp(top=255).astype(np.uint8))
    scan = load_scan(tmp_path / "x.dcm")
    assert scan.case_id == anonymous_id(uid) and "Doe" not in scan.case_id
    assert scan.identifiers()["PatientName"] == "Doe^Jane"
    assert "Doe" not in repr(scan)  # not even in a log line that prints the scan


def test_broken_dicom_is_one_clean_line(tmp_path):
    p = tmp_path / "cut.dcm"
    write_dicom(p, _ramp())
    p.write_bytes(p.read_bytes()[:400])
    with pytest.raises(ImageError) as exc:
        load_scan(p)
    assert "cut.dcm" in str(exc.value) and "\n" not in str(exc.value)


def test_patient_fixture_is_what_the_privacy_tests_look_for():
    assert PATIENT["PatientName"] == "Doe^Jane"


def test_pydicom_warnings_become_notes_without_the_identifiers(tmp_path):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write_dicom(tmp_path / "long.dcm", _ramp(top=255).astype(np.uint8),
                    PatientName="Doe^" + "Jane" * 20)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # none escapes as a warning
        scan = load_scan(tmp_path / "long.dcm")
    said = [n for n in scan.notes if n.startswith("pydicom: ")]
    assert len(said) == 1 and "exceeds the maximum" in said[0]  # said once, not twice
    assert not any("Doe" in n or "Jane" in n for n in scan.notes)


def test_scrub_replaces_identifier_values_and_name_parts():
    from dida_view.io.dicom import _scrub

    ids = {"PatientName": "Doe^Jane", "PatientBirthDate": "19500101"}
    text = _scrub("Invalid value for VR DA: '19500101x' of Jane Doe\nmore", ids)
    assert text == "Invalid value for VR DA: '[identifier]x' of [identifier] [identifier]"


def test_jpeg_baseline_dicom_decodes(tmp_path):
    import io

    from PIL import Image
    from pydicom import dcmread
    from pydicom.encaps import encapsulate
    from pydicom.uid import JPEGBaseline8Bit

    grey = _ramp(top=255).astype(np.uint8)
    p = tmp_path / "jb.dcm"
    write_dicom(p, grey)
    buf = io.BytesIO()
    Image.fromarray(grey).save(buf, "JPEG", quality=95)
    ds = dcmread(p)
    ds.file_meta.TransferSyntaxUID = JPEGBaseline8Bit
    ds.PixelData = encapsulate([buf.getvalue()])
    ds["PixelData"].is_undefined_length = True
    ds.save_as(p)
    img = load_scan(p).image()
    assert img.shape == grey.shape and np.abs(img.astype(int) - grey).max() < 12
