"""``dida-view calibrate MODEL SCANS...``: the domain check's reference statistics for a
model, from scans the user says are in its domain; stored beside the model as
``<stem>.domain.json`` and read whenever the model is opened (issue 18)."""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

DEFAULT_REFERENCE = "{count} in-domain scans given to dida-view calibrate on {date}"
LEAST_TYPICAL_SHOWN = 5


def _parser() -> argparse.ArgumentParser:
    from dida_view.model.domain import DEFAULT_FLAG_PERCENT

    p = argparse.ArgumentParser(
        prog="dida-view calibrate",
        description="Compute the domain check's reference statistics for MODEL from SCANS, "
        "scans you know are in its domain (the device, population and export it was made "
        "for), and store them beside the model as <stem>.domain.json. From then on every "
        "analysis with the model says whether a scan is typical of these or unlike them.")
    p.add_argument("model", metavar="MODEL", help="the ONNX model (with its sidecar, if any)")
    p.add_argument("scans", nargs="+", metavar="SCAN",
                   help="scan files or folders of them (searched recursively); every B-scan "
                   "of a volume counts. Use scans the model was NOT trained on: scans it "
                   "learnt look more typical than new ones")
    p.add_argument("--holdout", type=float, default=0.2, metavar="F",
                   help="share of the files held out of each fit to set the threshold "
                   "(default 0.2: 5 folds; every file is held out once)")
    p.add_argument("--flag-rate", type=float, default=DEFAULT_FLAG_PERCENT, metavar="PERCENT",
                   help="share of held-out in-domain scans the threshold flags (default "
                   f"{DEFAULT_FLAG_PERCENT:g})")
    p.add_argument("--reference", metavar="TEXT",
                   help="what the scans are, in words, shown with every result (default: "
                   "their number and the date). No patient names")
    p.add_argument("--contrast", nargs="+", metavar="SCAN",
                   help="scans known to be OUT of the domain (another device, synthetic "
                   "scans): the check also learns to tell them apart")
    p.add_argument("--widths", metavar="W,W,...",
                   help="also use every scan resampled to these widths (height kept), for "
                   "a device that exports one scan at several widths")
    p.add_argument("--output-name", metavar="NAME",
                   help="the model's class-score output, when it has several")
    p.add_argument("--cpu", action="store_true", help="run on the CPU even if a GPU is there")
    return p


def scan_files(names: list[str]) -> tuple[list[Path], list[str]]:
    """Files to read (folders searched recursively, hidden files left out, sorted), and an
    ``error:`` text for each name that is neither."""
    from dida_view.io.images import SCAN_SUFFIXES

    files, errors = [], []
    for name in names:
        p = Path(name)
        if p.is_dir():
            found = sorted(q for q in p.rglob("*") if q.is_file() and
                           q.suffix.lower() in SCAN_SUFFIXES and
                           not any(part.startswith(".") for part in q.relative_to(p).parts))
            if not found:
                errors.append(f"{p}: no scan files in this folder")
            files += found
        elif p.exists():
            files.append(p)
        else:
            errors.append(f"{p}: no such file")
    return files, errors


def _widths(text: str | None) -> list[int]:
    from dida_view.errors import SettingsError

    if not text:
        return []
    try:
        widths = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise SettingsError(f"--widths: bad list {text!r}: expected numbers like "
                            "512,768,1024") from None
    if not widths or any(not 16 <= w <= 16384 for w in widths):
        raise SettingsError(f"--widths: widths must be 16..16384 pixels, got {text!r}")
    return widths


def read_features(cut, files: list[Path], widths: list[int], what: str):
    """Feature rows of every B-scan of ``files`` (at every width of ``widths`` too), the
    file index and the content box's log aspect ratio of each row, and the number of
    files that failed (each said in one line)."""
    import numpy as np
    from PIL import Image

    from dida_view.cli.common import ProgressBar
    from dida_view.cli.messages import error, load_with_c_messages_as_notes
    from dida_view.errors import DidaError
    from dida_view.io.reader import load_scan

    rows, owner, aspects, failed = [], [], [], 0
    bar = ProgressBar(what)
    for k, path in enumerate(files):
        bar(k, len(files))
        try:
            scan = load_with_c_messages_as_notes(load_scan, str(path))
            for i in range(len(scan)):
                image = scan.slices[i]
                variants = [image] + [np.asarray(Image.fromarray(image).resize(
                    (w, image.shape[0]), Image.Resampling.BILINEAR))
                    for w in widths if w != image.shape[1]]
                for v in variants:
                    f, a = cut.features_and_aspect(v)
                    rows.append(f)
                    owner.append(k)
                    aspects.append(a)
        except DidaError as exc:
            bar.close()
            error(str(exc))
            failed += 1
        except MemoryError:
            bar.close()
            error(f"{path}: not enough memory to read it")
            failed += 1
    bar.close()
    return (np.asarray(rows), np.asarray(owner, dtype=np.int64), np.asarray(aspects),
            failed)


def run(argv: list[str]) -> int:
    from dida_view.cli.messages import error
    from dida_view.errors import DidaError
    from dida_view.model.domain import calibrate
    from dida_view.model.domainfeatures import FeatureCut
    from dida_view.model.domainref import (
        load_reference,
        model_identity,
        reference_path,
        save_reference,
    )
    from dida_view.model.onnx import OnnxClassifier

    args = _parser().parse_args(argv)
    if not 0.0 < args.holdout <= 0.5:
        error(f"--holdout must be in (0, 0.5], got {args.holdout:g}")
        return 2
    if not 0.0 < args.flag_rate <= 50.0:
        error(f"--flag-rate must be in (0, 50], got {args.flag_rate:g}")
        return 2
    try:
        widths = _widths(args.widths)
        clf = OnnxClassifier(args.model, output=args.output_name,
                             device="cpu" if args.cpu else "auto")
        cut = FeatureCut(clf)
    except DidaError as exc:
        error(str(exc))
        return 2
    files, problems = scan_files(args.scans)
    contrast_files, contrast_problems = scan_files(args.contrast or [])
    for text in problems + contrast_problems:
        error(text)
    x, owner, aspects, failed = read_features(cut, files, widths, "reference scans")
    contrast = None
    if contrast_files:
        contrast, _, _, failed_c = read_features(cut, contrast_files, widths,
                                                 "contrast scans")
        failed += failed_c
        contrast = contrast if len(contrast) else None
    used = sorted(set(owner.tolist()))
    count = len(x)
    text = args.reference or DEFAULT_REFERENCE.format(
        count=count, date=datetime.date.today().isoformat())
    folds = max(2, min(round(1 / args.holdout), len(used)))
    try:
        cal = calibrate(x, owner, model_identity=model_identity(clf), model_file=clf.path.name,
                        reference=text, cuts=cut.cuts, channel_groups=cut.groups,
                        flag_percent=args.flag_rate, folds=folds, contrast=contrast,
                        contrast_name=f"{len(contrast)} scans given as out of the domain"
                        if contrast is not None else "", aspects=aspects)
    except ValueError as exc:
        error(f"{args.model}: {exc}")
        return 2
    out = reference_path(clf.path)
    old = None
    if out.is_file():
        try:
            old = load_reference(out).reference
        except DidaError:
            old = "unreadable"
    ref = cal.reference
    figures = {"scans": int(count), "files": len(used), "folds": folds,
               "widths": widths, "contrast_scans": 0 if contrast is None else len(contrast),
               "made_by": "dida-view calibrate"}
    ref = type(ref)(**{**ref.__dict__, "figures": figures})
    try:
        save_reference(ref, out)
    except OSError as exc:
        error(f"{out}: cannot write ({exc.strerror}); copy the model to a folder you can "
              "write to and calibrate that copy")
        return 2
    _report(args, clf, cut, ref, cal, files, owner, used, folds, contrast, out, old)
    return 1 if failed or problems or contrast_problems else 0


def _report(args, clf, cut, ref, cal, files, owner, used, folds, contrast, out, old) -> None:
    import numpy as np

    n = len(cal.heldout_scores)
    flagged = int(cal.flagged.sum())
    print(f"model: {clf.path} ({len(cut.cuts)} layers read: {cut.cuts[0]} ... "
          f"{cut.cuts[-1]}; {len(ref.components[0].mean)} features)")
    print(f"reference: {n} B-scans from {len(used)} files"
          + (f" (each also at widths {args.widths})" if args.widths else "")
          + f"; \"{ref.reference}\"")
    if contrast is not None:
        inside = float(np.mean(ref.score(contrast) > ref.threshold))
        print(f"contrast: {len(contrast)} out-of-domain B-scans; {100 * inside:.1f} % of "
              "them are flagged (scans the contrast was fitted on: not a test)")
    lo, hi = np.exp(ref.aspect_range) if ref.aspect_range else (0, np.inf)
    print(f"shapes: content {lo:.2f}-{hi:.2f} times as wide as high after the model's resize "
          "(the reference scans' range, widened by a quarter); other shapes are called "
          "unlike the reference (--widths adds shapes)")
    print(f"threshold: score > {ref.threshold:.3f} flags {flagged} of {n} held-out reference "
          f"B-scans ({100 * flagged / max(1, n):.1f} %; target {ref.flag_percent:g} %), "
          f"{folds} folds, each holding out about {100 / folds:.0f} % of the files")
    order = np.argsort(-cal.heldout_scores)[:LEAST_TYPICAL_SHOWN]
    names = ", ".join(f"{files[owner[i]].name} ({cal.heldout_scores[i]:.2f})" for i in order)
    print(f"least typical of the reference (worth a look: are they really in the domain?): "
          f"{names}")
    if old is not None:
        print(f"replaced the previous reference (\"{old}\")", file=sys.stderr)
    print(f"wrote {out} ({out.stat().st_size:,} bytes); fingerprint {ref.fingerprint[:16]}; "
          "used from now on whenever the model is opened")
