"""Words on screen (issue 17): counts in the right plural, score spaces and the Mixed Image
in Japanese, and ``--help`` naming the menu that really holds the language."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest
from guitools import wait_done

from dida_view.gui import app, i18n
from dida_view.gui.viewer.statusbar import done_text
from dida_view.method.analysis import Settings
from dida_view.method.dida import DidaResult
from dida_view.model.preprocess import Box
from dida_view.report import text as report_text


@pytest.fixture
def japanese(qapp):
    assert i18n.install_language("ja")
    yield
    i18n.install_language("en")


def test_one_is_singular_in_english():
    res = DidaResult(scores=np.zeros(2), grid_sizes=(1,), d={1: np.zeros((2, 1, 1))},
                     evaluations=1, seconds=0.5, mask_fill="black", box=Box(0, 8, 0, 8),
                     input_size=(8, 8))
    assert done_text(res) == "Done: 1 masked image in 0.5 s (black mask)"
    cached = dataclasses.replace(res, from_cache=True, lookup_seconds=0.01)
    assert "computed earlier: 1 masked image in 0.5 s" in done_text(cached)
    assert i18n.plural("MainWindow", 1, "{0} class", "{0} classes") == "1 class"
    assert i18n.plural("MainWindow", 4, "{0} class", "{0} classes") == "4 classes"
    one = report_text.text("cover_intro", "en", n=1, model="m.onnx", date="2026-01-01")
    assert one.startswith("1 case. ")
    assert report_text.text("cover_intro", "en", n=2, model="m", date="d").startswith("2 cases.")
    assert report_text.text("cover_intro", "ja", n=1, model="m", date="d").startswith("1 症例")


def test_logit_and_the_mixed_image_are_japanese(make_window, japanese, qtbot, model_path,
                                                scan_path):
    win = make_window()
    win.set_analysis_settings(Settings(grid_sizes=(2, 3), score_space="logit"))
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    assert win.model.result.score_space == "logit"
    captions = [p.caption for p in win.area.panels[1:]]
    headers = [p.header for p in win.area.panels[1:]]
    rows = [win.controls.classes.topLevelItem(i).text(2)
            for i in range(win.controls.classes.topLevelItemCount())]
    shown = " ".join(captions + headers + rows + [win.controls.view.itemText(0)])
    assert "logit" not in shown and "Mixed Image" not in shown, shown
    assert "ロジット" not in shown  # the scores shown are probabilities ...
    assert "ロジット" in win.legend.space.text()  # ... the maps' unit is on the legend
    assert all("合成画像" in h for h in headers)


def test_help_names_menus_that_exist(make_window):
    win = make_window()
    menus = {a.text().replace("&", ""): a.menu() for a in win.menuBar().actions()}
    text = app.parser().format_help().replace("\n", " ")
    paths = [(m, i.strip()) for m, i in re.findall(r"([A-Z][a-z]+) > ((?:[A-Z][a-z]+ ?)+)",
                                                     re.sub(r"\s+", " ", text))]
    assert ("View", "Language") in paths
    for menu, item in paths:
        assert menu in menus, (menu, item)
        names = [a.text().replace("&", "").rstrip("…") for a in menus[menu].actions()]
        assert any(n.startswith(item.strip()) for n in names), (menu, item, names)
