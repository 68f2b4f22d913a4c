"""The colour legend and the score-space line under the panels."""

from __future__ import annotations

from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from dida_view.core import render
from dida_view.gui.panel import to_qimage

BAR_W, BAR_H = 220, 14


class LegendStrip(QWidget):
    """``against [blue - black - red] for the class`` and what full colour means.

    Also shows the score space in use, highlighted with its note when ``auto`` switched
    from probability to logits because the probability saturated.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 2, 8, 2)
        lay.setSpacing(8)
        bar = QLabel()
        bar.setPixmap(QPixmap.fromImage(to_qimage(render.to_uint8(
            render.legend_bar(BAR_W, BAR_H)))))
        bar.setToolTip("Colour of a cell by its d = score(original) - score(cell masked)")
        left = QLabel("<b style='color:#1e5bff'>blue</b>: argues against the class")
        right = QLabel("<b style='color:#e00000'>red</b>: supports the class")
        mid = QLabel("black: no effect")
        self.scale = QLabel()
        self.scale.setToolTip("|d| at which a cell reaches full colour (shared by the panels)")
        self.space = QLabel()
        self.space.setWordWrap(True)
        self.space.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        lay.addWidget(left)
        lay.addWidget(bar)
        lay.addWidget(right)
        lay.addWidget(QLabel("·"))
        lay.addWidget(mid)
        lay.addWidget(QLabel("·"))
        lay.addWidget(self.scale)
        lay.addWidget(self.space, 1)
        self.space.setMinimumWidth(40)
        self.setMinimumWidth(200)  # narrow windows clip the legend rather than grow
        self.set_state(None, None, None)

    def set_state(self, space: str | None, note: str | None, full: str | None) -> None:
        """Show the score space (and its note) and what full colour means (``full``)."""
        self.scale.setText(full or "")
        if space is None:
            self.space.setText("")
            self.space.setStyleSheet("")
            return
        text = f"Score: <b>{space}</b>"
        if note:
            text += f" — {note}"
            self.space.setStyleSheet("background:#fff3cd; color:#5c4400; padding:2px;")
        else:
            self.space.setStyleSheet("")
        self.space.setText(text)
