"""``dida-view analyze`` on volumes and DICOM: --slices, slice numbers, privacy."""

import json
from pathlib import Path

import numpy as np
import pytest
from dicom_files import PATIENT, write_dicom
from onnx_models import make_region_model
from PIL import Image

from dida_view.cli import main
from dida_view.io.dicom import anonymous_id


@pytest.fixture
def model(tmp_path):
    return make_region_model(tmp_path / "m.onnx", [(0, 16, 0, 16), (16, 32, 16, 32)],
                             metadata={"labels": ["upper", "lower"]})


def _pages(n=3):
    out = []
    for i in range(n):
        a = np.full((32, 32), 40, np.uint8)
        a[:16, :16] = 100 + 50 * i
        out.append(a)
    return out


def _tiff(path, pages):
    ims = [Image.fromarray(p) for p in pages]
    ims[0].save(path, save_all=True, append_images=ims[1:])
    return path


def _run(capsys, *argv):
    rc = main(["analyze", *map(str, argv), "--grids", "2,4", "--no-cache"])
    out, err = capsys.readouterr()
    return rc, out, err


def test_slices_all_gives_one_result_per_b_scan(tmp_path, model, capsys):
    vol = _tiff(tmp_path / "vol.tif", _pages(3))
    rc, out, _ = _run(capsys, vol, "--model", model, "--out", tmp_path / "o", "--json",
                      "--slices", "all", "--keep-names")
    assert rc == 0
    lines = [json.loads(line) for line in out.splitlines()]
    recs = [r for r in lines if "evidence_map" not in r]
    assert "evidence_map" in lines[-1]  # the volume's own record comes last
    assert [r["slice"] for r in recs] == [1, 2, 3] and {r["slices"] for r in recs} == {3}
    assert all(f"vol_s{r['slice']:03d}_dida.png" in " ".join(r["outputs"]) for r in recs)
    scores = [r["scores"]["upper"] for r in recs]
    assert scores[0] < scores[1] < scores[2]  # each B-scan analysed, not page 1 three times


def test_default_is_the_centre_b_scan_with_a_note(tmp_path, model, capsys):
    vol = _tiff(tmp_path / "vol.tif", _pages(3))
    rc, out, err = _run(capsys, vol, "--model", model, "--out", tmp_path / "o")
    assert rc == 0 and "B-scan 2/3" in out
    assert "a volume of 3 B-scans; analysing the centre one, 2" in err


def test_slice_numbers_out_of_range_name_the_file_and_the_batch_goes_on(tmp_path, model,
                                                                        capsys):
    vol = _tiff(tmp_path / "vol.tif", _pages(3))
    img = tmp_path / "one.png"
    Image.fromarray(_pages(1)[0]).save(img)
    rc, out, err = _run(capsys, vol, img, "--model", model, "--out", tmp_path / "o",
                        "--slices", "1,9")
    assert rc == 1
    assert err.count("error:") == 1 and f"error: {vol}: --slices: B-scan 9" in err
    assert "one.png" in out  # the next image was analysed


def test_dicom_identifiers_never_reach_an_export(tmp_path, model, capsys):
    a = np.full((32, 32), 30, np.uint8)
    a[:16, :16] = 220
    uid = write_dicom(tmp_path / "scan.dcm", a, PixelSpacing=[0.01, 0.01],
                      InstitutionName="St Elsewhere Eye Clinic")
    (tmp_path / "scan.json").write_text(json.dumps({"diagnosis": "upper"}))
    out_dir = tmp_path / "o"
    rc, out, err = _run(capsys, tmp_path / "scan.dcm", "--model", model, "--out", out_dir,
                        "--json")
    assert rc == 0
    rec = json.loads(out)
    assert rec["case"] == anonymous_id(uid)
    secrets = [PATIENT["PatientName"], "Doe", PATIENT["PatientID"], PATIENT["PatientBirthDate"],
               "Elsewhere"]
    files = sorted(out_dir.iterdir())
    assert files and all(f.name.startswith(anonymous_id(uid)) for f in files)
    for text in [out, err, *(f.name for f in files)]:
        assert not any(s in text for s in secrets)
    for f in files:
        data = f.read_bytes()
        if f.suffix == ".npz":
            npz = np.load(f)
            data = b" ".join(np.asarray(npz[k]).tobytes() for k in npz.files)
        assert not any(s.encode() in data or s.encode("utf-32-le") in data for s in secrets)


def test_slices_all_writes_the_volume_evidence_map(tmp_path, model, capsys):
    vol = _tiff(tmp_path / "vol.tif", _pages(4))
    rc, out, _ = _run(capsys, vol, "--model", model, "--out", tmp_path / "o", "--json",
                      "--slices", "all")
    assert rc == 0
    lines = [json.loads(line) for line in out.splitlines()]
    last = lines[-1]["evidence_map"]
    assert last["slices"] == 4 and last["label"] == "upper"
    png, npz_path = last["outputs"]
    npz = np.load(npz_path)
    assert npz["red"].shape == (4, 32) and list(npz["slices"]) == [1, 2, 3, 4]
    assert npz["red"][:, :16].sum() > 0 and str(npz["label"]) == "upper"
    assert Path(png).name.startswith(lines[0]["case"]) and Image.open(png).width >= 6 * 32
    # one score space: every B-scan's record, the map's record and its npz
    spaces = {r["score_space"] for r in lines[:-1]} | {last["score_space"],
                                                         str(npz["score_space"])}
    assert len(spaces) == 1, spaces
    shown = Image.open(png)  # under its title, with its legend and the model line
    assert shown.height > 6 * 24 + 80
