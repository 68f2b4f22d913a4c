"""Grid geometry: n x n over the content (the paper), square cells over the content, or
n x n over the whole model input; what the result, renderers, npz and cache make of it."""

import json

import numpy as np
import pytest

from dida_view.errors import SettingsError
from dida_view.method.analysis import Settings, analyze
from dida_view.method.cache import ResultCache
from dida_view.method.dida import cell_edges, grid_shape, run_dida
from dida_view.method.evidence import dida_saliency
from dida_view.model.preprocess import Box, Preprocessing, content_box, source_index
from dida_view.render import images as render
from dida_view.render.export import npz_arrays, save_npz
from dida_view.render.maps import class_grid_images, class_mixed_image
from dida_view.viewmodel.viewer import ViewerModel


class RegionClassifier:
    """Class k's logit = mean brightness of region k of the model input."""

    outputs_probabilities = False
    fingerprint = "region-classifier"

    def __init__(self, regions, pre=None, size=(64, 64)):
        pre = pre or Preprocessing()
        self.regions, self.preprocessing = regions, pre.with_(input_size=list(size))
        self.input_size, self.channels = size, 1
        self.labels = [f"r{k}" for k in range(len(regions))]

    def raw(self, pixels):
        return np.stack([pixels[:, y0:y1, x0:x1].mean(axis=(1, 2, 3)) / 25.5
                         for y0, y1, x0, x1 in self.regions], 1)


def test_grid_shape_per_geometry():
    tall = Box(0, 224, 54, 170)  # the OCT content box: 224 x 116
    assert grid_shape(tall, 21, "content") == (21, 21)
    assert grid_shape(tall, 21, "square") == (21, 11)  # round(21 * 116 / 224) = 11
    assert grid_shape(Box(0, 116, 0, 224), 7, "square") == (4, 7)
    assert grid_shape(Box(0, 5, 0, 400), 7, "square") == (1, 7)  # at least one cell
    assert grid_shape(tall, 9, "input") == (9, 9)
    with pytest.raises(SettingsError, match="grid geometry"):
        grid_shape(tall, 9, "hexagons")
    with pytest.raises(SettingsError, match="grid geometry"):
        Settings(grid_geometry="whole")


def _wide_scan():
    img = np.full((64, 128), 90, np.uint8)  # -> a 32 x 64 content box in a 64 x 64 input
    img[20:44, 40:80] = 220
    return img


def test_square_cells_have_real_counts_and_every_cell_is_masked_once():
    img = _wide_scan()
    box = content_box(img.shape, (64, 64), Preprocessing())
    assert (box.height, box.width) == (32, 64)
    clf = RegionClassifier([(box.y0, box.y1, box.x0, box.x1)])
    res = analyze(clf, img, Settings(grid_sizes=(4, 8), grid_geometry="square",
                                     score_space="logit"))
    assert res.grid_geometry == "square" and res.grid_box == res.box
    assert res.d[4].shape == (1, 2, 4) and res.d[8].shape == (1, 4, 8)
    assert res.evaluations == 2 * 4 + 4 * 8
    # cells of 16 x 16 and 8 x 8 model pixels: square
    assert set(np.diff(cell_edges(box.height, 4))) == {8} and res.cell_shape(8) == (4, 8)
    assert np.all(res.d[8] > 0)  # the model sees the whole content: every cell counts


def test_input_geometry_covers_the_whole_input_and_never_runs_padding_cells():
    img = _wide_scan()
    clf = RegionClassifier([(0, 64, 0, 64)])
    res = analyze(clf, img, Settings(grid_sizes=(4,), grid_geometry="input",
                                     score_space="logit"))
    assert res.grid_box == Box(0, 64, 0, 64) and res.box == Box(16, 48, 0, 64)
    assert res.d[4].shape == (1, 4, 4)
    # rows 0 and 3 of the 4 x 4 grid are letterbox only: d exactly 0, nothing run
    assert np.all(res.d[4][:, [0, 3]] == 0) and np.all(res.d[4][:, 1:3] > 0)
    assert res.evaluations == 8
    rows, cols = res.content_cells(4)
    assert rows.tolist() == [1] * 16 + [2] * 16 and cols.tolist() == [c // 16 for c in
                                                                      range(64)]


@pytest.mark.parametrize("geometry", ["content", "square", "input"])
def test_the_map_lands_on_the_original_pixels_of_the_cell_the_model_looks_at(geometry):
    img = np.full((60, 200), 150, np.uint8)  # 19 x 64 content, letterboxed in 64 x 64
    img[0, 0] = 151  # not constant: a constant image is not analysed
    pre = Preprocessing()
    box = content_box(img.shape, (64, 64), pre)
    grid_box = Box(0, 64, 0, 64) if geometry == "input" else box
    rows, cols = grid_shape(grid_box, 5, geometry)
    ey = cell_edges(grid_box.height, rows) + grid_box.y0
    ex = cell_edges(grid_box.width, cols) + grid_box.x0
    i = int(np.searchsorted(ey, box.y0 + box.height // 2, side="right") - 1)
    region = (max(int(ey[i]), box.y0), min(int(ey[i + 1]), box.y1), int(ex[2]), int(ex[3]))
    clf = RegionClassifier([region], pre)
    res = analyze(clf, img, Settings(grid_sizes=(5,), grid_geometry=geometry,
                                     score_space="logit"))
    assert res.d[5].shape == (1, rows, cols)
    assert np.count_nonzero(res.d[5]) == 1 and res.d[5][0, i, 2] > 0
    red = class_mixed_image(res, 0, scale=1.0, out_shape=img.shape)[..., 0] > 0
    ys = source_index(img.shape[0], box.height) + box.y0  # the centre rule, by hand
    xs = source_index(img.shape[1], box.width) + box.x0
    want = ((ys >= region[0]) & (ys < region[1]))[:, None] & \
        ((xs >= region[2]) & (xs < region[3]))[None, :]
    np.testing.assert_array_equal(red, want)
    # the grid image paints the same cell; the saliency too, over the content box
    grid = class_grid_images(res, 0, 1.0, out_shape=img.shape)[5][..., 0] > 0
    np.testing.assert_array_equal(grid, want)
    sal = dida_saliency(res, 0)
    assert sal.shape == (box.height, box.width)
    cy = np.arange(box.height) + box.y0
    cx = np.arange(box.width) + box.x0
    np.testing.assert_array_equal(sal > 0, ((cy >= region[0]) & (cy < region[1]))[:, None]
                                  & ((cx >= region[2]) & (cx < region[3]))[None, :])


def test_grid_image_paints_a_non_square_map():
    d = np.arange(6, dtype=np.float32).reshape(2, 3)
    img = render.grid_image(d, (4, 6), scale=5.0)
    assert img.shape == (4, 6, 3)
    np.testing.assert_allclose(img[3, 5, 0], 1.0)  # bottom-right cell: d = 5
    np.testing.assert_allclose(img[0, 2, 0], 0.2)  # top-left: d = 0 -> black; (0, 1): 1/5
    assert img[0, 0].sum() == 0


def test_npz_records_the_grid_box_and_real_cell_counts(tmp_path):
    img = _wide_scan()
    clf = RegionClassifier([(0, 64, 0, 64)])
    for geometry, grid_box in (("square", [16, 48, 0, 64]), ("input", [0, 64, 0, 64])):
        res = analyze(clf, img, Settings(grid_sizes=(4,), grid_geometry=geometry))
        z = np.load(save_npz(res, tmp_path / f"{geometry}.npz"))
        assert z["content_box"].tolist() == [16, 48, 0, 64]
        assert z["grid_box"].tolist() == grid_box and str(z["grid_geometry"]) == geometry
        assert z["d_4"].shape == (1, *res.cell_shape(4))
    assert npz_arrays(res)["d_4"].shape == (1, 4, 4)


def test_the_cache_keeps_geometries_apart_and_restores_them(tmp_path):
    img = _wide_scan()
    clf = RegionClassifier([(0, 64, 0, 64)])
    cache = ResultCache(tmp_path)
    square = analyze(clf, img, Settings(grid_sizes=(4,), grid_geometry="square"), cache=cache)
    content = analyze(clf, img, Settings(grid_sizes=(4,), grid_geometry="content"),
                      cache=cache)
    assert not content.from_cache and content.d[4].shape == (1, 4, 4)
    fresh = ResultCache(tmp_path)  # from disk
    again = analyze(clf, img, Settings(grid_sizes=(4,), grid_geometry="square"), cache=fresh)
    assert again.from_cache and again.grid_geometry == "square"
    assert again.d[4].shape == (1, 2, 4) and again.grid_box == square.grid_box
    np.testing.assert_array_equal(again.d[4], square.d[4])


def test_the_viewer_reads_d_of_a_non_square_grid():
    img = _wide_scan()
    clf = RegionClassifier([(16, 48, 0, 32), (16, 48, 32, 64)])
    res = analyze(clf, img, Settings(grid_sizes=(4,), grid_geometry="square",
                                     score_space="logit"))
    m = ViewerModel()
    m.set_settings(Settings(grid_sizes=(4,), grid_geometry="square"))
    m.set_image(img)
    m.set_result(res)
    # original (y, x) = (5, 127): content (2, 63) -> cell (0, 3); (39, 0) -> (19, 0) -> (1, 0)
    assert res.d[4].shape == (2, 2, 4)
    assert m.d_at(1, 5, 127, 4) == pytest.approx(float(res.d[4][1, 0, 3]))
    assert m.d_at(0, 39, 0, 4) == pytest.approx(float(res.d[4][0, 1, 0]))
    m.view, m.cursor = 4, (127, 5)
    assert m.probe().columns == ["d (2x4)"]


def test_run_dida_rejects_a_grid_finer_than_its_box():
    pixels = np.zeros((64, 64, 1), np.float32)
    with pytest.raises(SettingsError, match="finer"):
        run_dida(lambda b: b.mean(axis=(1, 2)), pixels, box=Box(30, 34, 0, 64),
                 grid_sizes=(8,), grid_geometry="content")
    # the whole input has room for it
    res = run_dida(lambda b: b.mean(axis=(1, 2)), pixels + 1, box=Box(30, 34, 0, 64),
                   grid_sizes=(8,), grid_geometry="input")
    assert res.d[8].shape == (1, 8, 8)


def test_cli_grid_geometry_and_json(tmp_path, capsys):
    from onnx_models import make_region_model
    from PIL import Image

    from dida_view.cli import main

    model = make_region_model(tmp_path / "m.onnx", [(0, 16, 0, 32), (16, 32, 0, 32)])
    wide = np.full((20, 40), 200, np.uint8)
    wide[0, 0] = 10  # not constant: a constant image is not analysed
    Image.fromarray(wide).save(tmp_path / "wide.png")
    rc = main(["analyze", str(tmp_path / "wide.png"), "--model", str(model), "--grids", "4",
               "--grid-geometry", "square", "--json", "--no-cache", "--out", str(tmp_path)])
    assert rc == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["grid_geometry"] == "square" and rec["grid_cells"] == [[2, 4]]
    assert rec["grid_box"] == [8, 24, 0, 32]
    assert np.load(rec["outputs"][-1])["d_4"].shape == (2, 2, 4)
