"""Speed of DiDA on this machine: our engine, full and incremental, against a naive loop,
Captum and the runtime's ceiling, all in one run on the same image. Run by hand
(`pip install '.[bench]'`; PyTorch only for Captum's network):

    python benchmarks/speed.py              # every model below
    python benchmarks/speed.py --models demo,squeezenet --no-naive
    python benchmarks/speed.py --quick      # fewer evaluations, a smoke test

Models: the demo model; the real OCT model (models/oct_kermany.onnx) when it is there;
ResNet-18, SqueezeNet 1.1 and EfficientNet-B0 shapes from ``nets.py`` (random weights;
EfficientNet's squeeze-excitation makes the incremental engine fall back).

(a) naive: one masked image per ``session.run``;
(b) full: ``analyze(engine="full")``, batch size chosen by measurement during the run, in a
    fresh process so that its peak RSS is its own;
(e) incremental: ``analyze(engine="incremental")`` in a fresh process (its first run
    waits for the graph to be split and the split checked on a few cells; the default,
    ``auto``, runs full inference meanwhile: its first grid is timed on its own);
(c) Captum ``Occlusion`` on the same network in PyTorch, ``perturbations_per_eval`` tuned
    (the PyTorch EfficientNet only);
(d) ceiling: plain ``session.run`` throughput on ready-made batches, best batch size.
It prints evaluations/s, seconds for the 8-grid analysis (1,736 evaluations), time to the
first (7 x 7) grid image, peak RSS, the incremental engine's split, max |d_e - d_b| over
max |d_b|, auto's pick, the CPU time per masked image of each engine on one thread (what
a busy machine distorts least), and the ratios b/a, b/c, b/d, e/b, e/d.
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
from dida_view.method.dida import DEFAULT_GRID_SIZES, count_cells  # noqa: E402
from dida_view.method.grids import cell_edges  # noqa: E402
from dida_view.model.onnx import OnnxClassifier  # noqa: E402
from dida_view.model.preprocess import prepare  # noqa: E402

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


def engine_child(model: str, image_path: str, engine: str) -> None:
    """Runs in a fresh process: one analysis with ``engine``, then a second one (batch
    size tuned, plan built), then prints JSON and saves ``d`` beside the image."""
    from dida_view.method import engines, incremental
    from dida_view.method.analysis import Settings, analyze
    from dida_view.method.batching import BatchTuner
    from dida_view.method.masking import make_fill

    image = np.load(image_path)
    clf = OnnxClassifier(model, device="cpu")
    t0 = time.perf_counter()
    first = {}

    def on_grid(n, d):
        first.setdefault("t", time.perf_counter() - t0)

    tuner = BatchTuner()  # kept by the caller: the second run uses the size it found
    # the paper's n x n over the content: all 1,736 cells
    paper = Settings(score_space="logit", grid_geometry="content", engine=engine)
    res = analyze(clf, image, paper, on_grid=on_grid, tuner=tuner)
    total = time.perf_counter() - t0
    t1 = time.perf_counter()
    res2 = analyze(clf, image, paper, tuner=tuner)  # tuned, warm
    again = time.perf_counter() - t1
    rss = peak_rss_mib()
    np.savez(f"{image_path}.{engine}.npz", **{f"d_{n}": v for n, v in res.d.items()})
    out = {"seconds": total, "evaluations": res.evaluations, "first_grid": first["t"],
           "batch": res.meta["batch_size"], "seconds_again": again,
           "evaluations_again": res2.evaluations, "rss_mib": rss,
           "engine": res.meta["engine"], "engine_note": res.meta["engine_note"]}
    plan = incremental.plan_for(clf)
    out["split"] = plan if isinstance(plan, str) else plan.describe()
    if engine == "incremental" and not isinstance(plan, str):
        prep = prepare(image, clf.preprocessing, clf.input_size, clf.channels)
        fill = make_fill(prep.pixels, prep.box, "black")
        out["auto"] = engines.choose_engine(clf, prep.pixels, fill, prep.box, "auto",
                                                16).engine
    print(json.dumps(out))


def auto_first_grid(model: str, image_path: str) -> None:
    """Runs in a fresh process: the default engine (auto) on the 7 x 7 grid only; prints
    when that first grid was done and which engine ran."""
    from dida_view.method.analysis import Settings, analyze

    image = np.load(image_path)
    clf = OnnxClassifier(model, device="cpu")
    t0 = time.perf_counter()
    res = analyze(clf, image, Settings(score_space="logit", grid_sizes=(7,)))
    print(json.dumps({"first_grid": time.perf_counter() - t0, "engine": res.meta["engine"]}))


def cpu_work(model: Path, image, every: int = 4) -> tuple[float, float]:
    """CPU milliseconds per masked image, one thread, full and incremental, on every
    ``every``-th cell of the 8 grids: the work each engine does, which a busy machine
    changes less than wall-clock rates (its other processes cost time, not CPU)."""
    from dida_view.method import engines, incremental
    from dida_view.method.masking import make_fill

    clf = OnnxClassifier(model, device="cpu", threads=1)
    prep = prepare(image, clf.preprocessing, clf.input_size, clf.channels)
    fill = make_fill(prep.pixels, prep.box, "black")
    plan = incremental.plan_for(clf)
    cells = [c for n in DEFAULT_GRID_SIZES for c in engines._grid_cells(prep.box, n)]
    batches = [cells[i:i + 16] for i in range(0, len(cells), 16 * every)]
    t = time.process_time()
    for b in batches:
        clf.raw(engines._masked(prep.pixels, fill, b))
    full = (time.process_time() - t) / sum(map(len, batches)) * 1000
    if isinstance(plan, str):
        return full, float("nan")
    state = plan.image(prep.pixels, fill)
    t = time.process_time()
    for b in batches:
        state.raw_cells(b)
    return full, (time.process_time() - t) / sum(map(len, batches)) * 1000


def engine(model: Path, image, which: str, tmp: str) -> tuple[dict, dict]:
    p = Path(tmp) / "image.npy"
    np.save(p, image)
    out = subprocess.run([sys.executable, __file__, "--engine-child", str(model), str(p),
                          which], check=True, capture_output=True, text=True)
    d = dict(np.load(f"{p}.{which}.npz"))
    return json.loads(out.stdout.strip().splitlines()[-1]), d


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
    if not args.no_naive:
        row["naive"] = naive(model, image, args.naive_count)
    with tempfile.TemporaryDirectory() as tmp:
        for key in ("full", "incremental"):
            e, row[f"d_{key}"] = engine(model, image, key, tmp)
            row[key] = e["evaluations"] / e["seconds"]
            row[f"{key}_again"] = e["evaluations_again"] / e["seconds_again"]
            for k in ("seconds", "first_grid", "batch", "rss_mib", "engine", "engine_note",
                      "split", "auto"):
                row[f"{key}_{k}"] = e.get(k)
        np.save(Path(tmp) / "image.npy", image)
        out = subprocess.run([sys.executable, __file__, "--auto-first", str(model),
                              str(Path(tmp) / "image.npy")], check=True, capture_output=True,
                             text=True)
        auto = json.loads(out.stdout.strip().splitlines()[-1])
        row["auto_first_grid"], row["auto_first_engine"] = auto["first_grid"], auto["engine"]
    row["cpu_full"], row["cpu_incremental"] = cpu_work(model, image)
    top = max(float(np.abs(v).max()) for v in row["d_full"].values())
    row["delta"] = max(float(np.abs(row["d_full"][k] - row["d_incremental"][k]).max())
                       for k in row["d_full"]) / top
    if torch_model is not None:
        row["captum"], row["captum_ppe"] = captum_rate(torch_model, image, args.captum_count)
    if not args.no_naive:
        opts = session_options(model, row["ceiling_batch"], args.seconds)
        print(f"session set-ups at batch {row['ceiling_batch']}: "
              + ", ".join(f"{k}: {v:.1f}/s" for k, v in opts.items()))
    for k in ("naive", "full", "full_again", "incremental", "incremental_again", "ceiling",
              "captum"):
        if k in row:
            print(f"{k:17s} {row[k]:7.1f} evaluations/s   -> {TOTAL / row[k]:6.1f} s per analysis")
    print(f"split: {row['incremental_split']}")
    print(f"incremental ran as {row['incremental_engine']}"
          + (f" ({row['incremental_engine_note']})" if row["incremental_engine_note"] else "")
          + f"; auto picks {row.get('incremental_auto') or 'full'}")
    print(f"first 7x7 grid: full {row['full_first_grid']:.2f} s, incremental "
          f"{row['incremental_first_grid']:.2f} s; batch full {row['full_batch']}, "
          f"incremental {row['incremental_batch']}; peak RSS full {row['full_rss_mib']:.0f} "
          f"MiB, incremental {row['incremental_rss_mib']:.0f} MiB")
    print(f"first 7x7 grid with the default engine (auto, fresh process): "
          f"{row['auto_first_grid']:.2f} s, ran {row['auto_first_engine']}")
    print(f"CPU per masked image, one thread: full {row['cpu_full']:.2f} ms, incremental "
          f"{row['cpu_incremental']:.2f} ms ({row['cpu_full'] / row['cpu_incremental']:.2f}x)")
    print(f"e/b = {row['incremental'] / row['full']:.2f}   e/d = "
          f"{row['incremental'] / row['ceiling']:.2f}   b/d = {row['full'] / row['ceiling']:.2f}"
          f"   (warm: e/b = {row['incremental_again'] / row['full_again']:.2f})"
          f"   max |d_e - d_b| / max |d_b| = {row['delta']:.1e}"
          + (f"   b/a = {row['full'] / row['naive']:.2f}" if "naive" in row else "")
          + (f"   b/c = {row['full'] / row['captum']:.2f}" if "captum" in row else ""))
    return row


MODELS = ("efficientnet", "demo", "oct", "resnet18", "squeezenet")


def models(names, tmp: Path, no_captum: bool, oct_path: str):
    """(name, path, torch model or None) for each model asked for that is there."""
    import nets

    for name in names:
        if name == "efficientnet":
            path = tmp / "efficientnet_b0.onnx"
            if nets.torch is not None:
                torch_model = nets.export_efficientnet_b0(path)
                yield ("EfficientNet-B0 shape (33 classes)", path,
                       None if no_captum else torch_model)
            else:
                yield ("EfficientNet-B0 shape (33 classes)", nets.efficientnet_b0_onnx(path),
                       None)
        elif name == "demo" and paths.demo_model_path():
            yield f"demo model ({paths.demo_model_path().name})", paths.demo_model_path(), None
        elif name == "oct" and Path(oct_path).is_file():
            yield "real OCT model (oct_kermany.onnx)", Path(oct_path), None
        elif name == "resnet18":
            yield "ResNet-18 shape (1000 classes)", nets.resnet18(tmp / "resnet18.onnx"), None
        elif name == "squeezenet":
            yield ("SqueezeNet 1.1 shape (1000 classes)",
                   nets.squeezenet11(tmp / "squeezenet11.onnx"), None)


def main() -> int:
    ap = argparse.ArgumentParser(description="DiDA speed benchmark")
    ap.add_argument("--quick", action="store_true", help="short runs (a smoke test)")
    ap.add_argument("--engine-child", nargs=3, help=argparse.SUPPRESS)
    ap.add_argument("--auto-first", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--no-captum", action="store_true")
    ap.add_argument("--no-naive", action="store_true",
                    help="skip the naive loop and the session set-ups")
    ap.add_argument("--oct", default=str(HERE.parent / "models" / "oct_kermany.onnx"),
                    metavar="M.onnx", help="the real OCT model (default: models/oct_kermany.onnx)")
    ap.add_argument("--models", default=",".join(MODELS),
                    help=f"comma-separated, of {', '.join(MODELS)} (default: all)")
    args = ap.parse_args()
    if args.engine_child:
        engine_child(*args.engine_child)
        return 0
    if args.auto_first:
        auto_first_grid(*args.auto_first)
        return 0
    args.seconds = 0.5 if args.quick else 3.0
    args.naive_count = 60 if args.quick else TOTAL
    args.captum_count = 50 if args.quick else 300
    print(f"# DiDA speed, {time.strftime('%Y-%m-%d')}: {describe_machine()}")
    image = test_image()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, path, torch_model in models(args.models.split(","), Path(tmp),
                                              args.no_captum, args.oct):
            rows.append(bench(name, path, image, args, torch_model))
    print("\n| model | naive (a) | full (b) | incremental (e) | ceiling (d) | e/b | e/d | b/d "
          "| s per analysis (b → e) | first grid (b, e, auto) | CPU ms per image, 1 thread "
          "(b → e) | max \\|Δd\\| / max \\|d\\| | auto picks | peak RSS (b, e) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        nv = f"{r['naive']:.1f}/s" if "naive" in r else "n/a"
        inc = f"{r['incremental']:.1f}/s" + ("" if r["incremental_engine"] == "incremental"
                                             else " (fell back)")
        print(f"| {r['model']} | {nv} | {r['full']:.1f}/s | {inc} | "
              f"{r['ceiling']:.1f}/s (batch {r['ceiling_batch']}) | "
              f"{r['incremental'] / r['full']:.2f} | {r['incremental'] / r['ceiling']:.2f} | "
              f"{r['full'] / r['ceiling']:.2f} | {r['full_seconds']:.1f} → "
              f"{r['incremental_seconds']:.1f} | {r['full_first_grid']:.2f}, "
              f"{r['incremental_first_grid']:.2f}, {r['auto_first_grid']:.2f} s | "
              f"{r['cpu_full']:.2f} → {r['cpu_incremental']:.2f} | {r['delta']:.1e} | "
              f"{r.get('incremental_auto') or 'full'} | {r['full_rss_mib']:.0f}, "
              f"{r['incremental_rss_mib']:.0f} MiB |")
    for r in rows:
        if "captum" in r:
            print(f"Captum on {r['model']}: {r['captum']:.1f}/s "
                  f"(b/c = {r['full'] / r['captum']:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
