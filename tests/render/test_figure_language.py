"""A figure's words in the figure's language, from the one catalogue: the legend, the
captions (class names as the report writes them), the close call, the model line and
the volume evidence map."""

from __future__ import annotations

import numpy as np

from dida_view.catalogue import render
from dida_view.method.dida import DidaResult
from dida_view.model.preprocess import Box
from dida_view.render.enface import evidence_map, evidence_words
from dida_view.render.figure import (
    class_title,
    compose_figure,
    figure_lines,
    legend_lines,
    model_line,
    summary_line,
)

LABELS = ["NORMAL", "CNV", "DME"]


def result(scores) -> DidaResult:
    d = np.zeros((3, 2, 2), np.float32)
    d[1, 0, 0] = 0.2
    return DidaResult(scores=np.asarray(scores, np.float64), grid_sizes=(2,), d={2: d},
                      evaluations=4, seconds=0.0, mask_fill="black", box=Box(0, 8, 0, 8),
                      input_size=(8, 8), labels=list(LABELS), score_space="probability")


def test_the_legend_in_japanese_and_in_english():
    res = result([0.10, 0.47, 0.43])  # a close call between CNV and DME
    en, ja = legend_lines(res, 0.2), legend_lines(res, 0.2, "ja")
    assert en[0].startswith("red: supports the class") and ja[0].startswith("赤：分類を支持")
    assert en[1].startswith("Full red = ") and "0.2" in ja[1] and "確率" in ja[1]
    assert "マスク：黒" in ja[2] and "mask black" in en[2]
    assert en[-1].startswith("Close call: CNV leads DME")
    assert "脈絡膜新生血管（CNV）" in ja[-1] and "糖尿病黄斑浮腫" in ja[-1]
    assert summary_line(res, "ja") == ja[-1]
    assert not any(c.isascii() and c.isalpha() for c in ja[0])  # no English left


def test_captions_name_the_class_as_the_report_does():
    res = result([0.10, 0.47, 0.43])
    assert class_title(res, 1) == "CNV  0.470 · close call"
    assert class_title(res, 1, "ja") == "脈絡膜新生血管（CNV）  0.470 · 僅差"


def test_the_model_line_in_each_language():
    line = model_line("oct_kermany.onnx", "real OCT B-scans")
    assert line.startswith("Not for diagnosis. Model: oct_kermany.onnx, trained on real OCT")
    assert render(line, "ja").startswith("診断用ではありません。モデル：oct_kermany.onnx")
    assert figure_lines(result([0.1, 0.8, 0.1]), 0.2, model=line, lang="ja")[-1] == \
        render(line, "ja")
    assert render(model_line(None), "ja").startswith("診断用ではありません。モデル：記録なし")
    assert render(model_line("m.onnx", None, screen=True), "ja") == \
        "m.onnx — 学習データ：学習データ不明 — 診断用ではありません"


def test_a_japanese_figure_differs_from_the_english_one_only_in_its_words():
    res = result([0.10, 0.80, 0.10])
    image = np.full((64, 64), 100, np.uint8)
    en = compose_figure(image, res, [1, 2], diagnosis="CNV")
    ja = compose_figure(image, res, [1, 2], diagnosis="CNV", lang="ja")
    assert en.shape[1] == ja.shape[1]
    scans = slice(0, 192)  # the panels themselves (a 64-px scan is enlarged to 192)
    assert np.array_equal(en[scans, :192], ja[scans, :192])
    assert not np.array_equal(en, ja)


def test_the_evidence_map_in_japanese():
    profiles = [np.ones((2, 2, 40)) * (i + 1) for i in range(3)]
    emap = evidence_map(profiles, np.tile([0.2, 0.8, 0.0], (3, 1)), LABELS,
                        score_space="probability")
    title, below = evidence_words(emap, False, lang="ja")
    assert title[0].startswith("ボリュームのエビデンスマップ：脈絡膜新生血管（CNV）")
    assert "積み重ね" in title[1] and "確率" in below[0]
    assert below[-1].startswith("診断用ではありません")
