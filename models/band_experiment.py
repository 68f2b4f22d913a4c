"""The white export band: does the real-data model lean on it, and does training with the
band toggled (``train_kermany.py --band-augment 0.5``) stop that? (issue 18, item 5)

    python models/train_kermany.py --data ../shared/kermany-oct --stage cv \\
        --arm synthetic --band-augment 0.5 --threads 1      # 5 folds, ~6 min each
    python models/band_experiment.py --data ../shared/kermany-oct

It exports the band-augmented fold-0 model from the training cache (``--work``) to
``<work>/oct_kermany_band.onnx`` (the shipped ``models/oct_kermany.onnx`` is left alone),
then compares it with the shipped model (the same recipe without the band toggle, same
seeds) on the scans with a white band of more than 20 rows at the bottom:

- how often blacking out the band changes the top class;
- the share of the top class's positive DiDA evidence (8 grids, the app's defaults) that
  lies in the band, against the band's share of the content box.

Both fold-0 models trained on the other folds' band scans, so the figures are given for
all band scans and for the fold-0 ones that neither model saw. The cross-validated
accuracy of both recipes is read from the training cache. The domain check of the
band model: ``models/domain_kermany.py --model <work>/oct_kermany_band.onnx`` and
``benchmarks/domain_check.py --model <work>/oct_kermany_band.onnx``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from kermany_data import CLASSES, patient_folds, scan_files  # models/, next to this script

from dida_view.io.reader import load_image
from dida_view.method.analysis import Settings, analyze
from dida_view.method.evidence import dida_saliency, positive_mass_inside
from dida_view.model.onnx import OnnxClassifier
from dida_view.model.preprocess import prepare

BAND_ROWS = 20  # a band taller than this many rows of the original (issue 18: 54 scans)
WHITE = 240


def band_rows(image: np.ndarray) -> int:
    """Rows at the bottom of the original that are white across 90 % of their width."""
    grey = image if image.ndim == 2 else image.mean(axis=2)
    white = (grey >= WHITE).mean(axis=1) > 0.9
    k = 0
    while k < len(white) and white[-1 - k]:
        k += 1
    return k


def band_mask(image: np.ndarray) -> np.ndarray:
    """The band's pixels: per column, the run of near-white pixels up from the bottom."""
    grey = image if image.ndim == 2 else image.mean(axis=2)
    light = grey[::-1] >= WHITE - 10
    run = np.where(light.all(axis=0), len(grey), np.argmin(light, axis=0))
    rows = np.arange(len(grey))[::-1][:, None]
    return rows < run[None, :]


def blacked_out(image: np.ndarray) -> np.ndarray:
    out = image.copy()
    out[band_mask(image)] = 0
    return out


def export_band_model(work: Path, tag: str) -> Path:
    import torch
    from train_kermany import export

    out = work / "oct_kermany_band.onnx"
    export(torch.load(work / f"fold0_synthetic_{tag}.pt"), out,
           "Band-augmented variant of the real-data OCT model (experiment; not shipped).",
           "fold-0 model of train_kermany.py --band-augment (folds 1-4, 471 scans)")
    return out


def evidence_in_band(clf: OnnxClassifier, image: np.ndarray) -> tuple[float, float]:
    """(share of the top class's positive DiDA evidence in the band, band's share of the
    content box)."""
    result = analyze(clf, image, Settings())
    k = int(np.argmax(result.scores))
    sal = dida_saliency(result, k)
    prep = prepare(band_mask(image).astype(np.uint8) * 255, clf.preprocessing,
                   clf.input_size, 1)
    mask = prep.pixels[prep.box.slices][..., 0] > 127
    return positive_mass_inside(sal, mask), float(mask.mean())


def main() -> int:
    here = Path(__file__).resolve().parent
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(here.parent.parent / "shared" / "kermany-oct"))
    ap.add_argument("--work", default="/tmp/kermany_work")
    ap.add_argument("--tag", default="band0.5")
    ap.add_argument("--no-dida", action="store_true", help="skip the DiDA maps (slow part)")
    args = ap.parse_args()
    work = Path(args.work)
    models = {"recipe (shipped)": here / "oct_kermany.onnx",
              "band toggled": export_band_model(work, args.tag)}
    rows = scan_files(Path(args.data))
    y = np.array([r[1] for r in rows])
    folds = patient_folds(np.array([r[2] for r in rows]), y, 5)
    band = [(i, img) for i, img in ((i, load_image(r[0])) for i, r in enumerate(rows))
            if band_rows(img) > BAND_ROWS]
    print(f"{len(band)} scans with a band of more than {BAND_ROWS} rows "
          f"({sum(folds[i] == 0 for i, _ in band)} in fold 0)")
    report: dict = {}
    for name, path in models.items():
        clf = OnnxClassifier(path, device="cpu", threads=1)
        flips, flips0, inside, share, correct = [], [], [], [], []
        for i, img in band:
            a = clf.raw(prepare(img, clf.preprocessing, clf.input_size, 1).pixels[None])[0]
            b = clf.raw(prepare(blacked_out(img), clf.preprocessing, clf.input_size,
                                1).pixels[None])[0]
            flips.append(int(np.argmax(a) != np.argmax(b)))
            correct.append(int(np.argmax(a) == y[i]))
            if folds[i] == 0:
                flips0.append(flips[-1])
            if not args.no_dida:
                e, s = evidence_in_band(clf, img)
                inside.append(e)
                share.append(s)
        report[name] = {"flips": int(sum(flips)), "scans": len(flips),
                        "flips_fold0": int(sum(flips0)), "scans_fold0": len(flips0),
                        "correct": int(sum(correct)),
                        "evidence_in_band": float(np.mean(inside)) if inside else None,
                        "band_area": float(np.mean(share)) if share else None}
    shipped = json.loads((here / "oct_kermany.metrics.json").read_text())
    cv = shipped["cross_validation"]["synthetic"]  # the recipe's 5 folds, as shipped
    report["recipe (shipped)"].update(cv_top1=cv["top1"], cv_fold_top1=list(
        cv["fold_top1"].values()))
    tag = f"synthetic_{args.tag}"
    done = [f for f in range(5) if (work / f"fold{f}_{tag}_logits.npy").exists()]
    logits = np.zeros((len(y), len(CLASSES)), np.float32)
    for f in done:
        logits[folds == f] = np.load(work / f"fold{f}_{tag}_logits.npy")
    sel = np.isin(folds, done)
    report["band toggled"].update(
        cv_top1=float(np.mean(logits[sel].argmax(1) == y[sel])),
        cv_fold_top1=[float(np.mean(logits[folds == f].argmax(1) == y[folds == f]))
                      for f in done])
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
