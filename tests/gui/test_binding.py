"""Widgets bind to the viewer model: controls change it, and it updates the controls,
the cursor and the panels back, with no window internals involved."""

from __future__ import annotations

from guitools import LABELS, wait_done
from PySide6.QtCore import QPointF

from dida_view.viewmodel.viewer import ALL_GRIDS, MIXED


def test_controls_change_the_model_and_the_model_changes_the_controls(make_window):
    win = make_window()
    m, c = win.model, win.controls
    c.opacity.setValue(25)
    c.shared.setChecked(False)
    assert m.opacity == 0.25 and not m.shared_scale
    m.gain = 2.0
    m.opacity = 0.8
    m.square = 40
    assert c.gain_value() == 2.0 and c.opacity.value() == 80 and c.gain_label.text() == "2x"
    assert c.square.value() == 40 and win.cursor.size == 40
    win.actions_.square_bigger.trigger()
    assert m.square == 50 and c.square.value() == 50


def test_panels_follow_the_model_without_a_run(make_window, qtbot, model_path, scan_path):
    win = make_window()
    win.open_model(model_path)
    win.open_image(scan_path)
    wait_done(qtbot, win)
    m, run = win.model, win.run_id
    m.view = 3
    assert "grid {} x {}".format(*m.result.cell_shape(3)) in win.area.panels[1].header
    assert win.controls.view_value() == 3
    m.view = ALL_GRIDS
    assert len(win.area.panels) == 2 + len(m.result.grid_sizes)
    m.view = MIXED
    m.click_panel(1)
    m.choose_class(0)
    assert win.area.panels[1].caption.startswith(LABELS[0])
    m.diagnosis = "ERM"
    assert win.area.panels[0].top_caption == "Diagnosis: ERM"
    win.cursor.set_now(QPointF(10, 20))
    assert m.cursor == (10.0, 20.0)
    probe = win.probe.reading
    assert (probe.x, probe.y) == (10, 20) and probe.columns == ["mixed d"]
    assert win.run_id == run and not win.busy()
