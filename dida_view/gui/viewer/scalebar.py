"""The original panel's scale bar, when the scan knows its pixel spacing (DICOM, vendor
volumes): a bar of a round length (100 µm, 200 µm, 1 mm, ...) at the bottom left."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFont, QPainter, QPen

LENGTHS_UM = (5000, 2000, 1000, 500, 200, 100, 50, 20, 10)


def scale_bar_um(px_per_mm: float, longest: float) -> int | None:
    """The longest round length (µm) whose bar is at most ``longest`` screen pixels
    (None when even the shortest would be under 8 pixels or over ``longest``)."""
    for um in LENGTHS_UM:
        if um / 1000 * px_per_mm <= longest:
            return um if um / 1000 * px_per_mm >= 8 else None
    return None


def scale_text(um: int) -> str:
    """``200 µm``, ``1 mm``."""
    return f"{um // 1000} mm" if um >= 1000 else f"{um} µm"


def draw_scale_bar(p: QPainter, box: QRectF, px_per_mm: float, font: QFont) -> None:
    """Draw the bar in ``box`` (the visible picture), at most a quarter of its width."""
    if box.width() < 60 or px_per_mm <= 0:
        return
    um = scale_bar_um(px_per_mm, box.width() / 4)
    if um is None:
        return
    length = um / 1000 * px_per_mm
    x, y = box.left() + 10, box.bottom() - 12
    p.setPen(QPen(QColor(0, 0, 0), 5))
    p.drawLine(QPointF(x, y), QPointF(x + length, y))
    p.setPen(QPen(QColor(255, 255, 255), 3))
    p.drawLine(QPointF(x, y), QPointF(x + length, y))
    p.setFont(font)
    text = scale_text(um)
    p.setPen(QColor(0, 0, 0))
    p.drawText(QPointF(x + 1, y - 8), text)
    p.setPen(QColor(255, 255, 255))
    p.drawText(QPointF(x, y - 9), text)
