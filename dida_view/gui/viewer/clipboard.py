"""Edit > Copy Figure: the composite figure of what is on screen, on the clipboard."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication

from dida_view.gui.viewer.exports import can_export, figure_array
from dida_view.gui.viewer.panel import to_qimage
from dida_view.viewmodel.viewer import ViewerModel


def copy_figure(model: ViewerModel) -> bool:
    """Put the figure (:func:`~dida_view.gui.viewer.exports.figure_array`) on the clipboard;
    False when there is nothing to copy yet."""
    if not can_export(model):
        return False
    QGuiApplication.clipboard().setImage(to_qimage(figure_array(model)))
    return True
