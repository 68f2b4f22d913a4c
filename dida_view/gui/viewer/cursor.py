"""Shared models that every panel listens to: the synchronized square and zoom/pan.

There is one :class:`CursorModel` and one :class:`ZoomModel` per window. Panels never
talk to each other: a panel reports a mouse position in *image* coordinates (pixels of
the original image), the model emits it, and every panel draws the square there.
Mouse moves are throttled: proposals are coalesced and emitted at most once per
``interval_ms``, so a fast mouse never queues more repaints than the screen can show.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QPointF, QTimer, Signal

DEFAULT_SQUARE = 24
MIN_ZOOM = 0.25
MAX_ZOOM = 32.0


class CursorModel(QObject):
    """Where the synchronized square is, in image coordinates, and how big it is.

    Signals
    -------
    moved(object)
        The new position (``QPointF`` in original-image pixels) or ``None`` when the mouse
        left the panels.
    size_changed(int)
        The new side of the square, in original-image pixels.
    """

    moved = Signal(object)
    size_changed = Signal(int)

    def __init__(self, interval_ms: int = 20, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pos: QPointF | None = None
        self._pending: QPointF | None = None
        self._size = DEFAULT_SQUARE
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._flush)

    @property
    def pos(self) -> QPointF | None:
        """The position last emitted (image pixels), or None."""
        return self._pos

    @property
    def size(self) -> int:
        """Side of the square in image pixels."""
        return self._size

    def propose(self, pos: QPointF | None) -> None:
        """Ask to move the square; coalesced with other proposals until the timer fires."""
        self._pending = QPointF(pos) if pos is not None else None
        if not self._timer.isActive():
            self._timer.start()

    def set_now(self, pos: QPointF | None) -> None:
        """Move the square at once (keyboard, tests), dropping any pending proposal."""
        self._timer.stop()
        self._pending = QPointF(pos) if pos is not None else None
        self._flush()

    def set_size(self, size: int) -> None:
        """Change the side of the square (image pixels, at least 1)."""
        size = max(1, int(size))
        if size != self._size:
            self._size = size
            self.size_changed.emit(size)

    def _flush(self) -> None:
        new = self._pending
        if new == self._pos and (new is None) == (self._pos is None):
            return
        self._pos = new
        self.moved.emit(new)


class ZoomModel(QObject):
    """Zoom and pan shared by all panels, so they always show the same image region.

    ``zoom`` is relative to "fit to panel" (1.0 = the whole image fits); the image point
    :meth:`effective_center` is shown at the middle of every panel.
    """

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.zoom = 1.0
        self.center: QPointF | None = None  # None: the image centre
        self.image_size: tuple[int, int] = (1, 1)  # (width, height) of the original

    def set_image_size(self, width: int, height: int) -> None:
        """Tell the model the original's size; a new size resets to fit."""
        if (width, height) != self.image_size:
            self.image_size = (max(1, width), max(1, height))
            self.fit()

    def effective_center(self) -> QPointF:
        """The image point at the middle of every panel."""
        if self.center is not None:
            return QPointF(self.center)
        return QPointF(self.image_size[0] / 2.0, self.image_size[1] / 2.0)

    def fit(self) -> None:
        """Show the whole image in every panel."""
        self.zoom = 1.0
        self.center = None
        self.changed.emit()

    def zoom_by(self, factor: float, anchor: QPointF | None = None,
                offset: QPointF | None = None) -> None:
        """Multiply the zoom by ``factor`` (> 1 zooms in).

        Parameters
        ----------
        factor
            Zoom multiplier.
        anchor, offset
            Keep image point ``anchor`` where it is on screen. ``offset`` is its distance
            from the panel's middle in screen pixels divided by the panel's fit scale.
            None: zoom about the middle.
        """
        new = min(MAX_ZOOM, max(MIN_ZOOM, self.zoom * factor))
        if new == self.zoom:
            return
        if anchor is not None and offset is not None:
            self.center = QPointF(anchor.x() - offset.x() / new, anchor.y() - offset.y() / new)
        self.zoom = new
        if abs(self.zoom - 1.0) < 1e-9:
            self.zoom, self.center = 1.0, None
        self.changed.emit()

    def pan_to(self, center: QPointF) -> None:
        """Show image point ``center`` in the middle of every panel."""
        self.center = QPointF(center)
        self.changed.emit()
