"""Scans, datasets and files: the public entry points of the synthetic OCT generator."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import lesions_retina as _ret
from . import lesions_rpe as _rpe
from ._common import CLASS_NAMES, CLASSES, GENERATOR_VERSION, bbox, check_label
from .anatomy import Anatomy, finalize, render_retina, sample_anatomy

Geometry = Callable[[Anatomy, np.random.Generator, float], dict]
Paint = Callable[[Anatomy, np.ndarray, np.random.Generator, dict], np.ndarray]

#: label -> (geometry, paint); see lesions_retina for the protocol.
LESIONS: dict[str, tuple[Geometry, Paint]] = {
    "Early AMD": (_rpe.drusen_geometry, _rpe.drusen_paint),
    "Wet AMD": (_rpe.cnv_geometry, _rpe.cnv_paint),
    "Dry AMD": (_rpe.ga_geometry, _rpe.ga_paint),
    "CME": (_ret.cme_geometry, _ret.cme_paint),
    "ME": (_ret.me_geometry, _ret.me_paint),
    "SRD": (_rpe.srd_geometry, _rpe.srd_paint),
    "ERM": (_ret.erm_geometry, _ret.erm_paint),
    "MH": (_ret.mh_geometry, _ret.mh_paint),
    "RA": (_ret.ra_geometry, _ret.ra_paint),
}

#: Second findings that plausibly accompany each class (used for ``secondary=True``).
COMPANIONS: dict[str, list[str]] = {
    "Early AMD": ["Dry AMD", "Wet AMD", "ERM", "SRD"],
    "Wet AMD": ["Early AMD", "CME", "ERM"],
    "Dry AMD": ["Early AMD", "Wet AMD", "ERM", "RA"],
    "CME": ["ERM", "SRD", "ME", "Early AMD"],
    "ME": ["ERM", "SRD", "CME", "Early AMD"],
    "SRD": ["Early AMD", "CME", "ME"],
    "ERM": ["CME", "ME", "MH", "Early AMD"],
    "MH": ["ERM", "CME", "Early AMD"],
    "RA": ["ERM", "Dry AMD", "Early AMD"],
}

_PRIMARY_SEVERITY = (0.6, 1.0)
_SECONDARY_SEVERITY = (0.3, 0.5)


@dataclass
class Scan:
    """One synthetic B-scan with its ground truth.

    Attributes
    ----------
    image : numpy.ndarray
        uint8 (H, W) grey B-scan.
    mask : numpy.ndarray
        bool (H, W): the primary finding(s); all False for ``"normal"``.
    label : str
        One of :data:`CLASSES`.
    findings : list of dict
        ``{"label", "name", "role" ("primary"/"secondary"), "severity", "bbox"}`` with
        ``bbox = [y0, x0, y1, x1]`` (end exclusive). Empty for normal scans.
    seed : int
        The seed the scan was generated from.
    meta : dict
        Extras: ``"ilm"``, ``"rpe"``, ``"bm"`` (per-column rows, float32 arrays: inner
        surface, top of the RPE, top of Bruch's membrane), ``"fovea_x"``, ``"wedge"``
        (True if a registration wedge was painted), ``"version"``.
    """

    image: np.ndarray
    mask: np.ndarray
    label: str
    findings: list[dict]
    seed: int
    meta: dict[str, Any] = field(default_factory=dict, repr=False)


def _check_seed(seed: int) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)


def _check_size(height: int, width: int) -> tuple[int, int]:
    if int(height) < 128 or int(width) < 128:
        raise ValueError(f"height and width must be >= 128, got {height}x{width}")
    return int(height), int(width)


def _resolve_secondary(label: str, seed: int, secondary: str | None | bool) -> str | None:
    if secondary is False:
        return None
    if secondary is None or secondary is True:
        if label == "normal":
            return None
        rng = np.random.default_rng([seed, 4, CLASSES.index(label)])
        options = COMPANIONS[label]
        return options[int(rng.integers(len(options)))]
    check_label(secondary)
    if secondary == "normal" or secondary == label or label == "normal":
        raise ValueError(
            f"secondary finding {secondary!r} is not possible on a {label!r} scan; "
            "it must be a lesion class different from the label"
        )
    return secondary


def generate_scan(
    label: str,
    seed: int,
    *,
    height: int = 496,
    width: int = 512,
    secondary: str | None | bool = False,
) -> Scan:
    """Generate one synthetic OCT B-scan of class ``label``.

    Parameters
    ----------
    label
        One of :data:`CLASSES`; anything else raises ``ValueError`` naming it.
    seed
        Non-negative integer. The same (label, seed, size, secondary) always gives the
        identical scan. The healthy anatomy and the speckle depend only on (seed, size),
        so scans of different classes with the same seed differ only by their findings.
    height, width
        Image size in pixels (default: 496 x 512, the Spectralis export size).
    secondary
        ``False``: no second finding. ``None`` or ``True``: a seeded random choice of a
        plausible companion class (see :data:`COMPANIONS`) at reduced severity; ignored
        for ``"normal"``. A class name: that class at reduced severity.

    Returns
    -------
    Scan
        The image, the primary finding's mask, and the findings list.
    """
    check_label(label)
    seed = _check_seed(seed)
    height, width = _check_size(height, width)
    second = _resolve_secondary(label, seed, secondary)

    anat = sample_anatomy(np.random.default_rng([seed, 0, height, width]), height, width)
    planned: list[tuple[str, str, float, np.random.Generator, dict]] = []
    # The secondary is laid down first so the primary adapts to the space that is left,
    # and painted first so the primary's finding is drawn on top.
    for role, name in (("secondary", second), ("primary", label)):
        if name is None or name == "normal":
            continue
        rng = np.random.default_rng([seed, 1 if role == "primary" else 2, CLASSES.index(name)])
        lo, hi = _PRIMARY_SEVERITY if role == "primary" else _SECONDARY_SEVERITY
        severity = float(rng.uniform(lo, hi))
        plan = LESIONS[name][0](anat, rng, severity)
        planned.append((role, name, severity, rng, plan))

    img = render_retina(anat)
    mask = np.zeros((height, width), bool)
    findings: list[dict] = []
    for role, name, severity, rng, plan in planned:
        found = LESIONS[name][1](anat, img, rng, plan)
        if role == "primary":
            mask = found
        findings.append({
            "label": name, "name": CLASS_NAMES[name], "role": role,
            "severity": round(severity, 3), "bbox": bbox(found),
        })  # fmt: skip
    findings.sort(key=lambda f: f["role"] != "primary")

    image = finalize(anat, img, np.random.default_rng([seed, 3, height, width]))
    b = anat.boundaries()
    meta = {
        "ilm": b["rnfl"], "rpe": b["rpe"], "bm": b["bm"], "fovea_x": anat.fovea_x,
        "wedge": anat.wedge is not None, "version": GENERATOR_VERSION,
    }  # fmt: skip
    return Scan(image=image, mask=mask, label=label, findings=findings, seed=seed, meta=meta)


def _derive_seed(seed: int, index: int) -> int:
    digest = hashlib.blake2b(f"dida-synthetic:{seed}:{index}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1


def _check_classes(classes: list[str] | None) -> list[str]:
    classes = list(CLASSES if classes is None else classes)
    if not classes:
        raise ValueError("classes must not be empty")
    for c in classes:
        check_label(c)
    return classes


def generate_dataset(
    count: int,
    seed: int,
    *,
    classes: list[str] | None = None,
    height: int = 496,
    width: int = 512,
    secondary_rate: float = 0.0,
) -> Iterator[Scan]:
    """Yield ``count`` scans, classes balanced round-robin, deterministically.

    Scan ``i`` has label ``classes[i % len(classes)]`` and a seed derived from
    ``(seed, i)``; with probability ``secondary_rate`` (seeded) a lesion scan also
    carries a weaker companion finding.

    Parameters
    ----------
    count
        Number of scans (>= 0).
    seed
        Non-negative dataset seed.
    classes
        Labels to cycle through (default: all of :data:`CLASSES`, in order).
    height, width
        Image size.
    secondary_rate
        Probability in [0, 1] that a lesion scan has a second finding.
    """
    seed = _check_seed(seed)
    classes = _check_classes(classes)
    if int(count) < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    if not 0.0 <= float(secondary_rate) <= 1.0:
        raise ValueError(f"secondary_rate must be in [0, 1], got {secondary_rate}")
    _check_size(height, width)
    for i in range(int(count)):
        label = classes[i % len(classes)]
        scan_seed = _derive_seed(seed, i)
        second = bool(np.random.default_rng([scan_seed, 5]).random() < secondary_rate)
        yield generate_scan(
            label, scan_seed, height=height, width=width,
            secondary=(second and label != "normal"),
        )  # fmt: skip


def slug(label: str) -> str:
    """File-name form of a label: ``"Early AMD"`` -> ``"early-amd"``."""
    return check_label(label).lower().replace(" ", "-")


def write_dataset(
    out_dir: str | Path,
    count: int,
    seed: int,
    *,
    classes: list[str] | None = None,
    height: int = 496,
    width: int = 512,
    secondary_rate: float = 0.0,
) -> list[dict]:
    """Write a dataset as PNG files plus ``labels.json``.

    Files: ``<out_dir>/<label-slug>_<index>.png`` (scan), ``<...>_mask.png`` (mask,
    0/255) and ``<out_dir>/labels.json``, a list of ``{"file", "label", "mask",
    "findings", "seed"}`` with paths relative to ``out_dir``.

    Returns
    -------
    list of dict
        The entries written to ``labels.json``.
    """
    from PIL import Image

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    digits = max(5, len(str(max(int(count) - 1, 0))))
    entries: list[dict] = []
    scans = generate_dataset(
        count, seed, classes=classes, height=height, width=width, secondary_rate=secondary_rate
    )
    for i, scan in enumerate(scans):
        stem = f"{slug(scan.label)}_{i:0{digits}d}"
        Image.fromarray(scan.image).save(out / f"{stem}.png", optimize=False)
        Image.fromarray(scan.mask.astype(np.uint8) * 255).save(out / f"{stem}_mask.png")
        entries.append({
            "file": f"{stem}.png", "label": scan.label, "mask": f"{stem}_mask.png",
            "findings": scan.findings, "seed": scan.seed,
        })  # fmt: skip
    (out / "labels.json").write_text(json.dumps(entries, indent=1), encoding="utf-8")
    return entries
