"""The files an ONNX model is made of, and a fingerprint of all of them.

A model saved with external data keeps its weights in other files (``model.onnx.data``,
one file per tensor, ...), named by the ``location`` entries of its tensors. The
fingerprint must hash those too, or swapping the weights would leave it unchanged.

The locations are read with a light walk over the protobuf wire format rather than with
the ``onnx`` package. ``onnx`` is a runtime dependency (incremental inference splits
graphs with it), but its walk over every tensor of a model, subgraphs included, is private
(``onnx.external_data_helper._get_all_tensors``), importing it takes about 0.2 s, and
parsing the whole ModelProto copies every tensor's bytes; the fingerprint is taken at
every model open, before the session, so it stays cheap: the walk visits only the
messages that can hold tensors, jumping over tensor bytes without copying them (the demo
model: 0.3 ms; tests/core/test_modelfiles.py checks it against onnx).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from dida_view.errors import ModelError

# message type -> {field number: message type of that (length-delimited) field}; only the
# paths from ModelProto down to TensorProto.external_data (field numbers of onnx.proto)
_CHILDREN: dict[str, dict[int, str]] = {
    "model": {7: "graph", 20: "training", 25: "function"},
    "training": {1: "graph", 2: "graph"},
    "graph": {1: "node", 5: "tensor", 15: "sparse"},
    "function": {7: "node", 11: "attribute"},
    "node": {5: "attribute"},
    "attribute": {5: "tensor", 6: "graph", 10: "tensor", 11: "graph", 22: "sparse",
                  23: "sparse"},
    "sparse": {1: "tensor", 2: "tensor"},
    "tensor": {13: "entry"},
}
_LOCATION = b"location"


def _varint(buf: memoryview, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(buf):
            raise ValueError("truncated varint")
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, pos
        shift += 7
        if shift > 63:
            raise ValueError("varint too long")


def _fields(buf: memoryview):
    """(field number, wire type, value) of one message; value is a memoryview for
    length-delimited fields, else None."""
    pos = 0
    while pos < len(buf):
        tag, pos = _varint(buf, pos)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            _, pos = _varint(buf, pos)
            yield number, wire, None
        elif wire == 1:
            pos += 8
            yield number, wire, None
        elif wire == 5:
            pos += 4
            yield number, wire, None
        elif wire == 2:
            n, pos = _varint(buf, pos)
            if pos + n > len(buf):
                raise ValueError("truncated field")
            yield number, wire, buf[pos : pos + n]
            pos += n
        else:
            raise ValueError(f"unsupported wire type {wire}")
    if pos != len(buf):
        raise ValueError("truncated message")


def external_locations(data: bytes) -> list[str]:
    """The external-data file names (as written in the model) of a serialized ModelProto."""
    found: list[str] = []
    stack = [("model", memoryview(data))]
    while stack:
        kind, buf = stack.pop()
        if kind == "entry":
            entry = {n: bytes(v) for n, w, v in _fields(buf) if w == 2}
            if entry.get(1) == _LOCATION and 2 in entry:
                found.append(entry[2].decode("utf-8"))
            continue
        children = _CHILDREN[kind]
        for number, wire, value in _fields(buf):
            if wire == 2 and number in children:
                stack.append((children[number], value))
    return sorted(set(found))


@dataclass(frozen=True)
class ModelFiles:
    """Every file of a model, with its size and mtime when it was hashed."""

    paths: tuple[Path, ...]
    stats: tuple[tuple[int, int], ...]  # (size, mtime_ns) per path
    digest: str

    def changed_on_disk(self) -> bool:
        """Whether any file's size or mtime differs from when it was hashed (a few stats)."""
        return _stats(self.paths) != self.stats


def _stats(paths: tuple[Path, ...]) -> tuple[tuple[int, int], ...] | None:
    try:
        out = []
        for p in paths:
            st = os.stat(p)
            out.append((st.st_size, st.st_mtime_ns))
        return tuple(out)
    except OSError:
        return None


def fingerprint_model(path: str | Path) -> ModelFiles:
    """Hash the ``.onnx`` file and every external-data file it names, in that order.

    The stats are taken before the bytes are read and checked after, so a file written
    meanwhile is noticed (the caller then fails, rather than keying results by a hash of
    bytes that were never loaded).
    """
    path = Path(path)
    if not path.exists():
        raise ModelError(f"{path}: no such file")
    if path.is_dir():
        raise ModelError(f"{path}: is a folder, not an ONNX model")
    before_main = _stats((path,))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        names = external_locations(data)
    except (ValueError, UnicodeDecodeError, KeyError):
        names = []  # not a valid ONNX file: onnxruntime will say so in its own words
    paths = [path]
    for name in names:
        ext = path.parent / name
        if not ext.is_file():
            raise ModelError(f"{path}: its external weights are missing ({name})")
        paths.append(ext)
    before = _stats(tuple(paths))
    h = hashlib.sha256()
    h.update(b"onnx\0")
    h.update(hashlib.sha256(data).digest())
    for name, ext in zip(names, paths[1:], strict=True):
        h.update(name.encode() + b"\0")
        fh = hashlib.sha256()
        with open(ext, "rb") as f:
            for chunk in iter(lambda f=f: f.read(1 << 20), b""):
                fh.update(chunk)
        h.update(fh.digest())
    after = _stats(tuple(paths))
    if before_main is None or before is None or after != before or before[0] != before_main[0]:
        raise ModelError(f"{path}: the model changed while it was being read; try again")
    return ModelFiles(tuple(paths), after, h.hexdigest())
