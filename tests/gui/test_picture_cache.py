"""A5: a picture made for a result that was swapped while it was being made is never
served for the new result (the render thread races the GUI thread)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from test_colour_scale import SIDE, known_result

from dida_view.gui.viewer import picture_cache
from dida_view.gui.viewer.picture_cache import PictureCache


def two_results():
    a = known_result()
    b = replace(a, d={n: -d for n, d in a.d.items()})  # same scale, opposite colours
    return a, b


def fresh_picture(result, grid):
    r = PictureCache()
    r.set_image(np.full((SIDE, SIDE), 80, np.uint8))
    r.set_result(result)
    return r.overlay(0, r.scale([0], grid), 1.0, 0.8, grid)


def swap_while_drawing(monkeypatch, r: PictureCache, new):
    """Swap the renderer's result to ``new`` in the middle of the next picture."""
    real = picture_cache.maps.class_grid_images
    swapped = []

    def hook(*args, **kw):
        if not swapped:
            swapped.append(True)
            r.set_result(new)  # the GUI thread, between the snapshot and the store
        return real(*args, **kw)

    monkeypatch.setattr(picture_cache.maps, "class_grid_images", hook)
    return swapped


def test_a_picture_of_a_swapped_result_is_not_served(monkeypatch):
    a, b = two_results()
    r = PictureCache()
    r.set_image(np.full((SIDE, SIDE), 80, np.uint8))
    r.set_result(a)
    scale = r.scale([0], 3)
    swapped = swap_while_drawing(monkeypatch, r, b)
    r.overlay(0, scale, 1.0, 0.8, 3)  # made from a, finished after b arrived
    assert swapped and r.result is b
    np.testing.assert_array_equal(r.overlay(0, scale, 1.0, 0.8, 3), fresh_picture(b, 3))
    assert not np.array_equal(fresh_picture(a, 3), fresh_picture(b, 3))


def test_prerender_of_a_swapped_result_reports_it_and_caches_nothing(monkeypatch):
    a, b = two_results()
    r = PictureCache()
    r.set_image(np.full((SIDE, SIDE), 80, np.uint8))
    r.set_result(a)
    swap_while_drawing(monkeypatch, r, b)
    requests = [(0, True, 1.0, 0.8, 3, (0, 1)), (1, True, 1.0, 0.8, 3, (0, 1))]
    assert not r.prerender(requests, r.generation)
    np.testing.assert_array_equal(r.overlay(0, r.scale([0, 1], 3), 1.0, 0.8, 3),
                                  fresh_picture(b, 3))


def test_snapshot_reads_result_original_and_generation_together():
    a, b = two_results()
    r = PictureCache()
    r.set_image(np.zeros((SIDE, SIDE), np.uint8))
    r.set_result(a)
    before = r.snapshot()
    r.set_result(b)
    after = r.snapshot()
    assert before.result is a and after.result is b
    assert after.generation == before.generation + 1 and after.base is before.base


def test_the_viewer_paints_maps_where_core_does_for_an_opencv_padded_model():
    """The viewer's overlay lies on the same original pixels as core's grid image, also for
    a model whose preprocessing pads first and resizes by OpenCV's nearest rule."""
    from dida_view.method.analysis import Settings, analyze
    from dida_view.model.preprocess import Preprocessing
    from dida_view.render.maps import class_grid_images

    class Brightness:
        outputs_probabilities = False
        labels = ["bright", "dark"]
        input_size, channels = (48, 48), 1
        preprocessing = Preprocessing(resize_convention="opencv", interpolation="nearest",
                                      pad_before_resize=True, input_size=(48, 48))

        def raw(self, pixels):
            m = pixels[:, 20:30, 10:40].mean(axis=(1, 2, 3)) / 25.5
            return np.stack([m, -m], 1)

    image = np.random.default_rng(2).integers(60, 200, (70, 130), dtype=np.uint8)
    res = analyze(Brightness(), image, Settings(grid_sizes=(5,), score_space="logit"))
    r = PictureCache()
    r.set_image(image)
    r.set_result(res)
    scale = r.scale([0], 5)
    got = r.colour_map(0, scale, 1.0, 5)
    want = class_grid_images(res, 0, scale, 1.0, image.shape[:2])[5]
    np.testing.assert_array_equal(got, want)
