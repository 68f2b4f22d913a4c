"""Speed of DiDA on this machine: our engine against a naive loop, Captum and the runtime's
ceiling, all in one run on the same image. Run by hand (`pip install '.[bench]'`):

    python benchmarks/speed.py              # EfficientNet-B0 shape (33 classes) + demo model
    python benchmarks/speed.py --quick      # fewer evaluations, a smoke test

(a) naive: one masked image per ``session.run``;
(b) engine: ``dida_view.core.analysis.analyze`` with its defaults (batch size chosen by
    measurement during the run), in a fresh process so that its peak RSS is its own;
(c) Captum ``Occlusion`` on the same network in PyTorch, ``perturbations_per_eval`` tuned
    (EfficientNet only: the demo model exists as ONNX only);
(d) ceiling: plain ``session.run`` throughput on ready-made batches, best batch size.
It prints evaluations/s, seconds for the 8-grid analysis (1,736 evaluations), time to the
first (7 x 7) grid image, peak RSS, and the ratios b/a, b/c, b/d.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from dida_view import paths  # noqa: E402
from dida_view.core.dida import DEFAULT_GRID_SIZES, cell_edges, count_cells  # noqa: E402
from dida_view.core.model import OnnxClassifier  # noqa: E402
from dida_view.core.preprocess import prepare  # noqa: E402

TOTAL = count_cells(DEFAULT_GRID_SIZES)  # 1,736


def test_image() -> np.ndarray:
    try:
        from dida_view import synthetic

        return synthetic.generate_scan("CME", 1).image
    except Exception:  # the generator is optional here
        rng = np.random.default_rng(0)
        return rng.integers(0, 255, (496, 512), dtype=np.uint8)


def masked_cells(pixels, box, limit):
    """The first ``limit`` masked images in the engine's order (black fill)."""
    for n in DEFAULT_GRID_SIZES:
        ys = cell_edges(box.height, n) + box.y0
        xs = cell_edges(box.width, n) + box.x0
        for i in range(n):
            for j in range(n):
                if limit <= 0:
                    return
                m = pixels.copy()
                m[ys[i]:ys[i + 1], xs[j]:xs[j + 1]] = 0
                limit -= 1
                yield m


def naive(model: Path, image, count: int) -> float:
    clf = OnnxClassifier(model, device="cpu")
    prep = prepare(image, clf.preprocessing, clf.input_size, clf.channels)
    clf.raw(prep.pixels[None])
    t0 = time.perf_counter()
    n = 0
    for m in masked_cells(prep.pixels, prep.box, count):
        x = clf.to_model_input(m[None])
        clf.session.run(None, {clf.input_name: x})
        n += 1
    return n / (time.perf_counter() - t0)


def ceiling(model: Path, seconds: float) -> tuple[float, int, dict]:
    clf = OnnxClassifier(model, device="cpu")
    rates = {}
    for b in (1, 2, 4, 8, 16, 32):
        x = np.random.default_rng(0).random((b, *clf.to_model_input(
            np.zeros((1, *clf.input_size, clf.channels), np.float32)).shape[1:]),
            dtype=np.float32)
        clf.session.run(None, {clf.input_name: x})
        t0 = time.perf_counter()
        n = 0
        while time.perf_counter() - t0 < seconds:
            clf.session.run(None, {clf.input_name: x})
            n += b
        rates[b] = n / (time.perf_counter() - t0)
    best = max(rates, key=rates.get)
    return rates[best], best, rates


def session_options(model: Path, batch: int, seconds: float) -> dict:
    """Plain session.run throughput at ``batch`` for the session set-ups we weighed:
    one session with spinning threads (the CLI), one without (the viewer), and two
    sessions of one thread each running side by side in two threads."""
    import threading

    out = {}
    for name, kw in (("1 session, spinning", {"spinning": True}),
                     ("1 session, no spinning", {"spinning": False})):
        clf = OnnxClassifier(model, device="cpu", **kw)
        x = clf.to_model_input(np.zeros((batch, *clf.input_size, clf.channels), np.float32))
        clf.session.run(None, {clf.input_name: x})
        t0, n = time.perf_counter(), 0
        while time.perf_counter() - t0 < seconds:
            clf.session.run(None, {clf.input_name: x})
            n += batch
        out[name] = n / (time.perf_counter() - t0)
    clfs = [OnnxClassifier(model, device="cpu", threads=1) for _ in range(2)]
    counts = [0, 0]

    def loop(i):
        c = clfs[i]
        x = c.to_model_input(np.zeros((batch, *c.input_size, c.channels), np.float32))
        c.session.run(None, {c.input_name: x})
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            c.session.run(None, {c.input_name: x})
            counts[i] += batch

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(2)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out["2 sessions x 1 thread"] = sum(counts) / (time.perf_counter() - t0)
    return out


def peak_rss_mib() -> float:
    """This process's peak resident memory. VmHWM, not getrusage's ru_maxrss: on Linux
    ru_maxrss survives fork + exec, so a child would report its parent's peak (here the
    parent holds PyTorch)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def engine_child(model: str, image_path: str) -> None:
    """Runs in a fresh process: one analysis with the defaults, then prints JSON."""
    from dida_view.core.analysis import Settings, analyze
    from dida_view.core.batching import BatchTuner

    image = np.load(image_path)
    clf = OnnxClassifier(model, device="cpu")
    t0 = time.perf_counter()
    first = {}

    def on_grid(n, d):
        first.setdefault("t", time.perf_counter() - t0)

    tuner = BatchTuner()  # kept by the caller: the second run uses the size it found
    paper = Settings(score_space="logit", grid_geometry="content")  # all 1,736 cells
    res = analyze(clf, image, paper, on_grid=on_grid, tuner=tuner)
    total = time.perf_counter() - t0
    t1 = time.perf_counter()
    res2 = analyze(clf, image, paper, tuner=tuner)  # tuned, warm
    again = time.perf_counter() - t1
    rss = peak_rss_mib()
    print(json.dumps({"seconds": total, "evaluations": res.evaluations, "first_grid": first["t"],
                      "batch": res.meta["batch_size"], "seconds_again": again,
                      "evaluations_again": res2.evaluations, "rss_mib": rss}))


def engine(model: Path, image) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "image.npy"
        np.save(p, image)
        out = subprocess.run([sys.executable, __file__, "--engine-child", str(model), str(p)],
                             check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def captum_rate(torch_model, image, count: int) -> tuple[float, int]:
    import torch
    from captum.attr import Occlusion

    torch.set_num_threads(os.cpu_count() or 1)
    x = torch.from_numpy(np.repeat(image[None, None], 3, 1).astype(np.float32) / 255)
    x = torch.nn.functional.interpolate(x, size=(224, 224), mode="bilinear")
    occ = Occlusion(torch_model)
    best = (0.0, 0)
    with torch.no_grad():
        for ppe in (1, 4, 8, 16):
            # one window per grid cell of the 7 x 7 grid, repeated until `count` evaluations
            n_done, t0 = 0, time.perf_counter()
            while n_done < count:
                occ.attribute(x, sliding_window_shapes=(3, 32, 32), strides=(3, 32, 32),
                              target=0, perturbations_per_eval=ppe)
                n_done += 49 + 1  # 49 windows + the baseline forward
            rate = n_done / (time.perf_counter() - t0)
            if rate > best[0]:
                best = (rate, ppe)
    return best


def describe_machine() -> str:
    import onnxruntime as ort

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"onnxruntime {ort.__version__}, numpy {np.__version__}")


def bench(name: str, model: Path, image, args, torch_model=None) -> dict:
    print(f"\n## {name}", flush=True)
    row: dict = {"model": name}
    row["ceiling"], row["ceiling_batch"], rates = ceiling(model, args.seconds)
    print("ceiling by batch size: " + ", ".join(f"{b}: {r:.1f}/s" for b, r in rates.items()))
    row["naive"] = naive(model, image, args.naive_count)
    e = engine(model, image)
    row.update({"engine": e["evaluations"] / e["seconds"], "engine_seconds": e["seconds"],
                "engine_again": e["evaluations_again"] / e["seconds_again"],
                "first_grid": e["first_grid"], "batch": e["batch"], "rss": e["rss_mib"]})
    if torch_model is not None:
        row["captum"], row["captum_ppe"] = captum_rate(torch_model, image, args.captum_count)
    opts = session_options(model, row["ceiling_batch"], args.seconds)
    print(f"session set-ups at batch {row['ceiling_batch']}: "
          + ", ".join(f"{k}: {v:.1f}/s" for k, v in opts.items()))
    for k in ("naive", "engine", "engine_again", "ceiling", "captum"):
        if k in row:
            print(f"{k:13s} {row[k]:7.1f} evaluations/s   -> {TOTAL / row[k]:6.1f} s per analysis")
    print(f"first 7x7 grid image after {row['first_grid']:.2f} s; batch size chosen "
          f"{row['batch']}; engine peak RSS {row['rss']:.0f} MiB")
    print(f"b/a = {row['engine'] / row['naive']:.2f}   b/d = {row['engine'] / row['ceiling']:.2f}"
          f"   (warm, tuned: b/d = {row['engine_again'] / row['ceiling']:.2f})"
          + (f"   b/c = {row['engine'] / row['captum']:.2f}" if "captum" in row else ""))
    return row


def main() -> int:
    ap = argparse.ArgumentParser(description="DiDA speed benchmark")
    ap.add_argument("--quick", action="store_true", help="short runs (a smoke test)")
    ap.add_argument("--engine-child", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--no-captum", action="store_true")
    args = ap.parse_args()
    if args.engine_child:
        engine_child(*args.engine_child)
        return 0
    args.seconds = 0.5 if args.quick else 3.0
    args.naive_count = 60 if args.quick else TOTAL
    args.captum_count = 50 if args.quick else 300
    print(f"# DiDA speed, {time.strftime('%Y-%m-%d')}: {describe_machine()}")
    image = test_image()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        from nets import export_efficientnet_b0

        eff = Path(tmp) / "efficientnet_b0.onnx"
        torch_model = export_efficientnet_b0(eff)
        rows.append(bench("EfficientNet-B0 (33 classes, 224 x 224)", eff, image, args,
                          None if args.no_captum else torch_model))
    demo = paths.demo_model_path()
    if demo:
        rows.append(bench(f"demo model ({demo.name})", demo, image, args))
    print("\n| model | naive (a) | engine (b) | Captum (c) | ceiling (d) | b/a | b/c | b/d "
          "| s per analysis | first grid | peak RSS |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        cap = f"{r['captum']:.1f}/s" if "captum" in r else "n/a"
        bc = f"{r['engine'] / r['captum']:.1f}" if "captum" in r else "n/a"
        print(f"| {r['model']} | {r['naive']:.1f}/s | {r['engine']:.1f}/s | {cap} | "
              f"{r['ceiling']:.1f}/s (batch {r['ceiling_batch']}) | "
              f"{r['engine'] / r['naive']:.2f} | {bc} | {r['engine'] / r['ceiling']:.2f} | "
              f"{r['engine_seconds']:.1f} | {r['first_grid']:.2f} s | {r['rss']:.0f} MiB |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
