"""Command line: ``dida-view analyze ...``, ``dida-view synth ...``, or the viewer."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import logging
import math
import os
import sys
import tempfile
import time
import types
import warnings
from pathlib import Path

from dida_view import __version__

SUBCOMMANDS = ("analyze", "report", "synth", "check-model")


def _analyze_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="dida-view analyze",
        description="Run DiDA on images and write the paper's figure, per-class overlays "
        "and the raw maps.",
    )
    p.add_argument("images", nargs="+", metavar="IMAGE",
                   help="image, DICOM or OCT volume files to analyse (README, \"Inputs\")")
    p.add_argument("--slices", metavar="all|center|N,N,...",
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


def add_model_options(p: argparse.ArgumentParser) -> None:
    """The model and analysis options that ``analyze`` and ``report`` share."""
    from dida_view.core.dida import DEFAULT_GRID_GEOMETRY, GRID_GEOMETRIES, MASK_FILLS
    from dida_view.core.scores import SCORE_SPACES

    p.add_argument("--model", metavar="M.onnx", help="ONNX image classifier (default: demo)")
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
    p.add_argument("--no-cache", action="store_true",
                   help="always recompute (default: reuse results of the same image, model "
                   "and settings from the user's cache folder)")


def _check_numbers(args) -> None:
    """The numeric settings, checked before any image (README, "Command line").

    The rule: a bad setting is an error that names it, before any work, exit status 2
    (``--gain nan``, ``--gain 0``, ``--opacity 2``, a negative weight, ``--top 0``); a
    setting that one image cannot take (a grid finer than that image) is an error that
    names the image, the others are analysed, exit status 1.
    """
    from dida_view.core.errors import DidaError

    if getattr(args, "top", 1) < 1:
        raise DidaError(f"--top must be >= 1, got {args.top}")
    if not math.isfinite(args.gain) or args.gain <= 0:
        raise DidaError(f"--gain must be a finite number > 0, got {args.gain}")
    if not math.isfinite(args.opacity) or not 0.0 <= args.opacity <= 1.0:
        raise DidaError(f"--opacity must be in 0..1, got {args.opacity}")
    if args.batch_size is not None and args.batch_size < 1:
        raise DidaError(f"--batch-size must be >= 1, got {args.batch_size}")


class _LogToNote(logging.Handler):
    """Libraries' log messages (pydicom, eyepy, ...) as one ``note:`` line each."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        text = (record.getMessage().strip().splitlines() or [record.name])[0]
        _note_once(text, record.name.split(".")[0])


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


def _error(msg: str) -> None:
    print(f"error: {msg}", file=sys.stderr)


_WARNING_ITEM: list[str] = [""]  # the image being analysed, named in a warning's note


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """``warnings.showwarning`` for the CLI: a library's warning becomes one ``note:`` line.

    Python's own text (file, line number, source line) would sit next to our ``error:``
    lines on stderr; the filters stay Python's (each warning once per place).
    """
    text = (str(message).strip().splitlines() or [category.__name__])[0]
    if category.__name__ == "DecompressionBombWarning":  # ours say it themselves
        text = f"very large image: {text}"
    elif issubclass(category, RuntimeWarning) and "encountered" in text:
        text = f"numpy: {text} (NaN or infinite values?)"
    _note_once(text)


_SAID: set[tuple[str, str]] = set()  # (item, text) of the library notes shown so far


def _note_once(text: str, source: str = "") -> None:
    """A library's message as one ``note:`` line, once per image: a library that both
    warns and logs the same thing (pydicom's ``warn_and_log``) is shown once."""
    key = (_WARNING_ITEM[0], text)
    if key in _SAID:
        return
    _SAID.add(key)
    item = f"{_WARNING_ITEM[0]}: " if _WARNING_ITEM[0] else ""
    print(f"note: {item}{source + ': ' if source else ''}{text}", file=sys.stderr)


def _load_with_c_messages_as_notes(load, name: str, *, quiet: bool = False):
    """``load(name)``, with what C libraries write to file descriptor 2 meanwhile as notes
    (``quiet``: dropped, for a look ahead at an image that is loaded again later).

    libtiff (inside Pillow) prints its warnings and errors straight to fd 2, e.g.
    ``tempfile.tif: Using code not yet in table.``, past Python's ``warnings``. They are
    caught in a temporary file around the image load and shown as ``note:`` lines.
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no usable stderr: nothing to keep clean
        return load(name)
    with tempfile.TemporaryFile() as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            return load(name)
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            for line in [] if quiet else tmp.read().decode(errors="replace").splitlines():
                line = line.strip().removeprefix("tempfile.tif: ")  # Pillow's name for it
                if line.startswith(("note: ", "error: ")):  # our own, written meanwhile
                    print(line, file=sys.stderr)
                elif line:
                    print(f"note: {name}: libtiff: {line}", file=sys.stderr)


def _stdout_closed() -> int:
    """The reader of our stdout has gone (``dida-view analyze ... | head``): stop quietly.

    As a C tool killed by SIGPIPE: no message and exit status 141 (128 + SIGPIPE), not 0,
    since the images after that point were not analysed; a pipeline under ``set -o
    pipefail`` can tell. stdout is pointed at /dev/null so that Python's flush at exit does
    not fail a second time.
    """
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 141


def open_model(args: argparse.Namespace):
    """(classifier, settings, model path) from :func:`add_model_options`' arguments.

    Raises
    ------
    DidaError
        A bad option value, or a model that cannot be opened.
    """
    from dida_view import paths
    from dida_view.core import analysis
    from dida_view.core.dida import parse_grid_sizes
    from dida_view.core.errors import DidaError, SettingsError
    from dida_view.core.model import OnnxClassifier

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
    _check_numbers(args)
    model_path = args.model or paths.demo_model_path()
    if model_path is None:
        raise DidaError("no model: give --model M.onnx (the demo model is not installed)")
    classifier = OnnxClassifier(model_path, output=args.output_name,
                                device="cpu" if args.cpu else "auto")
    if settings.engine != "full":  # split the graph while the images load
        from dida_view.core.incremental import plan_future

        plan_future(classifier)
    return classifier, settings, model_path


def run_analyze(argv: list[str]) -> int:
    from dida_view import cli_results
    from dida_view.core import analysis, enface, export, maps
    from dida_view.core.errors import DidaError, SettingsError
    from dida_view.core.imageio import load_image
    from dida_view.core.scan import load_scan, parse_slices

    args = _analyze_parser().parse_args(argv)
    try:
        classifier, settings, model_path = open_model(args)
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
        _error(str(exc))
        return 2
    except OSError as exc:
        _error(f"{args.out}: cannot create output folder ({exc.strerror})")
        return 2

    from dida_view.core.batching import BatchTuner
    from dida_view.core.cache import ResultCache, default_cache_dir

    cache = None if args.no_cache else ResultCache(default_cache_dir())
    tuner = BatchTuner()  # the batch size found on the first image serves the others
    batch_note = None
    if settings.score_space == "auto" and len(args.images) > 1:
        try:
            space, batch_note = analysis.batch_score_space(
                classifier, _loadable(args.images, load_image))
        except DidaError as exc:
            _error(str(exc))
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
        _WARNING_ITEM[0] = str(name)
        try:
            scan = _load_with_c_messages_as_notes(load_scan, name)
            indices = parse_slices(args.slices or "center", len(scan)) if scan.is_volume \
                else [0]  # --slices is for volumes; an image is its one B-scan
        except SettingsError as exc:  # e.g. --slices 30 of a 25 B-scan volume
            _error(f"{name}: {exc}")
            failures += 1
            continue
        except DidaError as exc:  # image errors already name their file
            _error(str(exc))
            failures += 1
            continue
        except MemoryError:
            _error(f"{name}: not enough memory to read it")
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
                _WARNING_ITEM[0] = f"{name} [B-scan {index + 1}]"
            result = cli_results.analyze_slice(run, scan, index, name)
            if result is None:
                failures += 1
                whole = False
            elif whole:
                profiles.append(enface.bscan_profile(result))
                scores.append(result.scores)
                labels, space = result.labels, result.score_space
        _WARNING_ITEM[0] = str(name)
        if whole and not cli_results.write_evidence_map(run, scan, name, profiles, scores,
                                                        labels, space):
            failures += 1
    return 1 if failures else 0


def _loadable(names: list[str], load_image):
    """The images among ``names`` that load (the others fail later, with their message)."""
    from dida_view.core.errors import DidaError

    for name in names:
        try:
            with warnings.catch_warnings():  # noted when the image is analysed
                warnings.simplefilter("ignore")
                image = _load_with_c_messages_as_notes(load_image, name, quiet=True)
        except (DidaError, OSError):
            continue
        yield image


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("-V", "--version"):
        print(f"dida-view {__version__}")
        return 0
    root = logging.getLogger()
    handler = _LogToNote()
    root.addHandler(handler)
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        try:
            rc = _run(argv)
            sys.stdout.flush()  # a closed pipe shows here, not in Python's flush at exit
            return rc
        except KeyboardInterrupt:
            print("\ninterrupted", file=sys.stderr)
            return 130
        except BrokenPipeError:
            return _stdout_closed()
        finally:
            _WARNING_ITEM[0] = ""
            _SAID.clear()
            root.removeHandler(handler)


def _run(argv: list[str]) -> int:
    if argv and argv[0] == "analyze":
        return run_analyze(argv[1:])
    if argv and argv[0] == "synth":
        return run_synth(argv[1:])
    if argv and argv[0] == "report":
        from dida_view.report_cli import run_report

        return run_report(argv[1:])
    if argv and argv[0] == "check-model":
        from dida_view.checkmodel import run as check_model

        return check_model(argv[1:])
    if argv and argv[0] == "--self-test":
        from dida_view.selftest import run as self_test

        return self_test(argv[1:])
    return run_gui(argv)


def run_synth(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="dida-view synth",
                                description="Write synthetic OCT B-scans with lesion masks.")
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--classes", help="comma-separated class labels (default: all)")
    p.add_argument("--width", type=int, default=512)
    p.add_argument("--height", type=int, default=496)
    p.add_argument("--secondary-rate", type=float, default=0.0,
                   help="share of scans with a second, weaker finding")
    p.add_argument("--out", required=True, metavar="DIR")
    args = p.parse_args(argv)
    from dida_view import synthetic

    classes = [c.strip() for c in args.classes.split(",")] if args.classes else None
    if classes:
        unknown = [c for c in classes if c not in synthetic.CLASSES]
        if unknown:
            _error(f"unknown class {unknown[0]!r} (classes: {', '.join(synthetic.CLASSES)})")
            return 2
    if args.count < 1:
        _error(f"--count must be >= 1, got {args.count}")
        return 2
    try:
        rows = synthetic.write_dataset(args.out, args.count, args.seed, classes=classes,
                                       height=args.height, width=args.width,
                                       secondary_rate=args.secondary_rate)
    except OSError as exc:
        _error(f"{args.out}: cannot write ({exc.strerror})")
        return 2
    except ValueError as exc:
        _error(str(exc))
        return 2
    print(f"wrote {len(rows)} scans to {args.out}")
    return 0


def run_gui(argv: list[str]) -> int:
    try:
        from dida_view.gui.app import main as gui_main
    except ImportError as exc:
        _error(f"the viewer is not available ({exc})")
        return 2
    return gui_main(argv)
