"""``dida-view audit SCANS... --out DIR``: the cohort audit.

SCANS (files, folders, case lists with an optional ``diagnosis`` column) are read through the
reading session as everywhere else: one model and one score space for the set, resolved
here before any case is farmed out; the readings, the agreement rule and the anonymous ids
are the session's. The cases run on every core of this machine (``--executor local``) or on
a Ray cluster (``--executor ray``); this process alone writes DIR: ``cases.jsonl`` (one line
per case or B-scan, resumable), ``results/`` (each unit's arrays), ``summary.json`` and
``audit.html`` (README, "Cohort audit").
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from dida_view.cli.common import (
    Parser,
    ProgressBar,
    add_lang_option,
    add_model_options,
    open_session,
    read_scans,
    set_language,
    slices_option,
)
from dida_view.cli.messages import error, note

SEVERAL_MODELS = ("the audit reads its set with one model, and these cases need {n} ({names}): "
                  "give --model")
DONE_LINE = ("{out}: {cases} {what}, {analysed} analysed ({computed} now, {skipped} "
             "skipped), {failed} failed; agree {agree}, disagree {disagree}, not read "
             "{unread}; accuracy {accuracy}; close calls {close}")


def _parser() -> argparse.ArgumentParser:
    from dida_view.audit.executors import EXECUTORS

    p = Parser(
        prog="dida-view audit",
        description="Audit a model over a cohort: agreement with the clinicians' readings, "
        "where it looks, how much of its evidence lies on things that are not anatomy. "
        "Writes DIR/cases.jsonl (resumable), DIR/summary.json and DIR/audit.html.",
    )
    p.add_argument("paths", nargs="+", metavar="SCANS",
                   help="scans, folders of scans, or case lists (.csv with a 'path' column "
                   "and optional 'diagnosis'; .json list)")
    p.add_argument("--out", required=True, metavar="DIR", help="the audit's folder")
    p.add_argument("--slices", metavar="all|center|N,N,...", type=slices_option,
                   help="B-scans of a volume to audit, numbered from 1 (default: center); "
                   "each counts as a case")
    p.add_argument("--limit", type=int, metavar="N",
                   help="only the first N cases or B-scans: a quick look")
    p.add_argument("--executor", default="local", choices=EXECUTORS,
                   help="local (default): worker processes on every core; ray: a Ray "
                   "cluster (pip install 'dida-view[cluster]')")
    p.add_argument("--workers", type=int, metavar="N",
                   help="worker processes or Ray actors (default: local, one per core; "
                   "ray, the cluster's CPUs / --threads)")
    p.add_argument("--threads", type=int, metavar="N",
                   help="inference threads per worker (default: the cores shared out "
                   "among the workers; ray, 1)")
    p.add_argument("--ray-address", metavar="ADDR",
                   help="the Ray cluster (auto, or ray://HOST:10001; default: a local Ray "
                   "started for the run)")
    p.add_argument("--no-html", action="store_true", help="write no audit.html")
    add_lang_option(p, "audit.html")
    add_model_options(p)
    return p


def check_counts(args) -> str | None:
    """The problem with the audit's own numbers, or None."""
    for name in ("limit", "workers", "threads"):
        v = getattr(args, name)
        if v is not None and v < 1:
            return f"--{name} must be >= 1, got {v}"
    if args.ray_address and args.executor != "ray":
        return "--ray-address needs --executor ray"
    return None


def run_audit(argv: list[str]) -> int:
    from dida_view.errors import DidaError

    args = _parser().parse_args(argv)
    set_language(args)
    problem = check_counts(args)
    if problem:
        error(problem)
        return 2
    try:
        session, case_set = open_session(args, args.paths)
    except DidaError as exc:
        error(str(exc))
        return 2
    for line in case_set.problems:
        error(line)
    for line in case_set.notes:
        note(line)
    if not case_set.cases:
        error("no scans to audit")
        return 1
    t0 = time.perf_counter()
    scans, unreadable = read_scans(case_set.cases, args.slices, args.limit)
    units, problems = session.expand_slices(args.slices, scans)
    for line in problems:
        error(line)
    units = units[:args.limit] if args.limit else units
    session.units = tuple(units)
    unreadable += len(problems) + len(case_set.problems)
    try:
        return _audit(args, session, units, scans, unreadable, t0)
    except DidaError as exc:
        error(str(exc))
        return 2


def _audit(args, session, units, scans, unreadable: int, t0: float) -> int:
    from dida_view.audit.executors import make_executor
    from dida_view.audit.run import AuditRun
    from dida_view.audit.worker import WorkerSpec
    from dida_view.errors import DidaError

    models = list(dict.fromkeys(session.model_path(u.case) for u in units))
    if len(models) > 1:
        raise DidaError(SEVERAL_MODELS.format(n=len(models), names=", ".join(
            Path(m).name for m in models)))
    if not models or models[0] is None:
        raise DidaError("no model: give --model M.onnx (no bundled model is installed)")
    model_path = Path(models[0])
    classifier = session.open(model_path)
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DidaError(f"{out}: cannot create the audit's folder ({exc.strerror})") from None
    space = session.space.resolve()  # once, on this machine, before any case leaves it
    if space.note:
        note(space.note)
    run = AuditRun(session, out, model_path=model_path, classifier=classifier,
                   settings=session.settings_for_set(), error=error,
                   note=note, lang=args.lang)
    plan = run.plan(units, scans)
    spec = WorkerSpec(model=str(model_path.absolute()), fingerprint=run.model_fp,
                      output_name=args.output_name, device="cpu" if args.cpu else "auto",
                      cache=not args.no_cache)
    executor = None
    rc = 0
    try:
        if plan.todo:
            executor = make_executor(args.executor, spec, workers=args.workers,
                                     threads=args.threads, address=args.ray_address,
                                     classifier=classifier)
            note(f"{len(plan.todo)} to analyse on {executor.describe()}")
            bar = ProgressBar("audit")
            try:
                run.execute(plan, executor, progress=bar)
            finally:
                bar.close()
        described = executor.describe() if executor is not None else args.executor
    except DidaError as exc:  # a worker that cannot work: what is done is summed up
        error(str(exc))
        described, rc = args.executor, 2
    except OSError as exc:
        error(f"{exc.filename or out}: cannot write ({exc.strerror or exc})")
        return 1
    finally:
        if executor is not None and hasattr(executor, "close"):
            executor.close()
    try:
        summary = run.finish(plan, unreadable=unreadable, executor=described,
                             seconds=time.perf_counter() - t0, html=not args.no_html)
    except OSError as exc:
        error(f"{exc.filename or out}: cannot write ({exc.strerror or exc})")
        return 1
    accuracy = "—" if summary["accuracy"] is None else f"{100 * summary['accuracy']:.1f} %"
    what = "case or B-scan" if summary["cases"] == 1 else "cases or B-scans"
    print(DONE_LINE.format(out=out, cases=summary["cases"], what=what,
                           analysed=summary["analysed"],
                           computed=summary["computed"], skipped=summary["skipped"],
                           failed=summary["failed"], agree=summary["agree"],
                           disagree=summary["disagree"], unread=summary["unread"],
                           accuracy=accuracy, close=summary["close_calls"]))
    return rc or (1 if summary["failed"] else 0)
