"""Synthetic spectral-domain OCT B-scans with known findings (numpy only).

>>> from dida_view.synthetic import generate_scan
>>> scan = generate_scan("CME", seed=7)
>>> scan.image.shape, scan.image.dtype, bool(scan.mask.any())
((496, 512), dtype('uint8'), True)

Layout: :mod:`.anatomy` (healthy retina, choroid and the imaging look),
:mod:`.lesions_rpe` and :mod:`.lesions_retina` (one geometry + paint pair per finding),
:mod:`.dataset` (the public entry points below).
"""

from ._common import CLASS_NAMES, CLASSES, GENERATOR_VERSION
from .dataset import COMPANIONS, Scan, generate_dataset, generate_scan, write_dataset

__all__ = [
    "CLASSES",
    "CLASS_NAMES",
    "COMPANIONS",
    "GENERATOR_VERSION",
    "Scan",
    "generate_dataset",
    "generate_scan",
    "write_dataset",
]
