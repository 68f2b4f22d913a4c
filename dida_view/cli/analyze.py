"""``dida-view analyze IMAGE...``: the batch: every image (every chosen B-scan of a
volume) analysed, its figure, panels and arrays written, one line (or JSON record) each."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import types
from pathlib import Path

from dida_view.cli import analyze_out as cli_results
from dida_view.cli.common import (
    SLICES_IGNORED,
    Parser,
    add_model_options,
    open_model,
    slices_option,
)
from dida_view.cli.messages import WARNING_ITEM, error, load_with_c_messages_as_notes, loadable


def _analyze_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="dida-view analyze",
        description="Run DiDA on images and write the paper's figure, per-class overlays "
        "and the raw maps.",
    )
    p.add_argument("images", nargs="+", metavar="IMAGE",
                   help="image, DICOM or OCT volume files to analyse (README, \"Inputs\")")
    p.add_argument("--slices", metavar="all|center|N,N,...", type=slices_option,
                   help="B-scans of a volume to analyse, numbered from 1 (default: center); "
                   "one result each, with the B-scan number in its file names and JSON")
    add_model_options(p)
    p.add_argument("--top", type=int, default=3, help="how many top classes to show")
    p.add_argument("--class", dest="classes", nargs="+", metavar="NAME",
                   help="show these classes instead of the top ones")
    p.add_argument("--diagnosis", metavar="TEXT",
                   help="the clinician's diagnosis, written on the original "
                   "(default: the reading in the image's sidecar <stem>.json)")
    p.add_argument("--out", default=".", metavar="DIR", help="output folder (default: .)")
    p.add_argument("--json", action="store_true", help="print one JSON object per image")
    return p


def run_analyze(argv: list[str]) -> int:
    from dida_view.errors import DidaError, SettingsError
    from dida_view.io.reader import load_image, load_scan
    from dida_view.io.scan import parse_slices
    from dida_view.method import analysis
    from dida_view.render import enface, export, maps

    args = _analyze_parser().parse_args(argv)
    try:
        classifier, settings, model_path = open_model(args, args.images[0])
        shown: list[int] | None = None
        if args.classes:
            missing = [c for c in args.classes if c not in classifier.labels]
            if missing:
                raise DidaError(
                    f"{model_path}: no class named {missing[0]!r} "
                    f"(classes: {', '.join(classifier.labels)})"
                )
            shown = [classifier.labels.index(c) for c in args.classes]
        out_dir = Path(args.out)
        out_dir.mkdir(parents=True, exist_ok=True)
    except DidaError as exc:
        error(str(exc))
        return 2
    except OSError as exc:
        error(f"{args.out}: cannot create output folder ({exc.strerror})")
        return 2

    from dida_view.method.batching import BatchTuner
    from dida_view.method.cache import ResultCache, default_cache_dir

    cache = None if args.no_cache else ResultCache(default_cache_dir())
    tuner = BatchTuner()  # the batch size found on the first image serves the others
    batch_note = None
    if settings.score_space == "auto" and len(args.images) > 1:
        try:
            space, batch_note = analysis.batch_score_space(
                classifier, loadable(args.images, load_image))
        except DidaError as exc:
            error(str(exc))
            return 1
        settings = dataclasses.replace(settings, score_space=space)
        if batch_note and not args.json:
            print(f"note: {batch_note}", file=sys.stderr)
    run = types.SimpleNamespace(
        args=args, classifier=classifier, settings=settings, cache=cache, tuner=tuner,
        view=maps.View(gain=args.gain, opacity=args.opacity), shown=shown, out_dir=out_dir,
        model_path=model_path, batch_note=batch_note, names=export.OutputNames(),
        engine_notes=set())
    failures = 0
    for name in args.images:
        WARNING_ITEM[0] = str(name)
        try:
            scan = load_with_c_messages_as_notes(load_scan, name)
            indices = parse_slices(args.slices or "center", len(scan)) if scan.is_volume \
                else [0]  # --slices is for volumes; an image is its one B-scan
            if args.slices is not None and not scan.is_volume:
                scan = dataclasses.replace(scan, notes=(*scan.notes, SLICES_IGNORED))
        except SettingsError as exc:  # e.g. --slices 30 of a 25 B-scan volume
            error(f"{name}: {exc}")
            failures += 1
            continue
        except DidaError as exc:  # image errors already name their file
            error(str(exc))
            failures += 1
            continue
        except MemoryError:
            error(f"{name}: not enough memory to read it")
            failures += 1
            continue
        if not args.json:
            for note in scan.notes:
                print(f"note: {name}: {note}", file=sys.stderr)
            if scan.is_volume and not args.slices:
                print(f"note: {name}: a volume of {len(scan)} B-scans; analysing the centre "
                      f"one, {scan.centre + 1} (--slices all|center|3,7,9 for others)",
                      file=sys.stderr)
        whole = scan.is_volume and args.slices and args.slices.strip().lower() == "all"
        profiles, scores = [], []
        for index in indices:
            if scan.is_volume:
                WARNING_ITEM[0] = f"{name} [B-scan {index + 1}]"
            result = cli_results.analyze_slice(run, scan, index, name)
            if result is None:
                failures += 1
                whole = False
            elif whole:
                profiles.append(enface.bscan_profile(result))
                scores.append(result.scores)
                labels, space = result.labels, result.score_space
        WARNING_ITEM[0] = str(name)
        if whole and not cli_results.write_evidence_map(run, scan, name, profiles, scores,
                                                        labels, space):
            failures += 1
    return 1 if failures else 0
