"""The case list and teaching mode together, and a look-ahead run that becomes the
current case's while it runs."""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QAbstractItemView, QPlainTextEdit, QTextEdit, QWidget
from test_cases_browser import GRIDS, cases_window, wait_idle, write_cases
from test_teaching import visible_texts

from dida_view.session.caselist import DISAGREE


def every_visible_text(win) -> list[str]:
    """:func:`visible_texts` and also the cells of visible tables and the text editors."""
    texts = visible_texts(win)
    for w in win.findChildren(QWidget):
        if not w.isVisible():
            continue
        if isinstance(w, (QPlainTextEdit, QTextEdit)):
            texts.append(w.toPlainText())
        elif isinstance(w, QAbstractItemView) and w.model() is not None:
            m = w.model()
            texts += [str(m.data(m.index(r, c)) or "") for r in range(m.rowCount())
                      for c in range(m.columnCount())]
    return [t for t in texts if t]


def test_teaching_mode_steps_through_the_open_case_list(make_window, qtbot, model_path,
                                                         tmp_path):
    paths = write_cases(tmp_path / "cases", 5)
    (tmp_path / "cases" / "zz_not_listed.png").write_bytes(paths[0].read_bytes())
    lst = tmp_path / "list.csv"
    lst.write_text("path\n" + "\n".join(str(paths[i]) for i in (3, 1, 4)) + "\n")
    win = cases_window(make_window, qtbot, model_path)
    assert win.cases.open(lst)
    wait_idle(qtbot, win)
    win.teaching.set_active(True, full_screen=False)
    assert "Case 1 of 3" in win.teaching.banner.text()  # the list's count, not the folder's
    win.actions_.teach_next.trigger()
    assert win.model.image_path == paths[1] and win.cases.cases.current == 1  # list order
    assert "Case 2 of 3" in win.teaching.banner.text()
    win.actions_.teach_next.trigger()
    win.actions_.teach_next.trigger()  # the end of the list: stays
    assert win.model.image_path == paths[4]
    win.actions_.teach_previous.trigger()
    assert win.model.image_path == paths[1]
    wait_idle(qtbot, win)
    win.open_image(tmp_path / "cases" / "zz_not_listed.png")  # not in the list: its folder
    assert "Case 6 of 6" in win.teaching.banner.text()
    win.actions_.teach_previous.trigger()
    assert win.model.image_path == paths[4]
    wait_idle(qtbot, win)
    win.teaching.set_active(False)
    # Ctrl+] is still the case list's next (teaching's Right/Space are a separate action)
    win.actions_.next_case.trigger()
    assert win.model.image_path == paths[4]
    wait_idle(qtbot, win)


def test_teaching_mode_hides_the_case_dock_and_the_reading(
        make_window, qtbot, model_path, tmp_path):
    write_cases(tmp_path / "cases", 3, {0: "Papilloedema", 1: "Papilloedema"})
    win = cases_window(make_window, qtbot, model_path)
    assert win.cases.open(tmp_path / "cases")
    wait_idle(qtbot, win)
    win.cases.browser.editor.setFocus()
    top = win.cases.cases.cases[0].top
    assert win.cases.dock.isVisible()
    texts = " ".join(every_visible_text(win))
    assert "Papilloedema" in texts and top in texts  # the dock shows the answer
    win.teaching.set_active(True, full_screen=False)
    texts = " ".join(every_visible_text(win))
    assert not win.cases.dock.isVisible()
    assert "Papilloedema" not in texts and top not in texts
    win.actions_.reveal.trigger()  # the answer is in the banner; the panels do not move
    assert not win.cases.dock.isVisible() and "Papilloedema" in win.teaching.banner.text()
    win.actions_.teach_next.trigger()  # a new case: hidden again
    assert not win.cases.dock.isVisible()
    texts = " ".join(every_visible_text(win))
    assert "Papilloedema" not in texts and win.cases.cases.cases[1].top not in texts
    wait_idle(qtbot, win)
    assert win.cases.open(tmp_path / "cases")  # opening a list in teaching mode
    assert not win.cases.dock.isVisible()
    wait_idle(qtbot, win)
    win.teaching.set_active(False)
    assert win.cases.dock.isVisible()  # given back as it was


def test_moving_to_a_case_whose_look_ahead_run_is_going_shows_its_grids_so_far(
        make_window, qtbot, model_path, tmp_path):
    """The window takes over the running look-ahead run: the grids it has done are shown
    at once (not an empty panel until it finishes), the rest fill in."""
    write_cases(tmp_path / "cases", 4)
    win = cases_window(make_window, qtbot, model_path)
    q = win.cases.queue
    seen = []

    class OnGrid(QObject):  # a receiver in the GUI thread: the slot runs there
        @Slot(int, int, object)
        def grid(self, job, n, _d):
            if not seen and job in [j.id for j in q.look_ahead()] and q.runs.get(job) == 1:
                win.cases.go(1)  # while case 1's run is going (a grid done, more to come)
                res = win.model.result
                seen.append((win.run_id == job, n, None if res is None else sorted(res.d)))

    catcher = OnGrid(win)
    win.host.worker.grid_done.connect(catcher.grid)
    assert win.cases.open(tmp_path / "cases")
    qtbot.waitUntil(lambda: bool(seen), timeout=15000)
    adopted, n, shown = seen[0]
    assert adopted and shown is not None and n in shown
    assert n == GRIDS[0]  # coarse first
    wait_idle(qtbot, win)
    assert sorted(win.model.result.d) == list(GRIDS)
    assert win.cases.cases.current == 1
    win.cases.set_filter(DISAGREE)  # (the filter does not disturb the shown case)
    assert win.model.image_path.name == "case001.png"
