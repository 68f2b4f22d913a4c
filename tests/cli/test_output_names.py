"""Output names: nothing overwritten within a run, class names safe but whole, glyphs."""

import json

import numpy as np
import pytest
from onnx_models import make_region_model
from PIL import Image

from dida_view.cli import main
from dida_view.render import export
from dida_view.render.fonts import font_for, has_glyph

LABELS = ["網膜浮腫", "Отёк", "a/b", "a:b"]
REGIONS = [(0, 16, 0, 16), (16, 32, 16, 32), (0, 32, 0, 32), (0, 8, 24, 32)]


@pytest.fixture
def model(tmp_path):
    return make_region_model(tmp_path / "m.onnx", REGIONS, metadata={"labels": LABELS})


def _img(path, value):
    a = np.full((32, 32), 40, np.uint8)
    a[:16, :16] = value
    Image.fromarray(a).save(path)
    return path


def test_same_stem_in_other_formats_and_folders_gets_distinct_names(tmp_path, model, capsys):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    inputs = [_img(tmp_path / "a.png", 100), _img(tmp_path / "a.tif", 150),
              _img(tmp_path / "x" / "a.png", 200), _img(tmp_path / "y" / "A.png", 250)]
    rc = main(["analyze", *map(str, inputs), "--model", str(model), "--grids", "2",
               "--out", str(tmp_path / "o"), "--json", "--top", "1", "--no-cache"])
    assert rc == 0
    recs = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    outputs = [o for r in recs for o in r["outputs"]]
    assert len(outputs) == len(set(outputs)) == 4 * 3  # figure, one panel, npz each
    assert len(list((tmp_path / "o").iterdir())) == 12  # none overwritten
    scores = [np.load(r["outputs"][-1])["scores"][0] for r in recs]
    assert len(set(scores)) == 4  # each npz is its own image's


def test_non_latin_class_names_stay_whole_and_get_distinct_files(tmp_path, model, capsys):
    rc = main(["analyze", str(_img(tmp_path / "s.png", 200)), "--model", str(model),
               "--grids", "2", "--out", str(tmp_path / "o"), "--json", "--top", "4",
               "--no-cache", "--keep-names"])
    assert rc == 0
    rec = json.loads(capsys.readouterr().out)
    assert sorted(rec["shown"]) == sorted(LABELS) and set(rec["scores"]) == set(LABELS)
    names = sorted(p.name for p in (tmp_path / "o").iterdir())
    assert "s_網膜浮腫.png" in names and "s_Отёк.png" in names
    assert "s_a_b.png" in names and "s_a_b-2.png" in names  # a/b and a:b do not collide
    assert len(names) == 1 + 4 + 1


def test_slug_rules():
    assert export.slug("Wet AMD") == "Wet_AMD"
    assert export.slug("網膜 浮腫") == "網膜_浮腫"
    assert export.slug("../etc/passwd") == "etc_passwd"
    assert export.slug("   ") == "class" and export.slug("...") == "class"
    assert export.slug("CON") == "CON_" and export.slug("nul.txt") == "nul.txt_"
    assert export.class_slugs(["A b", "a_B", "a?b"]) == ["A_b", "a_B-2", "a_b-3"]
    names = export.OutputNames()
    assert [names.claim("o", "a"), names.claim("o", "A"), names.claim("p", "a")] == \
        ["a", "A-2", "a"]


@pytest.mark.parametrize("text", ["Отёк", "網膜浮腫"])
def test_figure_text_is_drawn_with_a_font_that_has_the_glyphs(text):
    f = font_for(text, 24)
    if not all(has_glyph(f, c) for c in text):
        pytest.skip(f"no font on this machine draws {text!r}")
    from dida_view.render.figure import label_panel

    drawn = label_panel(np.zeros((60, 200), np.uint8), text)
    boxes = label_panel(np.zeros((60, 200), np.uint8), "\U0010fffd" * len(text))
    assert not np.array_equal(drawn, boxes)  # the glyphs, not "missing glyph" boxes
