"""The main window: four panels in a row (the paper's Fig. 5), the class list, controls.

State lives here; pictures come from :class:`~dida_view.gui.rendering.Renderer` (core
numpy), work runs in :class:`~dida_view.gui.worker.WorkerHost`. Every worker signal
carries a job id, and anything from a job the window has moved past is dropped, so a late
result of an old image or model is never shown.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np
from PySide6.QtCore import QPointF, QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QMainWindow, QMessageBox, QVBoxLayout, QWidget

from dida_view.core import figure
from dida_view.core.analysis import Settings
from dida_view.core.dida import DidaResult
from dida_view.core.errors import DidaError
from dida_view.core.imageio import load_image, read_diagnosis
from dida_view.core.model import OnnxClassifier
from dida_view.gui import menus, state
from dida_view.gui.controls import ALL_GRIDS, ControlsPanel
from dida_view.gui.cursor import CursorModel, ViewModel
from dida_view.gui.legend import LegendStrip
from dida_view.gui.panel import PanelArea
from dida_view.gui.qsettings import make_settings, push_recent
from dida_view.gui.rendering import Renderer
from dida_view.gui.statusbar import RunStatus, done_text
from dida_view.gui.worker import WorkerHost

N_CLASS_PANELS = 3
NO_MODEL_HINT = ("No model loaded.\n\nOpen an ONNX image classifier with\nFile ▸ Open Model… "
                 "(Ctrl+Shift+O)\nor drop a .onnx file on the window.")
NO_IMAGE_HINT = ("No image.\n\nOpen an image (a retinal OCT B-scan, for example) with\n"
                 "File ▸ Open Image… (Ctrl+O)\nor drop it on the window.")


class MainWindow(QMainWindow):
    """DiDA View's main window.

    Signals
    -------
    settled()
        Nothing is running or loading any more (after a run ends, fails or is cancelled,
        or a model fails to load).
    """

    settled = Signal()
    _prerendered = Signal(int)  # from the render thread: pictures of a generation are ready

    def __init__(self, settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = settings if settings is not None else make_settings()
        self.error_handler: Callable[[str, str], None] | None = None
        self.classifier: OnnxClassifier | None = None
        self.model_path: Path | None = None
        self.image: np.ndarray | None = None
        self.image_path: Path | None = None
        self.diagnosis: str = ""
        self.result: DidaResult | None = None
        self.run_id = 0  # the run whose signals are shown
        self.running = False
        self.model_job = 0  # the model load being waited for (0: none)
        self.panel_classes: list[int] = []
        self.picked = False  # the user chose the panels' classes
        self.target = N_CLASS_PANELS - 1  # class panel a class chosen in the list goes to
        self.target_clicked = False
        self.analysis_settings = Settings()

        self.cursor = CursorModel(parent=self)
        self.view = ViewModel(self)
        self.renderer = Renderer()
        self.host = WorkerHost(self)
        # one helper thread makes the pictures of a running analysis (see _refresh_soon)
        self._render_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dida-render")
        self._prerendered.connect(self._on_prerendered)
        w = self.host.worker
        w.model_loaded.connect(self._on_model_loaded)
        w.model_failed.connect(self._on_model_failed)
        w.started.connect(self._on_started)
        w.progress.connect(self._on_progress)
        w.grid_done.connect(self._on_grid_done)
        w.finished.connect(self._on_finished)
        w.failed.connect(self._on_failed)
        w.cancelled.connect(self._on_cancelled)

        central = QWidget()
        lay = QVBoxLayout(central)
        lay.setContentsMargins(4, 4, 4, 0)
        self.area = PanelArea(self.cursor, self.view)
        self.area.panel_clicked.connect(self._on_panel_clicked)
        self.area.panel_double_clicked.connect(self._on_panel_double_clicked)
        self.legend = LegendStrip()
        lay.addWidget(self.area, 1)
        lay.addWidget(self.legend)
        self.setCentralWidget(central)
        self.controls = ControlsPanel()
        self.dock = menus.make_dock(self, self.controls)
        self.status = RunStatus(self)
        self.status.cancel_requested.connect(self.cancel)
        self.actions_ = menus.build(self)

        c = self.controls
        c.class_chosen.connect(self.choose_class)
        c.display_changed.connect(self.refresh)
        c.square_changed.connect(self.cursor.set_size)
        c.weights_changed.connect(self._on_weights_changed)
        c.analysis_changed.connect(self._on_analysis_changed)
        c.reset_requested.connect(self.reset_analysis_settings)
        c.diagnosis_changed.connect(self._on_diagnosis_changed)
        self.cursor.moved.connect(self._on_cursor_moved)
        self.setAcceptDrops(True)
        state.restore(self)
        self._update_title()
        self.refresh()

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

    # -- opening files --------------------------------------------------------------------
    def open_image(self, path: str | Path) -> bool:
        """Load an image and analyse it (the old run is cancelled). False on error."""
        try:
            image = load_image(path)
        except DidaError as exc:
            self.show_error("Cannot open image", str(exc))
            return False
        self.host.cancel_all()
        self.run_id = 0
        self.running = False
        self.image, self.image_path = image, Path(path)
        self.diagnosis = read_diagnosis(path) or ""
        self.controls.diagnosis.setText(self.diagnosis)
        self.result = None
        self.renderer.set_image(image)
        self.view.set_image_size(image.shape[1], image.shape[0])
        self.picked = False
        push_recent(self.store, "images", path)
        self.store.setValue("dirs/image", str(Path(path).resolve().parent))
        menus.fill_recent(self)
        self._update_title()
        self.start_run()
        self.refresh()
        return True

    def open_model(self, path: str | Path, options: dict | None = None) -> None:
        """Load a model in the worker; the current run is cancelled, the result kept."""
        self.host.cancel_all()
        device = "cpu" if self.cpu_only() else "auto"
        self.model_job = self.host.load_model(path, {"device": device, **dict(options or {})})
        self.status.message(f"Loading model {Path(path).name}…")
        self.refresh()

    def open_paths(self, paths: list[str]) -> None:
        """Open dropped or given files: models first, then the first image."""
        models = [p for p in paths if p.lower().endswith(".onnx")]
        images = [p for p in paths if not p.lower().endswith(".onnx")]
        if models:
            self.open_model(models[0])
        if images:
            self.open_image(images[0])

    def busy(self) -> bool:
        """Whether a model is loading or an analysis is running."""
        return self.running or self.model_job != 0

    # -- analysis -------------------------------------------------------------------------
    def start_run(self) -> None:
        """Analyse the current image with the current model and settings (if both exist)."""
        if self.classifier is None or self.image is None or self.model_job:
            return
        self.run_id = self.host.run(self.classifier, self.image, self.analysis_settings)
        self.running = True
        self.status.start(self.analysis_settings.grid_sizes)

    def cancel(self) -> None:
        """Stop the running analysis; what is done so far stays on screen."""
        if self.running:
            self.host.cancel_all()
            self.status.message("Cancelling…")

    def _mine(self, run_id: int) -> bool:
        return run_id == self.run_id and self.running

    def _on_model_loaded(self, job: int, clf: OnnxClassifier) -> None:
        if job != self.model_job:
            return
        self.model_job = 0
        self.set_classifier(clf)
        self._maybe_settled()

    def cpu_only(self) -> bool:
        """Analysis > Run on the CPU Only (kept in the settings)."""
        return str(self.store.value("analysis/cpu_only", "0")) in ("1", "true", "True")

    def set_cpu_only(self, on: bool) -> None:
        """Force the CPU (or let onnxruntime pick a GPU); reloads the model in use."""
        self.store.setValue("analysis/cpu_only", "1" if on else "0")
        if self.model_path is not None:
            self.open_model(self.model_path)

    def set_classifier(self, clf: OnnxClassifier) -> None:
        """Use ``clf`` from now on and analyse the current image with it."""
        self.classifier, self.model_path = clf, Path(clf.path)
        self.picked = False
        push_recent(self.store, "models", clf.path)
        self.store.setValue("dirs/model", str(Path(clf.path).resolve().parent))
        menus.fill_recent(self)
        device = clf.info.providers[0].replace("ExecutionProvider", "")
        self.status.set_model(f"{self.model_path.name}: {len(clf.labels)} classes, {device}")
        self._update_title()
        if self.image is not None:
            self.result = None
            self.renderer.set_result(None)
            self.start_run()
        else:
            self.status.message(f"Model {self.model_path.name} loaded: open an image")
        self.refresh()

    def _on_model_failed(self, job: int, message: str) -> None:
        if job != self.model_job:
            return
        self.model_job = 0
        self.status.message("Model not loaded: still using the previous one")
        self.show_error("Cannot open model", message)
        if self.result is None or not self.result.complete:
            self.start_run()  # the previous model's run was cancelled for nothing: redo it
        self.refresh()
        self._maybe_settled()

    def _on_started(self, run_id: int, partial: DidaResult) -> None:
        if not self._mine(run_id):
            return
        self._set_result(partial)

    def _on_progress(self, run_id: int, done: int, total: int) -> None:
        if self._mine(run_id):
            self.status.progress(done, total)

    def _on_grid_done(self, run_id: int, n: int, d: np.ndarray) -> None:
        if not self._mine(run_id) or self.result is None:
            return
        self.result = replace(self.result, d={**self.result.d, n: d})
        self.renderer.set_result(self.result)
        self.status.grid_done(n)
        self._refresh_soon()

    def _refresh_soon(self) -> None:
        """Refresh after the pictures are made on the render thread (the GUI thread only
        wraps and paints them), so a finished grid does not stall the event loop."""
        from dida_view.gui import paint

        requests = paint.prerender_requests(self)
        if not requests:
            self.refresh()
            return
        generation = self.renderer.generation
        job = self._render_pool.submit(self.renderer.prerender, requests, generation)
        job.add_done_callback(lambda _job: self._prerendered.emit(generation))

    def _on_prerendered(self, generation: int) -> None:
        if generation == self.renderer.generation:
            self.refresh()

    def _on_finished(self, run_id: int, result: DidaResult) -> None:
        if not self._mine(run_id):
            return
        self.running = False
        self._set_result(result)
        self.status.finish(done_text(result))
        self._maybe_settled()

    def _on_failed(self, run_id: int, message: str) -> None:
        if not self._mine(run_id):
            return
        self.running = False
        self.status.finish("Analysis failed")
        self.show_error("Analysis failed", message)
        self.refresh()
        self._maybe_settled()

    def _on_cancelled(self, run_id: int) -> None:
        if not self._mine(run_id):
            return
        self.running = False
        done = sorted(self.result.d) if self.result is not None else []
        shown = ", ".join(str(n) for n in done) or "none"
        self.status.finish(f"Cancelled: showing the grid sizes done so far ({shown})")
        self.refresh()
        self._maybe_settled()

    def _maybe_settled(self) -> None:
        if not self.busy():
            self.settled.emit()

    def _set_result(self, result: DidaResult) -> None:
        weights = self.analysis_settings.blend_weights()
        if len(weights) == len(result.grid_sizes):
            result = replace(result, weights=weights)
        self.result = result
        self.renderer.set_result(result)
        n_panels = min(N_CLASS_PANELS, len(result.labels))
        if not self.picked or len(self.panel_classes) != n_panels or \
                max(self.panel_classes) >= len(result.labels):
            self.panel_classes = result.top(n_panels)
            self.picked = False
        self.controls.set_view_choices(result.grid_sizes)
        self.refresh()

    # -- settings -------------------------------------------------------------------------
    def _on_analysis_changed(self) -> None:
        state.apply_analysis_controls(self)

    def _on_weights_changed(self) -> None:
        state.apply_weights_control(self)

    def set_analysis_settings(self, settings: Settings) -> None:
        """Use ``settings`` (shown in the controls); re-runs when the model's work changes."""
        old = self.analysis_settings
        state.show_settings(self, settings)
        self.analysis_settings = settings
        state.save_analysis(self)
        rerun = replace(old, weights=None) != replace(settings, weights=None)
        if rerun:
            self.start_run()
        elif self.result is not None and len(self.result.grid_sizes) == len(
                settings.grid_sizes):
            self.result = replace(self.result, weights=settings.blend_weights())
            self.renderer.set_result(self.result)
        self.refresh()

    def reset_analysis_settings(self) -> None:
        """The paper's settings: grids 7..21, its weights, black mask, auto score space."""
        self.set_analysis_settings(Settings(batch_size=self.analysis_settings.batch_size))

    # -- classes and panels ---------------------------------------------------------------
    def choose_class(self, k: int) -> None:
        """Show class ``k`` in the target panel (instant: d is kept for every class)."""
        if self.result is None or not 0 <= k < len(self.result.labels):
            return
        if not self.panel_classes:
            return
        slot = min(self.target, len(self.panel_classes) - 1)
        self.panel_classes[slot] = k
        self.picked = True
        self.refresh()

    def _on_panel_clicked(self, index: int) -> None:
        if self.controls.view_value() != ALL_GRIDS and 1 <= index <= len(self.panel_classes):
            self.target = index - 1
            self.target_clicked = True
            self.refresh()

    def _on_panel_double_clicked(self, index: int) -> None:
        if index == 0:
            self.controls.diagnosis.setFocus()
            self.controls.diagnosis.selectAll()

    def _on_diagnosis_changed(self, text: str) -> None:
        self.diagnosis = text.strip()
        self.refresh()

    def _on_cursor_moved(self, pos: QPointF | None) -> None:
        from dida_view.gui import paint

        self.status.set_position(paint.probe_text(self, pos))

    def focus_class(self) -> int:
        """The class shown in the all-grid-sizes view: the top class, or the class of the
        target panel once the user has clicked a panel or picked a class."""
        if not self.panel_classes:
            return 0
        if not (self.picked or self.target_clicked):
            return self.panel_classes[0]
        return self.panel_classes[min(self.target, len(self.panel_classes) - 1)]

    def refresh(self) -> None:
        """Re-render every panel from the current state (no model run)."""
        from dida_view.gui import paint

        paint.refresh(self)

    # -- window ---------------------------------------------------------------------------
    def _update_title(self) -> None:
        parts = ["DiDA View"]
        if self.image_path is not None:
            parts.append(self.image_path.name)
        if self.model_path is not None:
            parts.append(self.model_path.name)
        self.setWindowTitle(" — ".join(parts))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.open_paths(paths)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        state.save(self)
        self.renderer.set_result(None)  # a picture still being made is dropped
        self._render_pool.shutdown(wait=True, cancel_futures=True)
        if not self.host.shutdown(10000):
            print("warning: waiting for the model to finish loading", file=sys.stderr)
            self.host.thread.wait()
        self.running = False
        self.model_job = 0
        super().closeEvent(event)

    def score_text(self, k: int) -> str:
        """Class ``k``'s score as shown in captions and the list."""
        assert self.result is not None
        return figure.format_score(float(self.result.scores[k]), self.result.score_space)
