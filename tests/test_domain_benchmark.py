"""benchmarks/domain_check.py's parts: its AUROC, its image generators and the methods it
compares, on data with known answers (the benchmark itself needs the Kermany scans, which
the repository does not hold)."""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def _load(name):
    sys.path[:0] = [str(BENCH), str(BENCH.parent / "models")]
    try:
        spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod
    finally:
        del sys.path[:2]


@pytest.fixture(scope="module")
def bench():
    return _load("domain_check")


@pytest.fixture(scope="module")
def images():
    return _load("domain_images")


@pytest.fixture(scope="module")
def methods():
    return _load("domain_methods")


def test_auroc_known_answers(bench):
    assert bench.auroc(np.array([0.0, 1, 2]), np.array([3.0, 4])) == 1.0
    assert bench.auroc(np.array([3.0, 4]), np.array([0.0, 1, 2])) == 0.0
    assert bench.auroc(np.array([1.0, 1]), np.array([1.0, 1])) == 0.5
    assert bench.auroc(np.array([0.0, 2]), np.array([1.0])) == 0.5


def test_generated_pictures_are_seeded_and_of_their_kind(images):
    for kind in images.NON_OCT_KINDS:
        a, b = images.non_oct(kind, 3), images.non_oct(kind, 3)
        assert a.dtype == np.uint8 and np.array_equal(a, b), kind
        assert a.shape[:2] in images._SHAPES[kind]
    assert not np.array_equal(images.non_oct("fundus", 1), images.non_oct("fundus", 2))
    scan = np.random.default_rng(0).integers(0, 256, (50, 80), dtype=np.uint8)
    shot = images.viewer_screenshot(scan, 0)
    assert shot.shape == (50 + 80, 50 + 80 + 30, 3)
    assert np.array_equal(shot[40:90, 70:150, 0], scan)  # the scan, unchanged, inside
    degraded = {k: f(scan) for k, f in images.DEGRADATIONS.items()}
    assert degraded["rotated 90 degrees"].shape == (80, 50)
    assert degraded["cropped to its middle third"].shape == (50, 26)
    assert np.array_equal(degraded["inverted"], 255 - scan)
    assert images.EXPORTS["very wide (496 x 3072)"](scan).shape == (50, 3072)


@pytest.mark.parametrize("index", range(4))
def test_each_compared_method_flags_what_is_unlike_its_reference(methods, index):
    """Reference rows have a positive first feature; the odd rows point the other way
    (far for Mahalanobis, and in a direction no reference row has, for kNN's cosine).
    For energy, the odd rows are logits that are all low (no class is likely)."""
    name, cite, kind, run = methods.METHODS[index]
    rng = np.random.default_rng(index)

    def rows(n):
        x = rng.normal(size=(n, 6))
        x[:, 0] = np.abs(x[:, 0]) + 0.5
        return x

    x = rows(300)
    score, threshold = run(x, (x[:, 1] > 0).astype(int), np.arange(300) // 2, None, 5.0, 5)
    if kind == "logits":
        odd = np.full((200, 6), -5.0) + rng.normal(size=(200, 6)) * 0.1
    else:
        odd = rng.normal(size=(200, 6)) * 0.1
        odd[:, 0] = -4.0
    assert np.mean(score(odd) > threshold) > 0.9, name
    assert np.mean(score(rows(500)) > threshold) < 0.15, name


def test_relative_mahalanobis_subtracts_the_background(methods):
    """Two classes at -3 and +3 on one feature (spread 1 each): a row half-way between
    them and a row 3 beyond the upper class are equally far from their nearest class,
    but the background Gaussian of both classes finds the half-way row typical, so the
    relative distance (Ren et al. 2021) calls it the stranger one."""
    rng = np.random.default_rng(9)
    labels = np.repeat([0, 1], 500)
    x = rng.normal(size=(1000, 2))
    x[:, 0] += np.where(labels == 1, 3.0, -3.0)
    between, beyond = np.array([[0.0, 0.0]]), np.array([[6.0, 0.0]])
    lee = methods.lee(x, labels, None)
    ren = methods.ren(x, labels, None)
    assert lee(between)[0] == pytest.approx(lee(beyond)[0], rel=0.1)
    assert ren(between)[0] > ren(beyond)[0] + 2
