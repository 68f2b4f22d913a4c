"""The out-of-distribution scores that ``benchmarks/domain_check.py`` compares, all on the
same features of the same scans, all calibrated the same way (threshold from held-out
reference scans). Each method is ``fit(x, predicted, contrast) -> score(x)``: ``x`` the
reference rows, ``predicted`` the model's class per row, ``contrast`` rows of known
out-of-domain scans (only the shipped check uses them).

- Lee et al. 2018: Mahalanobis distance to the nearest class mean, one shared covariance,
  on the pooled features before the last layer (the penultimate);
- Ren et al. 2021: relative Mahalanobis: that distance minus the distance to one
  Gaussian of all reference scans;
- Liu et al. 2020: energy, ``-logsumexp(logits)``, nothing fitted;
- Sun et al. 2022: distance to the k-th nearest reference scan, penultimate features
  normalised to unit length (k = 5);
- the shipped check (:mod:`dida_view.model.domain`): one Gaussian over 10 layers pooled
  over the content box, with and without the synthetic contrast.
"""

from __future__ import annotations

import numpy as np

from dida_view.model.domain import calibrate, fold_of, shrunk_covariance


def _standardise(x):
    m, s = x.mean(axis=0), x.std(axis=0)
    return m, np.maximum(s, 1e-6 * max(float(s.max()), 1e-12))


def _precision(z):
    cov, _ = shrunk_covariance(z)
    return np.linalg.inv(cov)


def _md(z, mean, prec):
    d = z - mean
    return np.einsum("ij,jk,ik->i", d, prec, d)


def lee(x, predicted, contrast):
    """Class-conditional Mahalanobis, shared covariance (Lee et al. 2018)."""
    m, s = _standardise(x)
    z = (x - m) / s
    classes = np.unique(predicted)
    means = np.stack([z[predicted == c].mean(axis=0) for c in classes])
    prec = _precision(np.concatenate([z[predicted == c] - means[i]
                                      for i, c in enumerate(classes)]))

    def score(xs):
        zs = (xs - m) / s
        return np.min([_md(zs, mu, prec) for mu in means], axis=0)
    return score


def ren(x, predicted, contrast):
    """Relative Mahalanobis (Ren et al. 2021): class-conditional minus background."""
    cls = lee(x, predicted, contrast)
    m, s = _standardise(x)
    z = (x - m) / s
    mean0, prec0 = z.mean(axis=0), _precision(z)
    return lambda xs: cls(xs) - _md((xs - m) / s, mean0, prec0)


def energy(x, predicted, contrast):
    """Energy score on the logits (Liu et al. 2020); ``x`` rows are logits."""
    def score(xs):
        top = xs.max(axis=1)
        return -(top + np.log(np.exp(xs - top[:, None]).sum(axis=1)))
    return score


def knn(x, predicted, contrast, k: int = 5):
    """k-th nearest neighbour distance of unit-length features (Sun et al. 2022)."""
    ref = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    kk = min(k, len(ref))

    def score(xs):
        zs = xs / np.maximum(np.linalg.norm(xs, axis=1, keepdims=True), 1e-12)
        d = 1.0 - zs @ ref.T
        return np.partition(d, kk - 1, axis=1)[:, kk - 1]
    return score


def heldout_threshold(method, x, predicted, groups, contrast, flag_percent, folds):
    """(score function fitted on all rows, threshold from cross-fitted held-out rows)."""
    fold = fold_of(groups, folds)
    held = np.zeros(len(x))
    for f in np.unique(fold):
        h = fold == f
        held[h] = method(x[~h], predicted[~h], contrast)(x[h])
    return method(x, predicted, contrast), float(np.percentile(held, 100 - flag_percent))


def shipped(with_contrast: bool):
    """The shipped check, through :func:`dida_view.model.domain.calibrate` itself; the
    rows' last column is the content box's log aspect ratio (a shape the reference does
    not cover scores infinity: flagged whatever its features)."""
    def run(x, predicted, groups, contrast, flag_percent, folds):
        cal = calibrate(x[:, :-1], groups, model_identity="benchmark", model_file="",
                        reference="", cuts=["benchmark"], channel_groups=[1],
                        flag_percent=flag_percent, folds=folds,
                        contrast=contrast[:, :-1] if with_contrast else None,
                        contrast_name="synthetic", aspects=x[:, -1])
        ref = cal.reference

        def score(xs):
            covered = np.array([ref.shape_covered(a) for a in xs[:, -1]])
            return np.where(covered, ref.score(xs[:, :-1]), np.inf)
        return score, ref.threshold
    return run


def generic(method):
    def run(x, predicted, groups, contrast, flag_percent, folds):
        return heldout_threshold(method, x, predicted, groups, contrast, flag_percent, folds)
    return run


# name, citation, features ("layers": the check's 10 layers, "penultimate", "logits"), run
METHODS = [
    ("Mahalanobis, penultimate", "Lee et al. 2018", "penultimate", generic(lee)),
    ("relative Mahalanobis, penultimate", "Ren et al. 2021", "penultimate", generic(ren)),
    ("energy", "Liu et al. 2020", "logits", generic(energy)),
    ("kNN (k = 5), penultimate", "Sun et al. 2022", "penultimate", generic(knn)),
    ("Mahalanobis, 10 layers, content box", "after Lee et al. 2018", "layers+aspect",
     shipped(False)),
    ("**shipped**: 10 layers + synthetic contrast", "+ Hendrycks et al. 2019",
     "layers+aspect", shipped(True)),
]
