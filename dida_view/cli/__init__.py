"""The command line, one module per command: ``dida-view
analyze|report|audit|synth|check-model|calibrate``,
``--self-test``, or the viewer. Commands share :mod:`~dida_view.cli.common` (model
options, progress bar) and :mod:`~dida_view.cli.messages` (``error:`` / ``note:`` lines).
Nothing here draws or decides: the commands ask the session and the method."""

from __future__ import annotations

import logging
import sys
import warnings

from dida_view import __version__
from dida_view.cli import analyze, messages, synth

SUBCOMMANDS = ("analyze", "report", "audit", "synth", "check-model", "calibrate")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("-V", "--version"):
        print(f"dida-view {__version__}")
        return 0
    root = logging.getLogger()
    handler = messages.LogToNote()
    root.addHandler(handler)
    with warnings.catch_warnings():
        warnings.showwarning = messages.show_warning
        try:
            rc = _run(argv)
            sys.stdout.flush()  # a closed pipe shows here, not in Python's flush at exit
            return rc
        except KeyboardInterrupt:
            print("\ninterrupted", file=sys.stderr)
            return 130
        except BrokenPipeError:
            return messages.stdout_closed()
        finally:
            messages.WARNING_ITEM[0] = ""
            messages.SAID.clear()
            root.removeHandler(handler)


def _run(argv: list[str]) -> int:
    if argv and argv[0] == "analyze":
        return analyze.run_analyze(argv[1:])
    if argv and argv[0] == "synth":
        return synth.run_synth(argv[1:])
    if argv and argv[0] == "report":
        from dida_view.cli.report import run_report

        return run_report(argv[1:])
    if argv and argv[0] == "audit":
        from dida_view.cli.audit import run_audit

        return run_audit(argv[1:])
    if argv and argv[0] == "check-model":
        from dida_view.cli.check_model import run as check_model

        return check_model(argv[1:])
    if argv and argv[0] == "calibrate":
        from dida_view.cli.calibrate import run as calibrate

        return calibrate(argv[1:])
    if argv and argv[0] == "--self-test":
        from dida_view.cli.self_test import run as self_test

        return self_test(argv[1:])
    return run_gui(argv)


def run_gui(argv: list[str]) -> int:
    try:
        from dida_view.gui.app import main as gui_main
    except ImportError as exc:
        messages.error(f"the viewer is not available ({exc})")
        return 2
    return gui_main(argv)
