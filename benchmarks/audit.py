"""Speed of ``dida-view audit`` on real scans: the local executor against a plain loop of
``dida-view analyze``, and Ray against the local executor, on the same machine, in one run.
Run by hand (``pip install '.[cluster]'`` for Ray):

    python benchmarks/audit.py                      # 100 real scans, 8 grids, 2 rounds
    python benchmarks/audit.py --scans 20 --rounds 1   # a quick look
    python benchmarks/audit.py --data /path/to/kermany-oct --no-ray

The scans: ``--scans`` real Spectralis B-scans of the Kermany 2018 set (``--data``, default
``../shared/kermany-oct`` beside the repository), the same number from each class folder
(the first by file name), with a case list whose diagnosis is the folder's class. The
model: ``models/oct_kermany.onnx``; the paper's 8 grids; ``--no-cache`` everywhere.

Each round times, as wall time, one after the other:

loop
    ``dida-view analyze SCAN --no-cache`` once per scan, each a new process: what a shell
    loop over ``analyze`` does today;
batch
    one ``dida-view analyze`` process over all the scans (for reference);
local
    ``dida-view audit LIST --no-cache`` (every core: one single-threaded worker each);
ray
    the same with ``--executor ray`` on a local Ray of this machine's cores, started once
    by this script before the round (as a cluster is started once, not per audit); its
    start-up is timed on its own.

Rounds alternate the order (loop, batch, local, ray, then the reverse), so that a change of
the machine's load falls on every method alike; the ratios are computed per round. Then the
audit is run again on its finished folder (every case skipped, no page), for all scans and
for one, and the page's pass over the stored results is timed: what the driver alone does
per scan (headers, ids, the score space, the summary, the mean maps), the part that does
not spread over nodes, without its start-up. From these the 100,000-scan
projection per node count is computed and printed, labelled as one. The load average is
printed with every timing.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "oct_kermany.onnx"
CLASSES = ("CNV", "DME", "DRUSEN", "NORMAL")
NODES = (1, 4, 16, 64, 256)
PROJECTED = 100_000


def load() -> str:
    return "load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def pick(data: Path, n: int) -> list[tuple[Path, str]]:
    """``n`` scans, the same number per class (the first by name), with their class."""
    per = -(-n // len(CLASSES))
    out = []
    for c in CLASSES:
        files = sorted((data / c).glob("*.jpeg"))[:per]
        out += [(f, c) for f in files]
    return out[:n]


def dida_view() -> list[str]:
    exe = shutil.which("dida-view", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "dida_view"]


def timed(label: str, fn) -> float:
    before = load()
    t0 = time.perf_counter()
    fn()
    took = time.perf_counter() - t0
    print(f"  {label:6s} {took:8.1f} s   ({before} before, {load()} after)", flush=True)
    return took


def run(cmd: list[str]) -> None:
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd[:3])} ...: {r.stderr.strip()[-500:]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "kermany-oct"))
    ap.add_argument("--scans", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--no-ray", action="store_true")
    ap.add_argument("--no-loop", action="store_true", help="leave out the loop (slow)")
    args = ap.parse_args()
    data = Path(args.data)
    if not all((data / c).is_dir() for c in CLASSES):
        sys.exit(f"{data}: not the Kermany OCT folder (CNV/, DME/, DRUSEN/, NORMAL/); give "
                 "--data: the benchmark needs real scans, which are not in the repository")
    ray = None
    if not args.no_ray:
        try:
            import ray
        except ImportError:
            sys.exit("Ray is not installed: pip install '.[cluster]', or give --no-ray")
    scans = pick(data, args.scans)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"{len(scans)} real scans from {data}, model {MODEL.name}, 8 grids, no cache; "
          f"{platform.processor() or platform.machine()}, {cores} cores, Python "
          f"{platform.python_version()}; {load()}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="dida-audit-bench-"))
    case_list = work / "cases.csv"
    with case_list.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["path", "diagnosis"])
        w.writerows([(str(p), c) for p, c in scans])
    base = dida_view()
    common = ["--model", str(MODEL), "--no-cache"]

    def loop(r):
        out = work / f"loop{r}"
        for p, _ in scans:
            run([*base, "analyze", str(p), *common, "--out", str(out)])

    def batch(r):
        run([*base, "analyze", *(str(p) for p, _ in scans), *common, "--out",
             str(work / f"batch{r}")])

    def audit(r, executor):
        extra = ["--executor", "ray", "--ray-address", "auto"] if executor == "ray" else []
        run([*base, "audit", str(case_list), *common, "--out", str(work / f"{executor}{r}"),
             *extra])

    methods = {"batch": batch, "local": lambda r: audit(r, "local")}
    if not args.no_loop:
        methods = {"loop": loop, **methods}
    if ray is not None:
        methods["ray"] = lambda r: audit(r, "ray")
    results: list[dict[str, float]] = []
    try:
        if ray is not None:
            t0 = time.perf_counter()
            ray_head(cores)
            print(f"Ray start-up (a local head of {cores} CPUs): "
                  f"{time.perf_counter() - t0:.1f} s", flush=True)
        for r in range(args.rounds):
            order = list(methods) if r % 2 == 0 else list(reversed(methods))
            print(f"round {r + 1}: {', '.join(order)}", flush=True)
            results.append({m: timed(m, lambda m=m, r=r: methods[m](r)) for m in order})
        # the driver alone: every case skipped, all of them and one (no page), and the
        # page's one pass over every stored result (the mean Mixed Images)
        again = [*base, "audit", str(case_list), *common, "--out", str(work / "local0"),
                 "--no-html"]
        rerun = timed("rerun", lambda: run(again))
        rerun_one = timed("rerun1", lambda: run([*again, "--limit", "1"]))
        means = timed("means", lambda: mean_maps(work / "local0"))
    finally:
        if ray is not None:
            subprocess.run([ray_cli(), "stop", "--force"], capture_output=True)
    report(results, rerun, rerun_one, means, len(scans), cores, work)
    shutil.rmtree(work, ignore_errors=True)


def ray_cli() -> str:
    return shutil.which("ray", path=str(Path(sys.executable).parent)) or "ray"


def ray_head(cores: int) -> None:
    """A local Ray head that the audits join with ``--ray-address auto``."""
    r = subprocess.run([ray_cli(), "start", "--head", f"--num-cpus={cores}",
                        "--include-dashboard=false", "--disable-usage-stats"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"cannot start Ray: {r.stderr.strip()[-400:]}")


def mean_maps(out: Path) -> None:
    """What audit.html does with every stored result: read it, add it to the means."""
    from dida_view.audit.results import MeanMaps, read_result

    means = MeanMaps()
    for f in sorted((out / "results").glob("*/*.npz")):
        found = read_result(f.parent, f.stem)
        if found is not None:
            means.add(*found)


def report(results, rerun: float, rerun_one: float, means: float, n: int, cores: int,
           work: Path) -> None:
    print("\nper round (seconds; ratios within the round):")
    for i, res in enumerate(results, 1):
        ratios = []
        if "loop" in res:
            ratios.append(f"local vs loop {res['loop'] / res['local']:.2f}x")
        ratios.append(f"local vs batch {res['batch'] / res['local']:.2f}x")
        if "ray" in res:
            ratios.append(f"Ray overhead {100 * (res['ray'] / res['local'] - 1):+.1f} %")
        print(f"  round {i}: " + ", ".join(f"{k} {v:.1f}" for k, v in res.items()) +
              " -> " + "; ".join(ratios))
    mean = {k: sum(r[k] for r in results) / len(results) for k in results[0]}
    ledger = work / "local0" / "cases.jsonl"
    seconds = [json.loads(x)["seconds"] for x in ledger.read_text().splitlines()]
    per_node = mean.get("ray", mean["local"]) / n
    # per scan, start-up left out: headers, ids, the ledger, the summary, the mean maps
    driver = max(0.0, rerun - rerun_one) / max(1, n - 1) + means / n
    print("\nmean per scan: " + ", ".join(f"{k} {v / n:.3f} s" for k, v in mean.items()))
    print(f"one analysis in a worker (cases.jsonl 'seconds'): median "
          f"{sorted(seconds)[len(seconds) // 2]:.2f} s on 1 thread")
    print(f"the driver alone (a rerun, every case skipped, no page): {rerun:.1f} s, of "
          f"which {rerun_one:.1f} s start-up (a rerun of one case); the page's pass over the "
          f"results {means:.1f} s: {driver:.3f} s per scan")
    print(f"\nPROJECTION (not measured) for {PROJECTED:,} scans on nodes like this one "
          f"({cores} cores each): {PROJECTED:,} x ({per_node:.3f} s / nodes + {driver:.3f} s "
          "driver)")
    for nodes in NODES:
        hours = PROJECTED * (per_node / nodes + driver) / 3600
        print(f"  {nodes:4d} node{'s' if nodes > 1 else ' '}: {hours:7.1f} h")


if __name__ == "__main__":
    main()
