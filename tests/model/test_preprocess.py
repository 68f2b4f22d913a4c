"""Preprocessing, the content box, and mapping the maps back onto the original."""

import numpy as np
import pytest

from dida_view.errors import SettingsError
from dida_view.method.analysis import Settings, analyze
from dida_view.model.preprocess import Preprocessing, content_box, prepare
from dida_view.render.maps import class_mixed_image


class RegionClassifier:
    """A fake classifier: class k's logit = mean brightness of region k of the *input*."""

    outputs_probabilities = False

    def __init__(self, regions, pre, size=(64, 64), channels=1):
        self.regions, self.preprocessing = regions, pre
        self.input_size, self.channels = size, channels
        self.labels = [f"r{k}" for k in range(len(regions))]

    def raw(self, pixels):
        return np.stack([pixels[:, y0:y1, x0:x1].mean(axis=(1, 2, 3)) / 25.5
                         for y0, y1, x0, x1 in self.regions], 1)


def test_oct_squeeze_then_letterbox():
    pre = Preprocessing(squeeze_x=0.5)
    box = content_box((496, 512), (224, 224), pre)
    # 512 * 0.5 = 256 wide, 496 tall -> scale 224/496 -> 224 x 116, centred
    assert (box.height, box.width) == (224, 116)
    assert box.x0 == (224 - 116) // 2 and box.y0 == 0
    stretched = content_box((496, 512), (224, 224), Preprocessing(resize="stretch"))
    assert (stretched.y0, stretched.y1, stretched.x0, stretched.x1) == (0, 224, 0, 224)


def test_prepare_fills_the_letterbox_and_keeps_pixels_in_range():
    img = np.full((50, 200), 200, np.uint8)
    prep = prepare(img, Preprocessing(fill=30), (64, 64), 3)
    assert prep.pixels.shape == (64, 64, 3) and prep.pixels.dtype == np.float32
    b = prep.box
    assert b.width == 64 and b.height == 16
    assert np.all(prep.pixels[b.slices] == 200)
    assert np.all(prep.pixels[: b.y0] == 30) and np.all(prep.pixels[b.y1 :] == 30)
    rgb = np.zeros((10, 10, 3), np.uint8)
    rgb[..., 0] = 255
    grey = prepare(rgb, Preprocessing(color="grey"), (10, 10), 3).pixels
    assert np.allclose(grey[..., 0], grey[..., 1]) and 70 < grey[0, 0, 0] < 80


def test_preprocessing_from_dict_validates_and_names_the_problem():
    pre = Preprocessing.from_dict({"input_size": 224, "squeeze_x": 0.5, "mean": [0.5] * 3,
                                   "std": [0.25] * 3, "fill": [1, 2, 3]})
    assert pre.input_size == (224, 224) and pre.fill == (1.0, 2.0, 3.0)
    assert Preprocessing.from_dict(pre.to_dict()) == pre
    with pytest.raises(SettingsError, match="unknown key"):
        Preprocessing.from_dict({"sqeeze": 1})
    with pytest.raises(SettingsError, match="resize"):
        Preprocessing.from_dict({"resize": "crop"})
    with pytest.raises(SettingsError, match="std"):
        Preprocessing.from_dict({"std": [0.0]})


def test_padding_is_never_masked_even_when_the_model_looks_at_it():
    # region 0 is the letterbox band above the content, region 1 the content's centre
    pre = Preprocessing(fill=128)
    img = np.full((32, 128), 90, np.uint8)  # -> 16 x 64 content in a 64 x 64 input
    img[-1, -1] = 91  # not constant: a constant image is not analysed (no structure)
    clf = RegionClassifier([(0, 20, 0, 64), (28, 36, 28, 36)], pre)
    res = analyze(clf, img, Settings(grid_sizes=(2, 4, 8), mask_fill="black",
                                     score_space="logit"))
    assert res.box.y0 == 24 and res.box.height == 16
    for n in res.grid_sizes:
        assert np.all(res.d[n][0] == 0.0)  # padding untouched: its class never moves
        assert res.d[n][1].max() > 0


def _first_pixel(edge: int, content: int, out: int, rule: str) -> int:
    """The first original pixel whose source content pixel is >= ``edge``, exactly.

    Centre rule: original pixel i comes from content pixel floor((i + 0.5) * content / out);
    corner rule: floor(i * content / out).
    """
    if rule == "centre":  # smallest i with (2i + 1) * content >= 2 * edge * out
        return -((content - 2 * edge * out) // (2 * content))
    return -((-edge * out) // content)  # smallest i with i * content >= edge * out


def test_overlay_pixels_sit_on_the_original_pixels_they_came_from():
    from dida_view.method.grids import cell_edges

    # OCT-like: 200 tall, 256 wide, squeezed to half width, letterboxed into 64 x 64;
    # neither axis scales by a whole number, so the centre rule and a corner rule differ
    pre = Preprocessing(squeeze_x=0.5)
    h, w = 200, 256
    box = content_box((h, w), (64, 64), pre)
    assert (box.height, box.width) == (64, 41)
    # a model that looks only inside the middle cell of a 3 x 3 grid of the content
    ey, ex = cell_edges(box.height, 3), cell_edges(box.width, 3)
    y0, x0 = box.y0 + ey[1] + 2, box.x0 + ex[1] + 2
    clf = RegionClassifier([(y0, box.y0 + ey[2] - 2, x0, box.x0 + ex[2] - 2)], pre)
    img = np.full((h, w), 200, np.uint8)
    img[0, 0] = 201  # not constant: a constant image is not analysed (no structure)
    res = analyze(clf, img, Settings(grid_sizes=(3,), score_space="logit",
                                     grid_geometry="content"))  # 3 x 3 over the content
    mixed = class_mixed_image(res, 0, scale=1.0, out_shape=(h, w))
    ys, xs = np.nonzero(mixed[..., 0] > 0)
    got = (ys.min(), ys.max() + 1, xs.min(), xs.max() + 1)
    want = {rule: (_first_pixel(ey[1], box.height, h, rule),
                   _first_pixel(ey[2], box.height, h, rule),
                   _first_pixel(ex[1], box.width, w, rule),
                   _first_pixel(ex[2], box.width, w, rule)) for rule in ("centre", "corner")}
    assert want["centre"] != want["corner"]  # the test tells the two rules apart
    assert got == want["centre"]


def test_shared_scale_brings_the_brightest_mixed_pixel_to_full_colour():
    from dida_view.render.maps import class_scale

    pre = Preprocessing()
    img = np.full((64, 64), 120, np.uint8)
    img[0, 63] = 121  # not constant: a constant image is not analysed (no structure)
    clf = RegionClassifier([(10, 30, 10, 40), (40, 60, 5, 20)], pre)
    res = analyze(clf, img, Settings(grid_sizes=(3, 5, 7), score_space="logit"))
    scale = class_scale(res, [0, 1])
    mixed = [class_mixed_image(res, k, scale, out_shape=(64, 64)) for k in (0, 1)]
    assert max(m.max() for m in mixed) == pytest.approx(1.0, abs=1e-5)
    assert min(m.max() for m in mixed) < 1.0  # the weaker class stays dimmer: comparable
    # with one grid size it is just the largest |d| of that grid
    assert class_scale(res, [0], grid_sizes=[5]) == pytest.approx(np.abs(res.d[5][0]).max())


def test_mixed_image_equals_the_blend_of_grid_images_when_nothing_clips():
    from dida_view.render import images as render
    from dida_view.render.maps import class_grid_images, class_scale

    rng = np.random.default_rng(5)
    img = rng.integers(0, 255, (48, 48), dtype=np.uint8)
    clf = RegionClassifier([(0, 30, 0, 30), (20, 48, 10, 40)], Preprocessing(), (48, 48))
    res = analyze(clf, img, Settings(grid_sizes=(3, 4, 6), score_space="logit"))
    scale = 10 * max(np.abs(res.d[n]).max() for n in res.grid_sizes)  # nothing clips
    for k in (0, 1):
        grids = class_grid_images(res, k, scale, 1.0, (48, 48))
        blend = render.mixed_image([grids[n] for n in res.grid_sizes], res.weights)
        mixed = class_mixed_image(res, k, scale, out_shape=(48, 48))
        np.testing.assert_allclose(mixed, blend, atol=1e-6)
    assert class_scale(res, [0, 1]) > 0


def test_on_start_gives_the_ranking_before_any_grid():
    clf = RegionClassifier([(0, 32, 0, 64), (32, 64, 0, 64)], Preprocessing())
    img = np.full((64, 64), 50, np.uint8)
    img[:32] = 200
    events = []
    res = analyze(clf, img, Settings(grid_sizes=(2, 4), score_space="logit"),
                  on_start=lambda r: events.append(("start", r)),
                  on_grid=lambda n, d: events.append(("grid", n)))
    assert [e[0] for e in events] == ["start", "grid", "grid"]
    partial = events[0][1]
    assert partial.d == {} and not partial.complete
    np.testing.assert_array_equal(partial.scores, res.scores)
    assert partial.top(1) == [0] and partial.score_space == "logit"
