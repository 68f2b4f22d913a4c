"""The clinician's reading in the scan's sidecar: load, fallback, and a save that never
loses what was there (other keys, an unreadable file, the file's mode)."""

import json
import os
import stat

import pytest

from dida_view.model.config import sidecar_path
from dida_view.session import sidecars
from dida_view.session.reading import Reading, load_reading, load_reading_checked, save_reading


def test_no_sidecar_gives_empty_reading(tmp_path):
    r = load_reading(tmp_path / "a.png")
    assert r == Reading() and r.empty


def test_falls_back_to_diagnosis_key_but_not_generator_note(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps({"diagnosis": "CNV", "note": "synthetic"}))
    assert load_reading(tmp_path / "a.png") == Reading(diagnosis="CNV")


def test_reading_key_wins(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(
        {"diagnosis": "CNV", "reading": {"diagnosis": "DME", "note": "n", "updated": "t"}}))
    assert load_reading(tmp_path / "a.png") == Reading("DME", "n", "t")


def test_the_full_file_name_wins_over_the_old_stem_name(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps({"diagnosis": "CNV"}))
    (tmp_path / "a.png.json").write_text(json.dumps({"reading": {"diagnosis": "DME"}}))
    assert load_reading(tmp_path / "a.png").diagnosis == "DME"
    assert load_reading(tmp_path / "a.tif").diagnosis == "CNV"  # only the old one


@pytest.mark.parametrize("text", ["{broken", "[1, 2]", '"x"', "[" * 100000])
def test_broken_sidecar_reads_as_none_with_a_reason(tmp_path, text):
    (tmp_path / "a.json").write_text(text)
    loaded = load_reading_checked(tmp_path / "a.png")
    assert loaded.reading.empty and "a.json" in loaded.problem


@pytest.mark.parametrize("value", [True, None, 3.5, [1], {"x": 1}])
def test_only_text_is_a_diagnosis(tmp_path, value):
    # JSON true / NaN / numbers were drawn as "True" and "nan" on the figure
    (tmp_path / "a.json").write_text(json.dumps({"reading": {"diagnosis": value}}))
    loaded = load_reading_checked(tmp_path / "a.png")
    assert loaded.reading.diagnosis == ""
    assert (loaded.problem is None) == (value is None)
    (tmp_path / "a.json").write_text('{"diagnosis": NaN}')
    assert load_reading(tmp_path / "a.png").diagnosis == ""


def test_save_keeps_other_keys_and_round_trips(tmp_path):
    side = tmp_path / "a.json"
    side.write_text(json.dumps({"diagnosis": "CNV", "seed": 7, "findings": [1]}))
    saved, outcome = save_reading(tmp_path / "a.png", Reading(" DME ", "fluid 脈絡膜"))
    assert outcome.path == tmp_path / "a.png.json" and outcome.backup is None
    data = json.loads(outcome.path.read_text(encoding="utf-8"))
    assert data["seed"] == 7 and data["findings"] == [1] and data["diagnosis"] == "CNV"
    assert data["reading"]["diagnosis"] == "DME" and data["reading"]["note"] == "fluid 脈絡膜"
    assert saved.updated.endswith("Z")
    assert load_reading(tmp_path / "a.png") == saved
    assert json.loads(side.read_text()) == {"diagnosis": "CNV", "seed": 7, "findings": [1]}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "a.png.json"]


def test_two_scans_with_one_stem_keep_their_own_readings(tmp_path):
    save_reading(tmp_path / "a.png", Reading("CNV"))
    save_reading(tmp_path / "a.tif", Reading("DME"))
    assert load_reading(tmp_path / "a.png").diagnosis == "CNV"
    assert load_reading(tmp_path / "a.tif").diagnosis == "DME"


@pytest.mark.parametrize("body", [b'{"seed": 7,}', b"\x00\x01garbage", b"[1, 2]"])
def test_an_unreadable_sidecar_is_backed_up_not_lost(tmp_path, body):
    side = tmp_path / "a.png.json"
    side.write_bytes(body)
    _, outcome = save_reading(tmp_path / "a.png", Reading("DME"))
    assert outcome.backup == tmp_path / "a.png.json.bak" and outcome.backup.read_bytes() == body
    assert "a.png.json" in outcome.note and "a.png.json.bak" in outcome.note
    assert load_reading(tmp_path / "a.png").diagnosis == "DME"
    _, again = save_reading(tmp_path / "a.png", Reading("CNV"))  # readable now: no backup
    assert again.backup is None and (tmp_path / "a.png.json.bak").read_bytes() == body


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_a_bom_or_utf16_sidecar_keeps_its_keys(tmp_path, encoding):
    side = tmp_path / "a.png.json"
    side.write_bytes(json.dumps({"seed": 7, "diagnosis": "CNV"}).encode(encoding))
    _, outcome = save_reading(tmp_path / "a.png", Reading("DME"))
    data = json.loads(side.read_text(encoding="utf-8"))
    assert outcome.backup is None and data["seed"] == 7 and data["reading"]["diagnosis"] == "DME"


def test_the_file_mode_is_kept(tmp_path):
    side = tmp_path / "a.png.json"
    side.write_text("{}")
    os.chmod(side, 0o644)
    save_reading(tmp_path / "a.png", Reading("DME"))
    assert stat.S_IMODE(side.stat().st_mode) == 0o644
    os.chmod(side, 0o640)
    save_reading(tmp_path / "a.png", Reading("CNV"))
    assert stat.S_IMODE(side.stat().st_mode) == 0o640


def test_a_new_sidecar_gets_the_users_usual_mode(tmp_path):
    old = os.umask(0o022)
    try:
        save_reading(tmp_path / "b.png", Reading("DME"))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "b.png.json").stat().st_mode) == 0o644


def test_failed_write_leaves_old_sidecar(tmp_path, monkeypatch):
    side = tmp_path / "a.png.json"
    side.write_text('{"diagnosis": "CNV"}')

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sidecars.os, "replace", boom)
    with pytest.raises(OSError):
        save_reading(tmp_path / "a.png", Reading("DME"))
    assert side.read_text() == '{"diagnosis": "CNV"}'
    assert [p.name for p in tmp_path.iterdir()] == ["a.png.json"]


def test_model_sidecars_go_through_the_same_store(tmp_path):
    model = tmp_path / "net.onnx"
    side = sidecar_path(model)
    assert side.name == "net.dida.json"
    side.write_text('{"labels": ["a", "b"], "preprocessing": {"mean": [0.5]}}')
    os.chmod(side, 0o600)
    outcome = sidecars.update(side, {"labels": ["x", "y"]})
    data = json.loads(side.read_text())
    assert data == {"labels": ["x", "y"], "preprocessing": {"mean": [0.5]}}
    assert outcome.backup is None and stat.S_IMODE(side.stat().st_mode) == 0o600
