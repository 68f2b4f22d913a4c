"""``dida-view check-model MODEL IMAGE --reference TENSOR.npy``: does DiDA View feed the
model what the user's own training pipeline fed it?"""

from __future__ import annotations

import argparse
import sys

from dida_view.cli.common import Parser
from dida_view.cli.messages import note


def _parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="dida-view check-model",
        description="Compare DiDA View's input tensor and scores for IMAGE with the tensor "
        "your own pipeline makes for it (saved with numpy.save). Exit status: 0 when the top "
        "classes agree, 1 when they differ, 2 on an error.")
    p.add_argument("model", metavar="MODEL", help="the ONNX model (with its sidecar, if any)")
    p.add_argument("image", metavar="IMAGE", help="the image your tensor was made from")
    p.add_argument("--reference", required=True, metavar="TENSOR.npy",
                   help="your pipeline's tensor for IMAGE: (1, C, H, W), (C, H, W), "
                   "(1, H, W, C), (H, W, C) or (H, W); pixels 0..255, 0..1 or normalised")
    p.add_argument("--output-name", metavar="NAME",
                   help="the model's class-score output, when it has several")
    return p


def run(argv: list[str]) -> int:
    import numpy as np

    from dida_view.errors import DidaError
    from dida_view.io.reader import load_image
    from dida_view.model.onnx import OnnxClassifier
    from dida_view.model.reference import SCALES, compare_reference

    args = _parser().parse_args(argv)
    try:
        try:
            reference = np.load(args.reference, allow_pickle=False)
        except FileNotFoundError:
            raise DidaError(f"{args.reference}: no such file") from None
        except (OSError, ValueError, EOFError) as exc:
            why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise DidaError(f"{args.reference}: not a .npy array ({why})") from None
        if not isinstance(reference, np.ndarray):
            raise DidaError(f"{args.reference}: holds several arrays; save one with numpy.save")
        clf = OnnxClassifier(args.model, output=args.output_name, device="cpu")
        for text in clf.info.notes:
            note(text, args.model)
        image = load_image(args.image)
        rep = compare_reference(clf, image, reference)
    except DidaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    pre = clf.preprocessing
    labels = clf.labels
    print(f"model: {args.model} (input {clf.layout} {list(clf.info.input_shape)} "
          f"{clf.info.input_dtype}; preprocessing: {pre.resize}, {pre.interpolation}, "
          f"{pre.resize_convention}{', pad before resize' if pre.pad_before_resize else ''})")
    print(f"reference: {args.reference} {list(reference.shape)} {reference.dtype}; guessed "
          f"layout {rep.layout}, scale: {SCALES[rep.scale]}")
    print(f"input tensor: max abs difference {rep.max_abs:.4g} (mean {rep.mean_abs:.3g}); "
          f"{rep.max_levels:.1f} pixel levels at most, {100 * rep.share_over_one_level:.1f} % "
          "of values more than 1 level apart")
    print(f"scores ({rep.score_kind}): max abs difference {rep.score_max_abs:.4g}")
    verdict = "agree" if rep.agree else "DIFFER"
    print(f"top class: DiDA View {labels[rep.ours_top]} (p {rep.ours_prob:.3f}), reference "
          f"{labels[rep.reference_top]} (p {rep.reference_prob:.3f}): {verdict}")
    if rep.max_levels > 1.0:
        print("hint: set the model's preprocessing (sidecar <stem>.dida.json) to match your "
              "pipeline: resize_convention, pad_before_resize, interpolation, squeeze_x, "
              "resize, fill, color, scale, mean, std (README, 'Describing your training "
              "pipeline')")
    return 0 if rep.agree else 1
