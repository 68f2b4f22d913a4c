"""Fuzz cases for what the program reads as JSON, and for model configurations (used by
tests/fuzz_corpus.py).

* ``image-json``: an image's sidecar ``<stem>.json`` that is nested deep (at and past the
  64-level bound, up to 100,000), unbalanced, truncated, bit-flipped, random bytes, in
  UTF-16/32 or broken UTF-8, or with brackets inside strings, ``NaN`` and ``1e999``; the
  readers outside the session (the default model it names, its diagnosis) must return,
  never raise.
* ``model-json``: the same texts as a model's sidecar ``<stem>.dida.json`` or as its ONNX
  metadata ``dida_view``: the model opens, or one ``ModelError`` line naming it.
* ``model-config``: a valid configuration whose keys (``labels``, ``output``,
  ``score_output``, every ``preprocessing`` key, unknown ones) get values of wrong types
  and sizes, in the metadata or the sidecar, for a fixed-size and a dynamic-size model:
  the model opens and analyses a small image, or one error line names the model.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

DEPTHS = (2, 63, 64, 65, 200, 5000, 100_000)
IMAGE_SIDECAR = {"diagnosis": "CNV", "model": "dida_demo_oct.onnx",
                 "reading": {"diagnosis": "CNV", "note": "[[ {{ \"x\" ]]"}}
MODEL_CONFIG = {"labels": ["a", "b", "c"], "output": "logits", "description": "fuzz",
                "preprocessing": {"input_size": [32, 32], "squeeze_x": 1.0,
                                  "resize": "letterbox", "fill": 0, "interpolation": "bilinear",
                                  "color": "rgb", "scale": 1 / 255, "mean": [0.0],
                                  "std": [1.0], "layout": "auto"}}
PRE_KEYS = (*MODEL_CONFIG["preprocessing"], "resize_convention", "pad_before_resize", "bogus")
TOP_KEYS = ("labels", "output", "score_output", "description", "domain", "preprocessing",
            "bogus")
VALUES = (None, True, False, 0, 1, -1, 2, 7, 0.5, -0.5, 64.5, 300, 4097, 2 ** 31, 1e9,
          1e300, float("nan"), float("inf"), -float("inf"), "", "x", "0.5", "64", "NCHW",
          "letterbox", "opencv", "nearest", "logits", "probabilities", "grey", [], [1], [1, 2],
          [0.5] * 3, [0.5] * 5, [64, 64], [64, 64, 64], [0, 64], [64, 4097], [3000, 3000],
          [True, 2], ["a", "b"], ["a", "b", "c"], ["a", {"b": 1}, "c"], ["x"] * 1000,
          {"h": 32, "w": 32}, {}, {"input_size": 7})


def json_text(rng: np.random.Generator, base: dict) -> bytes:
    """A broken or borderline JSON text (bytes, maybe not UTF-8) around ``base``."""
    kind = int(rng.integers(9))
    valid = json.dumps(base)
    depth = int(DEPTHS[rng.integers(len(DEPTHS))])
    if kind == 0:  # nested arrays, balanced
        return ("[" * depth + "]" * depth).encode()
    if kind == 1:  # nested objects around a value
        return ('{"a":' * depth + "1" + "}" * depth).encode()
    if kind == 2:  # unbalanced: opened, never closed
        return ("[" * depth).encode()
    if kind == 3:  # truncated
        return valid.encode()[:int(rng.integers(len(valid)))]
    if kind == 4:  # bits flipped
        data = bytearray(valid.encode())
        for _ in range(int(rng.integers(1, 8))):
            data[rng.integers(len(data))] ^= 1 << int(rng.integers(8))
        return bytes(data)
    if kind == 5:  # random bytes
        return rng.bytes(int(rng.integers(0, 400)))
    if kind == 6:  # other encodings, or broken UTF-8
        codec = ("utf-16", "utf-32", "utf-8-sig", "utf-16-le", "latin-1")[rng.integers(5)]
        return valid.replace("CNV", "脈絡膜" if codec != "latin-1" else "é").encode(
            codec, errors="replace") if codec != "latin-1" else valid.encode() + b"\xff\xfe"
    if kind == 7:  # brackets and escaped quotes inside strings, the nesting around them
        inner = "[" * depth + '\\"' + "{" * 3
        return (("[" * min(depth, 60)) + json.dumps(inner) + "]" * min(depth, 60)).encode()
    return json.dumps({**base, "labels": [float("nan"), float("inf")], "x": "1e999"}).replace(
        '"1e999"', "1e999").encode()  # NaN, Infinity and 1e999: Python's parser takes them


def model_config(rng: np.random.Generator) -> dict:
    """The valid configuration with 1..3 keys given values of wrong types or sizes."""
    config = json.loads(json.dumps(MODEL_CONFIG))
    for _ in range(int(rng.integers(1, 4))):
        value = VALUES[rng.integers(len(VALUES))]
        if rng.random() < 0.6 and isinstance(config.get("preprocessing"), dict):
            config["preprocessing"][PRE_KEYS[rng.integers(len(PRE_KEYS))]] = value
        else:
            config[TOP_KEYS[rng.integers(len(TOP_KEYS))]] = value
    return config


class Models:
    """The two models of the model cases (fixed 32 x 32, and dynamic size), written once;
    each case writes its own metadata and sidecar beside a copy."""

    def __init__(self, folder: Path) -> None:
        import onnx
        from onnx import TensorProto, helper
        from onnx_models import make_region_model

        regions = [(0, 16, 0, 16), (16, 32, 16, 32), (0, 32, 0, 32)]
        fixed = onnx.load(str(make_region_model(folder / "fixed.onnx", regions)))
        node = helper.make_node("ReduceMean", ["image"], ["m"], axes=[2, 3], keepdims=0)
        graph = helper.make_graph(
            [node], "g",
            [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, "H", "W"])],
            [helper.make_tensor_value_info("m", TensorProto.FLOAT, ["N", 3])])
        dynamic = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        dynamic.ir_version = 8
        self.protos = (fixed, dynamic)
        self.folder = folder

    def write(self, which: int, metadata: bytes | None, sidecar: bytes | None,
              name: str) -> Path:
        """The model ``which`` as ``<name>.onnx`` with this metadata text and sidecar."""
        from onnx import helper

        model = type(self.protos[which])()
        model.CopyFrom(self.protos[which])
        del model.metadata_props[:]
        if metadata is not None:
            helper.set_model_props(model, {"dida_view": metadata.decode("utf-8", "replace")})
        path = self.folder / f"{name}.onnx"
        path.write_bytes(model.SerializeToString())
        side = path.with_name(f"{name}.dida.json")
        if sidecar is not None:
            side.write_bytes(sidecar)
        else:
            side.unlink(missing_ok=True)
        return path


# the readers of an image's sidecar, "module:function"
IMAGE_SIDECAR_READERS = (
    "dida_view.session.models:own_model_file",
    "dida_view.session.sidecars:read_scan_sidecar",
    "dida_view.session.reading:load_reading_checked")


def image_sidecar_readers() -> list:
    import importlib

    found = []
    for name in IMAGE_SIDECAR_READERS:
        module, _, function = name.partition(":")
        found.append(getattr(importlib.import_module(module), function))
    return found


def check_image_sidecar(image: Path) -> None:
    """The readers of an image's sidecar return, whatever the sidecar holds (a broken
    sidecar is no reading, or a reported problem, never an exception)."""
    for read in image_sidecar_readers():
        read(image)


def check_model(path: Path) -> None:
    """The model opens and analyses a small image, or one error line names it."""
    from dida_view.errors import DidaError
    from dida_view.method.analysis import Settings, analyze
    from dida_view.model.onnx import OnnxClassifier

    try:
        clf = OnnxClassifier(path, device="cpu", threads=1)
    except DidaError as exc:
        text = str(exc)
        if "\n" in text or str(path) not in text:
            raise AssertionError(f"error not one line naming the model: {exc!r}") from None
        return
    image = np.arange(64, dtype=np.uint8).reshape(8, 8) * 3
    try:
        analyze(clf, image, Settings(grid_sizes=(2,), score_space="logit", engine="full",
                                     batch_size=4))
    except DidaError as exc:  # e.g. NaN outputs of a model with scale NaN... one line
        if "\n" in str(exc):
            raise AssertionError(f"analysis error not one line: {exc!r}") from None
