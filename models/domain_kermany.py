"""The domain check's reference statistics for the real-data model, from scans it never
trained on: ``models/oct_kermany.domain.json`` (issue 18).

    python models/domain_kermany.py --data ../shared/kermany-oct

The reference scans are the shipped model's validation fold (fold 0 of
``kermany_data.patient_folds``: 131 scans of 79 patients, never trained on), each as
exported and resampled to :data:`VARIANTS` widths drawn at random between
:data:`WIDTH_RANGE` (seeded; the height kept), as a Spectralis export of the same B-scan
can be 512 to 1536 px wide. The model reads a 512-px export squeezed to half the width
of a 1024-px one, and its features shift with that, so a reference of the exports as
they come (nearly all 1024 px) calls every narrower or wider export atypical for its
shape alone (issue 18, item 6). The widths are drawn, not a fixed list: the features
also follow where the letterbox edges fall on the network's stride grid, and a reference
of a few fixed widths calls the widths between them atypical. Cross-fitting holds out
whole patients, every width of their scans together.

The contrast (:func:`contrast_images`): scans of DiDA View's own synthetic generator
(seeds :data:`CONTRAST_SEED0` on, never used in training, in the benchmark or by
``dida-view synth``; widths drawn the same way), which the model was pretrained on and
whose features an unlabelled Gaussian cannot tell from real scans
(``benchmarks/domain_check.py``).

Reproduce exactly: the seeds, folds and widths are fixed; the result is written with the
figures it prints (held-out share flagged).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from kermany_data import CLASSES, patient_folds, scan_files  # models/, next to this script
from PIL import Image

from dida_view import synthetic
from dida_view.io.reader import load_image
from dida_view.model.domain import calibrate, extract_features
from dida_view.model.domainfeatures import FeatureCut
from dida_view.model.domainref import model_identity, reference_path, save_reference
from dida_view.model.onnx import OnnxClassifier

WIDTH_RANGE = (480, 1600)  # a little beyond 512 ... 1536, so that those are inside
VARIANTS = 11  # resampled copies per scan, besides the scan as exported
WIDTH_SEED = 18
CONTRAST_SEED0 = 990_000
CONTRAST_SEEDS = 24  # per class
CONTRAST_VARIANTS = 4  # widths per synthetic scan
FOLDS = 10  # cross-fitting folds (patients)
REFERENCE = ("Kermany 2018 Spectralis B-scans it never trained on: {scans} scans of "
             "{patients} patients, 512-1536 px wide")
AGAINST = ("synthetic B-scans of DiDA View's generator {version} ({n} scans, seeds "
           "{seed0} on, {lo}-{hi} px wide)")


def resample_width(image: np.ndarray, width: int) -> np.ndarray:
    """``image`` resampled (bilinear) to ``width`` columns, its height kept: the same
    B-scan exported at another width."""
    if image.shape[1] == width:
        return image
    return np.asarray(Image.fromarray(image).resize((width, image.shape[0]),
                                                    Image.Resampling.BILINEAR))


def validation_scans(root: Path, fold: int = 0) -> tuple[list[np.ndarray], list[str],
                                                        np.ndarray, list[str]]:
    """The images, patient ids, labels and file names of one fold (default: the shipped
    model's validation fold)."""
    rows = scan_files(root)
    y = np.array([r[1] for r in rows])
    patients = np.array([r[2] for r in rows])
    folds = patient_folds(patients, y, 5)
    keep = np.flatnonzero(folds == fold)
    return ([load_image(rows[i][0]) for i in keep], [str(patients[i]) for i in keep],
            y[keep], [rows[i][0].name for i in keep])


def random_widths(count: int, seed: int) -> list[int]:
    """``count`` widths drawn uniformly from :data:`WIDTH_RANGE` (seeded)."""
    lo, hi = WIDTH_RANGE
    return [int(w) for w in np.random.default_rng([WIDTH_SEED, seed]).integers(lo, hi + 1,
                                                                             count)]


def reference_variants(images: list[np.ndarray]):
    """Each scan as exported, then at :data:`VARIANTS` drawn widths: (the images, the
    index of the scan each came from, their widths), scan by scan."""
    out, owner, widths = [], [], []
    for i, im in enumerate(images):
        for w in [im.shape[1], *random_widths(VARIANTS, i)]:
            out.append(resample_width(im, w))
            owner.append(i)
            widths.append(w)
    return out, np.asarray(owner), np.asarray(widths)


def contrast_images(seed0: int = CONTRAST_SEED0, per_class: int = CONTRAST_SEEDS
                    ) -> list[np.ndarray]:
    """Synthetic scans of every class at :data:`CONTRAST_VARIANTS` drawn widths each,
    every third with a second finding."""
    out = []
    for k, label in enumerate(synthetic.CLASSES):
        for s in range(per_class):
            seed = seed0 + 100 * k + s
            for w in random_widths(CONTRAST_VARIANTS, seed):
                scan = synthetic.generate_scan(label, seed, height=496, width=w,
                                               secondary=None if s % 3 == 0 else False)
                out.append(scan.image)
    return out


def build(clf: OnnxClassifier, images: list[np.ndarray], patients: list[str], *,
          contrast: np.ndarray | None, cut: FeatureCut | None = None, log=print):
    """Features of ``images`` and their width variants (:func:`reference_variants`), and
    the calibration. Returns (calibration, feature rows, the rows' patients, the rows'
    widths)."""
    cut = cut or FeatureCut(clf)
    t0 = time.perf_counter()
    variants, owner, widths = reference_variants(images)
    x, aspects = extract_features(cut, variants)
    groups = np.asarray(patients)[owner]
    log(f"reference: {len(x)} rows ({len(images)} scans, each as exported and at "
        f"{VARIANTS} widths), {x.shape[1]} features, {time.perf_counter() - t0:.0f} s")
    cal = calibrate(
        x, groups, model_identity=model_identity(clf), model_file=clf.path.name,
        reference=REFERENCE.format(scans=len(images), patients=len(set(patients))),
        cuts=cut.cuts, channel_groups=cut.groups, folds=FOLDS, contrast=contrast,
        contrast_name=AGAINST.format(
            version=synthetic.GENERATOR_VERSION, n=0 if contrast is None else len(contrast),
            seed0=CONTRAST_SEED0, lo=WIDTH_RANGE[0], hi=WIDTH_RANGE[1]),
        aspects=aspects)
    return cal, x, groups, widths


def make_reference(model: Path, data: Path, out: Path | None = None, *,
                   contrast_scans: bool = True) -> Path:
    """Compute the reference of ``model`` (the fold-0 model) from the validation fold of
    ``data`` and write it (default: beside the model); train_kermany.py's last stage."""
    clf = OnnxClassifier(model, device="cpu", threads=1)
    images, patients, y, _ = validation_scans(Path(data))
    print(f"fold 0: {len(images)} scans of {len(set(patients))} patients "
          f"({', '.join(f'{c} {int(np.sum(y == k))}' for k, c in enumerate(CLASSES))})")
    cut = FeatureCut(clf)
    contrast = None
    if contrast_scans:
        t0 = time.perf_counter()
        contrast = extract_features(cut, contrast_images())[0]
        print(f"contrast: {len(contrast)} synthetic scans, {time.perf_counter() - t0:.0f} s")
    cal, _, _, widths = build(clf, images, patients, contrast=contrast, cut=cut)
    bins = {"as exported": np.arange(len(widths)) % (VARIANTS + 1) == 0}
    for lo in range(WIDTH_RANGE[0], WIDTH_RANGE[1], 280):
        bins[f"{lo}-{lo + 279} px"] = (widths >= lo) & (widths < lo + 280) & ~bins[
            "as exported"]
    per_width = {k: round(100 * float(np.mean(cal.flagged[m])), 1) for k, m in bins.items()}
    ref = cal.reference
    figures = {"scans": len(images), "patients": len(set(patients)),
               "variants": VARIANTS, "width_range": list(WIDTH_RANGE),
               "rows": int(len(widths)), "folds": FOLDS,
               "contrast_scans": 0 if contrast is None else int(len(contrast)),
               "heldout_flagged_percent": per_width,
               "features": int(len(ref.components[0].mean)),
               "made_by": "models/domain_kermany.py"}
    ref = type(ref)(**{**ref.__dict__, "figures": figures})
    out = Path(out) if out else reference_path(model)
    save_reference(ref, out)
    print(f"threshold {ref.threshold:.3f} (flags {ref.flag_percent:g} % of the held-out "
          f"rows); held-out flagged: {per_width}")
    print(f"wrote {out} ({out.stat().st_size:,} bytes), fingerprint {ref.fingerprint[:16]}")
    return out


def main() -> int:
    here = Path(__file__).resolve().parent
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(here.parent.parent / "shared" / "kermany-oct"))
    ap.add_argument("--model", default=str(here / "oct_kermany.onnx"))
    ap.add_argument("--out", default=None,
                    help="default: <model stem>.domain.json beside the model")
    ap.add_argument("--no-contrast", action="store_true",
                    help="the Gaussian only, without the synthetic contrast")
    args = ap.parse_args()
    make_reference(Path(args.model), Path(args.data), Path(args.out) if args.out else None,
                   contrast_scans=not args.no_contrast)
    return 0


if __name__ == "__main__":
    sys.exit(main())
