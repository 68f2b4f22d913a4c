"""What the commands share: the model and analysis options, the reading session of the
command's PATHs, the progress bar."""

from __future__ import annotations

import argparse
import math
import re
import sys
import time
from pathlib import Path
from typing import NoReturn

from dida_view.catalogue import LANGUAGES
from dida_view.cli import messages

USAGE_ERROR = "error: {problem} (see {prog} --help)\n"


class Parser(argparse.ArgumentParser):
    """``argparse.ArgumentParser`` for every command: a usage error is one line,
    ``error: <problem> (see <prog> --help)``, exit status 2 (not argparse's usage block).

    A value that starts with a minus and a digit (``--weights -1,2``, ``--gain -3``) is a
    value, not an option, so that our own check of it says what is wrong with it.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # argparse takes only "-1" and "-.5" for negative numbers, so "-1,2" would be an
        # unknown option; no option of ours starts with a digit
        self._negative_number_matcher = re.compile(r"^-\.?\d[\w.,+-]*$")

    def error(self, message: str) -> NoReturn:
        self.exit(2, USAGE_ERROR.format(problem=message, prog=self.prog))


class ProgressBar:
    """A one-line bar with ETA on stderr, drawn only when stderr is a terminal."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.enabled = sys.stderr.isatty()
        self.t0 = time.perf_counter()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        frac = done / total
        elapsed = time.perf_counter() - self.t0
        eta = elapsed / frac - elapsed if frac > 0 else 0.0
        bar = "#" * int(30 * frac)
        sys.stderr.write(f"\r{self.name[:30]:30s} [{bar:30s}] {done}/{total} ETA {eta:4.0f}s")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\r" + " " * 90 + "\r")
            sys.stderr.flush()


SLICES_IGNORED = "--slices ignored: one image, not a volume"


def read_scans(cases, slices: str | None, limit: int | None = None) -> tuple[dict, int]:
    """The scans of ``cases`` by path, at most ``limit`` (headers: the pixels are read when
    analysed), and how many could not be opened, each said in one ``error:`` line (its
    message names the file). ``--slices`` on a plain image is said in its notes, not
    ignored silently."""
    import dataclasses

    from dida_view.errors import DidaError
    from dida_view.io.reader import load_scan

    scans, failed = {}, 0
    for case in cases:
        if limit and len(scans) >= limit:
            break
        messages.WARNING_ITEM[0] = str(case.path)
        try:
            scan = messages.load_with_c_messages_as_notes(load_scan, str(case.path))
            if slices is not None and not scan.is_volume:
                scan = dataclasses.replace(scan, notes=(*scan.notes, SLICES_IGNORED))
            scans[case.path] = scan
        except DidaError as exc:
            messages.error(str(exc))
            failed += 1
        except MemoryError:
            messages.error(f"{case.path}: not enough memory to read it")
            failed += 1
    messages.WARNING_ITEM[0] = ""
    return scans, failed


def slices_option(text: str) -> str:
    """The argparse type of ``--slices``: its form is checked before any work (exit 2)."""
    from dida_view.errors import SettingsError
    from dida_view.io.scan import check_slices

    try:
        return check_slices(text)
    except SettingsError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--slices: ")) from None


def add_lang_option(p: argparse.ArgumentParser, what: str) -> None:
    """``--lang en|ja``: the language of ``what`` and of the notes on stderr (the message
    catalogue's); ``error:`` lines and JSON stay English, for scripts."""
    p.add_argument("--lang", default="en", choices=LANGUAGES,
                   help=f"language of {what} and of the notes (default: en; errors and JSON "
                   "stay English)")


def set_language(args: argparse.Namespace) -> None:
    """The run's language, for :func:`dida_view.cli.messages.note`."""
    messages.LANG[0] = getattr(args, "lang", "en") or "en"


def add_model_options(p: argparse.ArgumentParser) -> None:
    """The model and analysis options that ``analyze`` and ``report`` share."""
    from dida_view.method.grids import DEFAULT_GRID_GEOMETRY, GRID_GEOMETRIES
    from dida_view.method.masking import MASK_FILLS
    from dida_view.model.scores import SCORE_SPACES

    p.add_argument("--model", metavar="M.onnx",
                   help="ONNX image classifier for every case (default: each case's own "
                   "bundled model, named by its sidecar, else the bundled real-data OCT "
                   "model)")
    p.add_argument("--output-name", metavar="NAME",
                   help="the model's class-score output, when it has several")
    p.add_argument("--grids", default="7,9,11,13,15,17,19,21", metavar="N,N,...",
                   help="grid sizes, coarse to fine (default: the paper's 7,9,...,21)")
    p.add_argument("--weights", metavar="W,W,...",
                   help="blend weights, one per grid size (default: the paper's)")
    p.add_argument("--mask", default="black", choices=MASK_FILLS, help="mask fill")
    p.add_argument("--grid-geometry", default=DEFAULT_GRID_GEOMETRY, choices=GRID_GEOMETRIES,
                   help="content: n x n cells over the image content; square: square cells, "
                   "n along the content's longer side; input: n x n over the whole model "
                   f"input (default: {DEFAULT_GRID_GEOMETRY})")
    p.add_argument("--score", default="auto", choices=SCORE_SPACES,
                   help="score space (auto: probability, or, when it saturates, logit for a "
                   "model that outputs logits and log-odds for one that outputs probabilities; "
                   "one space for the whole batch)")
    p.add_argument("--engine", default="auto", choices=("auto", "full", "incremental"),
                   help="full: run the whole model on every masked image; incremental: "
                   "recompute only what a masked cell changes (the same maps to float "
                   "precision); auto (default): incremental where a short measurement at "
                   "the start finds it faster for this model")
    p.add_argument("--batch-size", type=int, default=None, metavar="N",
                   help="masked images per model run (default: chosen by measurement)")
    p.add_argument("--gain", type=float, default=1.0, help="colour intensity gain")
    p.add_argument("--opacity", type=float, default=0.5, help="overlay opacity, 0..1")
    p.add_argument("--cpu", action="store_true", help="run on the CPU even if a GPU is there")
    p.add_argument("--keep-names", action="store_true",
                   help="name DICOM and vendor files by their file names (default: by their "
                   "anonymous case id, as their names often carry a patient's)")
    p.add_argument("--no-cache", action="store_true",
                   help="always recompute (default: reuse results of the same image, model "
                   "and settings from the user's cache folder)")


def check_numbers(args) -> None:
    """The numeric settings, checked before any image (README, "Command line").

    The rule: a bad setting is an error that names it, before any work, exit status 2
    (``--gain nan``, ``--gain 0``, ``--opacity 2``, a negative weight, ``--top 0``); a
    setting that one image cannot take (a grid finer than that image) is an error that
    names the image, the others are analysed, exit status 1.
    """
    from dida_view.errors import DidaError

    if getattr(args, "top", 1) < 1:
        raise DidaError(f"--top must be >= 1, got {args.top}")
    if not math.isfinite(args.gain) or args.gain <= 0:
        raise DidaError(f"--gain must be a finite number > 0, got {args.gain}")
    if not math.isfinite(args.opacity) or not 0.0 <= args.opacity <= 1.0:
        raise DidaError(f"--opacity must be in 0..1, got {args.opacity}")
    if args.batch_size is not None and args.batch_size < 1:
        raise DidaError(f"--batch-size must be >= 1, got {args.batch_size}")


def analysis_settings(args: argparse.Namespace):
    """The :class:`~dida_view.method.analysis.Settings` of :func:`add_model_options`'
    arguments, every number checked (:func:`check_numbers`).

    Raises
    ------
    DidaError
        A bad option value, naming the option.
    """
    from dida_view.errors import DidaError, SettingsError
    from dida_view.method import analysis
    from dida_view.method.dida import parse_grid_sizes

    grids = parse_grid_sizes(args.grids)
    weights = None
    if args.weights:
        try:
            weights = tuple(float(w) for w in args.weights.split(","))
        except ValueError:
            raise DidaError(f"--weights: bad list {args.weights!r}: expected numbers "
                            "like 1,2,3") from None
    try:
        settings = analysis.Settings(
            grid_sizes=grids,
            mask_fill=args.mask,
            grid_geometry=args.grid_geometry,
            score_space=args.score,
            batch_size=args.batch_size,
            weights=weights,
            engine=args.engine,
        )
    except SettingsError as exc:
        flag = "--weights" if "weight" in str(exc) else "--batch-size" if "batch" in \
            str(exc) else "--grids"
        raise DidaError(f"{flag}: {exc}") from None
    check_numbers(args)
    return settings


def open_session(args: argparse.Namespace, paths: list[str]):
    """The reading session of a command's PATHs: ``(session, case_set)``.

    The cases come from the one case reader (files, folders, CSV/JSON case lists); each
    is read by the model :func:`~dida_view.session.models.model_for_case` names (the
    ``--model`` given, else its own bundled model, else the real-data model), each model
    opened once. A ``--model`` given is opened here, so that a model that cannot be
    opened stops the run before any work.

    Raises
    ------
    DidaError
        A bad option value, or a ``--model`` that cannot be opened.
    """
    from dida_view.errors import DidaError
    from dida_view.model.onnx import OnnxClassifier
    from dida_view.session.cases import read_cases
    from dida_view.session.session import ReadingSession

    settings = analysis_settings(args)

    def open_model(path: Path):
        classifier = OnnxClassifier(path, output=args.output_name,
                                    device="cpu" if args.cpu else "auto")
        for text in classifier.info.notes:  # what of the model's configuration was not used
            messages.note(text, path)
        if settings.engine != "full":  # split the graph while the images load
            from dida_view.method.incremental import plan_future

            plan_future(classifier)
        return classifier

    case_set = read_cases(paths)
    session = ReadingSession(case_set.cases, chosen_model=args.model, settings=settings,
                             keep_names=args.keep_names, open_model=open_model)
    if args.model is not None:
        session.open(Path(args.model))
    elif not session.model_paths() and case_set.cases:
        raise DidaError("no model: give --model M.onnx (no bundled model is installed)")
    return session, case_set
