"""The legend says what full colour means, in plain words and the score's unit."""

from __future__ import annotations

from guitools import wait_done

from dida_view.method.analysis import Settings


def test_legend_gives_full_colour_in_the_score_unit(make_window, qtbot, model_path,
                                                      scan_path):
    win = make_window()
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    text = win.legend.scale.text()
    assert text.startswith("full red = the class's score drops by ")
    assert "probability points when that region is hidden" in text
    assert win.legend.scale.isVisible()
    # the number is the shared scale over the gain: doubling the gain halves it
    number = float(text.split("drops by ")[1].split()[0])
    win.controls.gain.setValue(10)  # 2x
    halved = float(win.legend.scale.text().split("drops by ")[1].split()[0])
    assert abs(halved - number / 2) <= 0.002 * number + 1e-3
    win.set_analysis_settings(Settings(grid_sizes=(2, 3), score_space="log-odds"))
    wait_done(qtbot, win)
    assert win.model.result.score_space == "log-odds"
    assert "log-odds when that region is hidden" in win.legend.scale.text()
