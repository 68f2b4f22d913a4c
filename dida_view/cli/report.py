"""``dida-view report PATH... --out FILE.pdf [--lang en|ja] [--html]``.

PATH: images, folders or case lists (CSV with a ``path`` column, JSON list); the model and
analysis options are ``analyze``'s. A case that fails gets an ``error:`` line and a page
saying so; the rest of the report is still written, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from datetime import date
from pathlib import Path

from dida_view.cli.common import ProgressBar, add_model_options
from dida_view.cli.messages import error, load_with_c_messages_as_notes


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="dida-view report",
        description="A PDF (or HTML) report: a cover page listing the cases, then one page "
        "per case with the original, the top-3 evidence maps, the clinician's reading and "
        "whether it agrees with the model. Cases are named by an anonymous id, never by "
        "their file name.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="images, folders of images, or case lists (.csv with a 'path' "
                   "column and optional 'diagnosis'; .json list of paths or {path: ...})")
    add_model_options(p)
    p.add_argument("--out", required=True, metavar="FILE.pdf",
                   help="the report (.pdf, or .html for a handout)")
    p.add_argument("--lang", default="en", choices=("en", "ja"),
                   help="language of the report's fixed text (default: en)")
    p.add_argument("--html", action="store_true",
                   help="write HTML (pictures embedded) instead of PDF")
    return p


def build_entries(cases, classifier, settings, *, lang: str, view, cache=None,
                  report_error=None) -> list:
    """One :class:`~dida_view.report.html.CaseEntry` per case; a case that fails gets an
    entry with ``error`` set (and ``report_error(message)`` is called)."""
    from dida_view.errors import DidaError
    from dida_view.io.reader import load_image
    from dida_view.method import analysis
    from dida_view.method.batching import BatchTuner
    from dida_view.report.html import CaseEntry, case_id, make_entry
    from dida_view.session.reading import Reading, load_reading

    tuner = BatchTuner()
    entries = []
    for i, case in enumerate(cases, 1):
        reading = load_reading(case.path)
        if reading.empty and case.diagnosis:
            reading = Reading(diagnosis=case.diagnosis)
        bar = ProgressBar(f"case {i}/{len(cases)}")
        image = None
        try:
            image = load_with_c_messages_as_notes(load_image, str(case.path))
            result = analysis.analyze(classifier, image, settings, progress=bar, cache=cache,
                                      tuner=tuner)
            bar.close()
            entries.append(make_entry(image, result, reading, lang=lang, view=view))
        except (DidaError, OSError, ValueError) as exc:
            bar.close()
            msg = str(exc) if isinstance(exc, DidaError) else f"{case.path}: {exc}"
            if report_error:
                report_error(msg)
            # the page names no file: the message may hold a patient's name
            why = msg.replace(str(case.path), "").lstrip(": ") or "failed"
            cid = case_id(image) if image is not None else f"#{i}"
            entries.append(CaseEntry(case_id=cid, reading=reading, error=why))
    return entries


def run_report(argv: list[str]) -> int:
    from dida_view.errors import DidaError
    from dida_view.io.reader import load_image
    from dida_view.method import analysis
    from dida_view.method.cache import ResultCache, default_cache_dir
    from dida_view.render import maps
    from dida_view.report.html import ModelCard, html_document
    from dida_view.session.cases import expand

    args = _parser().parse_args(argv)
    from dida_view.cli.common import open_model

    out = Path(args.out)
    as_html = args.html or out.suffix.lower() in (".html", ".htm")
    try:
        cases = expand(args.paths)
        # no --model: the bundled model the first case's sidecar names, else the real one
        classifier, settings, model_path = open_model(args, cases[0].path if cases else None)
    except DidaError as exc:
        error(str(exc))
        return 2
    try:  # before minutes of analysis, not after
        out.open("wb").close()
    except OSError as exc:
        error(f"{out}: cannot write ({exc.strerror})")
        return 2
    if settings.score_space == "auto" and len(cases) > 1:
        from dida_view.cli.messages import loadable

        try:  # one score space for the whole report, as analyze does for a batch
            space, _ = analysis.batch_score_space(
                classifier, loadable([str(c.path) for c in cases], load_image))
            settings = dataclasses.replace(settings, score_space=space)
        except DidaError:
            pass  # every case fails below, each with its own message
    cache = None if args.no_cache else ResultCache(default_cache_dir())
    failures: list[str] = []

    def report_error(msg: str) -> None:
        failures.append(msg)
        error(msg)

    t0 = time.perf_counter()
    entries = build_entries(cases, classifier, settings, lang=args.lang, cache=cache,
                            view=maps.View(gain=args.gain, opacity=args.opacity),
                            report_error=report_error)
    card = ModelCard.from_classifier(classifier, model_path)
    today = date.today().isoformat()
    try:
        if as_html:
            out.write_text(html_document(entries, card, today, args.lang), encoding="utf-8")
        else:
            from dida_view.report.pdf import write_pdf

            write_pdf(out, entries, card, today, args.lang)
    except OSError as exc:
        error(f"{exc.filename or out}: cannot write ({exc.strerror or exc})")
        return 1
    print(f"{out}: {len(entries)} cases, {len(failures)} failed "
          f"({time.perf_counter() - t0:.1f} s)", file=sys.stderr)
    return 1 if failures else 0
