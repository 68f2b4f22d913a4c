"""The volume evidence map: depth sums per B-scan, drawn at each B-scan's position."""

import numpy as np
import pytest

from dida_view.io.scan import Localizer
from dida_view.method.dida import DidaResult
from dida_view.model.preprocess import Box
from dida_view.render.enface import bscan_profile, draw_evidence_map, evidence_map, npz_arrays


def _result(d2, scores=(1.0, 0.0)):
    """A finished 2x2-grid result on a 20 x 40 content box (original 20 x 40)."""
    return DidaResult(scores=np.asarray(scores), grid_sizes=(2,), d={2: np.asarray(d2, np.float32)},
                      evaluations=4, seconds=0.0, mask_fill="black", box=Box(0, 20, 0, 40),
                      input_size=(20, 40), labels=["wet", "dry"], weights=np.ones(1),
                      meta={"original_size": (20, 40)})


def test_profile_sums_red_and_blue_along_depth():
    d = np.zeros((2, 2, 2))
    d[0, 0, 0] = 0.5   # class 0: supporting evidence in the top-left cell
    d[0, 1, 1] = -0.25  # and opposing evidence bottom-right
    prof = bscan_profile(_result(d))
    assert prof.shape == (2, 2, 40)
    np.testing.assert_allclose(prof[0, 0, :20], 0.5 * 10)  # 10 rows of 0.5
    np.testing.assert_allclose(prof[0, 0, 20:], 0)
    np.testing.assert_allclose(prof[0, 1, 20:], 0.25 * 10)
    assert not prof[1].any()


def test_map_takes_the_volumes_top_class_and_one_row_per_b_scan():
    profiles = [np.zeros((2, 2, 40)) for _ in range(3)]
    profiles[1][1, 0, 5] = 7.0
    scores = np.array([[0.2, 0.8], [0.1, 0.9], [0.6, 0.4]])  # mean: class 1 on top
    emap = evidence_map(profiles, scores, ["wet", "dry"])
    assert emap.label == "dry" and emap.red.shape == (3, 40) and emap.red[1, 5] == 7.0
    pic = draw_evidence_map(emap)  # no localizer: stacked bands
    assert pic.dtype == np.uint8 and pic.shape[1] == 40 and pic.shape[0] % 3 == 0
    band = pic.shape[0] // 3
    assert pic[band + band // 2, 5, 0] == 255 and pic[band // 2, 5].max() == 0


def test_bands_lie_on_the_b_scan_lines_of_the_localizer():
    profiles = [np.zeros((1, 2, 10)) for _ in range(3)]
    for p in profiles:
        p[0, 0, :] = 1.0  # red along every B-scan
    profiles[2][0, 0, :] = 0.0
    profiles[2][0, 1, :] = 1.0  # the last one blue
    lines = ((10, 20, 50, 20), (10, 30, 50, 30), (10, 40, 50, 40))
    loc = Localizer(image=np.full((64, 64), 100, np.uint8), lines=lines)
    emap = evidence_map(profiles, np.ones((3, 1)), ["x"])
    pic = draw_evidence_map(emap, loc, opacity=1.0)
    assert pic[20, 30, 0] == 255 and pic[20, 30, 2] == 0   # on line 1: red
    assert pic[40, 30, 2] == 255 and pic[40, 30, 0] == 0   # on line 3: blue
    assert tuple(pic[5, 30]) == (100, 100, 100)            # away from the lines: localizer
    assert tuple(pic[30, 5]) == (100, 100, 100)            # left of the lines' start
    arrays = npz_arrays(emap, loc)
    assert list(arrays["slices"]) == [1, 2, 3] and arrays["lines"].shape == (3, 4)


def test_profiles_of_different_widths_are_refused():
    from dida_view.errors import SettingsError

    with pytest.raises(SettingsError, match="widths"):
        evidence_map([np.zeros((1, 2, 4)), np.zeros((1, 2, 5))], np.ones((2, 1)), ["x"])


def test_the_exported_map_says_what_it_is_which_model_and_not_for_diagnosis():
    """The PNG that leaves the program (issue 17): a title with the class and the B-scans,
    the colour legend and its scale, the model line; the map itself untouched inside."""
    from dida_view.render.enface import evidence_figure, evidence_words
    from dida_view.render.figure import model_line

    profiles = [np.ones((2, 2, 40)) * (i + 1) for i in range(4)]
    emap = evidence_map(profiles, np.tile([0.2, 0.8], (4, 1)), ["NORMAL", "DME"],
                        score_space="probability")
    line = model_line("oct_kermany.onnx", "real OCT B-scans")
    title, below = evidence_words(emap, False, model=line)
    assert "DME" in title[0] and "4 B-scans" in title[0] and "stacked" in title[1]
    assert "DME" in below[0] and "full colour" in below[0]
    assert below[-1] == line and line.startswith("Not for diagnosis.")
    from dida_view.render.figure import figure_scale

    bare = draw_evidence_map(emap)
    f = int(figure_scale(*bare.shape[:2]))  # a small map is enlarged by whole pixels
    assert f == 6
    bare = np.repeat(np.repeat(bare, f, axis=0), f, axis=1)
    fig = evidence_figure(emap, model=line)
    assert fig.shape[0] > bare.shape[0] + 80 and fig.shape[1] >= 560
    h, w = bare.shape[:2]  # the map, whole, somewhere in the figure
    found = [(y, x) for y in range(fig.shape[0] - h + 1) for x in range(fig.shape[1] - w + 1)
             if np.array_equal(fig[y, x:x + w], bare[0]) and np.array_equal(fig[y:y + h, x:x + w],
                                                                            bare)]
    assert found
    y0 = found[0][0]
    assert (fig[:y0] < 100).any() and (fig[y0 + h:] < 100).any()  # words above and below
    over = evidence_words(emap, True)[0][1]
    assert "localizer" in over
