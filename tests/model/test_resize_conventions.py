"""resize_convention "opencv" and pad_before_resize: the model input, the content box and
the map painted back over the original (OpenCV itself only as a test-only reference)."""

import numpy as np
import pytest

from dida_view.errors import SettingsError
from dida_view.method.analysis import Settings, analyze
from dida_view.model.preprocess import (
    Preprocessing,
    content_box,
    original_index,
    prepare,
    source_index,
    square_pads,
)
from dida_view.model.resize import nearest_source, resize_opencv
from dida_view.render.maps import class_mixed_image

METHODS = ("nearest", "bilinear", "bicubic", "area")


def _blocks(h, w, block=8, channels=None, seed=0):
    """A blocky test image: constant blocks of ``block`` pixels, random levels."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 251, (-(-h // block), -(-w // block)) + ((channels,) if channels
                                                                        else ()))
    return np.repeat(np.repeat(small, block, 0), block, 1)[:h, :w].astype(np.uint8)


def test_opencv_nearest_uses_the_legacy_floor_rule_not_the_pixel_centre():
    row = np.arange(10, dtype=np.uint8)[None, :] * 10
    cv = resize_opencv(row, (1, 4), "nearest")
    assert cv[0].tolist() == [0, 20, 50, 70]  # src = floor(dst * 10 / 4)
    pil = prepare(row, Preprocessing(interpolation="nearest", resize="stretch"), (1, 4), 1)
    assert pil.pixels[0, :, 0].tolist() == [10, 30, 60, 80]  # Pillow: the centre's pixel


def test_opencv_linear_has_half_pixel_centres_and_no_antialiasing():
    up = resize_opencv(np.array([[0, 100]], np.uint8), (1, 4), "bilinear")
    assert up[0].tolist() == [0, 25, 75, 100]
    # shrinking 4 -> 2 takes the mean of the middle pairs only: no wider filter
    down = resize_opencv(np.array([[0, 100, 200, 40]], np.uint8), (1, 2), "bilinear")
    assert down[0].tolist() == [50, 120]
    # a = -0.75 overshoots more than Pillow's -0.5 at a step, and clips at 0..255
    step = np.array([[0, 0, 0, 255, 255, 255]], np.uint8)
    cubic = resize_opencv(step, (1, 12), "bicubic")
    assert cubic.min() == 0 and cubic.max() == 255 and len(np.unique(cubic)) > 3


def test_area_shrinks_by_pixel_area():
    img = np.array([[0, 30, 60, 90, 120, 150]], np.uint8)
    assert resize_opencv(img, (1, 3), "area")[0].tolist() == [15, 75, 135]
    # 6 -> 4: each output pixel covers 1.5 source pixels
    assert resize_opencv(img, (1, 4), "area")[0].tolist() == [10, 50, 100, 140]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("shape, size", [((496, 512), (224, 224)), ((37, 53), (61, 19)),
                                         ((10, 7), (13, 50)), ((224, 224), (224, 116))])
def test_resize_matches_opencv_within_one_level(method, shape, size):
    cv2 = pytest.importorskip("cv2")
    flags = {"nearest": cv2.INTER_NEAREST, "bilinear": cv2.INTER_LINEAR,
             "bicubic": cv2.INTER_CUBIC, "area": cv2.INTER_AREA}
    rng = np.random.default_rng(len(method) + shape[0])
    for img in (rng.integers(0, 256, shape, dtype=np.uint8),
                rng.integers(0, 256, shape + (3,), dtype=np.uint8)):
        want = cv2.resize(img, (size[1], size[0]), interpolation=flags[method])
        got = resize_opencv(img, size, method)
        assert got.shape == want.shape
        assert np.abs(got - want.astype(np.float32)).max() <= 1
        if method == "nearest":
            np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("method", METHODS)
def test_pad_then_resize_matches_a_common_opencv_training_script(method):
    cv2 = pytest.importorskip("cv2")
    flags = {"nearest": cv2.INTER_NEAREST, "bilinear": cv2.INTER_LINEAR,
             "bicubic": cv2.INTER_CUBIC, "area": cv2.INTER_AREA}
    img = np.random.default_rng(3).integers(0, 256, (149, 300), dtype=np.uint8)
    h, w = img.shape
    pad = abs(h - w) // 2  # the script: pad the short side, then resize to the input
    padded = cv2.copyMakeBorder(img, pad, pad, 0, 0, cv2.BORDER_CONSTANT, value=17)
    want = cv2.resize(padded, (96, 96), interpolation=flags[method])
    pre = Preprocessing(resize_convention="opencv", pad_before_resize=True, fill=17,
                        interpolation=method, resize="stretch")
    got = prepare(img, pre, (96, 96), 1).pixels[..., 0]
    assert np.abs(got - want).max() <= 1


def test_pad_before_resize_puts_the_original_in_the_middle_and_the_box_around_it():
    img = np.full((40, 100), 200, np.uint8)  # padded with 30 rows above and below
    pre = Preprocessing(pad_before_resize=True, fill=10, interpolation="nearest")
    prep = prepare(img, pre, (50, 50), 1)
    assert prep.box == content_box((40, 100), (50, 50), pre)
    assert (prep.box.y0, prep.box.y1, prep.box.x0, prep.box.x1) == (15, 35, 0, 50)
    assert np.all(prep.pixels[prep.box.slices] == 200)
    assert np.all(prep.pixels[:15] == 10) and np.all(prep.pixels[35:] == 10)
    # without padding first, letterboxing lands on the same box here
    assert content_box((40, 100), (50, 50), Preprocessing()) == prep.box


@pytest.mark.parametrize("convention", ["pillow", "opencv"])
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("pad", [False, True])
@pytest.mark.parametrize("squeeze", [1.0, 0.5])
def test_every_original_pixel_maps_to_a_model_pixel_that_shows_it(convention, method, pad,
                                                                  squeeze):
    h, w = 150, 230  # no whole scale factors anywhere
    img = _blocks(h, w, block=48)
    pre = Preprocessing(resize_convention=convention, interpolation=method,
                        pad_before_resize=pad, squeeze_x=squeeze, fill=255)
    prep = prepare(img, pre, (64, 64), 1)
    box = prep.box
    rows, cols = original_index((h, w), (64, 64), pre)
    assert rows.shape == (h,) and cols.shape == (w,)
    assert rows.min() == 0 and rows.max() == box.height - 1
    assert cols.min() == 0 and cols.max() == box.width - 1
    shown = prep.pixels[box.slices][rows][:, cols, 0]
    # away from block edges (where a filter blends two levels: Pillow widens its filter
    # to ~2 source pixels per model pixel when shrinking) the pixel is the original's
    inner = np.ones((h, w), bool)
    for axis, n in ((0, h), (1, w)):
        edge = np.zeros(n, bool)
        for e in range(0, n + 48, 48):  # the borders too: the padding blends in there
            edge[max(0, e - 20) : e + 20] = True
        inner &= ~edge[:, None] if axis == 0 else ~edge[None, :]
    assert np.abs(shown[inner] - img[inner]).max() <= 1
    # content only: the fill (255) never shows inside the box's inner part
    assert np.all(prep.pixels[box.y0 + 2 : box.y1 - 2, box.x0 + 2 : box.x1 - 2] < 255)


def test_pillow_without_padding_keeps_the_centre_rule():
    pre = Preprocessing(squeeze_x=0.5)
    box = content_box((200, 256), (64, 64), pre)
    rows, cols = original_index((200, 256), (64, 64), pre)
    np.testing.assert_array_equal(rows, source_index(200, box.height))
    np.testing.assert_array_equal(cols, source_index(256, box.width))


class RegionClassifier:
    """Class 0's logit: the mean brightness of one region of the model input."""

    outputs_probabilities = False

    def __init__(self, region, pre, size=(64, 64)):
        self.region, self.preprocessing = region, pre.with_(input_size=list(size))
        self.input_size, self.channels, self.labels = size, 1, ["r", "other"]

    def raw(self, pixels):
        y0, y1, x0, x1 = self.region
        m = pixels[:, y0:y1, x0:x1].mean(axis=(1, 2, 3)) / 25.5
        return np.stack([m, np.zeros_like(m)], 1)


@pytest.mark.parametrize("pre", [
    Preprocessing(resize_convention="opencv", interpolation="nearest", pad_before_resize=True),
    Preprocessing(resize_convention="opencv", interpolation="bilinear"),
    Preprocessing(pad_before_resize=True, interpolation="bicubic"),
])
def test_the_map_lands_on_the_original_pixels_the_model_looked_at(pre):
    h, w = 90, 200
    box = content_box((h, w), (64, 64), pre)
    # the model looks at the middle cell of a 3 x 3 grid of the content, nothing else
    from dida_view.method.grids import cell_edges

    ey, ex = cell_edges(box.height, 3) + box.y0, cell_edges(box.width, 3) + box.x0
    clf = RegionClassifier((int(ey[1]), int(ey[2]), int(ex[1]), int(ex[2])), pre)
    img = np.full((h, w), 200, np.uint8)
    img[0, 0] = 201  # not constant: a constant image is not analysed
    res = analyze(clf, img, Settings(grid_sizes=(3,), score_space="logit",
                                     grid_geometry="content"))
    mixed = class_mixed_image(res, 0, scale=1.0, out_shape=(h, w))
    red = mixed[..., 0] > 0
    rows, cols = original_index((h, w), (64, 64), clf.preprocessing)
    want = ((rows + box.y0 >= ey[1]) & (rows + box.y0 < ey[2]))[:, None] & \
        ((cols + box.x0 >= ex[1]) & (cols + box.x0 < ex[2]))[None, :]
    np.testing.assert_array_equal(red, want)
    assert 0.05 < red.mean() < 0.3


def test_new_keys_are_validated_and_round_trip():
    pre = Preprocessing.from_dict({"resize_convention": "opencv", "pad_before_resize": True,
                                   "interpolation": "area"})
    assert Preprocessing.from_dict(pre.to_dict()) == pre
    assert Preprocessing().resize_convention == "pillow" and not Preprocessing().pad_before_resize
    with pytest.raises(SettingsError, match="resize_convention"):
        Preprocessing.from_dict({"resize_convention": "cv2"})
    with pytest.raises(SettingsError, match="lanczos"):
        Preprocessing.from_dict({"resize_convention": "opencv", "interpolation": "lanczos"})
    with pytest.raises(SettingsError, match="pad_before_resize"):
        Preprocessing.from_dict({"pad_before_resize": "yes"})


@pytest.mark.parametrize("pad", [False, True])
@pytest.mark.parametrize("size", [(64, 64), (300, 400)])
def test_opencv_nearest_maps_each_sampled_original_pixel_to_the_model_pixel_showing_it(
        pad, size):
    h, w = 150, 230
    img = np.random.default_rng(7).integers(0, 256, (h, w), dtype=np.uint8)  # all distinct
    pre = Preprocessing(resize_convention="opencv", interpolation="nearest",
                        pad_before_resize=pad, resize="stretch")
    prep = prepare(img, pre, size, 1)
    rows, cols = original_index((h, w), size, pre)
    shown = prep.pixels[prep.box.slices][rows][:, cols, 0]
    py, px = square_pads((h, w)) if pad else (0, 0)
    src_r = nearest_source(h + 2 * py, size[0]) - py  # the original row each model row shows
    src_c = nearest_source(w + 2 * px, size[1]) - px
    seen_r = np.unique(src_r[(src_r >= 0) & (src_r < h)])
    seen_c = np.unique(src_c[(src_c >= 0) & (src_c < w)])
    # every original pixel the model saw maps back onto a model pixel that shows exactly it
    np.testing.assert_array_equal(shown[np.ix_(seen_r, seen_c)], img[np.ix_(seen_r, seen_c)])
    if size[0] > h:  # enlarging: every original pixel is shown, and mapped onto itself
        assert len(seen_r) == h and len(seen_c) == w
        np.testing.assert_array_equal(shown, img)
