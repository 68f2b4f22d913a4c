"""Rendering: colours, scales, the paper's weights, the Mixed Image, overlays."""

import numpy as np
import pytest

from dida_view.errors import SettingsError
from dida_view.method import blend
from dida_view.method.grids import cell_index
from dida_view.render import images as render


def test_paper_weights_match_the_recipe_to_a_tenth_of_a_percent():
    w = blend.paper_weights(8)
    expected = [4.4, 6.7, 8.5, 10.5, 13.0, 15.6, 18.8, 22.5]
    np.testing.assert_allclose(w * 100, expected, atol=0.1)
    assert w.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(np.diff(w) > 0)  # finer grids weigh more
    assert blend.paper_weights(1).tolist() == [1.0]


def test_paper_weights_equal_alpha_compositing():
    # composite 8 constant "images" exactly as footnote 2 says and read back each share
    count = 8
    shares = np.eye(count)
    canvas = shares[0].copy()
    for i in range(1, count):
        alpha = 1 / (i + 1) + 0.1
        canvas = (1 - alpha) * canvas + alpha * shares[i]
    np.testing.assert_allclose(blend.paper_weights(count), canvas, atol=1e-12)


def test_colours_red_for_support_blue_against_black_neutral():
    d = np.array([[0.5, -0.5], [0.0, 0.25]])
    c = render.color_cells(d, scale=0.5)
    assert c[0, 0].tolist() == [1.0, 0.0, 0.0]
    assert c[0, 1][0] == 0 and c[0, 1][2] == 1.0
    assert c[1, 0].tolist() == [0.0, 0.0, 0.0]
    assert c[1, 1][0] == pytest.approx(0.5)


def test_intensity_is_monotonic_and_clipped():
    d = np.linspace(-2, 2, 101)
    a = render.intensity(d, scale=1.0, gain=1.5)
    assert a.max() == 1.0 and a.min() == 0.0
    half = a[50:]
    assert np.all(np.diff(half) >= 0)
    np.testing.assert_array_equal(a, a[::-1])
    with pytest.raises(SettingsError):
        render.intensity(d, scale=0.0)


def test_grid_image_cells_follow_cell_edges_at_any_output_size():
    n = 3
    d = np.arange(9, dtype=float).reshape(3, 3) + 1
    img = render.grid_image(d, (10, 10), scale=9.0)
    idx = cell_index(10, n)
    for y in range(10):
        for x in range(10):
            assert img[y, x, 0] == pytest.approx(d[idx[y], idx[x]] / 9.0)
    # rendered at 2x the content size, each original pixel takes its content pixel's cell
    big = render.grid_image(d, (10, 10), scale=9.0, out_shape=(20, 20))
    np.testing.assert_array_equal(big[::2, ::2], img)


def test_mixed_image_is_the_weighted_sum():
    a = np.full((4, 4, 3), 1.0, np.float32)
    b = np.zeros((4, 4, 3), np.float32)
    m = render.mixed_image([a, b], [3, 1])
    np.testing.assert_allclose(m, 0.75)
    with pytest.raises(SettingsError):
        render.mixed_image([a, b], [1])
    with pytest.raises(SettingsError):
        render.mixed_image([a, b], [-1, 2])


def test_overlay_blends_and_checks_shapes():
    grey = np.full((4, 6), 100, np.uint8)
    mixed = np.zeros((4, 6, 3), np.float32)
    mixed[..., 0] = 1.0
    out = render.overlay(grey, mixed, opacity=0.5)
    assert out.dtype == np.uint8 and out.shape == (4, 6, 3)
    assert out[0, 0].tolist() == [178, 50, 50]
    # no effect leaves the scan as it is; weak evidence is a light tint of it
    np.testing.assert_array_equal(render.overlay(grey, np.zeros_like(mixed), 0.5), 100)
    half = mixed * np.float32(0.5)
    assert render.overlay(grey, half, 0.5)[0, 0].tolist() == [139, 75, 75]
    with pytest.raises(SettingsError):
        render.overlay(grey, mixed[:2], 0.5)
    with pytest.raises(SettingsError):
        render.overlay(grey, mixed, 1.5)
