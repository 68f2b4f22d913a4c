"""Volumes in the main window: moving through the B-scans, analysing them, the evidence map.

:class:`VolumeController` is the window's part for :class:`~dida_view.viewmodel.volume.
VolumeModel` (``win.model.volume``). Moving to a B-scan shows its result at once when it
was analysed before (the results are kept), else analyses it (the previous B-scan's run
is cancelled). Analysis > Analyse All B-scans queues every missing B-scan on the one
worker, behind each other, with progress in the scan bar; Esc cancels them. Once all are
analysed, the localizer panel shows the volume evidence map, which File > Export Evidence
Map writes as a PNG and an npz.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject

from dida_view.errors import DidaError
from dida_view.gui.i18n import translate
from dida_view.gui.volume.widgets import LocalizerView, ScanBar
from dida_view.method.analysis import CONSTANT_NOTE
from dida_view.method.dida import DidaResult
from dida_view.model.domain import VOLUME_NOTE
from dida_view.render import enface
from dida_view.session.ledger import VIEW, VOLUME, Job


class VolumeController(QObject):
    """The scan bar, the localizer panel and the per-B-scan runs of a main window."""

    def __init__(self, win) -> None:
        super().__init__(win)
        self.win, self.vol = win, win.model.volume
        self.bar, self.localizer = ScanBar(), LocalizerView()
        self.localizer.hide()
        self.bar.index_changed.connect(self.go_to)
        self.localizer.line_clicked.connect(self.go_to)
        self.vol.scan_event.connect(lambda _scan: self._on_scan())
        self.vol.results_event.connect(lambda _i: self._on_results())
        self.vol.identifiers_event.connect(lambda _on: self._on_identifiers())
        ev = win.model.events
        ev.model.connect(lambda _clf: self._drop_results())
        self._settings = win.model.settings
        ev.settings.connect(self._on_settings)
        ev.display.connect(lambda _v: self.show_localizer())
        ev.result.connect(lambda _res: self._result_notes())

    # -- the scan and its B-scans -----------------------------------------------------------
    def batch(self) -> list[Job]:
        """The runs of Analyse All B-scans still queued or running."""
        return self.win.runs.ledger.jobs(VOLUME)

    def _on_scan(self) -> None:
        v = self.vol
        self.bar.show_scan(v.count(), v.index, v.scan.notes if v.scan is not None else ())
        self._show_progress()
        self.show_localizer()

    def _on_identifiers(self) -> None:
        self.bar.show_identifiers(self.vol.identifier_text())
        action = getattr(self.win.actions_, "show_identifiers", None)
        if action is not None and action.isChecked() != self.vol.show_identifiers:
            action.blockSignals(True)
            action.setChecked(self.vol.show_identifiers)
            action.blockSignals(False)

    def step(self, delta: int) -> None:
        """View > Next / Previous B-scan (PgDn / PgUp)."""
        if self.vol.is_volume():
            self.go_to(self.vol.index + delta)

    def go_to(self, index: int) -> None:
        """Show B-scan ``index``: its kept result at once, else analyse it."""
        v, win = self.vol, self.win
        if not v.go_to(index):
            return
        try:
            image = v.image()
        except DidaError as exc:
            win.show_error(translate("Volume", "Cannot read B-scan"), str(exc))
            return
        self.bar.show_index(v.index, v.count())
        self.localizer.set_current(v.index)
        m = win.model
        if win.run_id and win.runs.ledger.get(win.run_id) is not None and \
                win.runs.ledger.get(win.run_id).purpose != VOLUME:
            win.runs.cancel([win.run_id])  # the previous B-scan's run, not the batch
        win.run_id = 0
        win._set_activity(running=False)
        m.set_image(image, m.image_path, m.diagnosis, m.note)
        kept = v.results.get(v.index)
        waiting = win.runs.is_for(v.scan.path, v.index, VOLUME)
        if kept is not None:
            m.set_result(kept)
            win.status.message(translate("Volume", "B-scan {0}: analysed before").format(
                v.index + 1))
        elif waiting is not None:  # Analyse All has it queued: show that run when it comes
            win.run_id = waiting.id
            win._set_activity(running=True)
            win.status.start(m.settings.grid_sizes)
        elif m.classifier is not None and not win.model_job:
            job = win.host.queue(m.classifier, image, m.settings, win.session.space)
            win.runs.add(job, v.scan.path, v.index, m.model_path, VIEW)
            win.run_id = job
            win._set_activity(running=True)
            win.status.start(m.settings.grid_sizes)
        win._maybe_settled()

    # -- runs, from the window's run dispatch -----------------------------------------------
    def on_result(self, job: Job, result: DidaResult) -> None:
        """A B-scan of the scan on screen is analysed: keep it for the evidence map."""
        if self.vol.scan is not None and job.path == Path(self.vol.scan.path):
            self.vol.add_result(job.index, result)
        self._show_progress()

    def show_if_on_screen(self, job: Job, result: DidaResult) -> None:
        """An Analyse All result of the B-scan on screen, while nothing else runs there."""
        m, win = self.win.model, self.win
        if job.index == self.vol.index and not win.running and \
                (m.result is None or not m.result.complete):
            m.set_result(result)

    def on_ended(self, job: Job, how: str, message: str = "") -> None:
        """A run ended with no result to keep (``failed`` or ``cancelled``)."""
        if job.purpose == VOLUME and how == "failed":
            self.win.status.message(translate(
                "Volume", "B-scan {0} not analysed: {1}").format(job.index + 1, message))
        self._show_progress()

    def _drop_results(self) -> None:
        self.vol.clear_results()

    def _on_settings(self, settings) -> None:
        """New weights re-make the evidence map; settings that change d drop the results."""
        old, self._settings = self._settings, settings
        if old.work() == settings.work():
            self.vol.reweight(settings.blend_weights())
        else:
            self.vol.clear_results()

    def analyse_all(self) -> None:
        """Analysis > Analyse All B-scans: queue every B-scan not analysed yet."""
        v, win, m = self.vol, self.win, self.win.model
        if not v.is_volume():
            win.show_error(translate("Volume", "Not a volume"), translate(
                "Volume", "Open a volume (multi-frame DICOM, multi-page TIFF, vendor file) first."))
            return
        if m.classifier is None:
            win.show_error(translate("Volume", "No model"),
                           translate("Volume", "Open a model first (File ▸ Open Model…)."))
            return
        ledger = win.runs.ledger
        busy = {j.index for j in ledger.jobs() if j.path == Path(v.scan.path)}
        for i in v.missing():
            if i in busy:
                continue
            # read on the worker thread (Slices are thread-safe), not here
            job = win.host.queue(m.classifier, lambda i=i, s=v.scan: s.image(i), m.settings,
                                 win.session.space)
            win.runs.add(job, v.scan.path, i, m.model_path, VOLUME)
        self._show_progress()

    def cancel(self) -> bool:
        """Cancel Analyse All B-scans (the B-scans done so far are kept); True if any."""
        jobs = [j.id for j in self.batch() if j.id != self.win.run_id]
        if not self.batch():
            return False
        self.win.runs.cancel(jobs)
        self._show_progress()
        return True

    def _show_progress(self) -> None:
        v = self.vol
        self.bar.show_progress(len(v.profiles), v.count(), bool(self.batch()))

    # -- the localizer and the evidence map -------------------------------------------------
    def _result_notes(self) -> None:
        """The bar's notes of the results: a constant B-scan's, and how many B-scans of
        the volume the domain check found atypical."""
        res = self.win.model.result
        notes = [CONSTANT_NOTE] if res is not None and res.meta.get("constant") else []
        checked, atypical = self.vol.domain_counts()
        if self.vol.is_volume() and atypical:
            notes.append(VOLUME_NOTE.note(atypical=atypical, total=checked))
        self.bar.show_notes(tuple(notes))

    def _on_results(self) -> None:
        self._show_progress()
        self._result_notes()
        if self.vol.all_done():
            self.show_localizer()
            if not self.batch():
                self.win.status.message(translate(
                    "Volume", "Every B-scan analysed: the volume evidence map is in the localizer "
                    "panel"))
        elif self.localizer.title not in ("", translate("Volume", "Localizer")):  # the map
            self.show_localizer()

    def evidence_picture(self) -> np.ndarray | None:
        """The volume evidence map as drawn (uint8 RGB), or None until all are analysed."""
        emap = self.vol.evidence_map()
        if emap is None:
            return None
        scan = self.vol.scan
        return enface.draw_evidence_map(emap, scan.localizer, gain=self.win.model.gain)

    def show_localizer(self) -> None:
        """The evidence map when every B-scan is analysed, else the localizer, else none."""
        v = self.vol
        scan = v.scan
        loc = scan.localizer if scan is not None else None
        lines = loc.lines if loc is not None else ()
        picture = self.evidence_picture() if scan is not None else None
        if picture is not None:
            emap = v.evidence_map()
            title = translate("Volume", "Evidence for {0} (all B-scans)").format(emap.label)
            self.localizer.set_picture(picture, lines, title,
                                       stacked_rows=0 if lines else v.count())
        elif loc is not None:
            self.localizer.set_picture(loc.image, lines, translate("Volume", "Localizer"))
        else:
            self.localizer.set_picture(None)
        self.localizer.set_current(v.index)
        self.localizer.setVisible(self.localizer.has_picture())
