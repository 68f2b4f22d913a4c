"""Scale: a long case list in the viewer, a long report. Run by hand:

    QT_QPA_PLATFORM=offscreen python benchmarks/scale.py [--rows 5000] [--cases 300]

1. The viewer opens a case list of ``--rows`` rows (a CSV naming real scans, each with a
   diagnosis) in a fresh window with the real-data model loaded. *Ready* is when the case
   browser lists every row and the first case is on screen; *first map* is when its first
   grid size is drawn. Target: a 5,000-row list ready in at most 5 s.
2. ``dida-view report`` writes a PDF of ``--cases`` real scans (the bundled Kermany
   samples, each made distinct by one pixel) in a child process, twice: computing every
   case, then with every result from the cache; then a third of the cases from the
   cache, so that flat memory shows as a ratio near 1. The child's peak resident memory
   comes from the kernel (``wait4``'s ``ru_maxrss``). Target: 300 cases in at most
   600 MB.

Both use a fresh result cache and fresh settings in a temporary folder.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
LIST_TARGET_S = 5.0
REPORT_TARGET_MB = 600.0


def real_scans() -> list[tuple[Path, str]]:
    """The bundled real scans and their diagnoses."""
    samples = ROOT / "resources" / "samples"
    out = []
    for p in sorted(samples.glob("00_kermany_*.jpeg")):
        side = json.loads(p.with_suffix(".json").read_text(encoding="utf-8"))
        out.append((p, side.get("diagnosis", "")))
    if not out:
        sys.exit("error: no bundled Kermany samples in resources/samples")
    return out


def write_cases(folder: Path, n: int) -> list[tuple[Path, str]]:
    """``n`` distinct real scans (a sample with one pixel changed) with their diagnoses."""
    folder.mkdir(parents=True, exist_ok=True)
    base = [(np.asarray(Image.open(p).convert("L")), dx) for p, dx in real_scans()]
    out = []
    for i in range(n):
        a, dx = base[i % len(base)]
        a = a.copy()
        a[0, 0] = i % 251
        a[0, 1] = i // 251 % 251
        p = folder / f"case_{i:05d}.png"
        Image.fromarray(a).save(p, compress_level=1)
        out.append((p, dx))
    return out


def case_list(rows: int, work: Path) -> tuple[float, float, float]:
    """(seconds until ready, until the first map, the browser's row count)."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from dida_view import paths
    from dida_view.gui.viewer.window import MainWindow

    distinct = min(rows, 200)  # the list has ``rows`` rows over this many files
    files = write_cases(work / "scans", distinct)
    listing = work / "cases.csv"
    with listing.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["path", "diagnosis"])
        for i in range(rows):
            p, dx = files[i % distinct]
            link = work / "scans" / f"row_{i:05d}.png"
            if i >= distinct:
                os.link(p, link)  # each row its own file, as in a real archive
            else:
                link = p
            w.writerow([link.name if link.parent == work else f"scans/{link.name}", dx])
    app = QApplication.instance() or QApplication([])
    win = MainWindow(settings=QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat))
    win.error_handler = lambda title, msg: print(f"error: {title}: {msg}", file=sys.stderr)
    win.resize(1600, 900)
    win.show()
    settled = {"done": False}
    win.settled.connect(lambda: settled.__setitem__("done", True))
    win.open_model(paths.bundled_model(paths.REAL_MODEL_NAME).path())
    while not settled["done"]:
        app.processEvents()
        time.sleep(0.005)
    first = work / "scans" / "case_00000.png"
    drawn = {"t": None}
    t0 = time.perf_counter()
    win.host.worker.grid_done.connect(
        lambda *_a: drawn["t"] is None and drawn.__setitem__("t", time.perf_counter() - t0))
    win.cases.open(listing)
    table = win.cases.browser.table
    ready = None
    while drawn["t"] is None and time.perf_counter() - t0 < 300:
        app.processEvents()
        if ready is None and table.rowCount() == rows and win.model.image_path == first:
            ready = time.perf_counter() - t0
        time.sleep(0.001)
    if ready is None:
        ready = time.perf_counter() - t0 if table.rowCount() == rows else float("inf")
    count = table.rowCount()
    win.close()
    return ready, drawn["t"] or float("inf"), count


def report_peak(folder: Path, out: Path, cache: Path) -> tuple[float, float]:
    """(peak resident MB, seconds) of ``dida-view report folder --out out``."""
    env = {**os.environ, "DIDA_VIEW_CACHE_DIR": str(cache), "QT_QPA_PLATFORM": "offscreen"}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "dida_view", "report", str(folder),
                             "--out", str(out)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    err = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"error: the report failed:\n{err}")
    return usage.ru_maxrss / 1024, seconds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=5000, help="rows of the case list")
    ap.add_argument("--cases", type=int, default=300, help="cases of the report")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} CPUs, {sys.platform}, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="dida-scale-") as tmp:
        work = Path(tmp)
        os.environ["DIDA_VIEW_CACHE_DIR"] = str(work / "cache-viewer")
        ready, first_map, count = case_list(args.rows, work / "list")
        verdict = "meets" if ready <= LIST_TARGET_S else "MISSES"
        print(f"case list: {count} rows ready in {ready:.2f} s, first map in {first_map:.2f} s"
              f" ({verdict} the target of {LIST_TARGET_S:g} s)")

        small = max(1, args.cases // 3)
        folder, cache = work / "report", work / "cache-report"
        cases = write_cases(folder, args.cases)
        mb, s = report_peak(folder, work / "computed.pdf", cache)
        size = (work / "computed.pdf").stat().st_size / 1e6
        print(f"report of {args.cases} cases, computing each: peak {mb:.0f} MB, {s:.0f} s, "
              f"PDF {size:.0f} MB")
        high, s = report_peak(folder, work / "cached.pdf", cache)
        print(f"report of {args.cases} cases from the cache: peak {high:.0f} MB, {s:.0f} s")
        fewer = work / "fewer"
        fewer.mkdir()
        for p, _dx in cases[:small]:
            os.link(p, fewer / p.name)
        low, s = report_peak(fewer, work / "fewer.pdf", cache)
        print(f"report of {small} cases from the cache: peak {low:.0f} MB, {s:.0f} s")
        peak = max(mb, high)
        verdict = "meets" if peak <= REPORT_TARGET_MB else "MISSES"
        print(f"report memory: peak {peak:.0f} MB for {args.cases} cases ({verdict} the "
              f"target of {REPORT_TARGET_MB:g} MB); {args.cases} / {small} cases from the "
              f"cache = {high / low:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
