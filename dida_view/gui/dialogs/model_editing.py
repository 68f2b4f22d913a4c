"""Model > Labels and Preprocessing: edit the model's sidecar, then reload the model."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QWidget

from dida_view.gui.dialogs.model import ModelConfigDialog
from dida_view.model.onnx import OnnxClassifier


def edit_model(parent: QWidget, classifier: OnnxClassifier,
               saved: Callable[[Path, Path], None]) -> ModelConfigDialog:
    """Open the (non-modal) dialog; on Save, ``saved(sidecar path, model path)`` is called
    (the window reloads the model). Returns the dialog, which deletes itself when closed."""
    dlg = ModelConfigDialog(classifier, parent)
    model_path = Path(classifier.path)

    def done(_code: int) -> None:
        if dlg.saved_path is not None:
            saved(dlg.saved_path, model_path)
        dlg.deleteLater()

    dlg.finished.connect(done)
    dlg.open()
    return dlg
