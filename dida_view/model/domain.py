"""Is the model on home ground with this scan? The domain check (issue 18).

A saliency map explains what a model did; it cannot say whether the model should be
trusted on the scan at all (another device, a fundus photograph, a synthetic scan, a
screenshot). The check compares the scan with the scans the model was *calibrated* on,
in the model's own feature space, and says ``typical`` or ``unlike the model's reference
scans``. It needs only the ONNX model and its reference statistics
(:mod:`dida_view.model.domainref`, ``<stem>.domain.json`` beside the model).

The score
    The features are the classifier's feature maps at several layers, averaged over the
    content box (:mod:`dida_view.model.domainfeatures`), one inference per scan. Their
    distribution over the reference scans is one Gaussian with a Ledoit-Wolf shrunk
    covariance (Ledoit & Wolf 2004), and a scan's distance is its squared Mahalanobis
    distance to it (Lee et al. 2018, "A simple unified framework for detecting
    out-of-distribution samples and adversarial attacks", NeurIPS; here over several
    layers at once, and without class labels, so that any folder of scans will do).
    Optionally a *contrast*: scans known to be out of the domain (for the bundled
    real-data model, scans of DiDA View's own synthetic generator) give a second
    Gaussian with the same covariance, and the log-likelihood ratio between the two is a
    second score (Fisher's discriminant; known outliers as in Hendrycks et al. 2019,
    "Deep anomaly detection with outlier exposure", ICLR). Each score is standardised by
    its spread over held-out reference scans; the check's score is the larger one.

The threshold
    Never from the scans a statistic was fitted on (those look more typical than new
    ones): the reference scans are split into groups (patients, or files), every group is
    scored by statistics fitted without it (cross-fitting), and the threshold is the
    score that flags :data:`DEFAULT_FLAG_PERCENT` % of those held-out scans. The stored
    statistics are then fitted on all of them.

The shape
    The features follow the scan's shape as the model sees it (where the letterbox edges
    fall), so a reference speaks only for the shapes it holds: a scan whose content box,
    after the model's resize, is more than :data:`ASPECT_MARGIN` times wider or narrower
    than every reference scan's is unlike them whatever its score (a 3072-px strip, a
    scan cropped to a third, rotated, or four times as tall).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from dida_view.catalogue import QT_TRANSLATE_NOOP, Note
from dida_view.model.domainfeatures import FeatureCut
from dida_view.model.domainref import (
    Contrast,
    DomainReference,
    Gaussian,
    model_key,
)

DEFAULT_FLAG_PERCENT = 5.0
DEFAULT_FOLDS = 5
# how far beyond the reference scans' range of shapes (content width / height, as a
# factor) a scan may be and still be judged by its features alone
ASPECT_MARGIN = 1.25
MIN_SCANS = 20  # fewer reference scans than this give no usable threshold
TYPICAL = QT_TRANSLATE_NOOP("Domain", "typical")
ATYPICAL = QT_TRANSLATE_NOOP("Domain", "unlike the model's reference scans")
ATYPICAL_NOTE = QT_TRANSLATE_NOOP(
    "Domain", "this scan is unlike the model's reference scans ({reference}): its domain "
    "score {score} is higher than that of {share} of them; the model may not be trusted "
    "on it")
SHAPE_NOTE = QT_TRANSLATE_NOOP(
    "Domain", "this scan's shape is unlike that of the model's reference scans "
    "({reference}): after the model's resize its content is {aspect} times as wide as "
    "high, outside their {lo}-{hi}; the model may not be trusted on it")
ALL_OF_THEM = QT_TRANSLATE_NOOP("Domain", "all")
PERCENT = "{value} %"
# what every view says first about an atypical scan (the viewer's banner, the report's line,
# teaching mode's badge); the detail is :attr:`DomainResult.note`
HEADLINE = QT_TRANSLATE_NOOP(
    "Domain", "This scan is unlike the scans the model was trained on: its explanation may "
    "not mean much.")
VOLUME_NOTE = QT_TRANSLATE_NOOP(
    "Domain", "{atypical} of {total} B-scans are unlike the model's reference scans")


@dataclass(frozen=True)
class DomainResult:
    """The check's answer for one scan. ``percentile``: the share (0..100) of held-out
    reference scans that scored lower; ``reference``: what it was calibrated on."""

    typical: bool
    score: float
    percentile: float
    reference: str
    aspect: float = 0.0  # log(width / height) of the content box
    aspect_range: tuple[float, float] | None = None  # the reference's, None: any shape

    @property
    def shape_covered(self) -> bool:
        lo, hi = self.aspect_range or (-np.inf, np.inf)
        return bool(lo <= self.aspect <= hi)

    @property
    def verdict(self) -> str:
        """``typical`` or ``unlike the model's reference scans`` (catalogue templates)."""
        return TYPICAL if self.typical else ATYPICAL

    @property
    def note(self) -> Note | None:
        """The sentence for an atypical scan (:data:`ATYPICAL_NOTE`, or
        :data:`SHAPE_NOTE` when its shape is beyond the reference's), else None."""
        if self.typical:
            return None
        if not self.shape_covered:
            lo, hi = self.aspect_range
            return SHAPE_NOTE.note(reference=self.reference,
                                   aspect=f"{np.exp(self.aspect):.2f}",
                                   lo=f"{np.exp(lo):.2f}", hi=f"{np.exp(hi):.2f}")
        share = ALL_OF_THEM if self.percentile >= 99.95 else \
            PERCENT.format(value=f"{self.percentile:.1f}")
        return ATYPICAL_NOTE.note(reference=self.reference, score=f"{self.score:.1f}",
                                  share=share)

    def to_json(self) -> dict[str, Any]:
        """The ``domain_check`` object of the JSON record."""
        return {"typical": self.typical, "score": round(self.score, 3),
                "percentile": round(self.percentile, 1), "reference": self.reference}

    def to_dict(self) -> dict[str, Any]:
        """Every field, for the result cache (:meth:`from_dict` reads it back)."""
        return {"typical": self.typical, "score": self.score, "percentile": self.percentile,
                "reference": self.reference, "aspect": self.aspect,
                "aspect_range": list(self.aspect_range) if self.aspect_range else None}

    @classmethod
    def from_dict(cls, d: Any) -> DomainResult | None:
        """A result from :meth:`to_dict`, or None for anything else."""
        try:
            rng = d.get("aspect_range")
            return cls(bool(d["typical"]), float(d["score"]), float(d["percentile"]),
                       str(d["reference"]), float(d.get("aspect", 0.0)),
                       (float(rng[0]), float(rng[1])) if rng else None)
        except (AttributeError, KeyError, TypeError, ValueError, IndexError):
            return None


# ---------------------------------------------------------------- statistics


def shrunk_covariance(z: np.ndarray) -> tuple[np.ndarray, float]:
    """Ledoit-Wolf (2004) covariance of the rows of ``z``: ``a mu I + (1 - a) S``, with the
    shrinkage ``a`` that minimises the expected squared error; and ``a``."""
    n, p = z.shape
    zc = z - z.mean(axis=0)
    s = zc.T @ zc / n
    mu = float(np.trace(s)) / p
    d2 = float(np.sum((s - mu * np.eye(p)) ** 2))
    b2 = (float(np.sum(np.sum(zc**2, axis=1) ** 2)) / n - float(np.sum(s**2))) / n
    a = 1.0 if d2 <= 0 else min(max(b2, 0.0), d2) / d2
    return a * mu * np.eye(p) + (1 - a) * s, a


def _standardiser(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    floor = max(1e-6, 1e-6 * float(scale.max(initial=0.0)))
    return mean, np.maximum(scale, floor)


def fit_gaussian(x: np.ndarray) -> Gaussian:
    """The reference Gaussian of the rows of ``x`` (held-out spread still unset: 0, 1)."""
    mean, scale = _standardiser(x)
    cov, a = shrunk_covariance((x - mean) / scale)
    lower = np.linalg.cholesky(cov + 1e-9 * np.eye(len(cov)))
    whiten = np.linalg.inv(lower)
    return Gaussian(mean, scale, np.tril(whiten), a, 0.0, 1.0)


def fit_contrast(x: np.ndarray, other: np.ndarray, gaussian: Gaussian, against: str
                 ) -> Contrast:
    """Fisher's discriminant between the reference rows ``x`` and the out-of-domain rows
    ``other``, on the reference's standardisation (held-out spread unset: 0, 1)."""
    z0 = (x - gaussian.mean) / gaussian.scale
    z1 = (other - gaussian.mean) / gaussian.scale
    m0, m1 = z0.mean(axis=0), z1.mean(axis=0)
    cov, _ = shrunk_covariance(np.concatenate([z0 - m0, z1 - m1]))
    w = np.linalg.solve(cov, m1 - m0)
    return Contrast(against, gaussian.mean, gaussian.scale, w, float(-(m0 + m1) @ w / 2),
                    0.0, 1.0)


def _fit(x: np.ndarray, other: np.ndarray | None, against: str
         ) -> tuple[Gaussian, Contrast | None]:
    g = fit_gaussian(x)
    return g, fit_contrast(x, other, g, against) if other is not None else None


def fold_of(groups: Sequence, folds: int, seed: int = 0) -> np.ndarray:
    """Fold per row: the distinct groups shuffled (seeded) and dealt round-robin."""
    keys = np.asarray([str(g) for g in groups])
    uniq = np.unique(keys)
    order = np.random.default_rng(seed).permutation(len(uniq))
    fold = {uniq[i]: k % folds for k, i in enumerate(order)}
    return np.asarray([fold[g] for g in keys], dtype=np.int64)


@dataclass(frozen=True)
class Calibration:
    """What :func:`calibrate` found, for the reference and for the user."""

    reference: DomainReference
    heldout_scores: np.ndarray  # per row, in the rows' order: the cross-fitted score
    flagged: np.ndarray  # per row: beyond the threshold


def calibrate(features: np.ndarray, groups: Sequence, *, model_identity: str,
              model_file: str, reference: str, cuts: Sequence[str], channel_groups:
              Sequence[int], flag_percent: float = DEFAULT_FLAG_PERCENT,
              folds: int = DEFAULT_FOLDS, contrast: np.ndarray | None = None,
              contrast_name: str = "", figures: dict | None = None,
              aspects: np.ndarray | None = None) -> Calibration:
    """Reference statistics and threshold from in-domain ``features`` (one row a scan).

    ``model_identity``: what binds the reference to its model
    (:func:`~dida_view.model.domainref.model_identity`).
    ``groups``: one key per row; rows of a key are held out together (a patient's scans,
    the variants of one scan, the B-scans of one volume). ``folds``: the number of
    cross-fitting folds (each holds out about ``1 / folds`` of the groups).
    ``contrast``: features of scans known to be out of the domain, or None.
    ``aspects``: each row's content-box log aspect ratio; the reference then covers
    their range, widened by :data:`ASPECT_MARGIN` (None: any shape).

    Raises
    ------
    ValueError
        Too few scans or groups, or a flag percentage outside (0, 50].
    """
    x = np.asarray(features, dtype=np.float64)
    if not 0.0 < flag_percent <= 50.0:
        raise ValueError(f"the flag percentage must be in (0, 50], got {flag_percent:g}")
    if x.ndim != 2 or len(x) < MIN_SCANS:
        raise ValueError(f"{len(x)} reference scans; at least {MIN_SCANS} are needed")
    fold = fold_of(groups, folds)
    if len(np.unique(fold)) < 2:
        raise ValueError("the reference scans must come from at least 2 files or groups")
    raw = np.zeros((len(x), 2))
    for f in np.unique(fold):
        held = fold == f
        g, c = _fit(x[~held], contrast, contrast_name)
        raw[held, 0] = g.raw(x[held])
        if c is not None:
            raw[held, 1] = c.raw(x[held])
    g, c = _fit(x, contrast, contrast_name)
    spread = [(float(raw[:, i].mean()), max(float(raw[:, i].std()), 1e-9)) for i in (0, 1)]
    g = Gaussian(g.mean, g.scale, g.whiten, g.shrinkage, *spread[0])
    comps: list[Gaussian | Contrast] = [g]
    if c is not None:
        comps.append(Contrast(c.against, c.mean, c.scale, c.weights, c.bias, *spread[1]))
    heldout = np.max([(raw[:, i] - m) / s for i, (m, s) in enumerate(spread[:len(comps)])],
                     axis=0)
    threshold = float(np.percentile(heldout, 100.0 - flag_percent))
    ref = DomainReference(
        model_key=model_key(model_identity), model_file=model_file, reference=reference,
        cuts=tuple(cuts), groups=tuple(int(v) for v in channel_groups),
        components=tuple(comps), flag_percent=float(flag_percent), threshold=threshold,
        heldout=np.sort(heldout), figures=dict(figures or {}),
        aspect_range=None if aspects is None else (
            float(np.min(aspects) - np.log(ASPECT_MARGIN)),
            float(np.max(aspects) + np.log(ASPECT_MARGIN))))
    return Calibration(ref, heldout, heldout > threshold)


# ---------------------------------------------------------------- the check


class DomainCheck:
    """The check for one classifier and its reference; ``check(image)`` per scan.

    Its :attr:`fingerprint` names both (for a result cache key). Building it opens one
    more onnxruntime session (the graph up to the reference's cuts); a scan then costs
    one inference to those layers.
    """

    def __init__(self, classifier, reference: DomainReference) -> None:
        self.classifier = classifier
        self.reference = reference
        self.features = FeatureCut(classifier, reference.cuts, reference.groups)
        dims = len(reference.components[0].mean)
        if self.features.dims != dims:
            from dida_view.errors import ModelError

            raise ModelError(f"{classifier.path}: the domain reference has {dims} features, "
                             f"the model's layers give {self.features.dims}")

    @property
    def fingerprint(self) -> str:
        """The model's fingerprint and the reference's, together."""
        return f"{self.classifier.fingerprint}|domain:{self.reference.fingerprint}"

    def result(self, features: np.ndarray, aspect: float = 0.0) -> DomainResult:
        """The answer for a feature vector and its content box's log aspect ratio: typical
        when its score is within the threshold and its shape within the reference's."""
        ref = self.reference
        score = float(ref.score(features[None])[0])
        typical = score <= ref.threshold and ref.shape_covered(aspect)
        return DomainResult(typical, score, ref.percentile(score), ref.reference, aspect,
                            ref.aspect_range)

    def check(self, image: np.ndarray) -> DomainResult:
        """The answer for one image (uint8 ``(H, W)`` or ``(H, W, 3)``, as loaded)."""
        return self.result(*self.features.features_and_aspect(image))


_CHECKS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # classifier -> check


def domain_check(classifier) -> DomainCheck | None:
    """The check for ``classifier`` when it has a usable reference (read with the model,
    ``classifier.domain_reference``), else None; made once per classifier (it opens a
    session of its own). :class:`~dida_view.errors.ModelError` when the reference does
    not fit the model's layers."""
    ref = getattr(classifier, "domain_reference", None)
    if ref is None:
        return None
    try:
        known = _CHECKS.get(classifier)
    except TypeError:  # not weakly referable (a test's stand-in): made each time
        return DomainCheck(classifier, ref)
    if known is None or known.reference is not ref:
        known = _CHECKS[classifier] = DomainCheck(classifier, ref)
    return known


def extract_features(cut: FeatureCut, images, progress: Callable[[int, int], None] | None
                     = None) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows of ``images`` (a sequence of uint8 arrays), in order, and each one's
    content-box log aspect ratio."""
    rows, aspects = [], []
    total = len(images)
    for i, image in enumerate(images):
        f, a = cut.features_and_aspect(image)
        rows.append(f)
        aspects.append(a)
        if progress is not None:
            progress(i + 1, total)
    return np.asarray(rows), np.asarray(aspects)
