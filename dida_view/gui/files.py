"""File dialogs, exports (figure, panels, arrays), the clipboard, and model editing.

The ``ask_*`` functions show a dialog and call a plain function that tests call directly.
Every export is core's: :func:`~dida_view.core.figure.compose_figure` (the same figure as
the CLI), :func:`~dida_view.core.figure.figure_panels`, :func:`~dida_view.core.export.save_npz`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog

from dida_view.core import export, figure, maps
from dida_view.core.imageio import IMAGE_SUFFIXES
from dida_view.gui.panel import to_qimage

if TYPE_CHECKING:
    from dida_view.gui.window import MainWindow

IMAGE_FILTER = "Images (" + " ".join(f"*{s}" for s in IMAGE_SUFFIXES) + ");;All files (*)"
MODEL_FILTER = "ONNX models (*.onnx);;All files (*)"


def _dir(win: MainWindow, key: str) -> str:
    v = win.store.value(f"dirs/{key}", "")
    return v if isinstance(v, str) else ""


def _need_result(win: MainWindow) -> bool:
    if win.result is None or win.image is None or not win.result.d:
        win.show_error("Nothing to export", "Open an image and a model, and let the "
                       "analysis finish at least one grid size first.")
        return False
    return True


def ask_open_image(win: MainWindow) -> None:
    """File > Open Image: a file dialog, then :meth:`MainWindow.open_image`."""
    path, _ = QFileDialog.getOpenFileName(win, "Open image", _dir(win, "image"), IMAGE_FILTER)
    if path:
        win.open_image(path)


def ask_open_model(win: MainWindow) -> None:
    """File > Open Model: a file dialog, then :meth:`MainWindow.open_model`."""
    path, _ = QFileDialog.getOpenFileName(win, "Open ONNX model", _dir(win, "model"),
                                          MODEL_FILTER)
    if path:
        win.open_model(path)


def figure_array(win: MainWindow) -> np.ndarray:
    """The composite figure of what is on screen: original + the panels' classes.

    Returns
    -------
    numpy.ndarray
        uint8 RGB, the same figure as ``dida-view analyze`` writes.
    """
    assert win.result is not None and win.image is not None
    view = maps.View(gain=win.controls.gain_value(), opacity=win.controls.opacity_value())
    return figure.compose_figure(win.image, win.result, list(win.panel_classes),
                                 diagnosis=win.diagnosis or None, view=view)


def export_figure(win: MainWindow, path: str | Path) -> Path:
    """Write the composite figure as a PNG."""
    return export.save_png(figure_array(win), path)


def export_panels(win: MainWindow, folder: str | Path) -> list[Path]:
    """Write the original and each class panel (labelled, at the original's size)."""
    assert win.result is not None and win.image is not None
    res, out = win.result, Path(folder)
    stem = win.image_path.stem if win.image_path is not None else "image"
    view = maps.View(gain=win.controls.gain_value(), opacity=win.controls.opacity_value())
    panels, _scale = figure.figure_panels(win.image, res, win.panel_classes,
                                          diagnosis=win.diagnosis or None, view=view)
    names = ["original"] + [export.slug(res.labels[k]) for k in win.panel_classes]
    written = [export.save_png(panel, out / f"{stem}_{name}.png")
               for panel, name in zip(panels, names, strict=True)]
    return written


def export_npz(win: MainWindow, path: str | Path) -> Path:
    """Write the raw arrays (scores, d for every class and grid size, settings)."""
    assert win.result is not None
    model = str(win.model_path) if win.model_path is not None else None
    return export.save_npz(win.result, path, model)


def _suggest(win: MainWindow, suffix: str) -> str:
    stem = win.image_path.stem if win.image_path is not None else "dida"
    return str(Path(_dir(win, "export") or ".") / f"{stem}{suffix}")


def _guard(win: MainWindow, fn, *args) -> None:
    try:
        written = fn(win, *args)
    except OSError as exc:
        win.show_error("Cannot export", f"{exc.filename or args[0]}: cannot write "
                       f"({exc.strerror or exc})")
        return
    first = written[0] if isinstance(written, list) else written
    win.store.setValue("dirs/export", str(Path(first).resolve().parent))
    win.status.message(f"Saved {first}" + (f" and {len(written) - 1} more"
                                           if isinstance(written, list) else ""))


def ask_export_figure(win: MainWindow) -> None:
    """File > Export Figure: ask for a PNG path, write the composite figure."""
    if not _need_result(win):
        return
    path, _ = QFileDialog.getSaveFileName(win, "Export figure", _suggest(win, "_dida.png"),
                                          "PNG images (*.png)")
    if path:
        _guard(win, export_figure, path)


def ask_export_panels(win: MainWindow) -> None:
    """File > Export Panels: ask for a folder, write the original and each panel."""
    if not _need_result(win):
        return
    folder = QFileDialog.getExistingDirectory(win, "Export panels to folder",
                                              _dir(win, "export"))
    if folder:
        _guard(win, export_panels, folder)


def ask_export_npz(win: MainWindow) -> None:
    """File > Export Arrays: ask for a path, write the raw arrays (.npz)."""
    if not _need_result(win):
        return
    path, _ = QFileDialog.getSaveFileName(win, "Export arrays", _suggest(win, "_dida.npz"),
                                          "NumPy archives (*.npz)")
    if path:
        _guard(win, export_npz, path)


def copy_figure(win: MainWindow) -> None:
    """Put the composite figure on the clipboard."""
    if not _need_result(win):
        return
    QGuiApplication.clipboard().setImage(to_qimage(figure_array(win)))
    win.status.message("Figure copied to the clipboard")


def edit_model(win: MainWindow) -> None:
    """Edit the model's labels and preprocessing; on Save, write the sidecar and reload."""
    from dida_view.gui.dialogs import ModelConfigDialog

    if win.classifier is None:
        win.show_error("No model", "Open a model first (File ▸ Open Model…).")
        return
    dlg = ModelConfigDialog(win.classifier, win)
    path = win.classifier.path

    def done(code: int) -> None:
        if dlg.saved_path is not None:
            win.status.message(f"Saved {dlg.saved_path.name}; reloading the model")
            win.open_model(path)
        dlg.deleteLater()

    dlg.finished.connect(done)
    dlg.open()


def show_about(win: MainWindow) -> None:
    """Help > About: version, model description, not a medical device."""
    from dida_view.gui.dialogs import about_dialog

    about_dialog(win.classifier, win).open()
