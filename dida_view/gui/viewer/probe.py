"""The probe: a small panel that reads out what is under the synchronized square.

Position, pixel value, and the d of each panel there: the Mixed Image's d (or the shown
grid's d) per class, or, in the all-grid-sizes view (the paper's Fig. 3), the d of every
grid size and the mixed d of the one class shown. The viewer model reads the numbers
(:meth:`~dida_view.viewmodel.viewer.ViewerModel.probe`, without Qt); :class:`ProbePanel`
shows them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QBoxLayout, QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from dida_view.catalogue import QT_TRANSLATE_NOOP
from dida_view.gui.i18n import class_name, space_words, translate
from dida_view.viewmodel.viewer import N_CLASS_PANELS, Probe

HINT = QT_TRANSLATE_NOOP("Probe", "Move the mouse over a scan to read its d here.")
# the viewer model's column names (it imports no Qt), as shown
COLUMNS = {"mixed": QT_TRANSLATE_NOOP("Probe", "mixed"),
           "mixed d": QT_TRANSLATE_NOOP("Probe", "mixed d")}


def reading_html(r: Probe | None) -> str:
    """The reading as a small HTML table (red for d > 0: supports, blue for d < 0)."""
    if r is None:
        return translate("Probe", HINT)
    head = translate("Probe", "Under the square: <b>x {0}, y {1}</b>, pixel <b>{2}</b>").format(
        r.x, r.y, r.pixel)
    if not r.rows:
        return head
    head += translate("Probe", " · d in {0}").format(space_words(r.space))
    cells = "".join(f"<th align='right'>&nbsp;{translate('Probe', COLUMNS.get(c, c))}</th>"
                    for c in r.columns)
    lines = [f"<tr><th></th>{cells}</tr>"]
    for name, values in r.rows:
        tds = "".join(f"<td align='right'>&nbsp;{_d(v)}</td>" for v in values)
        lines.append(f"<tr><td>{class_name(name)}</td>{tds}</tr>")
    return head + "<table cellspacing='0' cellpadding='1'>" + "".join(lines) + "</table>"


def _d(v: float | None) -> str:
    if v is None:
        return "…"
    colour = "#e00000" if v > 0 else "#1e5bff" if v < 0 else "inherit"
    return f"<span style='color:{colour}'><b>{v:+.3g}</b></span>"


class ProbePanel(QFrame):
    """A framed box showing :func:`reading_html` of the last reading.

    Signals
    -------
    reading_changed()
        A new reading is shown (the panel's width may have changed).
    """

    reading_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("probe")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 4, 8, 4)
        lay.setSpacing(2)
        self.text = QLabel()  # no word wrap: the panel is as wide as its table
        self.text.setToolTip(translate("Probe",
            "d = score(original) - score(that region hidden), in the score space's unit. "
            "Mixed d: the blend-weighted mean over the finished grid sizes of the d of the "
            "cell holding that pixel; red supports the class, blue argues against it"))
        self.text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        lay.addWidget(self.text, 1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        # room for a table of the class panels from the start: the panels above do not
        # jump when the square enters or leaves a scan
        rows = [("Class", [0.0])] * N_CLASS_PANELS
        self.text.setText(reading_html(Probe(0, 0, "0", ["mixed d"], rows, "probability")))
        self.setMinimumSize(240, self.sizeHint().height())
        self.reading: Probe | None = None
        self.set_reading(None)

    def set_reading(self, reading: Probe | None) -> None:
        """Show ``reading`` (None: the hint)."""
        self.reading = reading
        self.text.setText(reading_html(reading))
        self.reading_changed.emit()


class LegendAndProbe(QWidget):
    """The legend and the probe side by side, or the probe under the legend when the
    window is too narrow for both (the Fig. 3 view's table is wide)."""

    def __init__(self, legend: QWidget, probe: ProbePanel, parent: QWidget | None = None):
        super().__init__(parent)
        self.legend, self.probe = legend, probe
        self._box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.addWidget(legend, 1)
        self._box.addWidget(probe, 0, Qt.AlignmentFlag.AlignLeft)
        probe.reading_changed.connect(self._on_reading)

    def side_by_side(self) -> bool:
        """Whether the legend and the probe are in one row."""
        return self._box.direction() == QBoxLayout.Direction.LeftToRight

    def _on_reading(self) -> None:
        # lay out now, not on the next pass of the event loop: a picture (or a frame)
        # taken at once must not show the new table cut to the old width
        self._arrange()
        self.probe.layout().invalidate()
        self.probe.updateGeometry()
        self._box.activate()

    def _arrange(self) -> None:
        probe = max(self.probe.minimumWidth(), self.probe.sizeHint().width())
        need = self.legend.needed_width() + probe + 8
        direction = (QBoxLayout.Direction.LeftToRight if need <= self.width()
                     else QBoxLayout.Direction.TopToBottom)
        if direction != self._box.direction():
            self._box.setDirection(direction)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._arrange()
