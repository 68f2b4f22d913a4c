"""The reading session: which model reads each case, the domain note, one space for the
set, readings kept in the session until saved, names."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from onnx_models import make_region_model
from PIL import Image

from dida_view import paths
from dida_view.io.reader import load_scan
from dida_view.method.analysis import Settings
from dida_view.model.onnx import OnnxClassifier
from dida_view.session.cases import Case, read_cases
from dida_view.session.reading import Reading, load_reading
from dida_view.session.session import ReadingSession, Unit

REAL, DEMO = paths.REAL_MODEL_NAME, paths.DEMO_MODEL_NAME
needs_models = pytest.mark.skipif(
    any(m.path() is None for m in paths.BUNDLED_MODELS) or not paths.sample_images(),
    reason="the bundled models or samples are not in this checkout")


def _open(path):
    return OnnxClassifier(path, device="cpu")


@needs_models
def test_each_bundled_sample_is_read_by_its_own_model_and_all_agree():
    """The report read the synthetic samples with the real-data model (13 of 22
    disagreed); the session gives each case its own model."""
    got = read_cases([paths.samples_dir()])
    session = ReadingSession(got.cases, open_model=_open)
    assert len(got.cases) == 22
    verdicts = {}
    for case in got.cases:
        model = session.model_path(case)
        assert model.name == (REAL if case.name.startswith("00_kermany") else DEMO)
        assert session.domain_note(case) is None
        clf = session.classifier(case)
        image = session.scan(case).image()
        from dida_view.session.spaces import base_raw

        top = clf.labels[int(np.argmax(base_raw(clf, image)))]
        verdicts[case.name] = session.agreement(case, top)
    assert set(verdicts.values()) == {"agree"}, verdicts
    assert len(session.classifiers()) == 2  # each model opened once


@needs_models
def test_a_chosen_model_reads_every_case_with_the_domain_note():
    cases = [Case(p) for p in paths.sample_images()[:1] + paths.sample_images()[-1:]]
    demo = paths.demo_model_path()
    session = ReadingSession(cases, chosen_model=demo, open_model=_open)
    assert {session.model_path(c) for c in cases} == {demo}
    kermany = next(c for c in cases if c.name.startswith("00_kermany"))
    note = session.domain_note(kermany)
    assert note is not None and "real Spectralis" in note.text


def _scan(path, value):
    a = np.full((32, 32), 60, np.uint8)
    a[:16, :16] = value
    Image.fromarray(a).save(path)
    return path


def test_one_space_for_every_b_scan_of_the_set(tmp_path):
    model = make_region_model(tmp_path / "m.onnx", [(0, 16, 0, 16), (16, 32, 16, 32)],
                              gain=60.0)
    a, b = _scan(tmp_path / "a.png", 70), _scan(tmp_path / "b.png", 250)  # b saturates
    session = ReadingSession([Case(a), Case(b)], chosen_model=model, open_model=_open)
    session.expand_slices(None)
    assert session.settings_for_set().score_space == "logit"
    assert session.space.known.case == load_scan(b).case_id
    alone = ReadingSession([Case(a)], chosen_model=model, open_model=_open)
    alone.expand_slices(None)
    assert alone.settings_for_set().score_space == "probability"
    fixed = ReadingSession([Case(a), Case(b)], chosen_model=model, open_model=_open,
                           settings=Settings(score_space="log-odds"))
    assert fixed.settings_for_set().score_space == "log-odds"


def test_units_are_b_scans_and_bad_slices_are_one_line(tmp_path):
    pages = [Image.fromarray(np.full((8, 8), v, np.uint8)) for v in (10, 20, 30)]
    vol = tmp_path / "v.tif"
    pages[0].save(vol, save_all=True, append_images=pages[1:])
    img = _scan(tmp_path / "i.png", 100)
    session = ReadingSession([Case(vol), Case(img)])
    units, problems = session.expand_slices("all")
    assert [(u.case.name, u.index, u.count) for u in units] == [
        ("v.tif", 0, 3), ("v.tif", 1, 3), ("v.tif", 2, 3), ("i.png", 0, 1)]
    assert problems == []
    units, problems = session.expand_slices("5")
    assert [u.case.name for u in units] == ["i.png"] and "B-scan 5 does not exist" in \
        problems[0]
    scan = load_scan(vol)
    assert session.unit_id(scan, Unit(Case(vol), 1, 3)) == f"{scan.case_id}_s002"
    assert ReadingSession([], keep_names=True).unit_id(scan, Unit(Case(vol), 1, 3)) == "v_s002"


def test_readings_live_in_the_session_until_saved(tmp_path):
    img = _scan(tmp_path / "i.png", 100)
    listed = Case(img, diagnosis="CME")
    session = ReadingSession([listed])
    assert session.reading(listed).diagnosis == "CME"  # the list's, until there is one
    session.edit_reading(listed, Reading("DME", "typed just now"))
    assert session.reading(listed) == Reading("DME", "typed just now")
    assert session.unsaved() == [listed] and load_reading(img).empty
    saved, outcome = session.save_reading(listed)
    assert saved.diagnosis == "DME" and outcome.path.name == "i.png.json"
    assert session.unsaved() == [] and load_reading(img).note == "typed just now"
    assert session.agreement(listed, "DME") == "agree"


def test_a_failed_save_keeps_the_reading_unsaved(tmp_path, monkeypatch):
    img = _scan(tmp_path / "i.png", 100)
    case = Case(img)
    session = ReadingSession([case])
    session.edit_reading(case, Reading("DME"))
    from dida_view.session import sidecars

    monkeypatch.setattr(sidecars.os, "replace", lambda *a: (_ for _ in ()).throw(
        OSError(13, "Permission denied")))
    with pytest.raises(OSError):
        session.save_reading(case)
    assert session.unsaved() == [case] and session.reading(case).diagnosis == "DME"


@needs_models
def test_bundled_samples_are_never_written(tmp_path):
    sample = Case(paths.sample_images()[0])
    session = ReadingSession([sample])
    session.edit_reading(sample, Reading("x"))
    assert session.save_reading(sample) is None and session.unsaved() == []
    assert not paths.sample_images()[0].with_name(sample.name + ".json").exists()


def test_a_copy_of_a_sample_keeps_its_model(tmp_path):
    src = paths.sample_images()[-1]
    dst = tmp_path / "copy.png"
    shutil.copy(src, dst)
    shutil.copy(src.with_suffix(".json"), tmp_path / "copy.json")
    session = ReadingSession([Case(dst)])
    assert session.model_path(Case(dst)).name == json.loads(
        src.with_suffix(".json").read_text())["model"]
