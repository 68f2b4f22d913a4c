"""What a model's graph offers: its one image input, its layout, its class-score output.

Read from an onnxruntime session's input and output descriptions, before any inference;
each problem is one :class:`~dida_view.errors.ModelError` naming the model's file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dida_view.errors import ModelError


def image_input(session, path: Path):
    """The model's one image input (rank 4); :class:`ModelError` when it has none or needs
    other inputs too."""
    inputs = session.get_inputs()
    images = [i for i in inputs if len(i.shape) == 4]
    if not images:
        desc = ", ".join(f"{i.name}{list(i.shape)}" for i in inputs) or "none"
        raise ModelError(f"{path}: no image input of rank 4 (inputs: {desc})")
    others = [i for i in inputs if i is not images[0]]
    if others:
        desc = ", ".join(f"{i.name}{list(i.shape)}" for i in others)
        raise ModelError(f"{path}: needs inputs besides the image ({desc})")
    return images[0]


def input_layout(shape: tuple[Any, ...], wanted: str, path: Path) -> str:
    """``NCHW`` or ``NHWC``: ``wanted`` when given, else where the channel axis (1 or 3)
    is."""
    if wanted in ("NCHW", "NHWC"):
        return wanted

    def is_c(v: Any) -> bool:
        return isinstance(v, int) and v in (1, 3)

    if is_c(shape[1]) and not is_c(shape[3]):
        return "NCHW"
    if is_c(shape[3]) and not is_c(shape[1]):
        return "NHWC"
    if is_c(shape[1]) and is_c(shape[3]):  # e.g. a 3 x 3 image: the usual layout wins
        return "NCHW"
    if isinstance(shape[1], int) and isinstance(shape[3], int):
        raise ModelError(
            f"{path}: image input shape {list(shape)} has no channel axis of 1 or 3"
        )
    return "NCHW"


def score_output(session, wanted: str | None, path: Path) -> str:
    """The output of class scores: ``wanted``, else the first shaped ``[N, C]`` or
    ``[N, C, 1, 1]``."""
    outs = session.get_outputs()
    names = [o.name for o in outs]
    if wanted:
        if wanted not in names:
            raise ModelError(
                f"{path}: no output named '{wanted}' (outputs: {', '.join(names)})"
            )
        return wanted

    def class_like(o) -> bool:
        s = list(o.shape)
        if len(s) == 2:
            return True
        return len(s) == 4 and all(v in (1, None) or isinstance(v, str) for v in s[2:]) and \
            all(v == 1 for v in s[2:] if isinstance(v, int))

    cands = [o for o in outs if class_like(o)]
    if not cands:
        desc = ", ".join(f"{o.name}{list(o.shape)}" for o in outs)
        raise ModelError(
            f"{path}: no output shaped like class scores [N, C] or [N, C, 1, 1] "
            f"(outputs: {desc})"
        )
    return cands[0].name
