"""Run lifecycle: progressive grids, cancel, a new image mid-run, closing mid-run."""

from __future__ import annotations

import numpy as np
from guitools import SlowClassifier, wait_done, write_scan

from dida_view.gui.worker import live_threads
from dida_view.method.analysis import Settings
from dida_view.model.onnx import OnnxClassifier

SLOW_GRIDS = (2, 3, 5, 7, 9, 11)  # 289 cells, batches of 4, 30 ms each: ~2 s


def slow_window(make_window, model_path, delay=0.03):
    win = make_window(grids=SLOW_GRIDS)
    win.set_classifier(SlowClassifier(OnnxClassifier(model_path), delay))
    return win


def test_grids_arrive_coarse_first_and_cancel_keeps_them(make_window, qtbot, model_path,
                                                          scan_path):
    win = slow_window(make_window, model_path)
    seen = []
    win.host.worker.grid_done.connect(lambda run, n, d: seen.append(n))
    win.open_image(scan_path)
    qtbot.waitUntil(lambda: win.model.result is not None and 3 in win.model.result.d, timeout=10000)
    assert win.status.bar.isVisible() and "grid sizes" in win.status.text.text()
    assert "ETA" in win.status.text.text()
    assert all(p.has_picture() for p in win.area.panels)  # partial maps already shown
    with qtbot.waitSignal(win.settled, timeout=5000):
        win.actions_.cancel.trigger()
    assert not win.busy() and not win.model.result.complete
    assert seen == sorted(seen) and seen[:2] == [2, 3]
    assert "Cancelled" in win.status.text.text() and not win.status.bar.isVisible()
    assert win.errors == []
    assert all(p.has_picture() for p in win.area.panels)


def test_new_image_mid_run_shows_only_the_new_result(make_window, qtbot, model_path,
                                                     scan_path, tmp_path):
    win = slow_window(make_window, model_path)
    win.open_image(scan_path)
    qtbot.waitUntil(lambda: win.model.result is not None and 2 in win.model.result.d, timeout=10000)
    old_run = win.run_id
    shown_runs = []
    win.host.worker.grid_done.connect(lambda run, n, d: shown_runs.append(run))
    other = write_scan(tmp_path / "other.png", height=64, width=64, seed=3)
    win.open_image(other)
    new_run = win.run_id
    assert new_run != old_run and win.model.result is None
    win.model.classifier.delay = 0.0
    wait_done(qtbot, win)
    assert win.model.result.meta["original_size"] == (64, 64)
    assert win.presenter.cache.result is win.model.result
    # a late signal from the old run is dropped, whatever it carries
    before = win.model.result
    win.host.worker.finished.emit(old_run, "stale")
    win.host.worker.grid_done.emit(old_run, 2, np.zeros((4, 2, 2), np.float32))
    qtbot.wait(20)
    assert win.model.result is before and win.model.result.meta["original_size"] == (64, 64)
    assert set(shown_runs) <= {old_run, new_run}


def test_closing_mid_run_stops_the_worker(make_window, qtbot, model_path, scan_path):
    win = slow_window(make_window, model_path, delay=0.05)
    win.open_image(scan_path)
    qtbot.waitUntil(lambda: win.model.result is not None and bool(win.model.result.d),
                    timeout=10000)
    assert win.busy()
    thread = win.host.thread
    win.close()
    assert not thread.isRunning()
    assert not any(t.isRunning() for t in live_threads())


def test_new_settings_mid_run_restart(make_window, qtbot, model_path, scan_path):
    win = slow_window(make_window, model_path)
    win.open_image(scan_path)
    qtbot.waitUntil(lambda: win.model.result is not None and bool(win.model.result.d),
                    timeout=10000)
    first = win.run_id
    win.model.classifier.delay = 0.0
    win.set_analysis_settings(Settings(grid_sizes=(2, 4), batch_size=4))
    assert win.run_id != first
    wait_done(qtbot, win)
    assert win.model.result.grid_sizes == (2, 4) and sorted(win.model.result.d) == [2, 4]


def test_progressive_pictures_are_made_off_the_gui_thread(make_window, qtbot, model_path,
                                                          scan_path, monkeypatch):
    import threading

    win = slow_window(make_window, model_path)
    threads = []
    real = win.presenter.cache.prerender

    def spy(requests, generation):
        threads.append(threading.current_thread().name)
        return real(requests, generation)

    monkeypatch.setattr(win.presenter.cache, "prerender", spy)
    win.open_image(scan_path)
    qtbot.waitUntil(lambda: len(threads) >= 2, timeout=10000)
    assert all(name.startswith("dida-render") for name in threads)
    assert threading.current_thread().name not in threads
    wait_done(qtbot, win)
    assert all(p.has_picture() for p in win.area.panels)
    win.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("dida-render")]
