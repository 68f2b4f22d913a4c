"""The domain check's reference statistics, and the file they live in beside the model.

``<model stem>.domain.json``, next to the model (and its ``<stem>.dida.json``), written by
``dida-view calibrate`` or, for the bundled real-data model, by
``models/domain_kermany.py``. It holds what :mod:`dida_view.model.domain` needs to score a
scan, and nothing of the scans themselves (no pixels, no names, no patient ids):

- ``model``: the identity of the model it was made for (its files and how they are
  read, :func:`model_identity`, hashed): a reference made for other weights or other
  preprocessing is not used;
- ``reference``: in words, what it was calibrated on (shown with every result);
- ``features``: the tensors the graph is cut at, and how their maps are pooled;
- ``components``: the statistics (a Gaussian of the reference scans' features; optionally
  a contrast with known out-of-domain scans), each with the spread of its held-out scores;
- ``calibration``: the held-out reference scans' combined scores (sorted: percentiles are
  read from them) and the threshold that flags the chosen share of them.

Arrays are stored as base64 of little-endian float32, so the file stays small and exact.
Its fingerprint is the SHA-256 of its canonical JSON: it changes with any statistic.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from dida_view.catalogue import QT_TRANSLATE_NOOP
from dida_view.errors import ModelError
from dida_view.io.jsonfile import read_json

REFERENCE_SUFFIX = ".domain.json"
FORMAT = "dida-view domain reference"
VERSION = 1


def reference_path(model_path: str | Path) -> Path:
    """``<model stem>.domain.json`` beside the model."""
    p = Path(model_path)
    return p.with_name(p.stem + REFERENCE_SUFFIX)


def model_key(model_identity: str) -> str:
    """What a reference stores to name its model: the SHA-256 of
    :func:`model_identity` (any string that names the model, in tests)."""
    return hashlib.sha256(model_identity.encode("utf-8")).hexdigest()


def _canonical(v: Any) -> Any:
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, int | float):
        return float(v)
    if isinstance(v, list | tuple):
        return [_canonical(x) for x in v]
    return str(v)


def model_identity(classifier) -> str:
    """What a reference is bound to: the digest of the model's files and how they are
    read (labels, score output, output kind, and the preprocessing values that differ
    from the defaults), written canonically (``0`` and ``0.0`` alike), so that the
    reference stays bound when the program learns a new preprocessing option."""
    from dida_view.model.preprocess import Preprocessing

    default = {k: _canonical(v) for k, v in Preprocessing().to_dict().items()}
    pre = {k: _canonical(v) for k, v in classifier.preprocessing.to_dict().items()}
    config = {"labels": list(classifier.labels), "output": classifier.output_name,
              "kind": classifier.info.output_kind,
              "pre": {k: v for k, v in pre.items() if default.get(k, object()) != v}}
    return classifier.files.digest + json.dumps(config, sort_keys=True)


def encode_array(a: np.ndarray, *, lower: bool = False) -> dict[str, Any]:
    """``{"shape": [...], "float32": base64}``; ``lower``: a square lower-triangular
    matrix, stored as its lower triangle only (row by row)."""
    a = np.asarray(a, dtype="<f4")
    values = a[np.tril_indices(len(a))] if lower else a.reshape(-1)
    out: dict[str, Any] = {"shape": list(a.shape)}
    if lower:
        out["lower"] = True
    out["float32"] = base64.b64encode(np.ascontiguousarray(values).tobytes()).decode("ascii")
    return out


def decode_array(d: Any, what: str) -> np.ndarray:
    """The array :func:`encode_array` wrote (ValueError on anything inconsistent)."""
    if not isinstance(d, dict) or not isinstance(d.get("float32"), str) or \
            not isinstance(d.get("shape"), list):
        raise ValueError(f"{what}: not an array")
    shape = tuple(int(v) for v in d["shape"])
    lower = d.get("lower") is True
    if lower and (len(shape) != 2 or shape[0] != shape[1]):
        raise ValueError(f"{what}: a lower triangle must be square, got {list(shape)}")
    count = shape[0] * (shape[0] + 1) // 2 if lower else int(np.prod(shape, dtype=np.int64))
    try:
        raw = base64.b64decode(d["float32"].encode("ascii"), validate=True)
    except ValueError:
        raise ValueError(f"{what}: not base64") from None
    if len(raw) != 4 * count:
        raise ValueError(f"{what}: {len(raw)} bytes for shape {list(shape)}")
    values = np.frombuffer(raw, dtype="<f4").astype(np.float64)
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{what}: holds NaN or infinite values")
    if not lower:
        return values.reshape(shape)
    a = np.zeros(shape)
    a[np.tril_indices(shape[0])] = values
    return a


@dataclass(frozen=True, eq=False)
class Gaussian:
    """The reference scans' features as one Gaussian (Mahalanobis distance, Lee et al.
    2018): ``z = (x - mean) / scale``, ``d2 = |whiten @ z|^2`` (``whiten`` is the inverse
    Cholesky factor of the shrunk covariance of ``z``); the check reads ``log d2``,
    standardised by the held-out reference scans' ``log_mean`` and ``log_std``."""

    mean: np.ndarray
    scale: np.ndarray
    whiten: np.ndarray
    shrinkage: float
    log_mean: float
    log_std: float
    kind: str = "mahalanobis"

    def raw(self, x: np.ndarray) -> np.ndarray:
        """Squared Mahalanobis distance of each row of ``x``, as its log."""
        z = (np.atleast_2d(x) - self.mean) / self.scale
        d2 = np.sum((z @ self.whiten.T) ** 2, axis=1)
        return np.log(np.maximum(d2, 1e-12))

    def standard(self, x: np.ndarray) -> np.ndarray:
        return (self.raw(x) - self.log_mean) / self.log_std


@dataclass(frozen=True, eq=False)
class Contrast:
    """A contrast with known out-of-domain scans: the log-likelihood ratio of two
    Gaussians with one shared covariance (Fisher's discriminant) on the same standardised
    features, ``llr = z @ weights + bias`` (positive: nearer the out-of-domain scans),
    standardised by the held-out reference scans' ``score_mean`` and ``score_std``."""

    against: str
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    score_mean: float
    score_std: float
    kind: str = "contrast"

    def raw(self, x: np.ndarray) -> np.ndarray:
        z = (np.atleast_2d(x) - self.mean) / self.scale
        return z @ self.weights + self.bias

    def standard(self, x: np.ndarray) -> np.ndarray:
        return (self.raw(x) - self.score_mean) / self.score_std


@dataclass(frozen=True, eq=False)
class DomainReference:
    """Everything the check needs for one model (see the module)."""

    model_key: str
    model_file: str
    reference: str
    cuts: tuple[str, ...]
    groups: tuple[int, ...]  # channels averaged per feature, per cut (1: every channel)
    components: tuple[Gaussian | Contrast, ...]
    flag_percent: float
    threshold: float
    heldout: np.ndarray  # the held-out reference scans' combined scores, sorted
    figures: dict[str, Any] = field(default_factory=dict)
    # log aspect ratios of the content box that the reference covers (None: any)
    aspect_range: tuple[float, float] | None = None

    def score(self, features: np.ndarray) -> np.ndarray:
        """The combined score of each row: the largest standardised component score."""
        return np.max([c.standard(features) for c in self.components], axis=0)

    def shape_covered(self, log_aspect: float) -> bool:
        """Whether a content box of this log aspect ratio is within the reference's."""
        lo, hi = self.aspect_range or (-np.inf, np.inf)
        return bool(lo <= log_aspect <= hi)

    def percentile(self, score: float) -> float:
        """The share of held-out reference scans (0..100) that scored lower."""
        return float(100.0 * np.searchsorted(self.heldout, score, side="left")
                     / max(1, len(self.heldout)))

    def to_dict(self) -> dict[str, Any]:
        comps = []
        for c in self.components:
            if isinstance(c, Gaussian):
                comps.append({"kind": c.kind, "mean": encode_array(c.mean),
                              "scale": encode_array(c.scale),
                              "whiten": encode_array(c.whiten, lower=True),
                              "shrinkage": c.shrinkage,
                              "log_mean": c.log_mean, "log_std": c.log_std})
            else:
                comps.append({"kind": c.kind, "against": c.against,
                              "mean": encode_array(c.mean), "scale": encode_array(c.scale),
                              "weights": encode_array(c.weights), "bias": c.bias,
                              "score_mean": c.score_mean, "score_std": c.score_std})
        return {
            "format": FORMAT, "version": VERSION,
            "model": {"file": self.model_file, "key": self.model_key},
            "reference": self.reference,
            "features": {"cuts": list(self.cuts), "groups": list(self.groups),
                         "pooling": "mean over the content box",
                         "aspect_range": None if self.aspect_range is None else
                         [float(v) for v in self.aspect_range]},
            "components": comps,
            "calibration": {"flag_percent": self.flag_percent, "threshold": self.threshold,
                            "heldout": encode_array(self.heldout)},
            "figures": self.figures,
        }

    def to_json(self) -> str:
        """The canonical text: what is saved and what the fingerprint hashes."""
        return json.dumps(self.to_dict(), sort_keys=True, indent=1, allow_nan=False)

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the canonical JSON (for the result cache key)."""
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()


def _component(d: Any, i: int) -> Gaussian | Contrast:
    what = f"component {i + 1}"
    if not isinstance(d, dict):
        raise ValueError(f"{what}: not an object")
    kind = d.get("kind")
    if kind == "mahalanobis":
        g = Gaussian(decode_array(d.get("mean"), what), decode_array(d.get("scale"), what),
                     decode_array(d.get("whiten"), what), float(d["shrinkage"]),
                     float(d["log_mean"]), float(d["log_std"]))
        p = len(g.mean)
        if g.scale.shape != (p,) or g.whiten.shape != (p, p) or np.any(g.scale <= 0) \
                or g.log_std <= 0:
            raise ValueError(f"{what}: inconsistent Gaussian")
        return g
    if kind == "contrast":
        c = Contrast(str(d.get("against", "")), decode_array(d.get("mean"), what),
                     decode_array(d.get("scale"), what), decode_array(d.get("weights"), what),
                     float(d["bias"]), float(d["score_mean"]), float(d["score_std"]))
        p = len(c.mean)
        if c.scale.shape != (p,) or c.weights.shape != (p,) or np.any(c.scale <= 0) \
                or c.score_std <= 0:
            raise ValueError(f"{what}: inconsistent contrast")
        return c
    raise ValueError(f"{what}: unknown kind {kind!r}")


def _aspect_range(v: Any) -> tuple[float, float] | None:
    if v is None:
        return None
    lo, hi = (float(x) for x in v)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo <= hi):
        raise ValueError(f"bad aspect range {v!r}")
    return lo, hi


def reference_from_dict(d: Any) -> DomainReference:
    """Parse a reference document (raises ValueError with one line on anything wrong)."""
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        raise ValueError("not a DiDA View domain reference")
    if d.get("version") != VERSION:
        raise ValueError(f"version {d.get('version')!r}; this DiDA View reads {VERSION}")
    try:
        model, feats, cal = d["model"], d["features"], d["calibration"]
        comps = tuple(_component(c, i) for i, c in enumerate(d["components"]))
        ref = DomainReference(
            model_key=str(model["key"]), model_file=str(model.get("file", "")),
            reference=str(d["reference"]),
            cuts=tuple(str(c) for c in feats["cuts"]),
            groups=tuple(int(g) for g in feats["groups"]),
            components=comps, flag_percent=float(cal["flag_percent"]),
            threshold=float(cal["threshold"]),
            heldout=np.sort(decode_array(cal["heldout"], "calibration")),
            figures=dict(d.get("figures") or {}),
            aspect_range=_aspect_range(feats.get("aspect_range")),
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"missing or bad field ({exc})") from None
    dims = {len(c.mean) for c in comps}
    if not comps or len(dims) != 1 or len(ref.cuts) != len(ref.groups) or \
            not ref.cuts or ref.heldout.ndim != 1 or len(ref.heldout) == 0:
        raise ValueError("inconsistent components, cuts or calibration")
    return ref


def load_reference(path: str | Path) -> DomainReference:
    """Read a ``.domain.json`` file.

    Raises
    ------
    ModelError
        One line naming the file: unreadable, not JSON, or not a valid reference.
    """
    path = Path(path)
    try:
        return reference_from_dict(read_json(path, str(path)))
    except OSError as exc:
        raise ModelError(f"{path}: cannot read ({exc.strerror})") from None
    except ValueError as exc:
        text = str(exc)
        raise ModelError(text if text.startswith(str(path)) else f"{path}: {text}") from None


def save_reference(ref: DomainReference, path: str | Path) -> Path:
    """Write ``ref`` to ``path`` atomically (a temporary file, then ``os.replace``)."""
    path = Path(path)
    try:  # an existing file keeps its mode; a new one gets the usual 0666 less the umask
        mode = path.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        mode = 0o666 & ~mask
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(ref.to_json())
            f.write("\n")
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


STALE_NOTE = QT_TRANSLATE_NOOP(
    "Domain", "{name} was made for another version of this model (other weights or "
    "preprocessing): no domain check until dida-view calibrate is run again")
BROKEN_NOTE = QT_TRANSLATE_NOOP("Domain", "no domain check: {problem}")


def reference_for(model_path: str | Path, identity: str
                  ) -> tuple[DomainReference | None, str | None]:
    """The reference beside a model, if there is one that was made for it (``identity``:
    :func:`model_identity`), and a note when one is there but cannot be used (broken, or
    made for other weights or preprocessing)."""
    path = reference_path(model_path)
    if not path.is_file():
        return None, None
    try:
        ref = load_reference(path)
    except ModelError as exc:
        return None, BROKEN_NOTE.note(problem=str(exc))
    if ref.model_key != model_key(identity):
        return None, STALE_NOTE.note(name=path.name)
    return ref, None
