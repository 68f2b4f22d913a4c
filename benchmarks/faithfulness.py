"""Faithfulness of DiDA against single-grid occlusion and RISE. Run by hand (takes a while).

Synthetic scans with known lesions (the demo model; seeds never used in training):

    python benchmarks/faithfulness.py --count 200 --fills black,blur

Real scans (a model trained on ``kermany-oct``, on the scans of the patients it was *not*
trained on; the patients are read from ``<model stem>.metrics.json``, or given):

    python benchmarks/faithfulness.py --real ../shared/kermany-oct \\
        --model models/oct_kermany.onnx --count 40

For every scan, for the true class, it compares
  - DiDA: the 8 grids 7..21 blended with the paper's weights, for each grid geometry
    (``content``: n x n over the content box; ``square``: square cells, n along the longer
    side; ``input``: n x n over the whole model input),
  - single-grid occlusion 7 x 7 and 21 x 21: the same run's d for one grid,
  - RISE (Petsiuk et al. 2018) with 1,736 evaluations, the most any DiDA geometry uses,
on deletion / insertion AUC (probability of the true class as the most salient content
pixels are replaced by the fill, or put back; the letterbox padding is never touched;
deletion lower is better, insertion higher is better) and, on synthetic scans, the
pointing game and the share of positive mass inside the lesion. Maps are in the app's
default score space (auto). It prints Markdown tables, and DiDA - RISE deletion per scan.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import numpy as np

from dida_view import paths, synthetic
from dida_view.io.reader import load_image
from dida_view.method.analysis import Settings, analyze
from dida_view.method.dida import DEFAULT_GRID_SIZES, count_cells
from dida_view.method.evidence import (
    deletion_insertion,
    dida_saliency,
    pointing_game,
    positive_mass_inside,
    resize_mask,
    rise,
)
from dida_view.method.grids import GRID_GEOMETRIES
from dida_view.model.onnx import OnnxClassifier
from dida_view.model.preprocess import prepare
from dida_view.model.scores import to_space

SEED0 = 950_000  # held out: training uses 100_000 + i, the model card's test 900_000 + i
IMAGE_SUFFIXES = (".jpeg", ".jpg", ".png", ".tif", ".tiff", ".bmp")


def evaluate_scan(clf: OnnxClassifier, image: np.ndarray, k: int, *, fill: str, batch: int,
                  geometries: list[str], grids: tuple[int, ...], seed: int,
                  lesion: np.ndarray | None = None) -> dict[str, list[float]]:
    """One scan: per method ``[evaluations, deletion, insertion]`` (+ pointing game and
    positive mass in the lesion when ``lesion`` is given)."""
    prep = prepare(image, clf.preprocessing, clf.input_size, clf.channels)
    box = prep.box
    maps: dict[str, tuple[np.ndarray, int]] = {}
    space = None
    top1 = None
    for g in geometries:
        res = analyze(clf, image, Settings(grid_sizes=grids, mask_fill=fill, batch_size=batch,
                                           grid_geometry=g))
        space, top1 = res.score_space, float(int(np.argmax(res.scores)) == k)
        maps[f"DiDA {len(grids)} grids, {g}"] = (dida_saliency(res, k), res.evaluations)
        for n in (grids[0], grids[-1]):
            rows, cols = res.cell_shape(n)
            touched = [len(np.unique(idx)) for idx in res.content_cells(n)]  # padding: not run
            # named by n: on real scans of several widths the cell counts vary per scan
            maps[f"occlusion {n}, {g}"] = (dida_saliency(res, k, grid_sizes=[n]),
                                           touched[0] * touched[1])

    def predict_space(x):
        return to_space(clf.raw(x), space, clf.outputs_probabilities)

    def predict_prob(x):
        return np.concatenate([to_space(clf.raw(x[s : s + batch]), "probability",
                                        clf.outputs_probabilities)
                               for s in range(0, len(x), batch)])

    budget = count_cells(grids)
    maps["RISE"] = (rise(predict_space, prep.pixels, box=box, n_masks=budget, mask_fill=fill,
                         batch_size=batch, seed=seed)[k], budget)
    mask = None if lesion is None else resize_mask(lesion, (box.height, box.width))
    row: dict[str, list[float]] = {}
    for name, (sal, evals) in maps.items():
        dele, ins = deletion_insertion(predict_prob, prep.pixels, box, sal, k, mask_fill=fill)
        row[name] = [float(evals), dele, ins]
        if mask is not None:
            row[name] += [float(pointing_game(sal, mask, tolerance=3)),
                          positive_mass_inside(sal, mask)]
    row["_top1"] = [top1]
    return row


# -- which scans ------------------------------------------------------------------------------
def patient_of(path: Path) -> str:
    """``<CLASS>-<patient id>-<n>.jpeg`` -> the patient id."""
    parts = path.stem.split("-")
    return parts[1] if len(parts) >= 3 else path.stem


def validation_patients(model: Path) -> set[str] | None:
    """The patients the model was not trained on, from ``<model stem>.metrics.json``: the
    first list of ids under a key that names patients, with a key naming validation on the
    way to it (``validation_patients``, ``{"validation": {"patients": [...]}}``...)."""
    side = model.with_name(model.stem + ".metrics.json")
    if not side.is_file():
        return None

    def find(node, path: str):
        if isinstance(node, dict):
            for key, value in node.items():
                here = f"{path}/{key}".lower()
                if "patient" in str(key).lower() and "val" in here and isinstance(value, list) \
                        and all(isinstance(v, str | int) for v in value):
                    return {str(v) for v in value}
            for key, value in node.items():
                hit = find(value, f"{path}/{key}")
                if hit is not None:
                    return hit
        return None

    return find(json.loads(side.read_text(encoding="utf-8")), "")


def real_scans(folder: Path, labels: list[str], patients: set[str],
               count: int) -> list[tuple[Path, int]]:
    """Up to ``count`` scans of ``patients`` from ``folder/<CLASS>/``, the classes taken in
    turn (file names sorted), so that every class is about equally represented."""
    per_class = []
    for k, label in enumerate(labels):
        d = folder / label
        files = sorted(p for p in d.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES) \
            if d.is_dir() else []
        per_class.append([(p, k) for p in files if patient_of(p) in patients])
    out: list[tuple[Path, int]] = []
    i = 0
    while len(out) < count and any(i < len(c) for c in per_class):
        out += [c[i] for c in per_class if i < len(c)][: count - len(out)]
        i += 1
    return out


# -- tables -----------------------------------------------------------------------------------
def _ci(a: np.ndarray) -> np.ndarray:
    return 1.96 * a.std(0, ddof=1) / np.sqrt(len(a)) if len(a) > 1 else np.zeros(a.shape[1])


def summarise(rows: list[dict], title: str) -> str:
    methods = [m for m in rows[0] if not m.startswith("_")]
    lesion = len(rows[0][methods[0]]) > 3
    head = "| method | evaluations | deletion AUC ↓ | insertion AUC ↑ |"
    if lesion:
        head += " pointing game ↑ | positive mass in lesion ↑ |"
    lines = [f"**{title}** ({len(rows)} scans; mean ± 95 % CI)", "", head,
             "|---" * (6 if lesion else 4) + "|"]
    for m in methods:
        a = np.array([r[m] for r in rows])
        mean, ci = a.mean(0), _ci(a)
        cells = [f"{mean[0]:,.0f}"] + [f"{mean[i]:.3f} ± {ci[i]:.3f}" for i in
                                       range(1, a.shape[1])]
        lines.append(f"| {m} | " + " | ".join(cells) + " |")
    rise_del = np.array([r["RISE"][1] for r in rows])
    lines += ["", "DiDA − RISE deletion AUC, per scan (negative: DiDA deletes faster):", ""]
    for m in methods:
        if m.startswith("DiDA"):
            diff = np.array([r[m][1] for r in rows]) - rise_del
            ci = _ci(diff[:, None])[0]
            lines.append(f"- {m}: {diff.mean():+.3f} ± {ci:.3f}; DiDA ≤ RISE on "
                         f"{int(np.sum(diff <= 0))}/{len(diff)} scans")
    acc = np.mean([r["_top1"][0] for r in rows])
    lines.append(f"\n(model top-1 on these scans: {acc:.3f})")
    return "\n".join(lines)


def _loop(items, evaluate, label: str, t0: float) -> list[dict]:
    rows = []
    for i, item in enumerate(items):
        rows.append(evaluate(item))
        if (i + 1) % 5 == 0 or i + 1 == len(items):
            print(f"[{label}] {i + 1}/{len(items)} scans, {time.perf_counter() - t0:.0f} s",
                  file=sys.stderr, flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="DiDA faithfulness benchmark")
    ap.add_argument("--model", default=None)
    ap.add_argument("--real", metavar="DIR", help="real scans in DIR/<CLASS>/ (kermany-oct)")
    ap.add_argument("--patients", help="validation patient ids, comma-separated (default: "
                    "from <model stem>.metrics.json)")
    ap.add_argument("--count", type=int, default=None, help="scans (default 200 synthetic, "
                    "40 real)")
    ap.add_argument("--fills", default=None, help="mask fills (default black,blur synthetic, "
                    "black real)")
    ap.add_argument("--geometries", default=None, help="grid geometries (default: content "
                    "synthetic, all three real)")
    ap.add_argument("--first", type=int, default=0, help="synthetic: skip the first N seeds "
                    "(to extend an earlier run)")
    ap.add_argument("--grids", default=",".join(map(str, DEFAULT_GRID_SIZES)))
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--json", help="also write the per-scan rows here")
    args = ap.parse_args(argv)
    real = args.real is not None
    model = Path(args.model or paths.demo_model_path())
    clf = OnnxClassifier(model, device="cpu")
    grids = tuple(int(g) for g in args.grids.split(","))
    geometries = (args.geometries or (",".join(GRID_GEOMETRIES) if real else "content"))
    geometries = geometries.split(",")
    fills = (args.fills or ("black" if real else "black,blur")).split(",")
    count = args.count or (40 if real else 200)
    kw = {"batch": args.batch, "geometries": geometries, "grids": grids}
    t0 = time.perf_counter()
    if real:
        patients = set(re.split(r"[,\s]+", args.patients.strip())) if args.patients else \
            validation_patients(model)
        if not patients:
            print(f"error: {model}: which patients was it not trained on? No validation "
                  "patient list in its metrics.json; give --patients", file=sys.stderr)
            return 2
        items = real_scans(Path(args.real), clf.labels, patients, count)
        if not items:
            print(f"error: {args.real}: no scans of the {len(patients)} validation patients",
                  file=sys.stderr)
            return 2
        what = (f"{len(items)} real scans of {len({patient_of(p) for p, _ in items})} "
                f"validation patients from {args.real}")

        def evaluate(item, fill):
            path, k = item
            return {**evaluate_scan(clf, load_image(path), k, fill=fill, seed=len(path.name),
                                    **kw), "_scan": [path.name]}
    else:
        lesion_classes = [c for c in synthetic.CLASSES if c != "normal"]
        first = args.first
        items = [synthetic.generate_scan(lesion_classes[i % len(lesion_classes)], SEED0 + i)
                 for i in range(first, first + count)]
        what = (f"{count} held-out synthetic scans (seeds {SEED0 + first}.."
                f"{SEED0 + first + count - 1})")

        def evaluate(scan, fill):
            return evaluate_scan(clf, scan.image, clf.labels.index(scan.label), fill=fill,
                                 seed=int(scan.seed), lesion=scan.mask, **kw)
    out = {"model": str(model), "what": what, "geometries": geometries, "fills": {}}
    tables = []
    for fill in fills:
        rows = _loop(items, lambda it, f=fill: evaluate(it, f), fill, t0)
        out["fills"][fill] = rows
        tables.append(summarise(rows, f"mask fill: {fill}"))
    print(f"Faithfulness, {time.strftime('%Y-%m-%d')}, model {model.name}, {what}, "
          f"{time.perf_counter() - t0:.0f} s\n")
    print("\n\n".join(tables))
    if args.json:
        Path(args.json).write_text(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
