"""B-scan lines on a vendor volume's localizer (issue 17): in the localizer's own pixels,
tested on eyepy's own test volume, and a note when the positions are unknown."""

from pathlib import Path

import numpy as np
import pytest

from dida_view.io import vendor
from dida_view.io.reader import load_scan
from dida_view.render import enface

EYEPY_VOL = Path(__file__).parent / "data" / "eyepy" / "test_volume.vol"


def test_eyepys_test_volume_gets_its_lines_on_its_50_pixel_localizer():
    pytest.importorskip("eyepy")
    scan = load_scan(EYEPY_VOL)
    loc = scan.localizer
    assert loc is not None and loc.image.shape == (50, 50) and len(scan) == 10
    lines = np.asarray(loc.lines)
    assert lines.shape == (10, 4)
    xs, ys = lines[:, 0::2], lines[:, 1::2]
    assert xs.min() >= 0 and xs.max() <= 50 and ys.min() >= 0 and ys.max() <= 50
    # a 6 mm scan in the middle of a 30° (9 mm) field: a third of the way in to 5/6
    assert xs.min() == pytest.approx(1.513 / 9.06 * 50, abs=0.5)
    assert xs.max() == pytest.approx(7.564 / 9.06 * 50, abs=0.5)
    assert np.all(np.diff(lines[:, 1]) < 0)  # B-scan 1 lowest, as the file says
    assert any("field of view" in n for n in scan.notes)
    # eyepy's "less layers than expected" (layer names DiDA View never uses) is no note
    assert not any("layers" in n for n in scan.notes), scan.notes
    # and the evidence map now draws its bands over the localizer
    profiles = [np.ones((2, 2, 50)) * (i + 1) for i in range(10)]
    emap = enface.evidence_map(profiles, np.tile([0.8, 0.2], (10, 1)), ["a", "b"])
    drawn = enface.draw_evidence_map(emap, loc)
    assert drawn.shape[:2] == (50, 50)
    base = np.stack([loc.image] * 3, axis=-1) if loc.image.ndim == 2 else loc.image
    assert (np.abs(drawn.astype(int) - base).sum(axis=2) > 30).sum() >= 30


def _meta(n=3, unit="mm", start=(1.0, 2.0), step=0.5, length=3.0):
    return {"bscan_meta": [{"start_pos": (start[0], start[1] + i * step),
                            "end_pos": (start[0] + length, start[1] + i * step),
                            "pos_unit": unit} for i in range(n)]}


def test_positions_in_mm_at_the_localizers_pixel_size():
    lines, note = vendor._eyepy_lines(_meta(), {"scale_x": 0.02, "scale_y": 0.02,
                                                "field_size": 30}, (3, 40, 50), (400, 400))
    assert note is None
    assert lines[0] == pytest.approx((50.0, 100.0, 200.0, 100.0))
    assert lines[2][1] == pytest.approx(150.0)


def test_unknown_positions_are_a_note_and_no_lines():
    lines, note = vendor._eyepy_lines({"bscan_meta": []}, {"scale_x": 0.02, "scale_y": 0.02},
                                      (3, 40, 50), (400, 400))
    assert lines == () and "unknown" in note and "stacks the B-scans" in note
    # outside the image, and no field of view to place them by
    lines, note = vendor._eyepy_lines(_meta(), {"scale_x": 0.001, "scale_y": 0.001},
                                      (3, 40, 50), (100, 100))
    assert lines == () and "outside its 100 x 100 pixels" in note


def test_e2e_positions_in_degrees_from_the_centre():
    meta = _meta(unit="°", start=(-5.0, -2.0), step=1.0, length=10.0)
    loc = {"scale_x": 30 / 300, "scale_y": 30 / 300, "scale_unit": "°"}
    lines, note = vendor._eyepy_lines(meta, loc, (3, 40, 50), (300, 300))
    assert lines[0] == pytest.approx((100.0, 130.0, 200.0, 130.0))
    assert "30°" in note


def test_library_chatter_is_dropped_and_what_matters_kept():
    assert vendor._chatter("The volume contains less layers than expected. The naming might "
                           "not be correct.")
    assert not vendor._chatter("B-scans are not equally spaced. Projections into the enface "
                               "space are distorted.")
    assert not vendor._chatter("There is more than one B-scan per slice. This is not expected.")
