"""File > Export: the composite figure, the panels, the raw arrays, the volume evidence map,
of what is on screen.

The plain functions take the viewer model and a path (tests call them directly); the
:class:`Exporter` asks for the path with a file dialog first. Every export is core's:
:func:`~dida_view.render.figure.compose_figure` (the same figure as the CLI),
:func:`~dida_view.render.figure.figure_panels`, :func:`~dida_view.render.export.save_npz`,
:func:`~dida_view.render.enface.evidence_figure`. Every picture ends with the model line
(:func:`model_words`: which model, not for diagnosis). Pictures are in the viewer's
language (:func:`~dida_view.gui.i18n.current_language`). A file name without a suffix gets
``.png`` (or ``.npz``); one with another suffix, or anything else that goes wrong, is said
in a dialog, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QWidget

from dida_view.catalogue import QT_TRANSLATE_NOOP
from dida_view.errors import DidaError
from dida_view.gui.i18n import current_language, translate
from dida_view.render import enface, export, figure
from dida_view.session.models import model_line
from dida_view.viewmodel.viewer import ViewerModel

NOTHING_TO_EXPORT = (QT_TRANSLATE_NOOP("Exports", "Nothing to export"),
                     QT_TRANSLATE_NOOP("Exports", "Open an image and a model, and let the "
                                       "analysis finish at least one grid size first."))


def nothing_to_export() -> tuple[str, str]:
    """The title and message of the error shown when there is nothing to export yet."""
    return tuple(translate("Exports", t) for t in NOTHING_TO_EXPORT)


def can_export(model: ViewerModel) -> bool:
    """Whether there is a picture to export (an image and at least one grid size)."""
    return model.result is not None and model.image is not None and bool(model.result.d)


class WrongSuffix(ValueError):
    """A file name for an export whose suffix is not the format written."""


def with_suffix(path: str | Path, suffix: str) -> Path:
    """``path`` with ``suffix`` added when it has none; :class:`WrongSuffix` when it has
    another (``figure.jpg`` for a PNG)."""
    p = Path(path)
    if not p.suffix:
        return p.with_name(p.name + suffix)
    if p.suffix.lower() != suffix:
        raise WrongSuffix(translate("Exports", "{0}: this export writes {1} files; name it "
                                    "…{1}").format(p.name, suffix))
    return p


def model_words(model: ViewerModel) -> str:
    """The last line of every exported picture: which model (and what it was trained on),
    not for diagnosis (the same line as ``dida-view analyze`` writes), as a catalogue
    message."""
    clf = model.classifier
    metadata = getattr(clf, "metadata", None) if clf is not None else None
    return model_line(model.model_path, metadata)


def figure_array(model: ViewerModel) -> np.ndarray:
    """The composite figure of what is on screen: original + the panels' classes.

    Returns
    -------
    numpy.ndarray
        uint8 RGB, the same figure as ``dida-view analyze`` writes.
    """
    assert model.result is not None and model.image is not None
    return figure.compose_figure(model.image, model.result, list(model.panel_classes),
                                 diagnosis=model.diagnosis or None, view=model.figure_view(),
                                 note=model.note or None, marks=model.marks,
                                 model=model_words(model), lang=current_language())


def case_stem(model: ViewerModel) -> str:
    """The stem of export file names: the scan's anonymous case id (never a DICOM or vendor
    file's name, which may carry the patient's), with ``_s007`` for B-scan 7 of a volume,
    as the CLI names it; the image's stem for an image opened without a scan."""
    if model.volume.scan is not None:
        return model.volume.stem()
    return model.image_path.stem if model.image_path is not None else "dida"


def export_figure(model: ViewerModel, path: str | Path) -> Path:
    """Write the composite figure as a PNG (``.png`` added to a name without a suffix)."""
    return export.save_png(figure_array(model), with_suffix(path, ".png"))


def export_panels(model: ViewerModel, folder: str | Path) -> list[Path]:
    """Write the original and each class panel (labelled, at the original's size)."""
    res, image = model.result, model.image
    assert res is not None and image is not None
    stem = case_stem(model)
    panels, _scale = figure.figure_panels(image, res, list(model.panel_classes),
                                          diagnosis=model.diagnosis or None,
                                          view=model.figure_view(), marks=model.marks,
                                          lang=current_language())
    slugs = export.class_slugs(list(res.labels))  # distinct even where two labels collide
    names = ["original"] + [slugs[k] for k in model.panel_classes]
    line = model_words(model)
    return [export.save_png(figure.with_model_line(panel, line, current_language()),
                            Path(folder) / f"{stem}_{name}.png")
            for panel, name in zip(panels, names, strict=True)]


def export_npz(model: ViewerModel, path: str | Path) -> Path:
    """Write the raw arrays (scores, d for every class and grid size, settings)."""
    assert model.result is not None
    source = str(model.model_path) if model.model_path is not None else None
    return export.save_npz(model.result, with_suffix(path, ".npz"), source)


def export_evidence(model: ViewerModel, path: str | Path) -> list[Path]:
    """Write the volume evidence map as a PNG figure (its class, B-scans, legend and the
    model line) and its arrays as the same stem's ``.npz`` (as ``analyze --slices all``)."""
    vol = model.volume
    emap = vol.evidence_map()
    assert emap is not None and vol.scan is not None
    localizer = vol.scan.localizer
    picture = enface.evidence_figure(emap, localizer, gain=model.gain, model=model_words(model),
                                     lang=current_language())
    png = export.save_png(picture, with_suffix(path, ".png"))
    npz = export.save_arrays(enface.npz_arrays(emap, localizer), png.with_suffix(".npz"))
    return [png, npz]


class Exporter:
    """The File > Export actions: a file dialog, then the functions above.

    Parameters
    ----------
    parent
        The dialogs' parent window.
    model, store
        What is on screen; the QSettings that remember the export folder.
    show_error, message
        How to tell the user: an error dialog (title, text), a status line.
    """

    def __init__(self, parent: QWidget, model: ViewerModel, store: QSettings,
                 show_error: Callable[[str, str], None], message: Callable[[str], None]):
        self.parent, self.model, self.store = parent, model, store
        self.show_error, self.message = show_error, message

    def _folder(self) -> str:
        v = self.store.value("dirs/export", "")
        return v if isinstance(v, str) else ""

    def _suggest(self, suffix: str) -> str:
        return str(Path(self._folder() or ".") / f"{case_stem(self.model)}{suffix}")

    def _ready(self) -> bool:
        if not can_export(self.model):
            self.show_error(*nothing_to_export())
            return False
        return True

    def _write(self, fn: Callable, target: str) -> None:
        title = translate("Exports", "Cannot export")
        try:
            written = fn(self.model, target)
        except OSError as exc:
            self.show_error(title, translate("Exports", "{0}: cannot write ({1})").format(
                exc.filename or target, exc.strerror or exc))
            return
        except (DidaError, ValueError) as exc:  # a wrong suffix, a picture Pillow refuses
            self.show_error(title, str(exc))
            return
        except MemoryError:
            self.show_error(title, translate("Exports", "{0}: not enough memory to make "
                                             "this picture").format(target))
            return
        first = written[0] if isinstance(written, list) else written
        self.store.setValue("dirs/export", str(Path(first).resolve().parent))
        more = (translate("Exports", " and {0} more").format(len(written) - 1)
                if isinstance(written, list) else "")
        self.message(translate("Exports", "Saved {0}").format(f"{first}{more}"))

    def ask_figure(self) -> None:
        """File > Export Figure: ask for a PNG path, write the composite figure."""
        if self._ready():
            path, _ = QFileDialog.getSaveFileName(self.parent,
                                                  translate("Exports", "Export figure"),
                                                  self._suggest("_dida.png"),
                                                  translate("Exports", "PNG images (*.png)"))
            if path:
                self._write(export_figure, path)

    def ask_evidence(self) -> None:
        """File > Export Evidence Map: ask for a PNG path, write the map's figure and npz."""
        vol = self.model.volume
        if vol.evidence_map() is None:
            self.show_error(translate("Volume", "No evidence map"), translate(
                "Volume", "Open a volume and analyse all its B-scans first (Analysis ▸ Analyse "
                "All B-scans)."))
            return
        path, _ = QFileDialog.getSaveFileName(
            self.parent, translate("Volume", "Export evidence map"),
            str(Path(self._folder() or ".") / f"{vol.case_id()}_evidence.png"),
            translate("Volume", "PNG images (*.png)"))
        if path:
            self._write(export_evidence, path)

    def ask_panels(self) -> None:
        """File > Export Panels: ask for a folder, write the original and each panel."""
        if self._ready():
            folder = QFileDialog.getExistingDirectory(
                self.parent, translate("Exports", "Export panels to folder"), self._folder())
            if folder:
                self._write(export_panels, folder)

    def ask_arrays(self) -> None:
        """File > Export Arrays: ask for a path, write the raw arrays (.npz)."""
        if self._ready():
            path, _ = QFileDialog.getSaveFileName(self.parent,
                                                  translate("Exports", "Export arrays"),
                                                  self._suggest("_dida.npz"),
                                                  translate("Exports", "NumPy archives (*.npz)"))
            if path:
                self._write(export_npz, path)
