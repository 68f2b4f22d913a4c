"""Where the top class's evidence lies (dida_view.method.shortcuts): the near-constant band
rule on a fixture and on real exports, the blended d over the model input, and the shares,
by known answers."""

import numpy as np
import pytest
from PIL import Image

from dida_view import paths
from dida_view.method import shortcuts
from dida_view.method.analysis import Settings, analyze
from dida_view.method.dida import DidaResult
from dida_view.model.preprocess import Box, Preprocessing, prepare
from dida_view.render.maps import class_mixed_d


def speckle(h, w, seed=0, low=0, high=60):
    """OCT-like speckle: dark, noisy, never flat over a run."""
    return np.random.default_rng(seed).integers(low, high, (h, w)).astype(np.uint8)


def test_band_rule_finds_an_export_band_a_wedge_and_a_text_bar_but_not_speckle():
    img = speckle(200, 400, high=12)  # a very dark vitreous: still speckle
    img[60:120] = speckle(60, 400, seed=1, low=80, high=250)  # the retina
    img[170:] = 255  # the white export band at the bottom
    for y in range(40):  # a black registration wedge in the top right corner
        img[y, 400 - (40 - y) * 3:] = 0
    img[130:150, 20:200] = 235  # a text bar with letters in it
    img[135:145, 40:200:12] = 20
    m = shortcuts.band_mask(img)
    assert m[170:].all()  # the band, every pixel
    assert m[:30, 380:].all()  # the wide part of the wedge
    assert m[130:133, 20:200].all() and m[147:150, 20:200].all()  # above and below text
    assert not m[60:120].any()  # the retina
    assert m[:40, :200].mean() < 0.01  # the dark speckle: not a band
    # the rule's numbers: a run of 5 % of the width (20 px) within 4 grey levels
    img = speckle(100, 400, seed=3)
    row = img[50]
    row[100:119] = 7  # 19 flat pixels: too short
    row[200:220] = np.array([7, 9, 11, 8] * 5)  # 20 pixels within 4 levels: a band
    row[300:320] = np.array([7, 9, 12, 8] * 5)  # within 5 levels: not
    flat = shortcuts.band_mask(img)
    assert not flat[50, 100:119].any()
    assert flat[50, 200:220].all()
    assert not flat[50, 300:320].any()
    assert flat[50].sum() == 20 and flat.sum() < 60  # and (almost) nothing else


def test_band_rule_on_large_images_reads_block_extremes():
    img = speckle(600, 3000, seed=4)  # wider than LONGEST: read in 3 x 3 blocks
    img[540:] = 255
    img[0:2, :] = 250  # two flat rows: each block's max and min still hold speckle
    m = shortcuts.band_mask(img)
    assert m[540:].all() and not m[100:500].any()
    assert not m[0:3].any()  # no block is flat, so no false band (and no 2-row band)


def test_band_rule_on_real_exports():
    """The bundled Spectralis exports: their white bands and wedges are bands, their
    tissue and speckle are not."""
    for f in sorted(paths.samples_dir().glob("00_kermany_*.jpeg")):
        img = np.asarray(Image.open(f).convert("L"))
        m = shortcuts.band_mask(img)
        white = img >= 253
        assert white.sum() > 3000 and m[white].mean() > 0.85, f.name
        assert m[(img > 15) & (img < 240)].mean() < 0.002, f.name
        rows = (img >= 252).all(axis=1)  # a band across the whole width: every pixel
        assert m[rows].all(), f.name


def hand_result(d_by_grid, box, input_size, *, geometry="content", weights=None):
    """A result made by hand: scores c0 > c1 > ..., equal weights."""
    sizes = tuple(d_by_grid)
    c = next(iter(d_by_grid.values())).shape[0]
    return DidaResult(scores=np.arange(c, 0, -1, dtype=float), grid_sizes=sizes,
                      d={n: np.asarray(v, np.float32) for n, v in d_by_grid.items()},
                      evaluations=0, seconds=0.0, mask_fill="black", box=box,
                      input_size=input_size, labels=[f"c{k}" for k in range(c)],
                      weights=np.asarray(weights if weights is not None else [1.0] * c)
                      [:len(sizes)], probabilities=np.full(c, 1 / c), grid_geometry=geometry,
                      grid_box=Box(0, input_size[0], 0, input_size[1])
                      if geometry == "input" else box)


@pytest.mark.parametrize("geometry", ["content", "square", "input"])
def test_input_mixed_d_is_the_viewers_map_inside_the_content(geometry):
    clf_pre = Preprocessing(squeeze_x=0.5)
    rng = np.random.default_rng(0)
    image = rng.integers(0, 255, (90, 200), dtype=np.uint8)

    class Linear:
        outputs_probabilities = False
        fingerprint = ""
        preprocessing = clf_pre.with_(input_size=[48, 48])
        input_size, channels, labels = (48, 48), 1, ["a", "b"]

        def raw(self, pixels):
            return np.stack([pixels[:, :20].mean(axis=(1, 2, 3)),
                             -pixels[:, 25:].mean(axis=(1, 2, 3))], 1) / 30

    r = analyze(Linear(), image, Settings(grid_sizes=(3, 5), score_space="logit",
                                          grid_geometry=geometry))
    for k in (0, 1):
        pos, neg = shortcuts.input_mixed_d(r, k)
        vp, vn = class_mixed_d(r, k)
        np.testing.assert_allclose(pos[r.box.slices], vp, atol=1e-9)
        np.testing.assert_allclose(neg[r.box.slices], vn, atol=1e-9)
        outside = np.ones(r.input_size, bool)
        outside[r.grid_box.slices] = False
        assert not pos[outside].any() and not neg[outside].any()


def where(size, box, bands=None, changed=None):
    inside = np.zeros(size, bool)
    inside[box.slices] = True
    return shortcuts.Regions(padding=~inside, bands=bands if bands is not None else
                             np.zeros(size, bool), border=shortcuts.frame(box, size),
                             changed=changed if changed is not None else inside)


def test_shares_by_known_answer():
    box = Box(10, 30, 0, 40)  # 20 x 40 content in a 40 x 40 input: letterbox above, below
    d = np.zeros((2, 2, 2))
    d[0, 1, 0] = 3.0  # class 0: evidence in the bottom-left cell only (rows 20..30, x 0..20)
    d[0, 0, 1] = -5.0  # against: never counted
    r = hand_result({2: d}, box, (40, 40))
    bands = np.zeros((40, 40), bool)
    bands[25:30, :] = True  # the bottom 5 rows of the content: half the evidence cell
    s = shortcuts.evidence_shares(r, where((40, 40), box, bands))
    assert s.label == "c0" and s.total == pytest.approx(3.0 * 10 * 20)
    assert s.bands == pytest.approx(0.5)
    assert s.shortcut == pytest.approx(0.5)
    assert s.padding is None  # never changed by a mask: not measured
    # border: 2 rows top and bottom, 4 columns left and right of the content
    frame = shortcuts.frame(box, (40, 40))
    in_cell = frame[20:30, 0:20].sum()
    assert s.border == pytest.approx(in_cell / 200)
    assert s.areas["bands"] == pytest.approx(5 * 40 / (20 * 40))
    assert s.areas["border"] == pytest.approx(frame.sum() / 800)
    assert frame.sum() == 800 - 16 * 32  # the inner 16 x 32 is not the frame
    # pixels the mask does not change carry none: a black wedge under the black mask
    changed = np.zeros((40, 40), bool)
    changed[box.slices] = True
    changed[25:30, :] = False
    s2 = shortcuts.evidence_shares(r, where((40, 40), box, bands, changed))
    assert s2.bands == 0.0 and s2.total == pytest.approx(3.0 * 5 * 20)
    # no positive evidence at all: nothing to share
    s3 = shortcuts.evidence_shares(hand_result({2: -np.abs(d)}, box, (40, 40)),
                                   where((40, 40), box, bands))
    assert s3.total == 0.0 and s3.bands is None and s3.border is None
    assert s3.to_json()["bands"] is None


def test_padding_is_measured_when_a_mask_changes_it():
    box = Box(10, 30, 0, 40)
    d = np.zeros((1, 2, 2))
    d[0, 0, 0] = 1.0  # the top-left cell of the whole input: 10 rows of it are padding
    r = hand_result({2: d}, box, (40, 40), geometry="input")
    everything = np.ones((40, 40), bool)
    s = shortcuts.evidence_shares(r, where((40, 40), box, changed=everything))
    assert s.padding == pytest.approx(0.5) and s.shortcut == pytest.approx(0.5)


def test_regions_of_a_real_export_put_its_band_on_the_models_grid():
    img = np.asarray(Image.open(paths.samples_dir() / "00_kermany_DME_2.jpeg").convert("L"))
    pre = Preprocessing(squeeze_x=0.5).with_(input_size=[192, 192])
    prep = prepare(img, pre, (192, 192), 1)
    w = shortcuts.regions(img, prep.pixels, prep.box, pre, "black")
    white_rows = int((img >= 252).all(axis=1).sum())
    rows = w.bands[prep.box.slices].all(axis=1).sum()  # whole content rows in a band
    assert abs(rows - white_rows * prep.box.height / img.shape[0]) <= 2
    assert not w.bands[~np.pad(np.ones((prep.box.height, prep.box.width), bool), (
        (prep.box.y0, 192 - prep.box.y1), (prep.box.x0, 192 - prep.box.x1)))].any()
    assert not (w.changed & w.padding).any()  # the engine never masks the letterbox


def test_input_mixed_d_normalises_weights_as_the_viewer_does():
    rng = np.random.default_rng(1)
    d = {2: rng.normal(size=(1, 2, 2)), 4: rng.normal(size=(1, 4, 4))}
    r = hand_result(d, Box(0, 8, 0, 8), (8, 8), weights=[2.0, 6.0])
    pos, neg = shortcuts.input_mixed_d(r, 0)
    vp, vn = class_mixed_d(r, 0)
    np.testing.assert_allclose(pos, vp)
    np.testing.assert_allclose(neg, vn)
    expect = 0.25 * np.maximum(np.kron(d[2][0], np.ones((4, 4))), 0) + 0.75 * np.maximum(
        np.kron(d[4][0], np.ones((2, 2))), 0)
    np.testing.assert_allclose(pos, expect)
