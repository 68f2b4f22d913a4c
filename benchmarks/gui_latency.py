"""How long the viewer's event loop is blocked during an analysis. Run by hand:

    QT_QPA_PLATFORM=offscreen python benchmarks/gui_latency.py [--model M.onnx] [IMAGE]

It opens the main window on the demo model and a sample, starts a full 8-grid analysis
(result cache off) and, while it runs, a 5 ms timer on the GUI thread records how late each
tick fires; the mouse square is moved across a panel every tick, as a user would. The
largest lateness is the longest the GUI was unresponsive. It measures onnxruntime with
spinning threads on and off, and with one core left to the GUI. Target: never more than
50 ms.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def measure(window, app, model: Path, image: Path, options: dict, verbose: bool) -> dict:
    from PySide6.QtCore import QElapsedTimer, QPointF, QTimer

    events: list[tuple[float, str]] = []

    loaded = {"done": False}
    window.settled.connect(lambda: loaded.__setitem__("done", True))
    window.open_model(model, options)
    while not loaded["done"]:
        app.processEvents()
        time.sleep(0.005)
    # each measurement has a new window, so a new worker that tunes the batch size afresh
    threads = window.model.classifier.session.get_session_options().intra_op_num_threads
    late: list[float] = []
    clock = QElapsedTimer()
    state = {"last": None, "i": 0, "done": False}

    def tick():
        now = clock.elapsed()
        if state["last"] is not None:
            late.append(now - state["last"] - 5)
            if late[-1] > 50:
                events.append((now, f"stall {late[-1]:.0f} ms"))
        state["last"] = now
        state["i"] += 1
        h, w = window.model.image.shape[:2]
        window.cursor.propose(QPointF((state["i"] * 7) % w, h / 2))

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    window.settled.connect(lambda: state.__setitem__("done", True))
    window.host.worker.grid_done.connect(
        lambda _r, n, _d: events.append((clock.elapsed(), f"grid {n} done")))
    t0 = time.perf_counter()
    clock.start()
    timer.start()
    window.open_image(image)
    while not state["done"]:
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    seconds = time.perf_counter() - t0
    if verbose:
        for t, what in sorted(events):
            print(f"  {t / 1000:7.3f} s  {what}", file=sys.stderr)
    late.sort()
    return {"options": options, "threads": threads, "seconds": seconds, "ticks": len(late),
            "max_ms": late[-1], "p99_ms": late[int(0.99 * (len(late) - 1))],
            "over_50": sum(v > 50 for v in late)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("image", nargs="?")
    ap.add_argument("--model")
    ap.add_argument("--verbose", action="store_true", help="list the stalls and grid events")
    args = ap.parse_args()
    from PySide6.QtWidgets import QApplication

    from dida_view import paths
    from dida_view.gui.viewer.window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    model = Path(args.model) if args.model else paths.demo_model_path()
    image = Path(args.image) if args.image else paths.sample_images()[0]
    print(f"# event-loop lateness during one analysis, {time.strftime('%Y-%m-%d')}, "
          f"{os.cpu_count()} cores; model {model.name}, image {image.name}")
    print("| onnxruntime session | threads | analysis s | ticks | max lateness | p99 "
          "| ticks > 50 ms |")
    print("|---|---|---|---|---|---|---|")
    # Each set-up names both session settings, so the worker uses them as given
    # (gui/worker.py, session_options) and the label is what runs; the table's threads
    # column is read back from the open session.
    cores = os.cpu_count() or 1
    configs = [("spinning, all cores", {"spinning": True, "threads": cores}),
               ("no spinning, all cores", {"spinning": False, "threads": cores}),
               ("no spinning, one core left to the GUI (the viewer's)",
                {"spinning": False, "threads": max(1, cores - 1)})]
    for name, options in configs:
        with tempfile.TemporaryDirectory() as tmp:
            from PySide6.QtCore import QSettings

            store = QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat)
            os.environ["DIDA_VIEW_CACHE_DIR"] = str(Path(tmp) / "cache")  # no cached result
            window = MainWindow(store)
            window.resize(1400, 700)
            window.show()
            r = measure(window, app, model, image, options, args.verbose)
            window.close()
            app.processEvents()
        print(f"| {name} | {r['threads']} | {r['seconds']:.1f} | {r['ticks']} | "
              f"{r['max_ms']:.0f} ms | {r['p99_ms']:.0f} ms | {r['over_50']} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
