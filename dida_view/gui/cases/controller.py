"""Cases in the main window: opening a case list, moving through it, the reading.

:class:`CaseController` owns the :class:`~dida_view.session.caselist.CaseList`, the browser dock,
the background :class:`~dida_view.gui.cases.queue.CaseQueue` and the reading's autosave
(:class:`~dida_view.gui.cases.reading_editor.ReadingKeeper`). Moving to a case opens its image
through the window (which cancels the old run and queues the new one first); the queue
then puts the next cases behind it.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget

from dida_view.catalogue import QT_TRANSLATE_NOOP
from dida_view.gui.cases.browser import CaseBrowser
from dida_view.gui.cases.queue import CaseQueue
from dida_view.gui.cases.reading_editor import ReadingKeeper
from dida_view.gui.i18n import plural, translate, words
from dida_view.gui.teaching import FolderCases
from dida_view.session import names
from dida_view.session.caselist import FAILED, CaseList
from dida_view.session.cases import is_case_list, read_cases
from dida_view.session.reading import Reading

MAX_PROBLEM_LINES = 15
DOCK_WIDTH = 560


class CaseController(QObject):
    """The window's cases: the list, the browser dock, the queue, the reading's autosave."""

    def __init__(self, win) -> None:  # the MainWindow (it imports this module)
        super().__init__(win)
        self.win = win
        self.cases = CaseList(on_change=self._case_changed,
                              reading=lambda case: win.readings.reading(case).diagnosis)
        self.keeper = ReadingKeeper(win.model, win.readings, win.show_error, self)
        self.queue = CaseQueue(win, self.cases, self)
        self.browser = CaseBrowser(self.cases, win.model)
        self._names: dict[Path, str] = {}
        self.browser.table.names = self.row_name
        self.browser.table.thumbnail_wanted = self.queue.want_thumbnail
        self.dock = QDockWidget(translate("CaseController", "Cases"), win)
        self.dock.setObjectName("cases-dock")
        self.dock.setWidget(self.browser)
        win.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)
        self.dock.hide()  # shown once a case list is opened (or from the Cases menu)
        self._sized = False
        b = self.browser
        b.case_chosen.connect(self.go)
        b.step_requested.connect(self.step)
        b.filter_chosen.connect(self.set_filter)
        b.cancel_queue.connect(self.cancel_queue)
        self.queue.thumbnail.connect(b.table.set_thumbnail)
        self.queue.drained.connect(self._queue_line)  # at once: nothing is left to wait for
        self.keeper.saved.connect(self._on_saved)
        self.keeper.skipped.connect(lambda _path: b.editor.set_state(
            translate("CaseController", "A bundled sample: its reading is not saved")))
        self._line_soon = QTimer(self)
        self._line_soon.setSingleShot(True)
        self._line_soon.setInterval(50)
        self._line_soon.timeout.connect(self._queue_line)
        ev = win.model.events
        ev.image.connect(lambda _image: self._on_image())
        ev.diagnosis.connect(self._on_diagnosis)

    # -- opening -----------------------------------------------------------------------------
    def open_picked(self, path: str | Path) -> bool:
        """File > Open Cases: a case list, or an image, which opens its whole folder at
        that image."""
        p = Path(path)
        if is_case_list(p):
            return self.open(p)
        return self.open(p.parent, first=p)

    def show(self) -> None:
        """Cases > Show the Case Browser (wide enough for its columns the first time)."""
        self.dock.show()
        self.dock.raise_()
        if not self._sized:
            self._sized = True
            width = min(DOCK_WIDTH, max(320, self.win.width() // 3))
            self.win.resizeDocks([self.dock], [width], Qt.Orientation.Horizontal)

    def open(self, path: str | Path, first: str | Path | None = None) -> bool:
        """Open a folder or a CSV/JSON case list and show its first case (or ``first``);
        False when no case could be read (a dialog says why; bad rows are listed, the
        rest loads)."""
        got = read_cases([path])
        if got.problems:
            lines = list(got.problems[:MAX_PROBLEM_LINES])
            if len(got.problems) > len(lines):
                lines.append(translate("CaseController", "… and {0} more").format(
                    len(got.problems) - len(lines)))
            title = translate("CaseController", "Some cases were skipped") if got.cases else \
                translate("CaseController", "Cannot open cases")
            self.win.show_error(title, "\n".join(lines))
        if not got.cases:
            return False
        self.keeper.flush()
        self.win.open_set(got.cases)  # one session: each case's model, one score space
        self.cases.set_cases(list(got.cases))
        self._names.clear()
        self.browser.fill_filters()
        self.show()
        message = plural("CaseController", len(got.cases),
                         QT_TRANSLATE_NOOP("CaseController", "{0} case from {1}"),
                         QT_TRANSLATE_NOOP("CaseController", "{0} cases from {1}"),
                         Path(path).name)
        self.win.status.message(" · ".join([message, *map(words, got.notes)]))
        self.cases.current = -1
        self.win.teaching.cases = ListCases(self)  # teaching mode steps through the list
        self.go(max(0, self.cases.index_of(first)) if first is not None else 0)
        return True

    def row_name(self, row) -> str:
        """How the table names a case: the file name of a plain image, the anonymous case
        id of a DICOM or vendor file (their names often carry a patient's)."""
        name = self._names.get(row.path)
        if name is None:
            name = self._names[row.path] = names.path_display_name(row.path)
        return name

    # -- moving ------------------------------------------------------------------------------
    def go(self, index: int) -> bool:
        """Show case ``index``: its image, its reading, and its result once analysed."""
        if not 0 <= index < len(self.cases):
            return False
        case = self.cases.cases[index]
        if index == self.cases.current and self.win.model.image_path == case.path:
            return True
        self.keeper.flush()
        old, self.cases.current = self.cases.current, index
        self.browser.table.case_changed(old)
        ahead = self.queue.queued_run(index)  # analysed ahead already: carry on with it
        if not self.win.open_image(case.path, remember=False, run_id=ahead):
            self.cases.update(index, state=FAILED)
        elif ahead and self.win.run_id == ahead:
            self._show_progress(ahead)
            self.queue.adopt(ahead)

        self.browser.table.case_changed(index)
        self.browser.show_current()
        return True

    def _show_progress(self, job: int) -> None:
        """The adopted look-ahead run may have started already: show its scores and the
        grids done so far (the rest fill in as they come, coarse to fine)."""
        done = self.queue.progress_of(job)
        if done is None:
            return  # not started: its started signal reaches the window
        partial, grids = done
        m = self.win.model
        m.set_result(partial)
        for n in sorted(grids):
            m.add_grid(n, grids[n])
            self.win.status.grid_done(n)

    def step(self, delta: int) -> None:
        """Cases > Next (+1) / Previous (-1), through the filter."""
        i = self.cases.step(delta)
        if i >= 0 and i != self.cases.current:
            self.go(i)

    def set_filter(self, name: str) -> None:
        """Show only the cases that pass filter ``name`` (see :mod:`dida_view.session.caselist`)."""
        self.cases.set_filter(name)
        self.browser.table.reset()
        self.browser.show_current()

    def cancel_queue(self) -> None:
        """Cases > Cancel Queue: stop analysing ahead."""
        self.queue.cancel()
        self.win.status.message(translate(
            "CaseController", "Queue cancelled: the next cases are analysed when you "
                                "move to them"))

    def close(self) -> bool:
        """The window closes: save the readings now. When one cannot be saved, ask: save
        again, discard it, or keep the window open (False)."""
        left = self.keeper.save_all()
        while left:
            names_ = ", ".join(p.name for p in left[:3]) + ("…" if len(left) > 3 else "")
            answer = self.win.ask(
                translate("CaseController", "Readings not saved"),
                translate("CaseController", "The reading of {0} could not be saved beside "
                          "the scan. Try again, discard it, or keep DiDA View open (copy "
                          "the text somewhere safe first)?").format(names_))
            if answer == "cancel":
                return False
            if answer == "discard":
                return True
            left = self.keeper.save_all()
        return True

    # -- model and list changes --------------------------------------------------------------
    def _on_image(self) -> None:
        """An image was opened (from the list or not): follow it in the list."""
        path = self.win.model.image_path
        i = self.cases.index_of(path) if path is not None else -1
        if i >= 0 and i != self.cases.current:
            old, self.cases.current = self.cases.current, i
            self.browser.table.case_changed(old)
            self.browser.show_current()
        self.browser.editor.set_state("")

    def _on_diagnosis(self, text: str) -> None:
        path = self.win.model.image_path
        i = self.cases.index_of(path) if path is not None else -1
        if i >= 0:
            self.cases.update(i, diagnosis=text)
        line = self.win.controls.diagnosis  # the controls' own diagnosis field
        if line.text().strip() != text:
            line.setText(text)

    def _on_saved(self, path: str, reading: Reading, note: str) -> None:
        if Path(path) == self.win.model.image_path:
            state = translate("CaseController", "Saved {0} beside the image").format(
                time.strftime('%H:%M:%S'))
            self.browser.editor.set_state(f"{state} · {note}" if note else state)

    def _case_changed(self, index: int) -> None:
        if index < 0:
            self.browser.table.reset()
        else:
            self.browser.table.case_changed(index)
        self._line_soon.start()

    def _queue_line(self) -> None:
        n = self.cases.counts()
        parts = [plural("CaseController", len(self.cases),
                        QT_TRANSLATE_NOOP("CaseController", "{0} case"),
                        QT_TRANSLATE_NOOP("CaseController", "{0} cases")),
                 translate("CaseController", "{0} analysed").format(n["analysed"])]
        if self.queue.pending():
            parts.append(translate("CaseController", "{0} queued").format(self.queue.pending()))
        if n["failed"]:
            parts.append(translate("CaseController", "{0} failed").format(n["failed"]))
        parts.append(translate("CaseController", "{0} read").format(n["read"]))
        self.browser.queue_line.setText(" · ".join(parts))
        self.browser.cancel.setEnabled(self.queue.pending() > 0)


class ListCases:
    """Teaching mode's :class:`~dida_view.gui.teaching.CaseSource` for an open case list:
    it steps through the cases the browser's filter shows, and opens them through the
    controller (so a look-ahead run is carried on and the reading is saved). An image
    not in the list is stepped through its folder, as without a list."""

    def __init__(self, controller: CaseController) -> None:
        self.controller = controller
        self.folder = FolderCases()

    def _shown(self, current: Path | None) -> tuple[list[int], int]:
        cl = self.controller.cases
        shown = cl.visible()
        i = cl.index_of(current) if current is not None else -1
        return shown, (shown.index(i) if i in shown else -1)

    def step(self, current: Path | None, delta: int) -> Path | None:
        """The case ``delta`` places after ``current`` among those shown (None: none)."""
        shown, pos = self._shown(current)
        if pos < 0:
            return self.folder.step(current, delta)
        if not 0 <= pos + delta < len(shown):
            return None
        return self.controller.cases.cases[shown[pos + delta]].path

    def position(self, current: Path | None) -> tuple[int, int] | None:
        """(1-based place of ``current`` among the cases shown, how many are shown)."""
        shown, pos = self._shown(current)
        return self.folder.position(current) if pos < 0 else (pos + 1, len(shown))

    def open(self, path: Path) -> bool:
        """Show the case of ``path`` (an image of the folder when not in the list)."""
        i = self.controller.cases.index_of(path)
        return self.controller.go(i) if i >= 0 else self.controller.win.open_image(path)
