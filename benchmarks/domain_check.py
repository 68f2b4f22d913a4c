"""How well the domain check tells the real-data model's home ground from everything else
(issue 18). Run by hand (about 4 minutes on 2 cores):

    python benchmarks/domain_check.py --data ../shared/kermany-oct \\
        --reference-oct ../shared/reference-oct

In-domain: the 131 validation-fold scans of ``models/oct_kermany.onnx`` (79 patients it
never trained on), as exported and resampled to every width from 512 to 1536 px in steps
of 64. Every in-domain figure is *nested*: the patients are split into 5 outer groups;
for each, a reference is built from the other patients' scans exactly as
``models/domain_kermany.py`` builds the shipped one (each scan as exported and at 11
drawn widths, threshold by cross-fitting, 5 % flagged), and the group's scans are scored
by it, so no in-domain scan is ever scored by statistics or a threshold that saw its
patient.

Out of domain (:mod:`domain_images`, all made here from seeds): synthetic scans of DiDA
View's generator (seeds never used in training, in the reference's contrast or in the
samples), pictures that are not OCT (photographs, documents, fundus photographs,
screenshots, charts, radiographs, textures, blank images), a real scan inside a viewer
screenshot, real scans degraded
(heavy blur, cropped to the middle third, rotated 90 degrees, inverted) and real scans at
shapes no Spectralis export has (very wide, very tall). Each is scored by each outer
reference; the flag rate is the mean over them.

Methods (:mod:`domain_methods`): Lee et al. 2018 (Mahalanobis), Ren et al. 2021
(relative Mahalanobis), Liu et al. 2020 (energy), Sun et al. 2022 (kNN) and the shipped
check, on the same scans, each with its threshold from held-out reference scans. It
prints Markdown tables: the share flagged per set, the AUROC of each out-of-domain set
against the held-out real scans, and the model's accuracy on flagged and unflagged
real-derived scans; last, the shipped check with a reference of the scans as exported
only (issue 18, item 6: what the width variants are for). ``--cache FILE.npz`` keeps the
features for a second run.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "models")]

import domain_images as di  # noqa: E402  (benchmarks/, next to this script)
import domain_kermany as dk  # noqa: E402  (models/)
from domain_methods import METHODS  # noqa: E402

from dida_view import synthetic  # noqa: E402
from dida_view.io.reader import load_image  # noqa: E402
from dida_view.model.domain import DEFAULT_FLAG_PERCENT, fold_of  # noqa: E402
from dida_view.model.domainfeatures import FeatureCut, penultimate_tensor  # noqa: E402
from dida_view.model.onnx import OnnxClassifier  # noqa: E402

SYNTH_SEED0 = 995_000  # the contrast uses 990_000 + 100 k + s (s < 24); training 200_000 on
SYNTH_WIDTHS = (512, 640, 1024, 1280, 1536)
TEST_WIDTHS = tuple(range(512, 1537, 64))  # the held-out scans, resampled to each
OUTER = 5


def auroc(inside: np.ndarray, outside: np.ndarray) -> float:
    """P(an out-of-domain score > an in-domain one), ties counted half."""
    s = np.concatenate([inside, outside])
    order = s.argsort(kind="mergesort")
    ranks = np.empty(len(s))
    ranks[order] = np.arange(1, len(s) + 1)
    for v in np.unique(s):  # average ranks of ties
        tie = s == v
        if tie.sum() > 1:
            ranks[tie] = ranks[tie].mean()
    r = ranks[len(inside):].sum() - len(outside) * (len(outside) + 1) / 2
    return float(r / (len(inside) * len(outside)))


def make_sets(root: Path, reference_oct: Path | None, per_kind: int):
    """{name: (images, true class or None per image, role)}; role: "ref" (the reference
    rows, :func:`domain_kermany.reference_variants`), "in" (held-out scans, one row per
    scan), "other-real", "real-ood", "ood"; the validation scans' patients, and the scan
    each reference row came from."""
    images, patients, y, _ = dk.validation_scans(root)
    variants, owner, _ = dk.reference_variants(images)
    sets = {"reference": (variants, y[owner], "ref"), "real, as exported": (images, y, "in")}
    for w in TEST_WIDTHS:
        sets[f"real, resampled to {w} px"] = ([dk.resample_width(im, w) for im in images],
                                              y, "in")
    if reference_oct is not None:
        files = sorted(reference_oct.glob("*.jpeg"))
        labels = [dk.CLASSES.index(p.name.split("-")[0]) for p in files]
        sets["real 512-px exports (reference-oct)"] = ([load_image(p) for p in files],
                                                        np.array(labels), "other-real")
    syn = [synthetic.generate_scan(label, SYNTH_SEED0 + 100 * k + s, height=496, width=w,
                                   secondary=None if s % 3 == 0 else False).image
           for k, label in enumerate(synthetic.CLASSES) for s in range(10)
           for w in SYNTH_WIDTHS]
    sets["synthetic (generator 1.0)"] = (syn, None, "ood")
    sets["not OCT"] = ([di.non_oct(kind, s) for kind in di.NON_OCT_KINDS
                        for s in range(per_kind)], None, "ood")
    sets["scan in a viewer screenshot"] = (
        [di.viewer_screenshot(im, i) for i, im in enumerate(images)], y, "real-ood")
    for name, f in {**di.DEGRADATIONS, **{k: v for k, v in di.EXPORTS.items()
                                          if k.startswith("very")}}.items():
        sets[f"real, {name}"] = ([f(im) for im in images], y, "real-ood")
    return sets, np.asarray(patients), owner


def features(clf: OnnxClassifier, sets: dict, contrast: list, cache: Path | None):
    """{name: (n, layers + penultimate + logits + content-box log aspect) features}, the
    split, per-scan time."""
    layers = FeatureCut(clf)
    import onnx

    penult = penultimate_tensor(onnx.load(str(clf.path)), clf.output_name)
    cut = FeatureCut(clf, [*layers.cuts, penult, clf.output_name],
                     [*layers.groups, 1, 1])
    split = (layers.dims, cut.dims - len(clf.labels), cut.dims)
    if cache is not None and cache.is_file():
        data = dict(np.load(cache))
        return {k: data[k] for k in [*sets, "contrast"]}, split, float(data["_seconds"])
    t0 = time.perf_counter()
    out, count = {}, 0
    for name, (images, _, _) in [*sets.items(), ("contrast", (contrast, None, None))]:
        out[name] = np.asarray([np.append(*cut.features_and_aspect(im)) for im in images])
        count += len(images)
    per_scan = (time.perf_counter() - t0) / count
    probe = sets["real, as exported"][0][0]  # the shipped check's features, exactly
    assert np.allclose(layers.features(probe), cut.features(probe)[:split[0]], atol=1e-5)
    if cache is not None:
        np.savez(cache, _seconds=per_scan, **out)
    return out, split, per_scan


def view(x: np.ndarray, split, kind: str) -> np.ndarray:
    """The columns of one kind of feature (``layers+aspect``: the check's features and
    the content box's log aspect ratio, last)."""
    return {"layers": x[:, :split[0]], "penultimate": x[:, split[0]:split[1]],
            "logits": x[:, split[1]:split[2]],
            "layers+aspect": np.concatenate([x[:, :split[0]], x[:, -1:]], axis=1)}[kind]


def evaluate(sets, feats, split, patients, ref_owner):
    """Per method: flag share per set, AUROC per out-of-domain set, accuracy pairs."""
    outer = fold_of(patients, OUTER, seed=1)
    ref_x = feats["reference"]
    ref_group = patients[ref_owner]
    results = {}
    for name, cite, kind, run in METHODS:
        flags = {k: np.zeros(len(v[0])) for k, v in sets.items()}
        scores = {k: np.zeros((OUTER, len(v[0]))) for k, v in sets.items()}
        contrast = view(feats["contrast"], split, kind)
        for o in range(OUTER):
            train = outer[ref_owner] != o
            x = view(ref_x[train], split, kind)
            predicted = view(ref_x[train], split, "logits").argmax(axis=1)
            score, threshold = run(x, predicted, ref_group[train], contrast,
                                   DEFAULT_FLAG_PERCENT, dk.FOLDS)
            for k, (_, _, role) in sets.items():
                if role == "ref":
                    continue
                s = score(view(feats[k], split, kind))
                scores[k][o] = s
                if role == "in":  # only the held-out group's own scans
                    held = outer == o
                    flags[k][held] = s[held] > threshold
                else:
                    flags[k] += (s > threshold) / OUTER
        native = "real, as exported"
        aucs = {k: np.mean([auroc(scores[native][o][outer == o], scores[k][o])
                            for o in range(OUTER)])
                for k, v in sets.items() if v[2] in ("ood", "real-ood")}
        results[name] = {"cite": cite, "flags": flags, "auroc": aucs}
    return results


def accuracy_split(sets, feats, split, flags, roles) -> tuple[str, str]:
    """The model's accuracy on unflagged and on flagged scans of the given roles."""
    ok_t = ok_f = n_t = n_f = 0.0
    for k, (_, y, role) in sets.items():
        if role not in roles or y is None:
            continue
        correct = view(feats[k], split, "logits").argmax(axis=1) == y
        f = flags[k]
        ok_f += float(np.sum(correct * f))
        n_f += float(np.sum(f))
        ok_t += float(np.sum(correct * (1 - f)))
        n_t += float(np.sum(1 - f))
    fmt = lambda ok, m: f"{100 * ok / m:.1f} % of {m:.0f}" if m else "none"  # noqa: E731
    return fmt(ok_t, n_t), fmt(ok_f, n_f)


def tables(sets, feats, split, results) -> str:
    names = list(results)
    head = "| set | scans | " + " | ".join(f"{m} ({results[m]['cite']})" for m in names) + \
        " |\n|---|---|" + "---|" * len(names) + "\n"
    lines = ["### Share flagged (threshold: 5 % of held-out reference scans)\n",
             head.replace("| scans |", "| scans | model's accuracy |", 1).replace(
                 "|---|---|", "|---|---|---|", 1)]
    for k, (images, y, role) in sets.items():
        if role == "ref":
            continue
        acc = "" if y is None else \
            f"{100 * np.mean(view(feats[k], split, 'logits').argmax(axis=1) == y):.1f} %"
        cells = " | ".join(f"{100 * results[m]['flags'][k].mean():.1f} %" for m in names)
        lines.append(f"| {k} | {len(images)} | {acc} | {cells} |\n")
    lines += ["\n### AUROC against the held-out real scans (as exported)\n", head]
    for k, (images, _, role) in sets.items():
        if role in ("ood", "real-ood"):
            cells = " | ".join(f"{results[m]['auroc'][k]:.3f}" for m in names)
            lines.append(f"| {k} | {len(images)} | {cells} |\n")
    lines += ["\n### The model's accuracy, unflagged / flagged\n", head]
    for label, roles in (("real, all widths (in domain)", ("in",)),
                         ("every real-derived scan", ("in", "real-ood"))):
        cells = " | ".join(" / ".join(accuracy_split(sets, feats, split, results[m]["flags"],
                                                     roles)) for m in names)
        lines.append(f"| {label} | | {cells} |\n")
    return "".join(lines)


def shape_ablation(sets, feats, split, patients) -> str:
    """Issue 18, item 6: the shipped check with a reference of the scans as exported only
    (no other widths), nested as above: the share of the same held-out scans it flags
    once resampled to each width, next to the model's accuracy there."""
    from dida_view.model.domain import calibrate

    outer = fold_of(patients, OUTER, seed=1)
    native = view(feats["real, as exported"], split, "layers")
    names = [k for k, v in sets.items() if v[2] == "in"]
    flags = {k: np.zeros(len(patients), bool) for k in names}
    for o in range(OUTER):
        train = outer != o
        ref = calibrate(native[train], patients[train], model_identity="ablation",
                        model_file="", reference="", cuts=["ablation"], channel_groups=[1],
                        folds=dk.FOLDS, contrast=view(feats["contrast"], split,
                                                      "layers")).reference
        for k in names:
            held = outer == o
            flags[k][held] = ref.score(view(feats[k][held], split, "layers")) > ref.threshold
    rows = ["\n### Reference of the scans as exported only (no other widths)\n",
            "| set | model's accuracy | flagged |\n|---|---|---|\n"]
    for k in names:
        y = sets[k][1]
        acc = np.mean(view(feats[k], split, "logits").argmax(axis=1) == y)
        rows.append(f"| {k} | {100 * acc:.1f} % | {100 * flags[k].mean():.1f} % |\n")
    return "".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(HERE.parent.parent / "shared" / "kermany-oct"))
    ap.add_argument("--reference-oct", default=None, metavar="DIR")
    ap.add_argument("--model", default=str(HERE.parent / "models" / "oct_kermany.onnx"))
    ap.add_argument("--per-kind", type=int, default=15, help="non-OCT pictures per kind")
    ap.add_argument("--contrast-seeds", type=int, default=dk.CONTRAST_SEEDS)
    ap.add_argument("--cache", default=None, metavar="FILE.npz")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    clf = OnnxClassifier(args.model, device="cpu", threads=1)
    sets, patients, owner = make_sets(Path(args.data), Path(args.reference_oct)
                                      if args.reference_oct else None, args.per_kind)
    contrast = dk.contrast_images(per_class=args.contrast_seeds)
    feats, split, per_scan = features(clf, sets, contrast,
                                      Path(args.cache) if args.cache else None)
    results = evaluate(sets, feats, split, patients, owner)
    print(tables(sets, feats, split, results))
    print(shape_ablation(sets, feats, split, patients))
    print(f"features: {1000 * per_scan:.1f} ms per scan (all layers, one inference); "
          f"{time.perf_counter() - t0:.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
