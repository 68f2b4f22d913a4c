"""The case browser: opening lists, the table, filters, keys, the look-ahead queue, fast
switching."""

from __future__ import annotations

import json

import numpy as np
from guitools import SlowClassifier, scan_array, wait_done, wait_model
from PIL import Image
from PySide6.QtCore import Qt

from dida_view.gui import app
from dida_view.method.analysis import Settings, analyze
from dida_view.model.onnx import OnnxClassifier
from dida_view.render import figure
from dida_view.session.caselist import ANALYSED, DISAGREE, NEW, UNREAD

GRIDS = (2, 3)


def write_cases(folder, n, diagnoses=None):
    """``n`` small scans, each a little brighter than the last, so no two score alike."""
    folder.mkdir(exist_ok=True)
    paths = []
    for i in range(n):
        img = scan_array(48, 64, seed=i).astype(int) + 3 * i
        p = folder / f"case{i:03d}.png"
        Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).save(p)
        if diagnoses and diagnoses.get(i):
            p.with_suffix(".json").write_text(json.dumps({"diagnosis": diagnoses[i]}))
        paths.append(p)
    return paths


def cases_window(make_window, qtbot, model_path):
    win = make_window(size=(1200, 700), grids=GRIDS)
    win.open_model(model_path)
    wait_model(qtbot, win)
    return win


def wait_idle(qtbot, win, timeout=15000):
    qtbot.waitUntil(lambda: win.cases.queue.idle() and not win.busy()
                    and win.model.result is not None and win.model.result.complete,
                    timeout=timeout)


def test_a_folder_opens_in_the_browser_and_the_queue_runs_current_first(
        make_window, qtbot, model_path, tmp_path):
    paths = write_cases(tmp_path / "cases", 8, {0: "Normal", 2: "AMD"})
    win = cases_window(make_window, qtbot, model_path)
    order = []
    q = win.cases.queue
    win.host.worker.started.connect(lambda job, _p: order.append(q.runs.get(job)))
    assert win.cases.open(tmp_path / "cases")
    wait_idle(qtbot, win)
    assert order == [0, 1, 2, 3, 4, 5]  # the current case, then the next five
    cl = win.cases.cases
    assert [c.state for c in cl.cases] == [ANALYSED] * 6 + [NEW] * 2
    assert win.cases.dock.isVisible() and win.cases.browser.table.rowCount() == 8
    assert win.model.image_path == paths[0]
    assert cl.cases[0].top and cl.cases[0].score and cl.cases[0].diagnosis == "Normal"
    assert cl.cases[0].agree == (cl.cases[0].top == "Normal")
    table = win.cases.browser.table
    for r in range(8):  # the rows shown ask for their thumbnails, made on the worker thread
        table.data(table.index(r, 0), Qt.ItemDataRole.DecorationRole)
    qtbot.waitUntil(lambda: len(q.thumbs) == 8)
    assert table.data(table.index(0, 0), Qt.ItemDataRole.DecorationRole) is not None
    assert table.data(table.index(2, 2)) == "AMD"
    assert table.data(table.index(1, 4)) == "analysed"
    assert win.errors == []
    # Ctrl+] and Ctrl+[ move; going forward to a look-ahead case, and back, is instant
    hits = win.host.worker.cache.hits
    qtbot.keyClick(win, Qt.Key.Key_BracketRight, Qt.KeyboardModifier.ControlModifier)
    assert win.cases.cases.current == 1 and win.model.image_path == paths[1]
    wait_idle(qtbot, win)
    assert win.model.result.from_cache
    qtbot.keyClick(win, Qt.Key.Key_BracketLeft, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, win)
    assert win.model.image_path == paths[0] and win.model.result.from_cache
    assert win.host.worker.cache.hits >= hits + 2
    assert [c.state for c in cl.cases] == [ANALYSED] * 8  # moving on queued the rest


def test_filters_show_disagreements_unread_and_one_class(make_window, qtbot, model_path,
                                                        tmp_path):
    write_cases(tmp_path / "cases", 6, {0: "Normal", 1: "ERM", 2: "ERM"})
    win = cases_window(make_window, qtbot, model_path)
    win.cases.queue.ahead = 10
    win.cases.open(tmp_path / "cases")
    wait_idle(qtbot, win)
    cl, b = win.cases.cases, win.cases.browser
    differ = [i for i, c in enumerate(cl.cases) if c.agree is False]

    def choose(data):
        at = b.filter.findData(data)
        assert at >= 0, data
        b.filter.setCurrentIndex(at)
        b.filter.activated.emit(at)
        return [b.table.rows[r] for r in range(b.table.rowCount())]

    b.fill_filters()
    assert choose(DISAGREE) == differ
    assert choose(UNREAD) == [3, 4, 5]
    assert choose("ERM") == sorted({1, 2} | {i for i, c in enumerate(cl.cases)
                                             if c.top == "ERM"})
    choose(UNREAD)
    win.cases.go(3)
    win.actions_.next_case.trigger()
    assert cl.current == 4
    win.actions_.next_case.trigger()
    win.actions_.next_case.trigger()
    assert cl.current == 5  # the last shown case stays
    win.actions_.prev_case.trigger()
    assert cl.current == 4
    wait_idle(qtbot, win)


def test_cancel_queue_stops_the_look_ahead_but_not_the_current_case(
        make_window, qtbot, model_path, tmp_path):
    write_cases(tmp_path / "cases", 6)
    win = make_window(grids=(2, 3, 5, 7))
    win.set_classifier(SlowClassifier(OnnxClassifier(model_path), 0.01))
    started = []
    q = win.cases.queue
    win.host.worker.started.connect(lambda job, _p: started.append(q.runs.get(job)))
    win.cases.open(tmp_path / "cases")
    qtbot.waitUntil(lambda: q.pending() == 5)
    assert [c.state for c in win.cases.cases.cases[1:]] == ["queued"] * 5
    win.actions_.cancel_queue.trigger()
    wait_done(qtbot, win)
    qtbot.waitUntil(q.idle)
    qtbot.wait(50)
    assert started[0] == 0 and len(started) <= 2  # at most one look-ahead had begun
    assert all(c.state in (NEW, ANALYSED) for c in win.cases.cases.cases)
    assert win.model.result.complete and win.errors == []


def test_fast_switching_never_shows_a_stale_result(make_window, qtbot, model_path, tmp_path):
    paths = write_cases(tmp_path / "cases", 20)
    clf = OnnxClassifier(model_path)
    settings = Settings(grid_sizes=GRIDS, batch_size=4)
    expected = {p: analyze(clf, np.asarray(Image.open(p)), settings).scores for p in paths}
    win = cases_window(make_window, qtbot, model_path)
    win.cases.open(tmp_path / "cases")
    stale = []

    def check(result):
        if result is not None and not np.allclose(result.scores,
                                                  expected[win.model.image_path]):
            stale.append(win.model.image_path.name)

    win.model.events.result.connect(check)
    rng = np.random.default_rng(0)
    for k in range(100):  # forward, back and jumps; the event loop runs now and then
        i = int(rng.integers(0, 20)) if k % 3 == 0 else (k * 7) % 20
        win.cases.go(i)
        if k % 4 == 0:
            qtbot.wait(1)
    last = paths[i]
    assert win.model.image_path == last
    wait_idle(qtbot, win)
    assert stale == []
    assert np.allclose(win.model.result.scores, expected[last])
    res = win.model.result
    assert last.name in win.area.panels[0].header
    assert win.area.panels[1].caption == figure.class_title(res, res.top(1)[0])
    assert win.cases.cases.cases[i].state == ANALYSED
    assert win.errors == []
    # the no_thread_left fixture checks that closing leaves no worker thread running


def test_a_case_list_with_bad_rows_loads_the_rest_and_lists_them(make_window, qtbot,
                                                                model_path, tmp_path):
    write_cases(tmp_path, 2)
    (tmp_path / "list.csv").write_text("path,diagnosis\ncase000.png,AMD\nnope.png,x\n"
                                       "case001.png,\n")
    win = cases_window(make_window, qtbot, model_path)
    assert win.cases.open(tmp_path / "list.csv")
    assert win.errors == ["list.csv, line 3: nope.png: no such file"]
    assert len(win.cases.cases) == 2 and win.cases.cases.cases[0].diagnosis == "AMD"
    assert win.model.diagnosis == "AMD"  # the list's diagnosis, until the user edits it
    assert not (tmp_path / "case000.json").exists()  # adopting it writes nothing
    assert not win.cases.open(tmp_path / "missing.json")
    assert "no such file" in win.errors[-1]
    wait_idle(qtbot, win)


def test_dida_view_folder_opens_the_browser(model_path, tmp_path, capsys, monkeypatch):
    write_cases(tmp_path / "cases", 3)
    out = tmp_path / "shot.png"
    rc = app.main([str(tmp_path / "cases"), "--model", str(model_path), "--screenshot",
                   str(out), "--size", "1000x600"])
    assert rc == 0, capsys.readouterr().err
    assert Image.open(out).size == (1000, 600)


def test_the_queue_line_is_up_to_date_once_the_queue_drains(make_window, qtbot, model_path,
                                                            tmp_path):
    write_cases(tmp_path / "cases", 4)
    win = cases_window(make_window, qtbot, model_path)
    with qtbot.waitSignal(win.cases.queue.drained, timeout=10000):
        win.cases.open(tmp_path / "cases")
    line = win.cases.browser.queue_line.text()  # no wait: a screenshot is taken now
    assert line == "4 cases · 4 analysed · 0 read", line
    assert not win.cases.browser.cancel.isEnabled()
    wait_idle(qtbot, win)


def test_new_settings_analyse_the_cases_again_but_new_weights_do_not(
        make_window, qtbot, model_path, tmp_path):
    write_cases(tmp_path / "cases", 3)
    win = cases_window(make_window, qtbot, model_path)
    win.cases.open(tmp_path / "cases")
    wait_idle(qtbot, win)
    cl = win.cases.cases
    assert [c.state for c in cl.cases] == [ANALYSED] * 3
    win.set_analysis_settings(Settings(grid_sizes=GRIDS, batch_size=4, weights=(1.0, 3.0)))
    assert [c.state for c in cl.cases] == [ANALYSED] * 3
    started = []
    win.host.worker.started.connect(lambda job, _p: started.append(win.cases.queue.runs.get(job)))
    win.set_analysis_settings(Settings(grid_sizes=(2, 4), batch_size=4))
    wait_idle(qtbot, win)
    assert started == [0, 1, 2] and [c.state for c in cl.cases] == [ANALYSED] * 3


def test_moving_to_a_case_analysed_ahead_carries_on_with_that_run(
        make_window, qtbot, model_path, tmp_path):
    paths = write_cases(tmp_path / "cases", 4)
    win = make_window(grids=(2, 3, 5, 7))
    win.set_classifier(SlowClassifier(OnnxClassifier(model_path), 0.01))
    q = win.cases.queue
    started = []
    win.host.worker.started.connect(lambda job, _p: started.append((job, q.runs.get(job))))
    win.cases.open(tmp_path / "cases")
    qtbot.waitUntil(lambda: len(started) == 2, timeout=10000)  # case 1's look-ahead began
    job = started[1][0]
    assert started[1][1] == 1 and win.model.result.complete
    win.actions_.next_case.trigger()
    assert win.run_id == job and win.busy()  # the window shows that run, not a new one
    wait_idle(qtbot, win)
    assert win.model.image_path == paths[1] and not win.model.result.from_cache
    assert [c for _j, c in started] == [0, 1, 2, 3]  # each case analysed once, in order
    assert win.errors == []
