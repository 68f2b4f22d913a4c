"""The exported figure (issue 17): captions beside the scan, not on it; the model and "not
for diagnosis" on every figure and panel; bounded size and text; Japanese and emoji drawn
as themselves (checked by pixels)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from dida_view.method.dida import DidaResult
from dida_view.model.preprocess import Box
from dida_view.render import fonts
from dida_view.render.figure import (
    GAP,
    MAX_PANEL_SIDE,
    MIN_CELL_WIDTH,
    assemble_figure,
    compose_figure,
    figure_lines,
    figure_panels,
    model_line,
    with_model_line,
)
from dida_view.render.maps import View, class_overlay, class_scale

LABELS = ["DRUSEN", "DME", "CNV"]


def _result(h: int, w: int) -> DidaResult:
    d = {2: np.zeros((3, 2, 2), np.float32)}
    d[2][0, 1, 1] = 0.3  # DRUSEN: red in the bottom right quarter
    d[2][1, 1, 0] = -0.2
    return DidaResult(scores=np.array([0.5, 0.3, 0.2]), grid_sizes=(2,), d=d, evaluations=4,
                      seconds=0.1, mask_fill="black", box=Box(0, 32, 0, 32),
                      input_size=(32, 32), labels=LABELS, score_space="probability",
                      meta={"original_size": (h, w)})


def _banded(h: int = 300, w: int = 400) -> np.ndarray:
    """A scan with a bright export band in its bottom rows (as 00_kermany_DME_2)."""
    rng = np.random.default_rng(0)
    img = rng.integers(20, 90, (h, w)).astype(np.uint8)
    img[-30:] = 250
    return img


def test_captions_are_under_the_scans_not_on_them():
    image = _banded()
    res = _result(*image.shape)
    panels, scale = figure_panels(image, res, [0, 1], diagnosis="DME")
    h, w = image.shape
    assert all(p.shape[0] > h for p in panels)  # the caption strip under each scan
    # the scan's pixels, every one, the band at the bottom included
    assert np.array_equal(panels[0][:h, :w], np.stack([image] * 3, axis=-1))
    overlay = class_overlay(res, image, 0, class_scale(res, [0, 1]), View())
    assert np.array_equal(panels[1][:h, :w], overlay)
    assert (panels[1][h:] < 128).any()  # and the caption is there, in its strip


def test_every_figure_and_panel_says_which_model_and_not_for_diagnosis():
    image = _banded()
    res = _result(*image.shape)
    line = model_line("oct_kermany.onnx", "real Spectralis OCT B-scans (Kermany 2018)")
    assert "Kermany 2018" in line
    assert line.startswith("Not for diagnosis. Model: oct_kermany.onnx, trained on real")
    assert figure_lines(res, 0.3, model=line)[-1] == line
    assert figure_lines(res, 0.3, legend=False)[-1].startswith("Not for diagnosis.")
    with_line = compose_figure(image, res, [0, 1], model=line)
    without = compose_figure(image, res, [0, 1], legend=False)
    assert with_line.shape[0] > without.shape[0] > image.shape[0] + 20
    # the last line is drawn: dark pixels in the bottom rows of the figure
    assert (with_line[-40:] < 100).any() and (without[-30:] < 100).any()
    panel = with_model_line(figure_panels(image, res, [0])[0][1], line)
    assert panel.shape[0] > image.shape[0] + 30 and (panel[-20:] < 100).any()


@pytest.mark.parametrize("shape", [(40, 50), (1, 5000), (5000, 1), (3, 3)])
def test_a_figure_has_a_minimum_and_a_maximum_size(shape):
    image = np.full(shape, 128, np.uint8)
    res = _result(*shape)
    fig = compose_figure(image, res, [0, 1, 2], diagnosis="DRUSEN",
                         model=model_line("m.onnx", "x"))
    h, w = fig.shape[:2]
    assert w >= 4 * MIN_CELL_WIDTH + 3 * GAP  # room for every caption and the legend
    assert w <= 4 * MAX_PANEL_SIDE + 3 * GAP and h <= MAX_PANEL_SIDE + 400
    panels, _ = figure_panels(image, res, [0, 1, 2], diagnosis="DRUSEN")
    cell = panels[0].shape[1]
    size = max(12, min(32, round(cell / 20)))
    for text in ("Diagnosis: DRUSEN", "DRUSEN  0.500", "CNV  0.200"):
        assert fonts.text_length(text, size) <= cell  # the captions are not cut
    if min(shape) >= 3:  # a tiny scan is enlarged by whole pixels
        assert min(panels[0].shape[:2]) >= 192


def test_a_megabyte_of_diagnosis_or_note_is_cut_not_a_traceback():
    image = _banded(120, 160)
    res = _result(*image.shape)
    huge = "macular oedema " * 70_000  # about 1 MB
    fig = compose_figure(image, res, [0, 1], diagnosis=huge, note=huge,
                         model=model_line("m.onnx", "x"))
    assert fig.shape[1] < 2000 and fig.shape[0] < 1000
    assert fonts.fit_text(huge, 20, 300).endswith("…")
    assert len(fonts.fit_text(huge, 20, 10**9)) <= fonts.MAX_DRAWN_CHARS


def _drawn(text: str, size: int = 40) -> np.ndarray:
    im = Image.new("L", (int(fonts.text_length(text, size)) + 20, 2 * size), 0)
    fonts.draw_text(im, (10, 10), text, size, 255)
    return np.asarray(im)


def _box(font) -> np.ndarray:
    """What ``font`` draws for a character it lacks (its "missing glyph" box)."""
    from PIL import ImageDraw

    im = Image.new("L", (120, 100), 0)
    ImageDraw.Draw(im).text((10, 10), fonts._MISSING, font=font, fill=255)
    return np.asarray(im)


def _ink(a: np.ndarray) -> np.ndarray:
    """The drawn pixels cropped to their bounding box."""
    ys, xs = np.nonzero(a > 60)
    return a[ys.min():ys.max() + 1, xs.min():xs.max() + 1] > 60


def test_japanese_is_drawn_with_the_bundled_font_glyph_by_glyph():
    jp = fonts.bundled_font_path()
    assert jp is not None
    direct = Image.new("L", (120, 80), 0)
    from PIL import ImageDraw, ImageFont

    ImageDraw.Draw(direct).text((10, 10), "網", font=ImageFont.truetype(str(jp), 40), fill=255)
    # in a Latin line (Pillow's default font has no kanji), each kanji is the bundled one's
    mixed = _drawn("Diagnosis: 網")
    assert np.array_equal(_ink(mixed[:, -60:]), _ink(np.asarray(direct)))
    boxes = [_ink(_box(fonts._default(40))), _ink(_box(ImageFont.truetype(str(jp), 40)))]
    for c in "網膜浮腫":
        assert not any(np.array_equal(_ink(_drawn(c)), b) for b in boxes), c


def test_an_emoji_is_the_machines_glyph_or_a_clear_replacement_never_a_box():
    default = fonts._default(40)
    loaded = [fonts._load(str(p), 40) for p in fonts.candidate_paths()]
    boxes = [_ink(_box(f)) for f in [default] + [x[0] for x in loaded if x and x[1] == 1]]
    replacement = _ink(_drawn(fonts.REPLACEMENT))
    for emoji in ("😀", "🫀", "👍🏽"):
        ink = _ink(_drawn(emoji))
        assert not any(np.array_equal(ink, b) for b in boxes), emoji
        if not any(fonts.has_glyph(f, emoji[0]) for f in [default] + [
                x[0] for x in loaded if x]):
            assert np.array_equal(ink, replacement), emoji  # no font has it: �
    # a joiner no font draws leaves no mark of its own
    assert fonts.text_runs("a\u200d", 20)[-1].text.endswith(("a", "\u200d"))


def test_a_colour_emoji_font_is_drawn_at_its_own_size_and_scaled(monkeypatch, tmp_path):
    import glob

    found = [p for p in glob.glob("/usr/share/fonts/**/*olor*moji*.ttf", recursive=True)]
    if not found:
        pytest.skip("no colour emoji font on this machine")
    from pathlib import Path

    monkeypatch.setattr(fonts, "candidate_paths", lambda: (Path(found[0]),))
    fonts._source.cache_clear()
    try:
        runs = fonts.text_runs("a😀", 30)
        assert runs[-1].scale < 1
        im = Image.new("RGB", (100, 60), (0, 0, 0))
        fonts.draw_text(im, (5, 5), "😀", 30, (255, 255, 255))
        px = np.asarray(im).reshape(-1, 3)
        assert (np.abs(px[:, 0].astype(int) - px[:, 2]) > 60).any()  # in colour
    finally:
        fonts._source.cache_clear()


def test_assemble_keeps_old_callers_working_and_says_not_for_diagnosis():
    image = _banded(60, 80)
    res = _result(*image.shape)
    panels, scale = figure_panels(image, res, [0])
    fig = assemble_figure(panels, res, scale)  # no model given: still the disclaimer
    assert fig.shape[1] == 2 * panels[0].shape[1] + GAP
    assert figure_lines(res, scale)[-1].startswith("Not for diagnosis.")


def test_a_japanese_diagnosis_with_an_emoji_draws_both():
    """One font for the whole text drew the emoji of "浮腫 😀" as a box (the bundled
    Japanese font has no emoji): each glyph now comes from a font that has it."""
    from dida_view.render.figure import label_panel

    def panel(text):
        return label_panel(np.zeros((60, 400), np.uint8), text, corner="top-left", size=30)

    box = fonts._MISSING
    assert not np.array_equal(panel("浮腫 😀"), panel("浮腫 " + box))
    emoji_alone = _ink(_drawn("😀", 30))
    mixed = _drawn("浮腫 😀", 30)
    assert np.array_equal(_ink(mixed[:, -(emoji_alone.shape[1] + 12):]), emoji_alone)
