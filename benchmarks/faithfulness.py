"""Faithfulness of DiDA against single-grid occlusion and RISE, on synthetic scans with
known lesions. Run by hand (takes a while):

    python benchmarks/faithfulness.py --count 200 --fills black,blur

For every held-out synthetic scan of a lesion class (seeds never used in training), for the
true class, it compares
  - DiDA: the 8 grids 7..21 blended with the paper's weights (1,736 evaluations),
  - single-grid occlusion 7 x 7 (49) and 21 x 21 (441): the same run's d for one grid,
  - RISE (Petsiuk et al. 2018) with the same 1,736 evaluations,
on the pointing game (the strongest positive pixel inside the lesion mask dilated by 3 px),
the share of positive mass inside the lesion, and deletion / insertion AUC (probability
of the true class; deletion lower is better, insertion higher is better). Maps are in the
app's default score space (auto). It prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from dida_view import paths, synthetic
from dida_view.core.analysis import Settings, analyze
from dida_view.core.evidence import (
    deletion_insertion,
    dida_saliency,
    pointing_game,
    positive_mass_inside,
    resize_mask,
    rise,
)
from dida_view.core.model import OnnxClassifier
from dida_view.core.preprocess import prepare
from dida_view.core.scores import to_space

SEED0 = 950_000  # held out: training uses 100_000 + i, the model card's test 900_000 + i
METHODS = ("DiDA 8 grids", "occlusion 7x7", "occlusion 21x21", "RISE")
BUDGET = {"DiDA 8 grids": 1736, "occlusion 7x7": 49, "occlusion 21x21": 441, "RISE": 1736}


def evaluate_scan(clf: OnnxClassifier, scan, fill: str, batch: int) -> dict[str, list[float]]:
    k = clf.labels.index(scan.label)
    prep = prepare(scan.image, clf.preprocessing, clf.input_size, clf.channels)
    box = prep.box
    mask = resize_mask(scan.mask, (box.height, box.width))
    res = analyze(clf, scan.image, Settings(mask_fill=fill, batch_size=batch))
    space = res.score_space

    def predict_space(x):
        return to_space(clf.raw(x), space, clf.outputs_probabilities)

    def predict_prob(x):
        out = []
        for s in range(0, len(x), batch):
            out.append(to_space(clf.raw(x[s : s + batch]), "probability",
                                clf.outputs_probabilities))
        return np.concatenate(out)

    maps = {
        "DiDA 8 grids": dida_saliency(res, k),
        "occlusion 7x7": dida_saliency(res, k, grid_sizes=[7]),
        "occlusion 21x21": dida_saliency(res, k, grid_sizes=[21]),
        "RISE": rise(predict_space, prep.pixels, box=box, n_masks=1736, mask_fill=fill,
                     batch_size=batch, seed=int(scan.seed))[k],
    }
    row = {}
    for name, sal in maps.items():
        dele, ins = deletion_insertion(predict_prob, prep.pixels, box, sal, k, mask_fill=fill)
        row[name] = [float(pointing_game(sal, mask, tolerance=3)),
                     positive_mass_inside(sal, mask), dele, ins]
    row["_top1"] = [float(int(np.argmax(res.scores)) == k)]
    return row


def summarise(rows: list[dict], fill: str) -> str:
    lines = [f"**mask fill: {fill}** ({len(rows)} scans; mean ± 95 % CI)", "",
             "| method | evaluations | pointing game ↑ | positive mass in lesion ↑ "
             "| deletion AUC ↓ | insertion AUC ↑ |", "|---|---|---|---|---|---|"]
    for m in METHODS:
        a = np.array([r[m] for r in rows])
        mean = a.mean(0)
        ci = 1.96 * a.std(0, ddof=1) / np.sqrt(len(a)) if len(a) > 1 else np.zeros(4)
        cells = [f"{mean[i]:.3f} ± {ci[i]:.3f}" for i in range(4)]
        lines.append(f"| {m} | {BUDGET[m]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description="DiDA faithfulness benchmark")
    ap.add_argument("--model", default=None)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--fills", default="black,blur")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--json", help="also write the per-scan rows here")
    args = ap.parse_args()
    model = args.model or paths.demo_model_path()
    clf = OnnxClassifier(model, device="cpu")
    lesion = [c for c in synthetic.CLASSES if c != "normal"]
    scans = [synthetic.generate_scan(lesion[i % len(lesion)], SEED0 + i)
             for i in range(args.count)]
    t0 = time.perf_counter()
    out = {"model": str(model), "count": args.count, "seed0": SEED0, "fills": {}}
    tables = []
    for fill in args.fills.split(","):
        rows = []
        for i, scan in enumerate(scans):
            rows.append(evaluate_scan(clf, scan, fill, args.batch))
            if (i + 1) % 10 == 0:
                print(f"[{fill}] {i + 1}/{len(scans)} scans, {time.perf_counter() - t0:.0f} s",
                      file=sys.stderr, flush=True)
        out["fills"][fill] = rows
        tables.append(summarise(rows, fill))
        acc = np.mean([r["_top1"][0] for r in rows])
        tables.append(f"\n(model top-1 on these scans: {acc:.3f})\n")
    print(f"Faithfulness, {time.strftime('%Y-%m-%d')}, model {Path(model).name}, "
          f"{args.count} held-out synthetic scans (seeds {SEED0}..{SEED0 + args.count - 1}), "
          f"{time.perf_counter() - t0:.0f} s\n")
    print("\n\n".join(tables))
    if args.json:
        Path(args.json).write_text(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
