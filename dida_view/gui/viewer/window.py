"""The main window: the panels (the paper's Fig. 5), the legend, the controls dock.

What is on screen is one Qt-free :class:`~dida_view.viewmodel.viewer.ViewerModel`
(``self.model``): the controls change it, the :class:`~dida_view.gui.viewer.presenter.Presenter`
shows it. The window holds the flow: the worker's jobs, menus (opening files is
:class:`~dida_view.gui.viewer.opening.FileOpening`). Every worker signal carries a job id, and
anything from a job the window has moved past is dropped, so a late result of an old
image or model is never shown.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QCoreApplication, QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QHBoxLayout, QMainWindow, QMessageBox, QVBoxLayout, QWidget

from dida_view.errors import DidaError
from dida_view.gui import i18n, teaching, theme
from dida_view.gui import patient as patient_view
from dida_view.gui.cases.controller import CaseController
from dida_view.gui.dialogs import model as dialogs
from dida_view.gui.dialogs import model_editing
from dida_view.gui.dialogs import report as report_dialog
from dida_view.gui.i18n import translate, words
from dida_view.gui.qsettings import make_settings, push_recent
from dida_view.gui.viewer import clipboard, menus, state
from dida_view.gui.viewer.binding import ControlsBinding
from dida_view.gui.viewer.controls import ControlsPanel
from dida_view.gui.viewer.cursor import CursorModel, ZoomModel
from dida_view.gui.viewer.domain_views import DomainViews
from dida_view.gui.viewer.exports import Exporter, nothing_to_export
from dida_view.gui.viewer.legend import LegendStrip
from dida_view.gui.viewer.opening import FileOpening
from dida_view.gui.viewer.panel import PanelArea
from dida_view.gui.viewer.presenter import Presenter
from dida_view.gui.viewer.probe import LegendAndProbe, ProbePanel
from dida_view.gui.viewer.runs import RunDispatch
from dida_view.gui.viewer.statusbar import RunStatus
from dida_view.gui.viewer.toolbar import make_toolbar
from dida_view.gui.volume.controller import VolumeController
from dida_view.gui.worker import WorkerHost
from dida_view.method.analysis import Settings
from dida_view.method.dida import DidaResult
from dida_view.model.onnx import OnnxClassifier
from dida_view.session import models
from dida_view.session.ledger import VIEW
from dida_view.session.reading import Readings
from dida_view.session.session import ReadingSession, Unit
from dida_view.viewmodel.viewer import IDLE, LOADING, RUNNING, ViewerModel


class MainWindow(FileOpening, QMainWindow):
    """DiDA View's main window.

    Signals
    -------
    settled()
        Nothing is running or loading any more (after a run ends, fails or is cancelled,
        or a model fails to load).
    """

    settled = Signal()

    def __init__(self, settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = settings if settings is not None else make_settings()
        self.error_handler: Callable[[str, str], None] | None = None
        self.model = ViewerModel()
        self.run_id = 0  # the run whose signals are shown
        self.running = False
        self.model_job = 0  # the model load being waited for (0: none)
        self.cursor = CursorModel(parent=self)
        self.zoom = ZoomModel(self)
        self.host = WorkerHost(self)
        self.readings = Readings()  # the clinician's readings, saved or not, for every set
        self.chosen_model: Path | None = None  # None: each case is read by its own model
        self.session = ReadingSession([], readings=self.readings)  # what is open
        self.private_recent: list[Path] = []  # DICOM/vendor files: never in QSettings
        self.ask_handler: Callable[[str, str], str] | None = None  # tests answer questions
        self.runs = RunDispatch(self)  # every run's result goes through its ledger
        self._connect_worker()

        central = QWidget()
        lay = QVBoxLayout(central)
        lay.setContentsMargins(4, 4, 4, 0)
        self.area = PanelArea(self.cursor, self.zoom)
        self.legend = LegendStrip()
        self.probe = ProbePanel()
        self.volumes = VolumeController(self)  # B-scans, the localizer, the evidence map
        row = QHBoxLayout()
        row.addWidget(self.area, 1)
        row.addWidget(self.volumes.localizer)
        lay.addLayout(row, 1)
        lay.addWidget(self.volumes.bar)
        lay.addWidget(LegendAndProbe(self.legend, self.probe))
        self.setCentralWidget(central)
        self.controls = ControlsPanel()
        self.dock = menus.make_dock(self, self.controls)
        self.status = RunStatus(self)
        self.status.cancel_requested.connect(self.cancel)
        self.presenter = Presenter(self.model, self.area, self.legend, self.probe,
                                   self.controls, self)
        self.exporter = Exporter(self, self.model, self.store, self.show_error,
                                 self.status.message)
        self.cases = CaseController(self)  # the case browser dock, its queue, the reading
        self.actions_ = menus.build(self, self._menu_slots(), self.dock)
        self.actions_.cpu_only.setChecked(self.cpu_only())
        self.domains = DomainViews(self, self.actions_.menus["&Model"], lay)  # line, banner
        self.actions_.dark.setChecked(theme.is_dark(self.store))
        saved = self.store.value(i18n.SETTING, "")
        for action in self.actions_.language.actions():
            action.setChecked(action.data() == (saved if saved in i18n.LANGUAGES else ""))
        theme.apply_theme(self.actions_.dark.isChecked())
        self.toolbar, self.toolbar_view = make_toolbar(self, self.actions_, self.controls,
                                                        self.model)
        self._bind_model()
        self.teaching = teaching.TeachingMode(self)
        self.setAcceptDrops(True)
        self._restore()
        self._fill_file_menus()
        self._update_title()
        self.presenter.refresh()

    def _connect_worker(self) -> None:
        w = self.host.worker
        w.model_loaded.connect(self._on_model_loaded)
        w.model_failed.connect(self._on_model_failed)

    def _bind_model(self) -> None:
        """Controls, cursor and panels change the model; the model updates them back."""
        m, c = self.model, self.controls
        self.binding = ControlsBinding(m, c, self.cursor)
        c.weights_changed.connect(lambda: self._apply_typed(
            lambda old: state.weights_from_text(c.weights.text(), old), translate(
                "MainWindow", "Bad weights")))
        c.analysis_changed.connect(lambda: self._apply_typed(
            lambda old: state.analysis_from_controls(c, old), translate(
                "MainWindow", "Bad analysis setting")))
        c.reset_requested.connect(self.reset_analysis_settings)
        self.area.panel_clicked.connect(m.click_panel)
        self.area.panel_double_clicked.connect(self._on_panel_double_clicked)
        m.events.settings.connect(
            lambda s: state.show_settings(c, s, has_result=m.result is not None))
        m.events.settings.connect(lambda s: menus.show_engine(self.actions_, s.engine))
        m.events.image.connect(lambda _image: self._on_model_image())
        m.events.model.connect(lambda _clf: self._update_title())

    def _menu_slots(self) -> dict[str, Callable]:
        return {
            "open_image": lambda: self._ask_open("image"),
            "open_model": lambda: self._ask_open("model"),
            "open_cases": lambda: self._ask_open("cases"),
            "next_case": lambda: self.cases.step(1),
            "prev_case": lambda: self.cases.step(-1),
            "cancel_queue": self.cases.cancel_queue, "show_cases": self.cases.show,
            "export_figure": self.exporter.ask_figure,
            "export_panels": self.exporter.ask_panels,
            "export_arrays": self.exporter.ask_arrays, "quit": self.close,
            "export_evidence": self.exporter.ask_evidence,  # the map with its words
            "analyse_all": self.volumes.analyse_all,
            "next_bscan": lambda: self.volumes.step(1),
            "prev_bscan": lambda: self.volumes.step(-1),
            "show_identifiers": self.model.volume.set_show_identifiers,
            "export_report": lambda: report_dialog.ask_report(
                self, self.model, self.store, self.show_error, self.exporter.message),
            "copy_figure": self.copy_figure, "edit_model": self.edit_model,
            "rerun": self.start_run, "cancel": self.cancel,
            "reset": self.reset_analysis_settings, "cpu_only": self.set_cpu_only,
            "zoom_in": lambda: self.zoom.zoom_by(1.25),
            "zoom_out": lambda: self.zoom.zoom_by(0.8), "fit": self.zoom.fit,
            "square_bigger": lambda: self.binding.scale_square(1.25),
            "square_smaller": lambda: self.binding.scale_square(0.8),
            "full_screen": self.toggle_full_screen,
            "dark": lambda on: theme.set_dark(self.store, on), "language": self.set_language,
            "about": lambda: dialogs.about_dialog(self.model.classifier, self).open(),
            **teaching.menu_slots(self), **patient_view.menu_slots(self),
            **menus.engine_slots(lambda: self.model.settings, self.set_analysis_settings),
        }

    def _on_model_image(self) -> None:
        m = self.model
        if m.image is not None:
            self.zoom.set_image_size(m.image.shape[1], m.image.shape[0])
        self._update_title()

    def set_language(self, code: str) -> None:
        """View > Language: keep the choice (``""``: the system's); it applies from the next
        start (the window is built in one language)."""
        self.store.setValue(i18n.SETTING, code)
        self.status.message(i18n.translate(
            "MainWindow", "The language changes when DiDA View is started again"))

    # -- errors ---------------------------------------------------------------------------
    def show_error(self, title: str, message: str) -> None:
        """Tell the user what went wrong (non-blocking); the window stays as it was."""
        if self.error_handler is not None:
            self.error_handler(title, message)
            return
        box = QMessageBox(QMessageBox.Icon.Warning, title, message,
                          QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def ask(self, title: str, question: str) -> str:
        """A question with three answers: ``"retry"``, ``"discard"`` or ``"cancel"``."""
        if self.ask_handler is not None:
            return self.ask_handler(title, question)
        box = QMessageBox(QMessageBox.Icon.Warning, title, question,
                          QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self)
        box.setDefaultButton(QMessageBox.StandardButton.Retry)
        answer = box.exec()
        return {QMessageBox.StandardButton.Retry: "retry",
                QMessageBox.StandardButton.Discard: "discard"}.get(
            QMessageBox.StandardButton(answer), "cancel")

    def busy(self) -> bool:
        """Whether a model is loading or an analysis is running."""
        return self.running or self.model_job != 0

    def _set_activity(self, running: bool | None = None) -> None:
        if running is not None:
            self.running = running
        self.model.activity = LOADING if self.model_job else RUNNING if self.running else IDLE

    # -- model ----------------------------------------------------------------------------
    def cpu_only(self) -> bool:
        """Analysis > Run on the CPU Only (kept in the settings)."""
        return str(self.store.value("analysis/cpu_only", "0")) in ("1", "true", "True")

    def set_cpu_only(self, on: bool) -> None:
        """Force the CPU (or let onnxruntime pick a GPU); reloads the model in use."""
        self.store.setValue("analysis/cpu_only", "1" if on else "0")
        if self.model.model_path is not None:
            self.open_model(self.model.model_path)

    def set_classifier(self, clf: OnnxClassifier, chosen: bool = True) -> None:
        """Use ``clf`` from now on and analyse the current image with it. ``chosen``: the
        user chose it, so it reads every case (else it is the current case's own model)."""
        path = Path(clf.path)
        if chosen and self.chosen_model != path:
            self.chosen_model = path
            self.session.choose_model(path)
        self.model.set_classifier(clf, path)
        if self.chosen_model is not None and path == self.chosen_model:
            push_recent(self.store, "models", path)
            self.store.setValue("dirs/model", str(path.resolve().parent))
            self._fill_file_menus()
        device = clf.info.providers[0].replace("ExecutionProvider", "")
        text = translate("MainWindow", "· {0} classes, {1}").format(len(clf.labels), device)
        if clf.info.notes:  # what of its configuration was not used: the tooltip says what
            text += " · " + translate("MainWindow", "{0} model note(s)").format(
                len(clf.info.notes))
        self.status.set_model(text, "\n".join(map(words, clf.info.notes)))
        if self.model.image is not None:
            self.start_run()
        else:
            self.status.message(translate(
                "MainWindow", "Model {0} loaded: open an image").format(path.name))

    def edit_model(self) -> None:
        """Model > Labels and Preprocessing; a saved sidecar reloads the model."""
        if self.model.classifier is None:
            self.show_error(translate("MainWindow", "No model"), translate("MainWindow", "Open a "
                                                                                         "model "
                                                                                         "first "
                                                                                         "(File "
                                                                                         "▸ Open "
                                                                                         "Model…)."))
            return

        def saved(sidecar: Path, model_path: Path) -> None:
            self.status.message(translate(
                "MainWindow", "Saved {0}; reloading the model").format(sidecar.name))
            self.open_model(model_path)

        model_editing.edit_model(self, self.model.classifier, saved)

    def copy_figure(self) -> None:
        """Edit > Copy Figure."""
        if clipboard.copy_figure(self.model):
            self.status.message(translate("MainWindow", "Figure copied to the clipboard"))
        else:
            self.show_error(*nothing_to_export())

    def _on_model_loaded(self, job: int, clf: OnnxClassifier) -> None:
        if job != self.model_job:
            return
        self.model_job = 0
        self._set_activity()
        self.set_classifier(clf, chosen=self.chosen_model is not None and
                            Path(clf.path) == self.chosen_model)
        self._maybe_settled()

    def _on_model_failed(self, job: int, message: str) -> None:
        if job != self.model_job:
            return
        self.model_job = 0
        self._set_activity()
        self.status.message(translate(
            "MainWindow", "Model not loaded: still using the previous one"))
        self.show_error(translate("MainWindow", "Cannot open model"), message)
        if self.model.result is None or not self.model.result.complete:
            self.start_run()  # the previous model's run was cancelled for nothing: redo it
        self._maybe_settled()

    # -- analysis -------------------------------------------------------------------------
    def start_run(self) -> None:
        """Analyse the current image with the current model and settings (if both exist)."""
        m = self.model
        if m.classifier is None or m.image is None or self.model_job:
            return
        self.run_id = self.host.run(m.classifier, m.image, m.settings, self.session.space)
        self.runs.cancel_before(self.run_id)
        self.runs.add(self.run_id, m.image_path, m.volume.index, m.model_path, VIEW)
        self._set_activity(running=True)
        self.status.start(m.settings.grid_sizes)
        self.cases.queue.after_view_run()

    def cancel(self) -> None:
        """Stop the running analysis (and Analyse All B-scans); what is done so far stays
        on screen."""
        if self.volumes.cancel() and not self.running:
            self.status.message(QCoreApplication.translate(
                "Volume", "Cancelled: the B-scans analysed so far are kept"))
        if self.running:
            self.runs.cancel_all()
            self.status.message(translate("MainWindow", "Cancelling…"))

    # -- the run of the case on screen (from RunDispatch, its result still wanted) ---------
    def on_run_started(self, partial: DidaResult) -> None:
        self.status.started(partial)
        self.model.set_result(partial)

    def on_grid_done(self, n: int, d: np.ndarray) -> None:
        if self.model.result is not None:
            self.status.grid_done(n)
            self.model.add_grid(n, d)  # its pictures are made on the render thread

    def on_run_finished(self, result: DidaResult) -> None:
        self._set_activity(running=False)
        self.model.space_note = self.space_note()
        self.model.set_result(result)
        self.status.done(result)
        self._maybe_settled()

    def on_run_ended(self, how: str, message: str = "") -> None:
        """The run of the case on screen ended with no result to show."""
        self._set_activity(running=False)
        if how == "failed":
            self.status.finish(translate("MainWindow", "Analysis failed"))
            self.show_error(translate("MainWindow", "Analysis failed"), message)
        else:
            res = self.model.result
            shown = ", ".join(str(n) for n in sorted(res.d)) if res is not None and res.d \
                else ""
            self.status.finish(translate(
                "MainWindow", "Cancelled: showing the grid sizes done so far ({0})").format(
                shown or translate("MainWindow", "none")))
        self._maybe_settled()

    def space_note(self) -> str | None:
        """Why the set's maps are in a log space, once the set's space is known."""
        known = self.session.space.known
        return known.note if known is not None else None

    # -- the set of cases open --------------------------------------------------------------
    def open_set(self, cases, scan=None) -> None:
        """A new set of cases (a case list, or one scan whose B-scans are the set): one
        session for it, with each case's model and one score space."""
        options = self.model_options()
        worker = self.host.worker
        self.session = ReadingSession(
            cases, chosen_model=self.chosen_model, settings=self.model.settings,
            readings=self.readings, open_model=lambda p: worker.classifier(p, options))
        if scan is not None and scan.is_volume:
            self.session.units = tuple(Unit(cases[0], i, len(scan)) for i in range(len(scan)))

    def model_for_case(self, path) -> Path | None:
        """The model that reads the case at ``path`` now: the one on screen for the image
        on screen, else the session's rule."""
        m = self.model
        if path is not None and m.image_path is not None and Path(path) == m.image_path \
                and m.model_path is not None and not self.model_job:
            return m.model_path.resolve()
        target = models.model_for_case(path, self.chosen_model)
        return None if target is None else target.resolve()

    def _maybe_settled(self) -> None:
        if not self.busy():
            self.settled.emit()

    # -- settings -------------------------------------------------------------------------
    def set_analysis_settings(self, settings: Settings) -> None:
        """Use ``settings`` (shown in the controls); re-runs when the model's work changes."""
        rerun = self.model.set_settings(settings)
        self.session.use_settings(settings)
        state.save_analysis(self.store, settings)
        if rerun:
            self.start_run()

    def reset_analysis_settings(self) -> None:
        """The paper's settings: grids 7..21, its weights, black mask, auto score space,
        n x n cells over the content (the engine stays: it changes no map)."""
        old = self.model.settings
        self.set_analysis_settings(Settings(batch_size=old.batch_size, engine=old.engine,
                                            grid_geometry="content"))

    def _apply_typed(self, read: Callable[[Settings], Settings], title: str) -> None:
        """Settings typed into the controls (``read(old)`` parses them): re-run if the
        model's work changed, re-render if only the weights did; a bad value shows an
        error and puts the previous settings back."""
        old = self.model.settings
        try:
            new = read(old)
        except DidaError as exc:
            self.show_error(title, str(exc))
            state.show_settings(self.controls, old, self.model.result is not None)
            return
        if new != old:
            if old.weights and new.weights is None and new.grid_sizes != old.grid_sizes:
                self.status.message(translate("MainWindow", "Blend weights reset to the paper's "
                                                            "(the grid count "
                                    "changed)"))
            self.set_analysis_settings(new)

    def _on_panel_double_clicked(self, index: int) -> None:
        if index == 0:
            self.controls.diagnosis.setFocus()
            self.controls.diagnosis.selectAll()

    # -- window ---------------------------------------------------------------------------
    def _update_title(self) -> None:
        m = self.model
        # a DICOM or vendor file's name may carry the patient's: its anonymous case id
        parts = ["DiDA View"]
        if m.image_path is not None:
            parts.append(m.image_path.name if m.volume.anonymous_name() else
                         m.volume.case_id())
        if m.model_path is not None:
            parts.append(m.model_path.name)
        self.setWindowTitle(" — ".join(parts))

    def toggle_full_screen(self) -> None:
        """View > Full Screen."""
        self.showNormal() if self.isFullScreen() else self.showFullScreen()

    def _restore(self) -> None:
        geo, dock = self.store.value("window/geometry"), self.store.value("window/state")
        if geo is not None:
            self.restoreGeometry(geo)
        if dock is not None:
            self.restoreState(dock)
        self.cases.dock.hide()  # shown when a case list opens, not left from the last one
        state.restore(self.store, self.model)
        self.binding.display_to_controls()
        self.binding.square_to_controls(self.model.square)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not self.cases.close():  # the readings are saved first; the user kept one open
            event.ignore()
            return
        self.store.setValue("window/geometry", self.saveGeometry())
        self.store.setValue("window/state", self.saveState())
        state.save(self.store, self.model)
        self.store.sync()
        self.runs.ledger.cancel_all()  # what is still on its way is for nobody now
        self.run_id = 0
        self.presenter.shutdown()
        if not self.host.shutdown(10000):
            print("warning: waiting for the model to finish loading", file=sys.stderr)
            self.host.thread.wait()
        self.running = False
        self.model_job = 0
        super().closeEvent(event)

