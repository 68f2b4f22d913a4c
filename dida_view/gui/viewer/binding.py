"""Two-way binding of the controls dock and the shared cursor to the viewer model.

A control the user moves sets the model's field; a field changed elsewhere (restored
settings, a menu, a test) is shown in the control, with its signals blocked so the change
does not come back. The model emits only real changes, so there is no loop either way.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF

from dida_view.gui.viewer.controls import ControlsPanel, gain_from_slider, slider_from_gain
from dida_view.gui.viewer.cursor import CursorModel
from dida_view.method.dida import DidaResult
from dida_view.viewmodel.viewer import ViewerModel


class ControlsBinding:
    """Keeps ``controls`` (display settings, square, diagnosis, class list) and ``cursor``
    in step with ``model``."""

    def __init__(self, model: ViewerModel, controls: ControlsPanel,
                 cursor: CursorModel) -> None:
        self.model, self.controls, self.cursor = model, controls, cursor
        c, ev = controls, model.events
        c.class_chosen.connect(model.choose_class)
        c.display_changed.connect(self.display_from_controls)
        c.square_changed.connect(lambda side: setattr(model, "square", side))
        c.diagnosis_changed.connect(lambda text: setattr(model, "diagnosis", text))
        cursor.moved.connect(self._cursor_moved)
        ev.display.connect(lambda _value: self.display_to_controls())
        ev.square.connect(self.square_to_controls)
        ev.image.connect(lambda _image: c.diagnosis.setText(model.diagnosis))
        ev.result.connect(self._result_changed)

    def _cursor_moved(self, pos: QPointF | None) -> None:
        self.model.cursor = None if pos is None else (pos.x(), pos.y())

    def display_from_controls(self) -> None:
        """View, gain, opacity and shared scale as the controls show them."""
        c, m = self.controls, self.model
        m.view, m.gain = c.view_value(), c.gain_value()
        m.opacity, m.shared_scale = c.opacity_value(), c.shared.isChecked()

    def display_to_controls(self) -> None:
        """Show the model's view, gain, opacity and shared scale in the controls."""
        c, m = self.controls, self.model
        widgets = (c.opacity, c.gain, c.shared, c.view)
        for w in widgets:
            w.blockSignals(True)
        c.opacity.setValue(round(m.opacity * 100))
        c.opacity_label.setText(f"{c.opacity.value()} %")
        if abs(c.gain_value() - m.gain) > 1e-9:
            c.gain.setValue(slider_from_gain(m.gain))
            c.gain_label.setText(f"{gain_from_slider(c.gain.value()):.2g}x")
        c.shared.setChecked(m.shared_scale)
        c.view.setCurrentIndex(max(0, c.view.findData(m.view)))
        for w in widgets:
            w.blockSignals(False)

    def square_to_controls(self, side: int) -> None:
        """Show the model's square size on the cursor and in the spin box."""
        self.cursor.set_size(side)
        spin = self.controls.square
        spin.blockSignals(True)
        spin.setValue(side)
        spin.blockSignals(False)

    def scale_square(self, factor: float) -> None:
        """View > Larger / Smaller Square, within the spin box's range."""
        spin = self.controls.square
        side = round(self.model.square * factor)
        self.model.square = max(spin.minimum(), min(spin.maximum(), side))

    def _result_changed(self, result: DidaResult | None) -> None:
        if result is not None:
            self.controls.set_view_choices(result.grid_sizes)
            self.display_from_controls()  # a view of a grid size that is gone: Mixed
