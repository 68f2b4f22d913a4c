"""The clinician's reading in the sidecar: load, fallback, atomic save keeping other keys."""

import json

import pytest

from dida_view.session.reading import Reading, load_reading, save_reading


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


@pytest.mark.parametrize("text", ["{broken", "[1, 2]", '"x"'])
def test_broken_sidecar_reads_as_none(tmp_path, text):
    (tmp_path / "a.json").write_text(text)
    assert load_reading(tmp_path / "a.png").empty


def test_save_keeps_other_keys_and_round_trips(tmp_path):
    side = tmp_path / "a.json"
    side.write_text(json.dumps({"diagnosis": "CNV", "seed": 7, "findings": [1]}))
    saved = save_reading(tmp_path / "a.png", Reading(" DME ", "fluid 脈絡膜"))
    data = json.loads(side.read_text(encoding="utf-8"))
    assert data["seed"] == 7 and data["findings"] == [1] and data["diagnosis"] == "CNV"
    assert data["reading"]["diagnosis"] == "DME" and data["reading"]["note"] == "fluid 脈絡膜"
    assert saved.updated.endswith("Z")
    assert load_reading(tmp_path / "a.png") == saved
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]  # no temp file left


def test_failed_write_leaves_old_sidecar(tmp_path, monkeypatch):
    side = tmp_path / "a.json"
    side.write_text('{"diagnosis": "CNV"}')

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("dida_view.session.reading.os.replace", boom)
    with pytest.raises(OSError):
        save_reading(tmp_path / "a.png", Reading("DME"))
    assert side.read_text() == '{"diagnosis": "CNV"}'
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]
