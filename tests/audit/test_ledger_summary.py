"""The audit's ledger (whole lines, resume by fingerprints, a killed writer's half line) and
its summary (agreement, confusion matrix, accuracy and the lists), by hand counts."""

import json

import pytest

from dida_view.audit.ledger import CUT_NOTE, FAILED, OK, Ledger
from dida_view.audit.summary import (
    confusion,
    highest_shortcuts,
    reading_class,
    share_stats,
    strongest_disagreements,
    summarise,
)
from dida_view.session.labels import agreement

LABELS = ["CNV", "DME", "DRUSEN", "NORMAL"]


def rec(case, status=OK, m="m1", s="s1", **kw):
    return {"case": case, "status": status, "model_fingerprint": m,
            "settings_fingerprint": s, **kw}


def test_ledger_round_trip_and_resume_by_fingerprints(tmp_path):
    led = Ledger(tmp_path / "cases.jsonl")
    assert led.load().records == ()
    assert led.open() is None
    for r in (rec("a"), rec("b", FAILED), rec("c", s="s2"), rec("d", m="m2"),
              rec("b"), rec("e"), rec("e", FAILED), rec("f", FAILED)):
        led.append(r)
    led.close()
    loaded = led.load()
    assert [r["case"] for r in loaded.records] == list("abcdbeef")
    assert loaded.bad_lines == 0 and not loaded.unfinished
    done = Ledger.done(loaded.records, "m1", "s1")
    # b failed, then worked; e worked, then a retry failed: both done; f only failed
    assert sorted(done) == ["a", "b", "e"]
    assert done["e"]["status"] == OK
    latest = Ledger.latest(loaded.records, "m1", "s1")
    assert latest["f"]["status"] == FAILED and "c" not in latest and "d" not in latest
    assert sorted(Ledger.done(loaded.records, "m1", "s2")) == ["c"]


def test_a_killed_writers_half_line_is_cut_off_and_bad_lines_passed_over(tmp_path):
    path = tmp_path / "cases.jsonl"
    whole = json.dumps(rec("a")) + "\n"
    path.write_text(whole + "not json\n" + json.dumps([1, 2]) + "\n" + '{"case": "b", "sta')
    loaded = Ledger(path).load()
    assert [r["case"] for r in loaded.records] == ["a"]
    assert loaded.bad_lines == 2 and loaded.unfinished
    led = Ledger(path)
    assert led.open() == CUT_NOTE.format(file="cases.jsonl")
    led.append(rec("c"))
    led.close()
    lines = path.read_text().splitlines()
    assert lines[0] == whole.strip() and json.loads(lines[-1])["case"] == "c"
    assert all(line == "not json" or json.loads(line) for line in lines)
    assert Ledger(path).open() is None  # nothing left to cut


def test_a_line_is_one_write(tmp_path, monkeypatch):
    """Each record goes out in one os.write (a kill between writes never splits a line);
    a write that falls short is taken back."""
    import os

    calls = []
    real = os.write

    def write(fd, data):
        calls.append(len(data))
        return real(fd, data) if len(calls) < 3 else real(fd, data[:5])

    led = Ledger(tmp_path / "cases.jsonl")
    led.open()
    monkeypatch.setattr(os, "write", write)
    led.append(rec("a", note="x" * 5000))
    led.append(rec("b"))
    with pytest.raises(OSError):
        led.append(rec("c"))
    led.close()
    assert len(calls) == 3
    assert [r["case"] for r in Ledger(tmp_path / "cases.jsonl").load().records] == ["a", "b"]
    assert (tmp_path / "cases.jsonl").read_bytes().endswith(b"\n")


def unit(case, top, reading, p=0.9, shortcut=0.0, close=False, **kw):
    return {"case": case, "top": top, "top_probability": p, "reading": reading,
            "agreement": agreement(top, reading), "close_call": close,
            "probabilities": {lab: (p if lab == top else (1 - p) / 3) for lab in LABELS},
            "evidence": {"bands": shortcut, "border": 0.1, "padding": None,
                         "shortcut": shortcut}, "seconds": 1.0, "domain_check": None, **kw}


def test_summary_matches_a_hand_count():
    records = [
        unit("c1", "CNV", "CNV"),
        unit("c2", "CNV", "choroidal neovascularization"),  # a synonym: agrees
        unit("c3", "DME", "CNV", p=0.97),  # disagrees, the model very sure
        unit("c4", "DRUSEN", "normal", p=0.6, close=True),  # disagrees
        unit("c5", "NORMAL", "healthy"),  # agrees
        unit("c6", "NORMAL", ""),  # not read
        unit("c7", "DME", "macular hole", p=0.8),  # a finding the model does not know
        unit("c8", "DRUSEN", None),  # not read
    ]
    s = summarise(records, LABELS, units=10, failed=2, skipped=3, computed=5)
    assert (s["cases"], s["analysed"], s["failed"], s["skipped"], s["computed"]) == \
        (10, 8, 2, 3, 5)
    assert (s["agree"], s["disagree"], s["unread"]) == (3, 3, 2)
    assert s["accuracy"] == pytest.approx(3 / 6, abs=1e-4)
    assert s["close_calls"] == 1
    assert s["atypical"] is None and s["domain_checked"] == 0
    c = s["confusion"]
    assert c["rows"] == [*LABELS, "other"] and c["columns"] == LABELS
    assert c["matrix"] == [[2, 1, 0, 0],  # read CNV: CNV twice, DME once
                           [0, 0, 0, 0],
                           [0, 0, 0, 0],
                           [0, 0, 1, 1],  # read normal: DRUSEN once, NORMAL once
                           [0, 1, 0, 0]]  # 'macular hole': no class of the model
    diagonal = sum(c["matrix"][i][i] for i in range(len(LABELS)))
    assert diagonal == s["agree"]
    assert s["strongest_disagreements"] == ["c3", "c7", "c4"]
    assert s["per_class"]["DME"] == {"top": 2, "agree": 0, "disagree": 2,
                                     "mean_padding": None, "mean_bands": 0.0,
                                     "mean_border": 0.1, "mean_shortcut": 0.0}


def test_atypical_scans_are_counted_from_the_domain_check():
    records = [unit("a", "CNV", "CNV", domain_check={"typical": False}),
               unit("b", "CNV", "CNV", domain_check={"typical": True}),
               unit("c", "CNV", "CNV")]
    s = summarise(records, LABELS, units=3, failed=0, skipped=0, computed=3)
    assert s["atypical"] == 1 and s["domain_checked"] == 2


def test_lists_and_share_statistics():
    records = [unit(f"u{i}", "CNV", "DME", p=0.5 + i / 100, shortcut=i / 40)
               for i in range(30)]
    top = strongest_disagreements(records)
    assert len(top) == 20 and top[0]["case"] == "u29" and top[-1]["case"] == "u10"
    short = highest_shortcuts(records)
    assert [r["case"] for r in short[:2]] == ["u29", "u28"]
    assert len(short) == 20 and all(r["evidence"]["shortcut"] >= 0.05 for r in short)
    assert len(highest_shortcuts(records[:5])) == 3  # 0.05, 0.075, 0.1: the rest too small
    st = share_stats([0.0, 0.15, 0.35, None, 1.0])
    assert st["measured"] == 4 and st["at_least_quarter"] == 2
    assert st["histogram"] == [1, 1, 0, 1, 0, 0, 0, 0, 0, 1] and st["max"] == 1.0
    assert share_stats([None])["mean"] is None


def test_reading_class_and_confusion_ignore_unread():
    assert reading_class("Wet AMD", ["normal", "Wet AMD"]) == 1
    assert reading_class("cnv", ["normal", "Wet AMD"]) == 1  # one finding, two names
    assert reading_class("", LABELS) is None and reading_class("ERM", LABELS) is None
    c = confusion([unit("a", "CNV", "")], LABELS)
    assert sum(map(sum, c["matrix"])) == 0
