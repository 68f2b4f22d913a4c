"""Opening files in the main window: File > Open, Open Recent, Open Sample, drag and drop.

:class:`FileOpening` is a part of :class:`~dida_view.gui.viewer.window.MainWindow` (a
mix-in): loading a scan with the session's reading and starting its run with the model
that reads it (:func:`dida_view.session.models.model_for_case`: the model the user chose,
else the scan's own bundled model, else the real-data one), or taking over a run the case
queue already has going; loading a model in the worker; the recent-file menus, which
never keep a DICOM or vendor file's path (their names often carry a patient's).
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
from dida_view.session import models, names
from dida_view.session.cases import Case
from dida_view.session.ledger import VIEW


class FileOpening:
    """The opening flow of the main window (it needs the window's ``model``, ``host``,
    ``runs``, ``session``, ``readings``, ``store``, ``status``, ``cases``, ``actions_``
    and its run methods)."""

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
        """Load a scan and analyse it (the old run is cancelled; of a volume, the centre
        B-scan) with the model that reads it. False on error.

        ``remember``: list it in File > Open Recent (not for a case of a case list).
        ``run_id``: a run of this scan already queued with the right model and settings
        (the case queue's look-ahead), shown instead of starting a new one; every job
        queued before it is cancelled.
        """
        try:
            scan = load_scan(path)
            image = scan.image()  # the centre B-scan of a volume
        except DidaError as exc:
            self.show_error(translate("Opening", "Cannot open image"), str(exc))
            return False
        path = Path(path)
        target = models.model_for_case(path, self.chosen_model)
        m = self.model
        switch = target is not None and (m.model_path is None or
                                         target.resolve() != m.model_path.resolve())
        run_id = run_id if run_id and not self.model_job and not switch else 0
        self.runs.cancel_before(run_id) if run_id else self.runs.cancel_all()
        self.run_id = 0
        self._set_activity(running=False)
        case = next((c for c in self.session.cases if c.path == path), None)
        if case is None:  # not a case of the open list: a set of its own (its B-scans)
            case = Case(path)
            self.open_set([case], scan=scan)
        reading = self.readings.reading(case)
        self.model.volume.set_scan(scan)
        self.model.set_image(image, path, reading.diagnosis, reading.note)
        if remember:
            self._remember(path, scan)
        if switch:
            self.open_model(target, chosen=False)  # the run starts once it is loaded
        elif run_id:
            self.runs.ledger.retarget(run_id, VIEW)
            self.run_id = run_id
            self._set_activity(running=True)
            self.status.start(self.model.settings.grid_sizes)
        else:
            self.start_run()
        return True

    def _remember(self, path: Path, scan) -> None:
        """Open Recent: a plain image's path is kept between sessions; a DICOM or vendor
        file's only until the program closes, named by its case id."""
        if names.shows_file_name(scan):
            push_recent(self.store, "images", path)
            self.store.setValue("dirs/image", str(path.resolve().parent))
        else:
            self.private_recent = [path] + [p for p in self.private_recent if p != path][:7]
        self._fill_file_menus()

    def open_model(self, path: str | Path, options: dict | None = None,
                   chosen: bool = True) -> None:
        """Load a model in the worker; the current run is cancelled, the result kept.

        ``chosen``: the user chose it (File > Open Model, the Model menu, a dropped file,
        ``--model``): it then reads every case. Otherwise each case is read by its own
        model (:meth:`open_image` loads it when the case needs it)."""
        if chosen:
            self.chosen_model = Path(path)
            self.session.choose_model(self.chosen_model)
        self.runs.cancel_all()
        self.model_job = self.host.load_model(path, {**self.model_options(),
                                                     **dict(options or {})})
        self.status.message(translate("Opening", "Loading model {0}…").format(Path(path).name))
        self._set_activity()

    def model_options(self) -> dict:
        """How the viewer opens models (CPU only or not)."""
        return {"device": "cpu" if self.cpu_only() else "auto"}

    def open_paths(self, paths_: list[str]) -> None:
        """Open dropped or given files: models first, then the first image."""
        models_ = [p for p in paths_ if p.lower().endswith(".onnx")]
        images = [p for p in paths_ if not p.lower().endswith(".onnx")]
        if models_:
            self.open_model(models_[0])
        if images:
            self.open_image(images[0])

    def _fill_file_menus(self) -> None:
        private = [str(p) for p in self.private_recent if p.is_file()]
        menus.fill_files(self.actions_.recent, private + recent_files(self.store, "images"),
                         recent_files(self.store, "models"), self.open_image, self.open_model,
                         name=names.path_display_name)
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
