"""``dida-view report PATH... --out FILE.pdf [--lang en|ja] [--html]``.

PATH: scans, folders or case lists (CSV with a ``path`` column, JSON list), read through
the reading session as everywhere else: each case's own model, one score space for the
report, the session's readings and agreement rule. A case that fails gets an ``error:``
line and a page saying so; the rest of the report is still written, and the exit status
is 1. The report never writes over one of its inputs, and an existing report is replaced
only once the new one is complete.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from dida_view.cli.common import (
    Parser,
    ProgressBar,
    add_lang_option,
    add_model_options,
    open_session,
    set_language,
)
from dida_view.cli.messages import error, load_with_c_messages_as_notes, note
from dida_view.errors import DidaError

SUFFIXES = (".pdf", ".html", ".htm")


def _parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="dida-view report",
        description="A PDF (or HTML) report: a cover page listing the cases, then one page "
        "per case with the original, the top-3 evidence maps, the clinician's reading and "
        "whether it agrees with the model. Cases are named by an anonymous id, never by "
        "their file name.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="scans, folders of scans, or case lists (.csv with a 'path' column "
                   "and optional 'diagnosis'; .json list of paths or {path: ...})")
    add_model_options(p)
    p.add_argument("--out", required=True, metavar="FILE.pdf",
                   help="the report (.pdf, or .html for a handout)")
    add_lang_option(p, "the report")
    p.add_argument("--html", action="store_true",
                   help="write HTML (pictures embedded) instead of PDF")
    return p


def check_out(out: Path, as_html: bool, inputs: list[Path]) -> None:
    """The report's file: a ``.pdf`` (``.html`` with ``--html``), in a folder that can be
    written, and none of the inputs.

    Raises
    ------
    DidaError
        One line naming the problem.
    """
    suffix = out.suffix.lower()
    want = (".html", ".htm") if as_html else SUFFIXES
    if suffix not in want:
        raise DidaError(f"{out}: the report must be a {' or '.join(want)} file"
                        + (" (or give --html for an HTML handout)" if not as_html else ""))
    resolved = out.resolve()
    for p in inputs:
        if p.resolve() == resolved:
            raise DidaError(f"{out}: is one of the inputs; choose another file for the "
                            "report")
    folder = out.parent if str(out.parent) else Path(".")
    try:  # before minutes of analysis, not after; the old report is not touched
        tempfile.NamedTemporaryFile(dir=folder, prefix=".dida-report-", delete=True).close()
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(out)) from None


def build_entries(session, case_set, *, lang: str, view, folder: Path, cache=None,
                  report_error=None) -> list:
    """One :class:`~dida_view.report.html.CaseEntry` per case, its pictures written into
    ``folder``; a case that fails gets an entry with ``error`` set (and
    ``report_error(message)`` is called)."""
    from dida_view.io.reader import load_scan
    from dida_view.method import analysis
    from dida_view.method.batching import BatchTuner
    from dida_view.report.html import FAILED, CaseEntry, ModelCard
    from dida_view.report.pages import make_entry

    settings = session.settings_for_set()
    known = session.space.known
    set_notes = (known.note,) if known is not None and known.note else ()
    tuners: dict[str, BatchTuner] = {}
    entries = []
    for i, case in enumerate(case_set.cases, 1):
        reading = session.reading(case)
        bar = ProgressBar(f"case {i}/{len(case_set.cases)}")
        cid, card = f"#{i}", None
        try:
            scan = load_with_c_messages_as_notes(load_scan, str(case.path))
            cid = session.case_id(scan)
            classifier = session.classifier(case)
            card = ModelCard.from_classifier(classifier, session.model_path(case))
            image = scan.image()
            tuner = tuners.setdefault(getattr(classifier, "fingerprint", ""), BatchTuner())
            result = analysis.analyze(classifier, image, settings, progress=bar, cache=cache,
                                      tuner=tuner)
            bar.close()
            top = result.labels[result.top(1)[0]]
            note = session.domain_note(case)
            entries.append(make_entry(
                image, result, reading, case_id=cid, agreement=session.agreement(case, top),
                folder=folder, number=i, lang=lang, view=view, card=card,
                domain_note=note.text if note is not None else "", notes=(*scan.notes, *set_notes)))
        except (DidaError, OSError, ValueError, MemoryError) as exc:
            bar.close()
            msg = str(exc) if isinstance(exc, DidaError) else f"{case.path}: {exc}"
            if report_error:
                report_error(msg)
            # the page names no file: the message may hold a patient's name
            why = msg.replace(str(case.path), "").lstrip(": ") or "failed"
            entries.append(CaseEntry(case_id=cid, reading=reading, agreement=FAILED,
                                     model=card, error=why))
    return entries


def run_report(argv: list[str]) -> int:
    from dida_view.method.cache import ResultCache, default_cache_dir
    from dida_view.render import maps
    from dida_view.report.html import write_html

    args = _parser().parse_args(argv)
    set_language(args)
    out = Path(args.out)
    as_html = args.html or out.suffix.lower() in (".html", ".htm")
    try:
        session, case_set = open_session(args, args.paths)
        check_out(out, as_html, [c.path for c in case_set.cases] + [Path(p) for p in
                                                                     args.paths])
    except DidaError as exc:
        error(str(exc))
        return 2
    except OSError as exc:
        error(f"{exc.filename or out}: cannot write ({exc.strerror or exc})")
        return 2
    for line in case_set.notes:
        note(line)
    failures: list[str] = list(case_set.problems)
    for line in case_set.problems:
        error(line)
    if not case_set.cases:
        error("no cases to report" + (": every path above failed" if failures else ""))
        return 2
    cache = None if args.no_cache else ResultCache(default_cache_dir())

    def report_error(msg: str) -> None:
        failures.append(msg)
        error(msg)

    t0 = time.perf_counter()
    session.expand_slices(None)
    space = session.space.resolve()
    if space.note and space.units > 1:
        note(space.note)
    today = date.today().isoformat()
    with tempfile.TemporaryDirectory(prefix="dida-report-") as work:
        entries = build_entries(session, case_set, lang=args.lang, cache=cache,
                                view=maps.View(gain=args.gain, opacity=args.opacity),
                                folder=Path(work), report_error=report_error)
        try:
            write_report(out, entries, today, args.lang, as_html, write_html)
        except OSError as exc:
            error(f"{exc.filename or out}: cannot write ({exc.strerror or exc})")
            return 1
    cases = f"{len(entries)} case" + ("" if len(entries) == 1 else "s")
    print(f"{out}: {cases}, {len(failures)} failed "
          f"({time.perf_counter() - t0:.1f} s)", file=sys.stderr)
    return 1 if failures else 0


def write_report(out: Path, entries, today: str, lang: str, as_html: bool, write_html) -> None:
    """Write the report beside ``out`` under a temporary name, then put it in place: an
    existing report is replaced only by a complete one."""
    from dida_view.render.export import atomic_file

    with atomic_file(out) as tmp:
        if as_html:
            with open(tmp, "w", encoding="utf-8") as f:
                write_html(f, entries, today, lang)
        else:
            from dida_view.report.pdf import write_pdf

            write_pdf(tmp, entries, today, lang)
