"""The status bar: run progress (grid sizes, evaluations, ETA), Cancel."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar, QPushButton

from dida_view.core.dida import DidaResult, count_cells


def format_eta(seconds: float) -> str:
    """``8 s``, ``2 min 05 s``."""
    s = max(0, int(round(seconds)))
    return f"{s} s" if s < 60 else f"{s // 60} min {s % 60:02d} s"


def done_text(result: DidaResult) -> str:
    """The status line for a finished run: what it cost now, and for a result from the
    cache the original run's figures, labelled as such."""
    if result.from_cache:
        return (f"Done: from cache in {result.lookup_seconds:.2f} s (computed earlier: "
                f"{result.evaluations} masked images in {result.seconds:.1f} s, "
                f"{result.mask_fill} mask)")
    return (f"Done: {result.evaluations} masked images in {result.seconds:.1f} s "
            f"({result.mask_fill} mask)")


class RunStatus(QObject):
    """Owns the status bar widgets of a main window."""

    cancel_requested = Signal()

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        bar = window.statusBar()
        self.text = QLabel()
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(180)
        self.bar.setTextVisible(True)
        self.cancel = QPushButton("Cancel (Esc)")
        self.cancel.clicked.connect(self.cancel_requested)
        self.model = QLabel()
        bar.addWidget(self.text, 1)
        bar.addPermanentWidget(self.bar)
        bar.addPermanentWidget(self.cancel)
        bar.addPermanentWidget(self.model)
        self.bar.hide()
        self.cancel.hide()
        self._grids: tuple[int, ...] = ()
        self._done_grids: list[int] = []
        self._t0 = 0.0
        self._total = 0

    def set_model(self, text: str) -> None:
        """The model line on the right."""
        self.model.setText(text)

    def message(self, text: str) -> None:
        """A status message (what happened last)."""
        self.text.setText(text)

    def start(self, grids: tuple[int, ...]) -> None:
        """A run started for ``grids``."""
        self._grids = tuple(grids)
        self._done_grids = []
        self._total = count_cells(grids)
        self._t0 = time.perf_counter()
        self.bar.setRange(0, max(1, self._total))
        self.bar.setValue(0)
        self.bar.setFormat("%p %")
        self.bar.show()
        self.cancel.show()
        self.text.setText(f"Analysing: 0/{len(grids)} grid sizes, 0/{self._total} masked images")

    def grid_done(self, n: int) -> None:
        """Grid size ``n`` of the current run is complete."""
        self._done_grids.append(n)

    def progress(self, done: int, total: int) -> None:
        """Cells done so far (``done`` of ``total``), with an ETA from the rate so far."""
        self.bar.setRange(0, max(1, total))
        self.bar.setValue(done)
        elapsed = time.perf_counter() - self._t0
        eta = elapsed / done * (total - done) if done else 0.0
        self.text.setText(
            f"Analysing: {len(self._done_grids)}/{len(self._grids)} grid sizes, "
            f"{done}/{total} masked images, ETA {format_eta(eta)}")

    def finish(self, text: str) -> None:
        """The run ended (done, failed or cancelled)."""
        self.bar.hide()
        self.cancel.hide()
        self.text.setText(text)
