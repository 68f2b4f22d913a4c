"""The one place that knows onnxruntime: an adapter for any ONNX image classifier.

Where labels and preprocessing come from, first match wins per key:

1. the model's ONNX ``metadata_props``, key ``dida_view``: a JSON object
   ``{"labels": [...], "preprocessing": {...}, "output": "logits" | "probabilities",
   "score_output": "<output name>", "description": "..."}``;
2. a sidecar ``<model stem>.dida.json`` next to the model, same keys;
3. labels only: ``<model stem>.labels.txt`` or ``labels.txt`` next to it, one per line;
4. otherwise ``class 0 ... class C-1`` and the default :class:`Preprocessing`.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from dida_view.catalogue import QT_TRANSLATE_NOOP
from dida_view.errors import ModelError, SettingsError
from dida_view.io.limits import MAX_CLASSES, MAX_RUN_BYTES
from dida_view.model.config import (
    KEY_ERROR,
    ModelConfig,
    read_config,
    sidecar_path,
)
from dida_view.model.domainref import model_identity, reference_for, reference_path
from dida_view.model.files import fingerprint_model
from dida_view.model.jsonvalues import check_input_size
from dida_view.model.preprocess import Preprocessing
from dida_view.model.signature import image_input, input_layout, score_output

DEFAULT_INPUT_SIZE = (224, 224)
INPUT_SIZE_IGNORED = QT_TRANSLATE_NOOP(
    "Notes", "preprocessing input_size {asked} ignored: the model needs {needs}")
FIXED_BATCH_LIMIT = ("{model}: the model's input has a fixed batch of {batch} images of "
                     "{size}, more than the limit of {limit} MB of input per run")
_DTYPES = {"tensor(float)": np.float32, "tensor(float16)": np.float16, "tensor(uint8)": np.uint8}


class Classifier(Protocol):
    """What the analysis needs from a model (the ONNX adapter and test fakes alike)."""

    labels: list[str]
    preprocessing: Preprocessing
    input_size: tuple[int, int]
    channels: int
    outputs_probabilities: bool

    def raw(self, pixels: np.ndarray) -> np.ndarray:
        """(N, H, W, C) float32 pixels 0..255 -> (N, classes) raw outputs."""


@dataclass(frozen=True)
class ModelInfo:
    """How the adapter reads the model, for display and for the npz export."""

    path: str
    input_name: str
    input_shape: tuple[Any, ...]
    input_dtype: str
    layout: str
    output_name: str
    output_kind: str
    fixed_batch: int | None
    providers: tuple[str, ...]
    label_source: str
    notes: tuple[str, ...]


def _file_stat(p: Path) -> tuple[int, int] | None:
    """(size, mtime_ns) of a file, None when there is none."""
    try:
        st = p.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    for marker in ("] ", ": "):
        if text.startswith("[") and marker in text:
            text = text.split(marker, 1)[1]
            break
    lines = text.splitlines()
    return lines[0][:300] if lines else type(exc).__name__


def available_providers(device: str = "auto") -> list[str]:
    """Execution providers to use: ``auto`` = the best available first, ``cpu`` = CPU only."""
    import onnxruntime as ort

    if device == "cpu":
        return ["CPUExecutionProvider"]
    if device != "auto":
        raise SettingsError(f"bad device {device!r}: expected 'auto' or 'cpu'")
    have = ort.get_available_providers()
    preferred = ["CUDAExecutionProvider", "CoreMLExecutionProvider", "DmlExecutionProvider"]
    return [p for p in preferred if p in have] + ["CPUExecutionProvider"]


@dataclass(frozen=True)
class ModelInput:
    """(N, H, W, C) pixels 0..255 -> the tensor a model takes: its preprocessing's scale,
    mean and std, in its layout and input type."""

    preprocessing: Preprocessing
    layout: str
    input_dtype: Any

    def __call__(self, pixels: np.ndarray) -> np.ndarray:
        """Scale, mean and std folded into one multiply-add, written straight into the
        model's layout (one pass over the batch)."""
        if self.input_dtype == np.uint8:
            x = np.clip(np.rint(pixels), 0, 255).astype(np.uint8)
            return np.ascontiguousarray(x.transpose(0, 3, 1, 2) if self.layout == "NCHW" else x)
        pre = self.preprocessing
        c = pixels.shape[3]
        std = np.broadcast_to(np.asarray(pre.std, np.float32), (c,))
        mean = np.broadcast_to(np.asarray(pre.mean, np.float32), (c,))
        mul = np.float32(pre.scale) / std
        add = -mean / std
        if self.layout == "NCHW":
            src = pixels.transpose(0, 3, 1, 2)
            mul, add = mul[:, None, None], add[:, None, None]
        else:
            src = pixels
        out = np.empty(src.shape, dtype=np.float32)
        np.multiply(src, mul, out=out)
        if np.any(add != 0):
            out += add
        return out if self.input_dtype == np.float32 else out.astype(self.input_dtype)


class OnnxClassifier:
    """Any ONNX image classifier, seen as ``raw(pixels) -> (N, classes)``.

    Parameters
    ----------
    path
        The ``.onnx`` file.
    output
        Name of the class-score output when the model has several (default: the one
        shaped like class scores, ``[N, C]`` or ``[N, C, 1, 1]``).
    preprocessing, labels
        Override what the metadata / sidecar / labels file say.
    device
        ``auto`` (GPU when onnxruntime has one) or ``cpu``.
    threads
        Intra-op threads (default: onnxruntime's choice, all cores).
    spinning
        Let onnxruntime's threads busy-wait between runs. About 25 % more throughput on a
        2-core CPU (benchmarks/speed.py), but the spinning threads compete with a GUI
        thread; the viewer can turn it off.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        output: str | None = None,
        preprocessing: Preprocessing | None = None,
        labels: list[str] | None = None,
        device: str = "auto",
        threads: int | None = None,
        spinning: bool = True,
    ) -> None:
        self.path = Path(path)
        self._fingerprint: str | None = None
        # every file of the model, hashed before the session reads them
        self.files = fingerprint_model(self.path)
        self._sidecar_stat = _file_stat(sidecar_path(self.path))  # before it is read
        self.session = self._open_session(device, threads, spinning)
        self.session_threads = (threads, spinning)  # for sessions on parts of the graph
        if self.files.changed_on_disk():
            raise ModelError(f"{self.path}: the model changed while it was being opened; "
                             "try again")
        config = read_config(self.path, self.session.get_modelmeta().custom_metadata_map or {})
        meta = config.values
        notes: list[str] = list(config.notes)

        inp = image_input(self.session, self.path)
        self.input_name = inp.name
        self.input_dtype = _DTYPES.get(inp.type)
        if self.input_dtype is None:
            raise ModelError(
                f"{self.path}: image input '{inp.name}' has type {inp.type}; "
                "supported: float32, float16, uint8"
            )
        pre = preprocessing or self._preprocessing(config)
        shape = tuple(inp.shape)
        self.layout = input_layout(shape, pre.layout, self.path)
        c_dim, h_dim, w_dim = (shape[1], shape[2], shape[3]) if self.layout == "NCHW" else (
            shape[3], shape[1], shape[2])
        self.channels = c_dim if isinstance(c_dim, int) else 3
        if self.channels not in (1, 3):
            raise ModelError(f"{self.path}: image input has {self.channels} channels; need 1 or 3")
        if isinstance(h_dim, int) and isinstance(w_dim, int) and h_dim > 0 and w_dim > 0:
            self.input_size = (h_dim, w_dim)
            self._check(lambda: check_input_size(self.input_size, "image input"), "")
            if pre.input_size and tuple(pre.input_size) != self.input_size:
                notes.append(INPUT_SIZE_IGNORED.note(asked=pre.input_size, needs=self.input_size))
        else:
            self.input_size = tuple(pre.input_size) if pre.input_size else DEFAULT_INPUT_SIZE
        self._check(lambda: pre.check_channels(self.channels),
                    config.source("preprocessing") if preprocessing is None else "")
        self.preprocessing = pre.with_(input_size=list(self.input_size))
        self.fixed_batch = shape[0] if isinstance(shape[0], int) and shape[0] > 0 else None
        image_bytes = self.input_size[0] * self.input_size[1] * self.channels * 4
        self.run_batch = max(1, MAX_RUN_BYTES // image_bytes)  # images per model run
        if self.fixed_batch is not None and self.fixed_batch > self.run_batch:
            raise ModelError(FIXED_BATCH_LIMIT.format(
                model=self.path, batch=self.fixed_batch, size=" x ".join(
                    str(v) for v in (*self.input_size, self.channels)),
                limit=MAX_RUN_BYTES >> 20))
        self.output_name = score_output(self.session, output or meta.get("score_output"),
                                        self.path)
        declared = next(o.shape for o in self.session.get_outputs() if o.name == self.output_name)
        if len(declared) >= 2 and isinstance(declared[1], int):
            self._check_classes(declared[1])  # before a probe allocates that many

        # one probe run: the model must actually run and give a class vector
        probe = self.raw(np.full((1, *self.input_size, self.channels), 128.0, np.float32))
        n_classes = probe.shape[1]
        self._check_classes(n_classes)
        kind = meta.get("output")
        if kind is None:
            row = probe[0]
            looks_prob = bool(np.all(row >= 0) and np.all(row <= 1) and abs(row.sum() - 1) < 1e-3)
            kind = "probabilities" if looks_prob else "logits"
        self.outputs_probabilities = kind == "probabilities"

        if labels is None:
            labels, label_source = self._labels(meta, config.source("labels"), n_classes)
        else:
            label_source = "given"
        if len(labels) != n_classes:
            raise ModelError(
                f"{self.path}: {len(labels)} labels ({label_source}) but the model outputs "
                f"{n_classes} classes"
            )
        self.labels = [str(x) for x in labels]
        self.description = str(meta.get("description", ""))
        self.metadata = dict(meta)  # the model card's fields (name, domain, trained_on...)
        self.info = ModelInfo(
            path=str(self.path),
            input_name=self.input_name,
            input_shape=shape,
            input_dtype=np.dtype(self.input_dtype).name,
            layout=self.layout,
            output_name=self.output_name,
            output_kind=kind,
            fixed_batch=self.fixed_batch,
            providers=tuple(self.session.get_providers()),
            label_source=label_source,
            notes=tuple(notes),
        )
        # the domain check's reference statistics beside the model (dida_view.model.domain)
        self._reference_stat = _file_stat(reference_path(self.path))  # before it is read
        self.domain_reference, ref_note = reference_for(self.path, model_identity(self))
        if ref_note:
            self.info = dataclasses.replace(self.info, notes=(*self.info.notes, ref_note))

    @property
    def fingerprint(self) -> str:
        """What identifies this model's answers: the hash of all its files (the ``.onnx``
        and its external data, taken when it was opened) and how it is read."""
        if self._fingerprint is None:
            config = {"labels": self.labels, "pre": self.preprocessing.to_dict(),
                      "output": self.output_name, "kind": self.info.output_kind}
            self._fingerprint = self.files.digest + json.dumps(config, sort_keys=True)
        return self._fingerprint

    @property
    def reference_fingerprint(self) -> str:
        """The fingerprint of the domain check's reference read with the model
        (``<stem>.domain.json``), or "" when it has none: with :attr:`fingerprint`, what
        a cached result's domain check depends on."""
        ref = self.domain_reference
        return ref.fingerprint if ref is not None else ""

    def changed_on_disk(self) -> bool:
        """Whether a file of the model, its sidecar or its domain reference changed (size
        or mtime) since it was opened: then the session still runs the old weights or
        preprocessing, or the check the old reference, and the fingerprints no longer name
        what is on disk. A few ``stat`` calls."""
        return self.files.changed_on_disk() or \
            _file_stat(sidecar_path(self.path)) != self._sidecar_stat or \
            _file_stat(reference_path(self.path)) != self._reference_stat

    # -- loading --------------------------------------------------------------------------
    def _open_session(self, device: str, threads: int | None, spinning: bool):
        import onnxruntime as ort

        p = self.path
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3
        if threads:
            opts.intra_op_num_threads = int(threads)
        opts.add_session_config_entry("session.intra_op.allow_spinning", "1" if spinning else "0")
        try:
            return ort.InferenceSession(str(p), opts, providers=available_providers(device))
        except SettingsError:
            raise
        except Exception as exc:  # onnxruntime raises its own exception types
            msg = _first_line(exc)
            low = msg.lower()
            if "protobuf parsing failed" in low or "invalid_protobuf" in low:
                why = "not an ONNX model, or the file is truncated or corrupt"
            elif "external data" in low or ("no such file" in low and str(p) not in msg):
                why = f"its external weights are missing ({msg})"
            else:
                why = f"onnxruntime cannot load it ({msg})"
            raise ModelError(f"{p}: {why}") from None

    def _check(self, check, source: str) -> None:
        """Run ``check``; its SettingsError becomes one ModelError line naming the model
        (and the configuration's source of the key)."""
        try:
            check()
        except SettingsError as exc:
            where = KEY_ERROR.format(model=self.path, source=source, problem=exc) if source \
                else f"{self.path}: {exc}"
            raise ModelError(where) from None

    def _preprocessing(self, config: ModelConfig) -> Preprocessing:
        out: list[Preprocessing] = []
        self._check(lambda: out.append(Preprocessing.from_dict(
            config.values.get("preprocessing") or {})), config.source("preprocessing"))
        return out[0]

    def _check_classes(self, n_classes: int) -> None:
        if n_classes > MAX_CLASSES:
            raise ModelError(f"{self.path}: the model outputs {n_classes} classes, more than "
                             f"the limit of {MAX_CLASSES}")

    def _labels(self, meta: dict[str, Any], source: str, n: int) -> tuple[list[str], str]:
        labels = meta.get("labels")
        if labels is not None:  # checked by read_config: a list of strings
            return list(labels), source
        for cand in (self.path.with_name(self.path.stem + ".labels.txt"),
                     self.path.with_name("labels.txt")):
            if cand.is_file():
                try:
                    lines = cand.read_text(encoding="utf-8").splitlines()
                except (OSError, UnicodeDecodeError) as exc:
                    raise ModelError(f"{cand}: cannot read labels ({_first_line(exc)})") from None
                names = [ln.strip() for ln in lines if ln.strip()]
                return names, cand.name
        return [f"class {i}" for i in range(n)], "default names"

    # -- running --------------------------------------------------------------------------
    @property
    def model_input(self) -> ModelInput:
        """The pixels -> model input transform on its own, holding no reference to this
        classifier (what a cache of per-model helpers may keep without keeping the model
        alive)."""
        return ModelInput(self.preprocessing, self.layout, self.input_dtype)

    def to_model_input(self, pixels: np.ndarray) -> np.ndarray:
        """(N, H, W, C) pixels 0..255 -> the tensor the model takes (:class:`ModelInput`)."""
        return self.model_input(pixels)

    def raw(self, pixels: np.ndarray) -> np.ndarray:
        x = self.to_model_input(pixels)
        n = x.shape[0]
        b = self.fixed_batch
        if b == n or (b is None and n <= self.run_batch):
            return self._run(x)
        if b is None:  # a run's input is bounded (MAX_RUN_BYTES): larger batches in parts
            return np.concatenate([self._run(x[s : s + self.run_batch])
                                   for s in range(0, n, self.run_batch)])
        parts = []
        for s in range(0, n, b):
            chunk = x[s : s + b]
            k = chunk.shape[0]
            if k < b:  # pad a fixed batch with copies of the last image
                chunk = np.concatenate([chunk, np.repeat(chunk[-1:], b - k, axis=0)])
            parts.append(self._run(chunk)[:k])
        return np.concatenate(parts)

    def _run(self, x: np.ndarray) -> np.ndarray:
        try:
            (out,) = self.session.run([self.output_name], {self.input_name: x})
        except Exception as exc:  # onnxruntime's own exception types
            raise ModelError(f"{self.path}: the model failed to run ({_first_line(exc)})") from None
        out = np.asarray(out)
        if out.ndim == 4 and out.shape[2:] == (1, 1):
            out = out[:, :, 0, 0]
        if out.ndim != 2 or out.shape[0] != x.shape[0] or out.shape[1] < 2:
            raise ModelError(
                f"{self.path}: output '{self.output_name}' has shape {list(out.shape)}, "
                f"not a class vector [N, C] with C >= 2"
            )
        return out.astype(np.float32, copy=False)
