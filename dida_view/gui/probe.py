"""The probe: a small panel that reads out what is under the synchronized square.

Position, pixel value, and the d of each panel there: the Mixed Image's d (or the shown
grid's d) per class, or, in the all-grid-sizes view (the paper's Fig. 3), the d of every
grid size and the mixed d of the one class shown. :func:`read_probe` makes the numbers
without Qt; :class:`ProbePanel` shows them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QBoxLayout, QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from dida_view.core.dida import DidaResult

DAt = Callable[[int, int, int, "int | None"], "float | None"]
HINT = "Move the mouse over a scan: its position, pixel value and d appear here."


@dataclass(frozen=True)
class ProbeReading:
    """What the probe shows.

    Attributes
    ----------
    x, y
        Image pixel under the square's centre.
    pixel
        Its value (``"143"`` or ``"12,40,200"``).
    columns
        Column titles of the d table (``["mixed d"]``, ``["d 7x7", ..., "mixed d"]``).
    rows
        (class name, one d per column; None where not known yet).
    space
        The score space of d.
    """

    x: int
    y: int
    pixel: str
    columns: list[str] = field(default_factory=list)
    rows: list[tuple[str, list[float | None]]] = field(default_factory=list)
    space: str = ""


def read_probe(image: np.ndarray, x: float, y: float, result: DidaResult | None,
               classes: Sequence[int], grid: int | None, all_grids: bool,
               d_at: DAt) -> ProbeReading:
    """The probe's numbers at image position (``x``, ``y``).

    Parameters
    ----------
    image
        The original (H, W) or (H, W, 3).
    x, y
        Image coordinates (clamped to the image).
    result
        The result shown (None: position and pixel only).
    classes
        The classes of the panels; in the all-grid-sizes view the one class shown.
    grid
        The grid size shown, None for the Mixed Image.
    all_grids
        The all-grid-sizes view: a column per grid size, then the mixed d.
    d_at
        ``d_at(k, y, x, grid)``: class k's d at that pixel (grid None: mixed), or None.
    """
    h, w = image.shape[:2]
    xi, yi = min(max(int(x), 0), w - 1), min(max(int(y), 0), h - 1)
    v = image[yi, xi]
    pixel = f"{int(v)}" if np.ndim(v) == 0 else ",".join(str(int(c)) for c in v)
    if result is None or not result.d:
        return ProbeReading(xi, yi, pixel)
    if all_grids:
        grids: list[int | None] = [*result.grid_sizes, None]
        columns = [f"{n}x{n}" for n in result.grid_sizes] + ["mixed"]
        classes = list(classes)[:1]
    else:
        grids = [grid]
        columns = ["mixed d" if grid is None else f"d ({grid}x{grid})"]
    rows = [(result.labels[k], [d_at(k, yi, xi, g) for g in grids]) for k in classes]
    return ProbeReading(xi, yi, pixel, columns, rows, result.score_space)


def reading_html(r: ProbeReading | None) -> str:
    """The reading as a small HTML table (red for d > 0: supports, blue for d < 0)."""
    if r is None:
        return HINT
    head = f"Under the square: <b>x {r.x}, y {r.y}</b>, pixel <b>{r.pixel}</b>"
    if not r.rows:
        return head
    head += f" · d in {r.space}"
    cells = "".join(f"<th align='right'>&nbsp;{c}</th>" for c in r.columns)
    lines = [f"<tr><th></th>{cells}</tr>"]
    for name, values in r.rows:
        tds = "".join(f"<td align='right'>&nbsp;{_d(v)}</td>" for v in values)
        lines.append(f"<tr><td>{name}</td>{tds}</tr>")
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
        self.text.setToolTip(
            "d = score(original) - score(that region hidden), in the score space's unit. "
            "Mixed d: the blend-weighted mean over the finished grid sizes of the d of the "
            "cell holding that pixel; red supports the class, blue argues against it")
        lay.addWidget(self.text, 1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(240)
        self.reading: ProbeReading | None = None
        self.set_reading(None)

    def set_reading(self, reading: ProbeReading | None) -> None:
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
        probe.reading_changed.connect(self._arrange)

    def side_by_side(self) -> bool:
        """Whether the legend and the probe are in one row."""
        return self._box.direction() == QBoxLayout.Direction.LeftToRight

    def _arrange(self) -> None:
        need = self.legend.needed_width() + self.probe.sizeHint().width() + 8
        direction = (QBoxLayout.Direction.LeftToRight if need <= self.width()
                     else QBoxLayout.Direction.TopToBottom)
        if direction != self._box.direction():
            self._box.setDirection(direction)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._arrange()
