"""The clinician's reading of the case on screen: an editor, and the autosave behind it.

:class:`ReadingEditor` edits the viewer model's ``diagnosis`` (an editable list of the
model's labels: pick one or type free text) and ``note``. :class:`ReadingKeeper` keeps
them in the session's readings and writes them into the case's sidecar (the sidecar
store: atomic, other keys and the file's mode kept) a moment after the last edit, when
another image is opened, and on close, so nothing typed is lost. A failed save (a
read-only folder) shows one dialog; the text stays on screen and in the session until a
later save succeeds, and the window asks before it closes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QPlainTextEdit, QWidget

from dida_view.gui.i18n import translate, words
from dida_view.session.reading import Reading, Readings
from dida_view.viewmodel.viewer import ViewerModel

AUTOSAVE_MS = 800  # after the last keystroke


class ReadingKeeper(QObject):
    """Keeps the model's diagnosis and note in the session's readings and saves them into
    the scan's sidecar, debounced.

    Every edit goes into :class:`~dida_view.session.reading.Readings` at once (so the
    report, the case list and teaching see what was typed last, saved or not), and is
    written a moment after the last keystroke, when another image is opened, and on close.
    A failed save shows one dialog; the reading stays on screen and in the session,
    unsaved, and the window asks about it before it closes.

    Signals
    -------
    saved(str, object, str)
        The reading (a :class:`Reading`) of the scan at this path was written; the last
        argument is the store's note ("" or: an unreadable sidecar was backed up).
    skipped(str)
        An edit of a bundled sample scan's reading, which is not saved.
    """

    saved = Signal(str, object, str)
    skipped = Signal(str)

    def __init__(self, model: ViewerModel, readings: Readings,
                 show_error: Callable[[str, str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model, self.readings, self.show_error = model, readings, show_error
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self.flush)
        self._pending: Path | None = None
        self._shown: Reading = Reading()  # as loaded or last saved, for the image on screen
        model.events.diagnosis.connect(lambda _text: self._edited())
        model.events.note.connect(lambda _text: self._edited())
        model.events.image.connect(lambda _image: self._on_image())

    def _current(self) -> Reading:
        return Reading(self.model.diagnosis, self.model.note)

    def _edited(self) -> None:
        path = self.model.image_path
        if path is None:
            return
        if self.readings.protected(path):
            self.skipped.emit(str(path))
            return
        now = self._current()
        if now.same_text(self._shown) and not self.readings.is_unsaved(path):
            self._pending = None
            self.timer.stop()
            return
        self.readings.edit(path, now)
        self._pending = path
        self.timer.start()

    def _on_image(self) -> None:
        """Another image: save the last one's edits; the new one's reading is the
        session's (the window put it on screen)."""
        self.flush()
        self._shown = self._current()

    def pending(self) -> bool:
        """Whether an edit waits to be saved."""
        return self._pending is not None

    def unsaved(self) -> list[Path]:
        """The scans whose reading is not saved (a failed save, or waiting)."""
        return self.readings.unsaved()

    def flush(self) -> bool:
        """Save the waiting edit now; False when the save failed (a dialog said why)."""
        self.timer.stop()
        path, self._pending = self._pending, None
        if path is None:
            return True
        try:
            done = self.readings.save(path)
        except OSError as exc:
            why = exc.strerror or str(exc)
            self.show_error(translate("ReadingEditor", "Reading not saved"),
                            translate("ReadingEditor", "The reading of {0} could not be saved "
                                      "beside it ({1}: {2}). It stays in the editor; the next "
                                      "edit tries again.").format(path.name, why, path.parent))
            return False
        if done is None:
            return True
        reading, outcome = done
        if path == self.model.image_path:
            self._shown = reading
        self.saved.emit(str(path), reading, words(outcome.note) if outcome.note else "")
        return True

    def save_all(self) -> list[Path]:
        """Try to save every unsaved reading again; returns those still unsaved."""
        self.flush()
        for path in self.readings.unsaved():
            try:
                self.readings.save(path)
            except OSError:
                continue
        return self.readings.unsaved()


class ReadingEditor(QWidget):
    """Diagnosis (the model's labels or free text) and a note, bound to a viewer model."""

    def __init__(self, model: ViewerModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.diagnosis = QComboBox()
        self.diagnosis.setEditable(True)
        self.diagnosis.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.diagnosis.lineEdit().setPlaceholderText(translate(
            "ReadingEditor", "a label, or type a diagnosis"))
        self.diagnosis.setToolTip(translate(
            "ReadingEditor", "The clinician's diagnosis: pick one of the model's "
                                  "labels or type free text (saved beside the image)"))
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(translate(
            "ReadingEditor", "note (saved beside the image as you type)"))
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(90)
        self.state = QLabel("")
        self.state.setObjectName("reading-state")
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(translate("ReadingEditor", "Diagnosis"), self.diagnosis)
        form.addRow(translate("ReadingEditor", "Note"), self.note)
        form.addRow("", self.state)
        self.diagnosis.editTextChanged.connect(self._diagnosis_edited)
        self.note.textChanged.connect(self._note_edited)
        ev = model.events
        ev.model.connect(lambda _clf: self.fill_labels())
        ev.diagnosis.connect(lambda _text: self.show_model())
        ev.note.connect(lambda _text: self.show_model())
        ev.image.connect(lambda _image: self.show_model())
        self.fill_labels()
        self.show_model()

    def fill_labels(self) -> None:
        """The model's labels in the diagnosis list (the text typed stays)."""
        clf = self.model.classifier
        labels = list(getattr(clf, "labels", []) or [])
        box = self.diagnosis
        box.blockSignals(True)
        box.clear()
        box.addItems(labels)
        box.setEditText(self.model.diagnosis)
        box.blockSignals(False)

    def show_model(self) -> None:
        """Show the model's diagnosis and note (the cursor stays where it is when the
        text is the same)."""
        m = self.model
        self.setEnabled(m.image_path is not None)
        if self.diagnosis.currentText().strip() != m.diagnosis:
            self.diagnosis.blockSignals(True)
            self.diagnosis.setEditText(m.diagnosis)
            self.diagnosis.blockSignals(False)
        if self.note.toPlainText() != m.note:
            self.note.blockSignals(True)
            self.note.setPlainText(m.note)
            self.note.moveCursor(QTextCursor.MoveOperation.End)
            self.note.blockSignals(False)

    def set_state(self, text: str) -> None:
        """A short line under the editor ("Saved 13:05", "Not saved")."""
        self.state.setText(text)

    def _diagnosis_edited(self, text: str) -> None:
        self.model.diagnosis = text

    def _note_edited(self) -> None:
        self.model.note = self.note.toPlainText()
