"""``dida-view --self-test``: analyse a sample of each bundled model with it, check it.

A quick end-to-end check of an installation (a checkout, a wheel or the frozen app): each
bundled model (:data:`dida_view.paths.BUNDLED_MODELS`: the real-data model and the
synthetic one) is there, loads and runs on the first sample whose sidecar names it, the
DiDA engine produces maps of the right shapes with finite values, a class overlay renders,
and the model's top class for the sample is the sample's diagnosis (from its sidecar
``<stem>.json``). It prints one line per model and returns 0, or prints
``self-test failed: <reason>`` and returns 1. With ``--model`` or ``--image`` it checks
that one pair. It never imports Qt.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from dida_view import __version__, paths
from dida_view.cli.common import Parser
from dida_view.session import models

DEFAULT_GRIDS = "7,9"  # 130 masked images: a second or so on a laptop CPU


class SelfTestError(Exception):
    """A check failed; the message is the reason shown to the user."""


def _parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="dida-view --self-test",
        description="Analyse a sample scan of each bundled model with that model and check "
        "the result. Prints one line per model; exit status 0 when every check passes.",
    )
    p.add_argument("--model", metavar="M.onnx",
                   help="model to test (default: each bundled model; with --image only: the "
                   "bundled model the image's sidecar names, else the real-data model)")
    p.add_argument("--image", metavar="IMAGE",
                   help="image to analyse (default: the model's first bundled sample)")
    p.add_argument("--expect", metavar="LABEL",
                   help="the expected top class (default: the image's sidecar diagnosis)")
    p.add_argument("--grids", default=DEFAULT_GRIDS, metavar="N,N,...",
                   help=f"grid sizes (default {DEFAULT_GRIDS})")
    p.add_argument("--cpu", action="store_true", help="run on the CPU even if a GPU is there")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="also print where the model and the sample were found")
    return p


def _where() -> str:
    frozen = "frozen" if getattr(sys, "frozen", False) else "not frozen"
    return (f"dida-view {__version__}, Python {sys.version.split()[0]}, {frozen}, "
            f"data from {paths.data_source()}")


def _pick_model(arg: str | None, image: str | None) -> Path:
    if arg:
        p = Path(arg)
        if not p.is_file():
            raise SelfTestError(f"{p}: no such model file")
        return p
    p = models.model_for_case(image)
    if p is None:
        looked = paths.models_dir()
        where = f" in {looked}" if looked else " (no models folder found)"
        raise SelfTestError(f"no bundled model is installed{where}")
    return p


def _pick_image(arg: str | None, model: Path | None = None) -> Path:
    if arg:
        p = Path(arg)
        if not p.is_file():
            raise SelfTestError(f"{p}: no such image file")
        return p
    bundled = paths.bundled_model(model)
    samples = (models.samples_of(bundled) if bundled is not None else []) or \
        paths.sample_images()
    if not samples:
        looked = paths.samples_dir()
        where = f" in {looked}" if looked else " (no resources/samples folder found)"
        raise SelfTestError(f"no sample scans{where}")
    return samples[0]


def bundled_pairs() -> list[tuple[Path, Path]]:
    """(model, its first sample) for every bundled model; SelfTestError when a model or
    its samples are missing."""
    pairs = []
    for m in paths.BUNDLED_MODELS:
        model = m.path()
        if model is None:
            looked = paths.models_dir()
            where = f" in {looked}" if looked else " (no models folder found)"
            raise SelfTestError(f"the bundled model {m.file} is missing{where}")
        samples = models.samples_of(m)
        if not samples:
            looked = paths.samples_dir()
            where = f" in {looked}" if looked else " (no resources/samples folder found)"
            raise SelfTestError(f"no sample scans of {m.file} (a sidecar with "
                                f"\"model\": \"{m.file}\"){where}")
        pairs.append((model, samples[0]))
    return pairs


def check(model_path: Path, image_path: Path, expect: str | None, grids: str,
          device: str) -> str:
    """Run the analysis and every check; the success line, or SelfTestError."""
    import numpy as np

    from dida_view.errors import DidaError
    from dida_view.io.reader import load_image
    from dida_view.method import analysis
    from dida_view.method.dida import count_cells, parse_grid_sizes
    from dida_view.model.onnx import OnnxClassifier
    from dida_view.render import maps
    from dida_view.session.reading import load_reading

    try:
        sizes = parse_grid_sizes(grids)
        expected = expect or load_reading(image_path).diagnosis or None
        if not expected:
            raise SelfTestError(f"{image_path.name}: no diagnosis (no sidecar "
                                f"{image_path.stem}.json with \"diagnosis\"); give --expect")
        classifier = OnnxClassifier(model_path, device=device)
        if expected not in classifier.labels:
            raise SelfTestError(f"{image_path.name}: diagnosis {expected!r} is not one of the "
                                f"model's classes ({', '.join(classifier.labels)})")
        image = load_image(image_path)
        t0 = time.perf_counter()
        result = analysis.analyze(classifier, image, analysis.Settings(grid_sizes=sizes))
        seconds = time.perf_counter() - t0
        n_classes = len(classifier.labels)
        if list(result.labels) != list(classifier.labels):
            raise SelfTestError("the result's labels differ from the model's")
        scores = np.asarray(result.scores)
        if scores.shape != (n_classes,) or not np.all(np.isfinite(scores)):
            raise SelfTestError(f"bad scores: shape {scores.shape}, expected ({n_classes},), "
                                "all finite")
        if set(result.d) != set(sizes):
            raise SelfTestError(f"maps for grids {sorted(result.d)}, expected {list(sizes)}")
        for n in sizes:
            d = np.asarray(result.d[n])
            if d.shape != (n_classes, *result.cell_shape(n)):
                raise SelfTestError(f"grid {n}: map shape {d.shape}, expected "
                                    f"({n_classes}, {', '.join(map(str, result.cell_shape(n)))})")
            if not np.all(np.isfinite(d)):
                raise SelfTestError(f"grid {n}: the map has NaN or infinite values")
        if not any(np.any(result.d[n] != 0) for n in sizes):
            raise SelfTestError("every map is zero: masking changed no score")
        if not 0 < result.evaluations <= count_cells(sizes):
            raise SelfTestError(f"{result.evaluations} evaluations, expected 1.."
                                f"{count_cells(sizes)}")
        top = result.top(1)[0]
        overlay = maps.class_overlay(result, image, top, maps.class_scale(result, [top]))
        if overlay.shape != (*image.shape[:2], 3) or overlay.dtype != np.uint8:
            raise SelfTestError(f"overlay shape {overlay.shape} {overlay.dtype}, expected "
                                f"{(*image.shape[:2], 3)} uint8")
        got = result.labels[top]
        probs = result.probabilities
        p = float(probs[top]) if probs is not None else float(scores[top])
        if got != expected:
            raise SelfTestError(f"{image_path.name}: top class {got} ({p:.2f}), expected "
                                f"{expected}")
        provider = classifier.info.providers[0] if classifier.info.providers else "?"
    except DidaError as exc:
        raise SelfTestError(str(exc)) from None
    return (f"self-test ok: {image_path.name} -> {got} {p:.2f} ({result.evaluations} "
            f"evaluations, {seconds:.1f} s, {provider})")


def run(argv: list[str] | None = None) -> int:
    """Entry point of ``dida-view --self-test [...]``; returns the exit status."""
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    try:
        if args.model or args.image:
            model_path = _pick_model(args.model, args.image)
            pairs = [(model_path, _pick_image(args.image, model_path))]
        else:
            pairs = bundled_pairs()
        lines = [_where()] if args.verbose else []
        for model_path, image_path in pairs:
            if args.verbose:
                lines += [f"model: {model_path}", f"image: {image_path}"]
            lines.append(check(model_path, image_path, args.expect, args.grids,
                               "cpu" if args.cpu else "auto"))
    except SelfTestError as exc:
        print(f"self-test failed: {exc}", file=sys.stderr, flush=True)
        return 1
    except Exception as exc:  # anything else is a failure too, with its type named
        print(f"self-test failed: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return 1
    print("\n".join(lines), flush=True)  # all at the end: a failure prints only itself
    return 0


if __name__ == "__main__":
    raise SystemExit(run())
