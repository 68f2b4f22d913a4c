"""audit.html and its charts: the confusion matrix painted cell by cell, histograms with
whole-number guides, the mean Mixed Images on one scale, a self-contained page."""

import base64
import io
import re

import numpy as np
from PIL import Image

from dida_view.audit import page as audit_html
from dida_view.audit.summary import share_stats, summarise
from dida_view.report import charts
from dida_view.session.labels import agreement

LABELS = ["CNV", "DME", "DRUSEN", "NORMAL"]


def png(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)


def test_confusion_chart_shades_each_cell_by_its_share_of_the_row():
    m = [[5, 0, 0, 0], [1, 3, 0, 0], [0, 0, 0, 0], [0, 2, 0, 2], [0, 0, 0, 0]]
    img = png(charts.confusion_png({"rows": [*LABELS, "other"], "columns": LABELS,
                                    "matrix": m}))
    assert img.shape[0] == 86 + 4 * 44 + 30  # the unused 'other' row is left out

    def cell(i, j):  # a corner of the cell, away from its number
        return img[86 + 44 * i + 6, 170 + 96 * j + 6]

    green, red, white = cell(0, 0), cell(1, 0), cell(0, 1)
    assert green[1] > green[0] + 60 and green[1] > green[2]  # all of row 0: deep green
    assert red[0] > red[1] + 30 and red[0] > 200  # a quarter of row 1, off the diagonal
    assert tuple(white) == (255, 255, 255)  # nothing there
    assert cell(1, 1)[0] < cell(3, 3)[0] < 255  # 3/4 of a row: deeper green than 2/4
    assert tuple(cell(2, 2)) == (255, 255, 255)  # an empty row


def test_histograms_and_nice_steps():
    assert [charts.nice_step(n) for n in (0, 3, 4, 5, 9, 30, 92, 101)] == [1, 1, 1, 2, 5, 10,
                                                                            25, 50]
    ev = {s: share_stats([0.01, 0.02, 0.6]) for s in ("bands", "shortcut", "border")}
    ev["padding"] = share_stats([None, None])
    img = png(charts.histograms_png(ev))
    assert img.shape == (2 * 250 + 20, 2 * 440 + 20, 3)
    bars = (abs(img[..., 0] - 70) < 3) & (abs(img[..., 1] - 100) < 3) & (abs(img[..., 2] -
                                                                              160) < 3)
    assert bars[:260, :450].sum() > 500  # the first panel has bars
    assert not bars[270:, 450:].any()  # padding, not measured: no bars


def test_mean_pictures_each_on_its_own_scale():
    red = np.zeros((4, 4))
    red[1, 1] = 2.0
    red[2, 2] = 1.0
    half = red / 2
    pics, note = audit_html.mean_pictures({
        "A": (red, np.zeros((4, 4)), 3, np.full((4, 4), 100.0)),
        "B": (half, np.zeros((4, 4)), 1, None)}, "logit")
    (la, a, ca), (lb, b, cb) = pics
    assert (la, lb) == ("A", "B")
    assert ca == "3 scans; full colour 2 logit units" and cb == "1 scan; full colour 1 logit units"
    a, b = png(a), png(b)
    f = audit_html.MEAN_SIDE // 4
    assert a[f + 1, f + 1, 0] == b[f + 1, f + 1, 0] == 255  # each class's brightest
    assert a[2 * f + 1, 2 * f + 1, 0] == b[2 * f + 1, 2 * f + 1, 0] == 128  # half of it
    assert a.shape[1] > 2 * 4 * f and b.shape[1] == 4 * f  # beside the mean scan, or alone
    assert "own colour scale" in note


def records():
    out = []
    for i, (top, reading) in enumerate([("CNV", "DME"), ("DME", "DME"), ("NORMAL", "")]):
        out.append({"case": f"img-{i}", "top": top, "top_probability": 0.9, "reading":
                    reading or None, "agreement": agreement(top, reading), "close_call": False,
                    "slice": None, "slices": 1,
                    "probabilities": {k: 0.9 if k == top else 0.1 / 3 for k in LABELS},
                    "evidence": {"bands": 0.3 * i, "border": 0.1, "padding": None,
                                 "shortcut": 0.3 * i, "areas": {"bands": 0.1}},
                    "seconds": 1.0})
    return out


def test_the_page_is_self_contained_and_says_not_for_diagnosis():
    recs = records()
    s = summarise(recs, LABELS, units=4, failed=1, skipped=0, computed=3,
                  extra={"model": {"file": "m.onnx"}, "settings": {"grids": [7, 9],
                                                                    "mask": "black",
                                                                    "score_space": "logit"}})
    pic = audit_html.png_bytes(np.zeros((4, 4, 3), np.uint8))
    fig = {"img-0": b"\xff\xd8jpeg", "img-2": None}
    out = io.StringIO()
    card = audit_html.ModelCard(name="m", description="a test model")
    audit_html.write_audit_html(out, s, recs, audit_html.Pictures(
        confusion=pic, histograms=pic, means=[("CNV", pic, "1 scan")], means_note="n",
        figures=fig), card)
    page = out.getvalue()
    assert page.count("Not a medical device. Not for diagnosis.") == 2
    srcs = re.findall(r"src='([^']*)'", page)
    assert srcs and all(x.startswith("data:image/") for x in srcs)
    assert base64.b64encode(b"\xff\xd8jpeg").decode() in page
    assert "img-0" in page and "figure not available" in page  # img-2: no figure
    assert page.index("strongest disagreements") < page.index("img-0")
    assert "a test model" in page and "Accuracy" in page
    assert "<script" not in page and "http" not in page


def test_a_listed_case_figure_shows_top_class_and_the_readings_class():
    from dida_view.method.dida import DidaResult
    from dida_view.model.preprocess import Box

    d = np.zeros((4, 2, 2), np.float32)
    r = DidaResult(scores=np.array([3.0, 2.0, 1.0, 0.0]), grid_sizes=(2,), d={2: d},
                   evaluations=4, seconds=0, mask_fill="black", box=Box(0, 8, 0, 8),
                   input_size=(8, 8), labels=LABELS, probabilities=np.array([.6, .3, .05,
                                                                             .05]))
    assert audit_html.figure_classes(r, "normal") == [0, 3]
    assert audit_html.figure_classes(r, "CNV") == [0, 1]  # agreeing: the runner-up
    assert audit_html.figure_classes(r, None) == [0, 1]
    jpeg = audit_html.case_figure(np.zeros((40, 2000), np.uint8), r, "normal", "Not for "
                                  "diagnosis. Model: m.onnx")
    im = Image.open(io.BytesIO(jpeg))
    assert im.format == "JPEG" and im.width <= audit_html.FIGURE_WIDTH


def test_atypical_scans_are_listed_least_typical_first():
    def rec(case, score, typical):
        return {"case": case, "top": "CNV", "top_probability": 0.9, "slice": None,
                "reading": "CNV", "agreement": "agree", "probabilities": {"CNV": 0.9},
                "domain_check": {"typical": typical, "score": score, "percentile": 99.9,
                                 "reference": "Kermany held-out scans"}}

    records = [rec("img-a", 30.0, False), rec("img-b", 2.0, True), rec("img-c", 80.0, False)]
    page = audit_html._atypical(records)
    assert "img-b" not in page  # typical: not listed
    assert page.index("img-c") < page.index("img-a")  # furthest from the reference first
    assert "Kermany held-out scans" in page
    assert "None." in audit_html._atypical([rec("img-b", 2.0, True)])


def test_one_case_is_said_in_the_singular():
    recs = records()[:1]
    s = summarise(recs, LABELS, units=1, failed=0, skipped=0, computed=1,
                  extra={"model": {"file": "m.onnx"}, "settings": {"grids": [7],
                                                                    "mask": "black",
                                                                    "score_space": "logit"}})
    out = io.StringIO()
    audit_html.write_audit_html(out, s, recs, audit_html.Pictures(), None)
    assert "1 case or B-scan, read by m.onnx" in out.getvalue()
    stats = share_stats([0.3])
    img = png(charts.histograms_png({"bands": stats}))
    assert img.shape[0] > 0 and stats["measured"] == 1
