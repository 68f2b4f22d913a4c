"""Which model am I looking at: the default view, the model line, the domain banner and
the Model menu's bundled models."""

from __future__ import annotations

import pytest

from dida_view import paths
from dida_view.gui import app

REAL, DEMO = paths.REAL_MODEL_NAME, paths.DEMO_MODEL_NAME
pytestmark = pytest.mark.skipif(
    any(m.path() is None for m in paths.BUNDLED_MODELS) or not paths.sample_images(),
    reason="the bundled models or samples are not in this checkout")


def _sample(prefix: str):
    return next(p for p in paths.sample_images() if p.name.startswith(prefix))


def _loaded(qtbot, win, name: str) -> None:
    qtbot.waitUntil(lambda: win.model.model_path is not None
                    and win.model.model_path.name == name and not win.model_job,
                    timeout=15000)


def _settle(qtbot, win) -> None:
    win.cancel()
    qtbot.waitUntil(lambda: not win.busy(), timeout=15000)


def test_no_arguments_open_a_real_scan_with_the_real_model(monkeypatch, qtbot):
    seen = {}

    def fake_screenshot(_app, win, *_args, **_kwargs):  # look at the window, then close
        _loaded(qtbot, win, REAL)
        seen.update(model=win.model.model_path.name, image=win.model.image_path.name,
                    line=win.status.model_line.text(), banner=win.domains.banner.isVisible())
        _settle(qtbot, win)
        win.close()
        return 0

    monkeypatch.setattr(app, "_screenshot", fake_screenshot)
    assert app.main(["--screenshot", "unused.png", "--size", "900x500"]) == 0
    assert seen["model"] == REAL and seen["image"] == "00_kermany_CNV_1.jpeg"
    assert "real Spectralis" in seen["line"] and "not for diagnosis" in seen["line"]
    assert seen["banner"] is False  # a real scan with the real model: nothing to warn


def test_the_real_model_on_a_synthetic_sample_offers_the_synthetic_model(make_window,
                                                                         qtbot):
    win = make_window()
    banner = win.domains.banner
    win.open_model(paths.bundled_model(REAL).path())
    win.open_image(_sample("01_Wet_AMD"))
    _loaded(qtbot, win, REAL)
    assert banner.isVisible()
    assert "synthetic" in banner.label.text() and "mismatch" in banner.label.text().lower()
    assert banner.button.text() == "Use the synthetic demo model"
    _settle(qtbot, win)
    banner.button.click()
    _loaded(qtbot, win, DEMO)
    assert not banner.isVisible()
    assert "synthetic OCT B-scans" in win.status.model_line.text()
    _settle(qtbot, win)


def test_the_synthetic_model_on_an_image_of_unknown_domain(make_window, qtbot, scan_path):
    win = make_window()
    win.open_model(paths.bundled_model(DEMO).path())
    win.open_image(scan_path)  # a sidecar that names no model
    _loaded(qtbot, win, DEMO)
    assert win.domains.banner.isVisible()
    assert "domain is unknown" in win.domains.banner.label.text()
    assert win.domains.banner.button.text() == "Use the real OCT model"
    _settle(qtbot, win)
    win.domains.banner.button.click()
    _loaded(qtbot, win, REAL)
    assert not win.domains.banner.isVisible()  # the real model on an unknown image: no note
    _settle(qtbot, win)


def test_a_third_party_model_has_unknown_training_data(make_window, qtbot, model_path,
                                                      scan_path):
    win = make_window()
    win.open_model(model_path)
    win.open_image(scan_path)
    _loaded(qtbot, win, model_path.name)
    line = win.status.model_line
    assert line.isVisible() and line.text().startswith(model_path.name)
    assert "unknown training data" in line.text() and "not for diagnosis" in line.text()
    assert not win.domains.banner.isVisible()
    assert not any(a.isChecked() for a in win.domains.actions.values())
    _settle(qtbot, win)


def test_the_model_menu_lists_the_bundled_models(make_window, qtbot):
    win = make_window()
    menu = win.actions_.menus["&Model"]
    texts = [a.text() for a in menu.actions()]
    for m in paths.BUNDLED_MODELS:
        action = win.domains.actions[m.file]
        assert action in menu.actions() and action.isCheckable() and action.isEnabled()
        assert m.domain in action.text(), texts
    win.domains.actions[DEMO].trigger()
    _loaded(qtbot, win, DEMO)
    assert win.domains.actions[DEMO].isChecked()
    assert not win.domains.actions[REAL].isChecked()
    win.domains.actions[REAL].trigger()
    _loaded(qtbot, win, REAL)
    assert win.domains.actions[REAL].isChecked() and not win.domains.actions[DEMO].isChecked()


def test_the_model_line_of_each_kind_of_model(qapp, tmp_path):
    from dida_view.gui.viewer.domain_views import model_line

    real = model_line(paths.bundled_model(REAL).path(), {"domain": "ignored for ours"})
    assert real == f"{REAL} — trained on real Spectralis OCT B-scans from Kermany 2018 — " \
        "not for diagnosis"
    assert "synthetic OCT B-scans" in model_line(paths.bundled_model(DEMO).path(), {})
    mine = tmp_path / "mine.onnx"
    assert model_line(mine, {"domain": "fundus photographs"}) == \
        "mine.onnx — trained on fundus photographs — not for diagnosis"
    assert model_line(mine, {}) == "mine.onnx — trained on unknown training data — not for " \
        "diagnosis"
    assert model_line(None, None) == "No model — not for diagnosis"
