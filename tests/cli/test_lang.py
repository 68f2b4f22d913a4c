"""``--lang``: the CLI says its notes, class names and pictures' words in the user's
language, from the same catalogue as the viewer and the report; errors and JSON stay
English for scripts."""

from __future__ import annotations

import json

import numpy as np
import pytest
from onnx_models import make_region_model
from PIL import Image

from dida_view.cli import main

REGIONS = [(0, 16, 0, 16), (16, 32, 16, 32)]


@pytest.fixture
def saturating(tmp_path):
    """A model and a scan that saturate its probabilities (a note: shown in log-odds)."""
    model = make_region_model(tmp_path / "m.onnx", REGIONS, gain=60.0,
                              metadata={"labels": ["CNV", "NORMAL"]})
    a = np.full((32, 32), 60, np.uint8)
    a[:16, :16] = 250
    Image.fromarray(a).save(tmp_path / "s.png")
    return model, tmp_path / "s.png"


def test_analyze_in_japanese(tmp_path, saturating, capsys):
    model, scan = saturating
    rc = main(["analyze", str(scan), "--model", str(model), "--grids", "2", "--no-cache",
               "--out", str(tmp_path / "o"), "--lang", "ja"])
    out = capsys.readouterr()
    assert rc == 0, out.err
    assert "note: " in out.err and "確率が飽和しています" in out.err
    assert "probability saturated" not in out.err
    assert "脈絡膜新生血管（CNV）" in out.out


def test_analyze_in_english_by_default_and_json_stays_english(tmp_path, saturating, capsys):
    model, scan = saturating
    rc = main(["analyze", str(scan), "--model", str(model), "--grids", "2", "--no-cache",
               "--out", str(tmp_path / "o")])
    out = capsys.readouterr()
    assert rc == 0 and "probability saturated" in out.err and "CNV " in out.out
    rc = main(["analyze", str(scan), "--model", str(model), "--grids", "2", "--no-cache",
               "--out", str(tmp_path / "o"), "--lang", "ja", "--json"])
    rec = json.loads(capsys.readouterr().out)
    assert rec["note"].startswith("probability saturated") and rec["top"][0]["label"] == "CNV"


def test_a_bad_language_is_one_line(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["analyze", "x.png", "--lang", "fr"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "--lang" in err and "\n" not in err


def test_the_report_page_says_the_programs_notes_in_its_language(qapp, tmp_path, saturating,
                                                                 capsys):
    model, scan = saturating
    out = tmp_path / "r.html"
    rc = main(["report", str(scan), "--model", str(model), "--grids", "2", "--no-cache",
               "--out", str(out), "--lang", "ja"])
    assert rc == 0, capsys.readouterr().err
    page = out.read_text(encoding="utf-8")
    assert "プログラムからの注記" in page and "確率が飽和しています" in page
    rc = main(["report", str(scan), "--model", str(model), "--grids", "2", "--no-cache",
               "--out", str(tmp_path / "r_en.html")])
    assert rc == 0
    page = (tmp_path / "r_en.html").read_text(encoding="utf-8")
    assert "Note from the program" in page and "probability saturated" in page
