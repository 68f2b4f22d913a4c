"""Speed of DiDA on this machine, as ratios from one run: our engine (full and incremental
inference) against a naive loop and the runtime's ceiling, and incremental against full
inference. Run by hand (`pip install '.[bench]'`; PyTorch only for Captum's network):

    python benchmarks/speed.py --no-captum           # every model, about 7 min quiet
    python benchmarks/speed.py --models efficientnet,squeezenet
    python benchmarks/speed.py --quick               # one timed round, a smoke test
    python benchmarks/speed.py --models demo --setups   # also the viewer's session set-ups

Models: the demo model; the real OCT model (models/oct_kermany.onnx) when it is there;
EfficientNet-B0, SqueezeNet 1.1 and ResNet-18 shapes from ``nets.py`` (random weights,
held out: nothing was tuned on them; EfficientNet's squeeze-excitation makes the
incremental engine fall back to full inference).

Each model is opened once, as the CLI opens it (all cores, spinning threads), and timed in
rounds over the paper's 8 grids (1,736 masked images) of the same image. A round goes grid
by grid, and for each grid n runs, one after the other (the order reversed every grid):
(d) ceiling: plain ``session.run`` on a ready-made batch of the best size (found first by
    an interleaved sweep of 1-32), half as many images as the grid has cells;
(a) naive: one masked image per ``session.run``, the first cells of the grid (in all,
    ``--naive-count`` of the 1,736);
(b) full: grid n of ``analyze(engine="full")``, batch size chosen by measurement (the
    tuner is kept from round to round, as the CLI keeps it from image to image);
(e) incremental: grid n of ``analyze(engine="incremental")``, when the model can run it.
Each analysis is one whole analysis, run in its own thread and paused at the end of each
grid (in its ``on_grid`` callback) while the others take their turn; its time is the sum
of its turns. So each is timed within a second or so of the others, and a shared machine's
changing load weighs on all of them alike. Round 1 runs the analyses only, which tune the
batch size and check the split; the ratios take the best of rounds 2 and 3. A fresh
process then runs the default engine (``auto``) once, cold, as a user's first analysis:
its time, its first 7 x 7 grid, what it chose and its peak RSS.
Also printed: each engine's CPU milliseconds per masked image on one thread (what a busy
machine changes least), max |d_e - d_b| over max |d_b|, and the load average (1 minute,
every user's processes) at each round.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import timing  # noqa: E402

from dida_view import paths  # noqa: E402
from dida_view.model.onnx import OnnxClassifier  # noqa: E402

MODELS = ("efficientnet", "squeezenet", "demo", "oct", "resnet18")
ROUNDS = 3  # the first tunes and splits; the others are timed


def cold_child(model: str, image_path: str) -> None:
    """In a fresh process: one analysis with the default engine (auto), as a user's first;
    prints JSON."""
    from dida_view.method import incremental
    from dida_view.method.batching import BatchTuner

    image = np.load(image_path)
    t0 = time.perf_counter()
    clf = OnnxClassifier(model, device="cpu")
    opened = time.perf_counter() - t0
    first: dict = {}
    t0 = time.perf_counter()
    run = timing.analysis(clf, image, "auto", BatchTuner(),
                          on_grid=lambda n, d: first.setdefault("t", time.perf_counter() - t0))
    plan = incremental.plan_for(clf)
    print(json.dumps({"seconds": run["seconds"], "rate": run["rate"], "first_grid": first["t"],
                      "batch": run["batch"], "engine": run["engine"], "note": run["note"],
                      "open": opened, "rss_mib": timing.peak_rss_mib(),
                      "split": plan if isinstance(plan, str) else plan.describe()}))


def cold(model: Path, image) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "image.npy"
        np.save(p, image)
        out = subprocess.run([sys.executable, __file__, "--cold-child", str(model), str(p)],
                             check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def rounds(model: Path, image, args) -> dict:
    """The alternating rounds: grid by grid, the ceiling, the naive loop, full and
    incremental inference; each one's images and seconds per round."""
    from dida_view.method import incremental
    from dida_view.method.analysis import analyze
    from dida_view.method.batching import BatchTuner
    from dida_view.method.dida import DEFAULT_GRID_SIZES
    from dida_view.model.preprocess import prepare

    clf = OnnxClassifier(model, device="cpu")
    sweep = timing.ceiling_sweep(clf, args.seconds / 4)
    best = max(sweep, key=sweep.get)
    print("ceiling by batch size (interleaved sweep): "
          + ", ".join(f"{b}: {r:.1f}/s" for b, r in sweep.items()), flush=True)
    x = timing.ready_batch(clf, best)
    prep = prepare(image, clf.preprocessing, clf.input_size, clf.channels)
    plan = incremental.plan_for(clf)
    engines = ["full"] if isinstance(plan, str) else ["full", "incremental"]
    tuners = {e: BatchTuner() for e in engines}
    kinds = ["ceiling", *([] if args.no_naive else ["naive"]), *engines]
    rates: dict[str, list[float]] = {k: [] for k in kinds}
    cpu: dict[str, list[float]] = {e: [] for e in engines}
    d: dict[str, dict] = {e: {} for e in engines}
    for r in range(args.rounds):
        load = timing.loadavg()
        warm_up = r == 0 and args.rounds > 1  # tunes and checks: the analyses only
        now = [k for k in kinds if k in engines or not warm_up]
        sums = {k: [0.0, 0] for k in now if k not in engines}
        steps = {e: timing.GridSteps(lambda on_grid, e=e: analyze(
            clf, image, timing.paper_settings(e), tuner=tuners[e], on_grid=on_grid))
            for e in engines}
        for i, n in enumerate([*DEFAULT_GRID_SIZES, None]):  # None: the analyses' ends
            for k in (now if i % 2 == 0 else now[::-1]):  # no one always goes first
                if k in steps:
                    steps[k].step()
                elif n is not None:  # the ceiling on half as many images: it varies less
                    seconds, count = (timing.ceiling_seconds(clf, x, n * n // 2)
                                      if k == "ceiling" else timing.naive_seconds(
                                          clf, prep, n, max(1, n * n * args.naive_count
                                                            // timing.TOTAL)))
                    sums[k][0] += seconds
                    sums[k][1] += count
        for k in now:
            if k in steps:
                res = steps[k].result
                rates[k].append(res.evaluations / steps[k].seconds)
                cpu[k].append(steps[k].cpu)
                d[k] = dict(res.d)
                if res.meta["engine"] != k:
                    print(f"  {k} ran {res.meta['engine']}: {res.meta['engine_note']}")
            else:
                rates[k].append(sums[k][1] / sums[k][0])
        print(f"round {r + 1} (load {load} -> {timing.loadavg()}): " + ", ".join(
            f"{k} {rates[k][-1]:.1f}/s" + (f" = {timing.TOTAL / rates[k][-1]:.2f} s (CPU "
                                          f"{cpu[k][-1]:.1f} s)" if k in cpu else "")
            for k in now) + (" [tunes the batch size, checks the split: not in the ratios]"
                             if warm_up else ""), flush=True)
    timed = slice(1, None) if args.rounds > 1 else slice(None)
    row = {k: max(rates[k][timed] if k in engines else rates[k]) for k in kinds}
    row.update(ceiling_batch=best, split=plan if isinstance(plan, str) else plan.describe())
    for e in engines:
        row[f"{e}_seconds"] = timing.TOTAL / row[e]
        row[f"{e}_batch"] = tuners[e].chosen
    if "incremental" in engines:
        top = max(float(np.abs(v).max()) for v in d["full"].values())
        row["delta"] = max(float(np.abs(d["full"][n] - d["incremental"][n]).max())
                           for n in d["full"]) / top
    return row


def captum_rate(torch_model, image, count: int) -> tuple[float, int]:
    import os

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


def bench(name: str, model: Path, image, args, torch_model=None) -> dict:
    print(f"\n## {name} (load {timing.loadavg()})", flush=True)
    row = {"model": name, **rounds(model, image, args)}
    row["cold"] = cold(model, image)
    row["cpu_full"], row["cpu_incremental"] = timing.cpu_work(model, image)
    if torch_model is not None:
        row["captum"], row["captum_ppe"] = captum_rate(torch_model, image, args.captum_count)
    if args.setups:
        setups = timing.session_setups(model, row["ceiling_batch"], args.seconds)
        print(f"session set-ups at batch {row['ceiling_batch']}: "
              + ", ".join(f"{k}: {v:.1f}/s" for k, v in setups.items()))
    c = row["cold"]
    print(f"split: {row['split']}")
    print(f"fresh process, default engine (auto), first analysis: {c['seconds']:.2f} s "
          f"({c['rate']:.1f}/s), first 7x7 grid {c['first_grid']:.2f} s, ran {c['engine']}"
          + (f" ({c['note']})" if c["note"] else "") + f", batch {c['batch']}, peak RSS "
          f"{c['rss_mib']:.0f} MiB (model opened in {c['open']:.2f} s)")
    inc = row["cpu_incremental"]
    print(f"CPU per masked image, one thread: full {row['cpu_full']:.2f} ms"
          + (f", incremental {inc:.2f} ms ({row['cpu_full'] / inc:.2f}x)" if inc == inc else ""))
    print("best of the timed rounds: " + ", ".join(
        f"{k} {row[k]:.1f}/s" for k in ("ceiling", "naive", "full", "incremental", "captum")
        if k in row) + f"; batch: ceiling {row['ceiling_batch']}, full {row['full_batch']}")
    print("ratios: " + "   ".join(f"{label} {v:.2f}" for label, v in ratios(row))
          + (f"; max |d_e - d_b| / max |d_b| = {row['delta']:.0e}" if "delta" in row else ""))
    return row


def ratios(row: dict) -> list[tuple[str, float]]:
    out = [("full/ceiling (b/d)", row["full"] / row["ceiling"])]
    if "naive" in row:
        out += [("full/naive (b/a)", row["full"] / row["naive"]),
                ("ceiling/naive (d/a)", row["ceiling"] / row["naive"])]
    if "incremental" in row:
        out += [("incremental/full, wall (e/b)", row["incremental"] / row["full"]),
                ("incremental/ceiling (e/d)", row["incremental"] / row["ceiling"])]
    if "captum" in row:
        out.append(("full/Captum (b/c)", row["full"] / row["captum"]))
    return out


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


def table(rows: list[dict]) -> None:
    print("\n| model | naive (a) | full (b) | incremental (e) | ceiling (d) | b/d | b/a "
          "| e/b | s per analysis (b → e) | cold auto: s, first grid, ran | CPU ms per image, "
          "1 thread (b → e) | max \\|Δd\\| / max \\|d\\| | peak RSS (cold auto) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        nv = f"{r['naive']:.1f}/s" if "naive" in r else "n/a"
        has_inc = "incremental" in r
        inc = f"{r['incremental']:.1f}/s" if has_inc else "(falls back)"
        c = r["cold"]
        print(f"| {r['model']} | {nv} | {r['full']:.1f}/s | {inc} | {r['ceiling']:.1f}/s "
              f"(batch {r['ceiling_batch']}) | {r['full'] / r['ceiling']:.2f} | "
              + (f"{r['full'] / r['naive']:.2f}" if "naive" in r else "n/a") + " | "
              + (f"**{r['incremental'] / r['full']:.2f}**" if has_inc else "—") + " | "
              f"{r['full_seconds']:.1f} → "
              + (f"{r['incremental_seconds']:.1f}" if has_inc else "—") + " | "
              f"{c['seconds']:.1f} s, {c['first_grid']:.2f} s, {c['engine']} | "
              f"{r['cpu_full']:.2f} → "
              + (f"{r['cpu_incremental']:.2f}" if has_inc else "—") + " | "
              + (f"{r['delta']:.0e}" if has_inc else "—") + f" | {c['rss_mib']:.0f} MiB |")


def main() -> int:
    ap = argparse.ArgumentParser(description="DiDA speed benchmark")
    ap.add_argument("--quick", action="store_true", help="short runs (a smoke test)")
    ap.add_argument("--cold-child", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--no-captum", action="store_true")
    ap.add_argument("--no-naive", action="store_true", help="skip the naive loop")
    ap.add_argument("--setups", action="store_true",
                    help="also time the session set-ups weighed for the viewer")
    ap.add_argument("--rounds", type=int, default=ROUNDS,
                    help=f"rounds per model (default {ROUNDS}; the first is not timed)")
    ap.add_argument("--naive-count", type=int, default=200,
                    help="masked images in each naive loop (default 200)")
    ap.add_argument("--oct", default=str(HERE.parent / "models" / "oct_kermany.onnx"),
                    metavar="M.onnx", help="the real OCT model (default: models/oct_kermany.onnx)")
    ap.add_argument("--models", default=",".join(MODELS),
                    help=f"comma-separated, of {', '.join(MODELS)} (default: all)")
    args = ap.parse_args()
    if args.cold_child:
        cold_child(*args.cold_child)
        return 0
    args.seconds = 0.5 if args.quick else 2.0
    args.captum_count = 50 if args.quick else 300
    if args.quick:
        args.rounds, args.naive_count = 1, 30
    print(f"# DiDA speed, {time.strftime('%Y-%m-%d %H:%M')}: {timing.describe_machine()}; "
          f"load average {timing.loadavg()}")
    image = timing.test_image()
    rows = []
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for name, path, torch_model in models(args.models.split(","), Path(tmp),
                                              args.no_captum, args.oct):
            rows.append(bench(name, path, image, args, torch_model))
    table(rows)
    print(f"\n{time.perf_counter() - t0:.0f} s in all; load average now {timing.loadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
