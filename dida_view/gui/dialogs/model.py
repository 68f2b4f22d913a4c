"""Dialogs: a model's labels and preprocessing (saved as its sidecar), and About."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from dida_view.errors import DidaError, SettingsError
from dida_view.gui.i18n import translate
from dida_view.model.config import sidecar_path
from dida_view.model.onnx import OnnxClassifier
from dida_view.model.preprocess import Preprocessing
from dida_view.report import about
from dida_view.session import sidecars

CHOICES = {
    "resize": ("letterbox", "stretch"),
    "interpolation": ("bilinear", "bicubic", "lanczos", "area", "nearest"),
    "color": ("grey", "rgb"),
    "layout": ("auto", "NCHW", "NHWC"),
    "resize_convention": ("pillow", "opencv"),
    "pad_before_resize": ("no", "yes"),
}


def _numbers(text: str) -> list[float]:
    parts = [p for p in text.replace(" ", ",").split(",") if p.strip()]
    try:
        return [float(p) for p in parts]
    except ValueError:
        raise SettingsError(translate("ModelDialog", "expected numbers separated by commas, "
                                      "got {0}").format(repr(text))) from None


def sidecar_dict(labels_text: str, output: str, fields: dict[str, str],
                 n_classes: int) -> dict[str, Any]:
    """Check the dialog's texts and build the sidecar JSON object.

    Parameters
    ----------
    labels_text
        One class name per line.
    output
        ``"logits"`` or ``"probabilities"``.
    fields
        Preprocessing fields as typed (``input_size``, ``squeeze_x``, ``fill``, ``scale``,
        ``mean``, ``std``, and the choices ``resize``, ``interpolation``, ``color``,
        ``layout``).
    n_classes
        How many classes the model outputs.

    Returns
    -------
    dict
        ``{"labels": [...], "output": ..., "preprocessing": {...}}``.

    Raises
    ------
    SettingsError
        With a message naming the bad field.
    """
    labels = [ln.strip() for ln in labels_text.splitlines() if ln.strip()]
    if len(labels) != n_classes:
        raise SettingsError(translate("ModelDialog", "labels: the model outputs {0} classes, "
                                      "got {1} names (one per line)").format(n_classes,
                                                                             len(labels)))
    pre: dict[str, Any] = {k: fields[k] for k in CHOICES if k in fields}
    if "pad_before_resize" in pre:
        pre["pad_before_resize"] = pre["pad_before_resize"] == "yes"
    size = _numbers(fields.get("input_size", ""))
    if size:
        if len(size) != 2:
            raise SettingsError(translate("ModelDialog", "input size: expected height,width"))
        pre["input_size"] = [int(size[0]), int(size[1])]
    for key in ("squeeze_x", "scale"):
        vals = _numbers(fields[key])
        if len(vals) != 1:
            raise SettingsError(translate("ModelDialog", "{0}: expected one number").format(key))
        pre[key] = vals[0]
    fill = _numbers(fields["fill"])
    if len(fill) not in (1, 3):
        raise SettingsError(translate("ModelDialog", "fill: expected a grey level or r,g,b"))
    pre["fill"] = fill[0] if len(fill) == 1 else fill
    for key in ("mean", "std"):
        vals = _numbers(fields[key])
        if len(vals) not in (1, 3):
            raise SettingsError(translate(
                "ModelDialog", "{0}: expected one number or three (r,g,b)").format(key))
        pre[key] = vals
    Preprocessing.from_dict(pre)  # validates every value, raises SettingsError
    return {"labels": labels, "output": output, "preprocessing": pre}


def write_sidecar(model_path: str | Path, data: dict[str, Any]) -> Path:
    """Write ``data`` into the model's sidecar through the sidecar store: its other keys and
    its mode kept, written atomically, an unreadable one backed up first; returns its path.

    Raises
    ------
    DidaError
        The folder cannot be written.
    """
    path = sidecar_path(model_path)
    try:
        sidecars.update(path, data)
    except OSError as exc:
        raise DidaError(translate("ModelDialog", "{0}: cannot write ({1})").format(
            path, exc.strerror or exc)) from None
    return path


class ModelConfigDialog(QDialog):
    """Edit a model's labels and preprocessing; Save writes ``<stem>.dida.json``."""

    def __init__(self, classifier: OnnxClassifier, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.classifier = classifier
        self.saved_path: Path | None = None
        self.setWindowTitle(translate("ModelDialog", "Labels and preprocessing: {0}").format(
            Path(classifier.path).name))
        self.setMinimumWidth(460)
        lay = QVBoxLayout(self)
        info = classifier.info
        text = translate("ModelDialog", "Saved to <b>{0}</b> next to the model, then the model "
                         "is reloaded. Labels now come from: <i>{1}</i>.").format(
            sidecar_path(classifier.path).name, info.label_source)
        if info.label_source == "model metadata":
            text += "<br><b style='color:#a05000'>" + translate(
                "ModelDialog", "This model carries its own settings in its metadata; they take "
                "precedence over the sidecar, so edits of those keys have no effect.") + "</b>"
        note = QLabel(text)
        note.setWordWrap(True)
        lay.addWidget(note)
        lay.addLayout(self._form(classifier))
        self.error = QLabel()
        self.error.setStyleSheet("color:#b00020;")
        self.error.setWordWrap(True)
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _form(self, classifier: OnnxClassifier) -> QFormLayout:
        """The fields: labels, output kind, preprocessing."""
        form = QFormLayout()
        self.labels = QPlainTextEdit("\n".join(classifier.labels))
        self.labels.setToolTip(translate(
            "ModelDialog", "One name per line; the model outputs {0} classes").format(
            len(classifier.labels)))
        form.addRow(translate("ModelDialog", "Labels ({0})").format(len(classifier.labels)),
                    self.labels)
        self.output = QComboBox()
        self.output.addItems(["logits", "probabilities"])
        self.output.setCurrentText("probabilities" if classifier.outputs_probabilities
                                   else "logits")
        form.addRow(translate("ModelDialog", "Output"), self.output)
        pre = classifier.preprocessing
        self.choices: dict[str, QComboBox] = {}
        for key, values in CHOICES.items():
            cb = QComboBox()
            cb.addItems(list(values))
            now = getattr(pre, key)
            cb.setCurrentText(("yes" if now else "no") if isinstance(now, bool) else str(now))
            self.choices[key] = cb
        fill = pre.fill if isinstance(pre.fill, tuple) else (pre.fill,)
        self.texts: dict[str, QLineEdit] = {
            "input_size": QLineEdit(",".join(str(v) for v in classifier.input_size)),
            "squeeze_x": QLineEdit(f"{pre.squeeze_x:g}"),
            "fill": QLineEdit(",".join(f"{v:g}" for v in fill)),
            "scale": QLineEdit(f"{pre.scale:.10g}"),
            "mean": QLineEdit(",".join(f"{v:g}" for v in pre.mean)),
            "std": QLineEdit(",".join(f"{v:g}" for v in pre.std)),
        }
        self.texts["squeeze_x"].setToolTip(translate(
            "ModelDialog", "Horizontal scale before fitting (0.5 for the paper's OCT: width "
            "shrunk to 1/2)"))
        self.texts["scale"].setToolTip(translate(
            "ModelDialog", "model input = (pixel * scale - mean) / std"))
        form.addRow(translate("ModelDialog", "Input size (h,w)"), self.texts["input_size"])
        form.addRow(translate("ModelDialog", "Squeeze x"), self.texts["squeeze_x"])
        form.addRow(translate("ModelDialog", "Resize"), self.choices["resize"])
        form.addRow(translate("ModelDialog", "Letterbox fill"), self.texts["fill"])
        form.addRow(translate("ModelDialog", "Interpolation"), self.choices["interpolation"])
        form.addRow(translate("ModelDialog", "Resize convention"),
                    self.choices["resize_convention"])
        form.addRow(translate("ModelDialog", "Pad to square first"),
                    self.choices["pad_before_resize"])
        form.addRow(translate("ModelDialog", "Colour"), self.choices["color"])
        form.addRow(translate("ModelDialog", "Scale"), self.texts["scale"])
        form.addRow(translate("ModelDialog", "Mean"), self.texts["mean"])
        form.addRow(translate("ModelDialog", "Std"), self.texts["std"])
        form.addRow(translate("ModelDialog", "Layout"), self.choices["layout"])
        return form

    def values(self) -> dict[str, Any]:
        """The sidecar object from the current fields (raises SettingsError)."""
        fields = {k: w.text() for k, w in self.texts.items()}
        fields.update({k: cb.currentText() for k, cb in self.choices.items()})
        return sidecar_dict(self.labels.toPlainText(), self.output.currentText(), fields,
                            len(self.classifier.labels))

    def save(self) -> None:
        """Validate, write the sidecar and accept; show the reason in the dialog if not."""
        try:
            self.saved_path = write_sidecar(self.classifier.path, self.values())
        except DidaError as exc:
            self.error.setText(str(exc))
            return
        self.accept()


def about_markdown(classifier: OnnxClassifier | None) -> str:
    """The text of Help > About (:mod:`dida_view.report.about`), for the model in use."""
    if classifier is None:
        return about.about_markdown(None)
    return about.about_markdown(classifier.path, classifier.description or None)


def about_dialog(classifier: OnnxClassifier | None, parent: QWidget | None = None) -> QDialog:
    """Help > About in a scrollable, non-modal dialog (the text can be long: licences).

    Qt renders the Markdown (GitHub dialect) itself; raw HTML in a model card is shown
    as text, never interpreted.
    """
    dlg = QDialog(parent)
    dlg.setWindowTitle(translate("ModelDialog", "About DiDA View"))
    dlg.resize(640, 560)
    lay = QVBoxLayout(dlg)
    text = QTextBrowser()
    text.setObjectName("about-text")
    text.setOpenExternalLinks(True)
    features = QTextDocument.MarkdownFeature
    text.document().setMarkdown(about_markdown(classifier),
                                features.MarkdownDialectGitHub | features.MarkdownNoHTML)
    lay.addWidget(text)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dlg.reject)
    lay.addWidget(buttons)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    return dlg
