"""``dida-view analyze PATH...``: the batch. Every case (every chosen B-scan of a volume) is
analysed through the reading session, its figure, panels and arrays written, one line
(or JSON record) each; a volume analysed whole also gets its evidence map."""

from __future__ import annotations

import argparse
from pathlib import Path

from dida_view.cli import analyze_out
from dida_view.cli.common import (
    Parser,
    add_lang_option,
    add_model_options,
    open_session,
    read_scans,
    set_language,
    slices_option,
)
from dida_view.cli.messages import error, note


def _analyze_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="dida-view analyze",
        description="Run DiDA on scans and write the paper's figure, per-class overlays "
        "and the raw maps.",
    )
    p.add_argument("images", nargs="+", metavar="PATH",
                   help="scans (images, DICOM, OCT volumes: README, \"Inputs\"), folders of "
                   "scans, or case lists (.csv with a 'path' column, .json list)")
    p.add_argument("--slices", metavar="all|center|N,N,...", type=slices_option,
                   help="B-scans of a volume to analyse, numbered from 1 (default: center); "
                   "one result each, with the B-scan number in its file names and JSON")
    add_model_options(p)
    p.add_argument("--top", type=int, default=3, help="how many top classes to show")
    p.add_argument("--class", dest="classes", nargs="+", metavar="NAME",
                   help="show these classes instead of the top ones")
    p.add_argument("--diagnosis", metavar="TEXT",
                   help="the clinician's diagnosis, written on the original "
                   "(default: the reading in the scan's sidecar)")
    p.add_argument("--out", default=".", metavar="DIR", help="output folder (default: .)")
    p.add_argument("--json", action="store_true", help="print one JSON object per result")
    add_lang_option(p, "the pictures' words")
    return p


def run_analyze(argv: list[str]) -> int:
    from dida_view.errors import DidaError

    args = _analyze_parser().parse_args(argv)
    set_language(args)
    try:
        session, case_set = open_session(args, args.images)
        if args.classes and session.chosen_model is not None:
            analyze_out.shown_classes(args.classes, session.open(session.chosen_model),
                                      session.chosen_model)
        out_dir = Path(args.out)
        out_dir.mkdir(parents=True, exist_ok=True)
    except DidaError as exc:
        error(str(exc))
        return 2
    except OSError as exc:
        error(f"{args.out}: cannot create output folder ({exc.strerror})")
        return 2
    failures = len(case_set.problems)
    for line in case_set.problems:
        error(line)
    for line in case_set.notes:
        note(line)
    if not case_set.cases:
        if not case_set.problems:
            error("no scans to analyse")
        return 1

    scans, unreadable = read_scans(case_set.cases, args.slices)  # headers, read once
    failures += unreadable
    units, problems = session.expand_slices(args.slices, scans)
    for line in problems:  # e.g. --slices 30 of a 25 B-scan volume
        error(line)
    failures += len(problems)
    run = analyze_out.AnalyzeRun(args, session, out_dir)
    try:  # the names of the run's files are reserved first, and until it ends
        run.reserve(units, scans)
        run.announce_space()
        for case in case_set.cases:
            mine = [u for u in units if u.case == case]
            if mine and not analyze_out.analyze_case(run, scans[case.path], mine):
                failures += 1
    finally:
        run.names.release()
    return 1 if failures else 0
