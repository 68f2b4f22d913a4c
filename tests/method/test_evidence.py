"""RISE, the saliency maps and the faithfulness metrics, on known-answer fakes."""

from dataclasses import replace

import numpy as np

from dida_view.method.blend import paper_weights
from dida_view.method.dida import run_dida
from dida_view.method.evidence import (
    deletion_insertion,
    dida_saliency,
    dilate,
    pointing_game,
    positive_mass_inside,
    resize_mask,
    rise,
)
from dida_view.model.preprocess import Box

REGION = (8, 16, 20, 30)


def predict(batch):
    y0, y1, x0, x1 = REGION
    s = batch[:, y0:y1, x0:x1].mean(axis=(1, 2, 3)) / 255
    return np.stack([s, 1 - s], 1)


def test_rise_and_dida_point_at_the_region():
    img = np.full((32, 40, 1), 200.0, np.float32)
    box = Box(0, 32, 0, 40)
    mask = np.zeros((32, 40), bool)
    y0, y1, x0, x1 = REGION
    mask[y0:y1, x0:x1] = True
    sal = rise(predict, img, box=box, n_masks=400, cells=5, batch_size=32)
    assert sal.shape == (2, 32, 40)
    assert sal[0][mask].mean() > 3 * abs(sal[0][~mask].mean())
    assert pointing_game(sal[0], mask)
    assert sal[1][mask].mean() < 0  # the complementary class: the region argues against it
    res = run_dida(predict, img, grid_sizes=[3, 8])  # 8 x 8 cells fit the region exactly
    res = replace(res, weights=paper_weights(2))
    ds = dida_saliency(res, 0)
    assert ds.shape == (32, 40) and pointing_game(ds, mask, tolerance=0)
    fine = positive_mass_inside(dida_saliency(res, 0, grid_sizes=[8]), mask)
    coarse = positive_mass_inside(dida_saliency(res, 0, grid_sizes=[3]), mask)
    assert fine == 1.0 and coarse < positive_mass_inside(ds, mask) < fine


def test_metrics_tell_a_good_map_from_a_bad_one():
    img = np.full((32, 40, 1), 200.0, np.float32)
    box = Box(0, 32, 0, 40)
    good = np.zeros((32, 40))
    y0, y1, x0, x1 = REGION
    good[y0:y1, x0:x1] = 1.0
    bad = -good
    gd, gi = deletion_insertion(predict, img, box, good, 0)
    bd, bi = deletion_insertion(predict, img, box, bad, 0)
    assert gd < bd and gi > bi
    assert positive_mass_inside(good, good > 0) == 1.0
    assert positive_mass_inside(bad, good > 0) == 0.0
    assert not pointing_game(bad, good > 0)


def test_mask_helpers():
    m = np.zeros((10, 10), bool)
    m[5, 5] = True
    assert dilate(m, 2).sum() == 25
    r = resize_mask(np.kron(m, np.ones((2, 2), bool)), (10, 10))
    assert r[5, 5] and r.sum() == 1
