"""Opening files in the main window: File > Open, Open Recent, Open Sample, drag and drop.

:class:`FileOpening` is a part of :class:`~dida_view.gui.viewer.window.MainWindow` (a mix-in):
loading an image (with its reading) and starting its run, or taking over a run the case
queue already has going; loading a model in the worker; the recent-file menus.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QDragEnterEvent, QDropEvent

from dida_view import paths
from dida_view.errors import DidaError
from dida_view.gui.i18n import translate
from dida_view.gui.qsettings import push_recent, recent_files
from dida_view.gui.viewer import menus
from dida_view.io.reader import load_scan
from dida_view.session.reading import load_reading


class FileOpening:
    """The opening flow of the main window (it needs the window's ``model``, ``host``,
    ``store``, ``status``, ``cases``, ``actions_`` and its run methods)."""

    # -- opening files --------------------------------------------------------------------
    def _ask_open(self, kind: str) -> None:
        """File > Open Image / Open Model: a file dialog, then :meth:`open_image` or
        :meth:`open_model`."""
        path = menus.ask_open(self, self.store, kind)
        if path and kind == "cases":
            self.cases.open_picked(path)
        elif path:
            self.open_image(path) if kind == "image" else self.open_model(path)

    def open_image(self, path: str | Path, remember: bool = True, run_id: int = 0) -> bool:
        """Load an image or scan and analyse it (the old run is cancelled; of a volume,
        the centre B-scan). False on error.

        ``remember``: list it in File > Open Recent (not for a case of a case list).
        ``run_id``: a run of this image already queued with the current model and settings
        (the case queue's look-ahead), shown instead of starting a new one; every job
        queued before it is cancelled.
        """
        try:
            scan = load_scan(path)
            image = scan.image()  # the centre B-scan of a volume
        except DidaError as exc:
            self.show_error(translate("Opening", "Cannot open image"), str(exc))
            return False
        run_id = run_id if run_id and not self.model_job else 0
        self.host.worker.cancel_upto(run_id - 1) if run_id else self.host.cancel_all()
        self.run_id = 0
        self._set_activity(running=False)
        reading = load_reading(path)
        self.model.volume.set_scan(scan)
        self.model.set_image(image, path, reading.diagnosis, reading.note)
        if remember:
            push_recent(self.store, "images", path)
            self.store.setValue("dirs/image", str(Path(path).resolve().parent))
            self._fill_file_menus()
        if run_id:
            self.volumes.runs[run_id] = self.model.volume.index  # its B-scan's result is kept
            self.run_id = run_id
            self._set_activity(running=True)
            self.status.start(self.model.settings.grid_sizes)
        else:
            self.start_run()
        return True

    def open_model(self, path: str | Path, options: dict | None = None) -> None:
        """Load a model in the worker; the current run is cancelled, the result kept."""
        self.host.cancel_all()
        device = "cpu" if self.cpu_only() else "auto"
        self.model_job = self.host.load_model(path, {"device": device, **dict(options or {})})
        self.status.message(translate("Opening", "Loading model {0}…").format(Path(path).name))
        self._set_activity()

    def open_paths(self, paths_: list[str]) -> None:
        """Open dropped or given files: models first, then the first image."""
        models = [p for p in paths_ if p.lower().endswith(".onnx")]
        images = [p for p in paths_ if not p.lower().endswith(".onnx")]
        if models:
            self.open_model(models[0])
        if images:
            self.open_image(images[0])

    def _fill_file_menus(self) -> None:
        menus.fill_files(self.actions_.recent, recent_files(self.store, "images"),
                         recent_files(self.store, "models"), self.open_image, self.open_model)
        menus.fill_files(self.actions_.samples, [str(p) for p in paths.sample_images()], [],
                         self.open_image, self.open_model)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths_ = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths_:
            event.acceptProposedAction()
            self.open_paths(paths_)
