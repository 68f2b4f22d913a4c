"""The one case reader (files, folders, CSV/JSON lists; every scan type) and the browser's
list without Qt: filters, moving, the queue, one agreement rule."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from dicom_files import write_dicom
from PIL import Image

from dida_view.session.caselist import (
    ALL,
    ANALYSED,
    DISAGREE,
    NEW,
    UNREAD,
    CaseList,
    Row,
)
from dida_view.session.cases import Case, is_case_list, read_cases


def _images(folder: Path, names: list[str]) -> list[Path]:
    out = []
    for n in names:
        p = folder / n
        Image.new("L", (8, 6), 100).save(p)
        out.append(p)
    return out


def test_a_folder_lists_its_scans_by_name_of_every_type(tmp_path):
    _images(tmp_path, ["b.png", "a.png", "c.jpg"])
    pages = [Image.new("L", (8, 6), v) for v in (10, 20)]
    pages[0].save(tmp_path / "e.tif", save_all=True, append_images=pages[1:])
    write_dicom(tmp_path / "d.dcm", np.full((8, 8), 50, np.uint8))
    write_dicom(tmp_path / "IM0001", np.full((8, 8), 60, np.uint8))  # a PACS export: no suffix
    (tmp_path / "a.json").write_text("{}")  # sidecars are not cases, nor worth a note
    (tmp_path / "a.png.json").write_text("{}")
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "sub").mkdir()
    got = read_cases([tmp_path])
    assert [c.name for c in got.cases] == ["a.png", "b.png", "c.jpg", "d.dcm", "e.tif",
                                           "IM0001"]
    assert got.problems == ()
    assert len(got.notes) == 1 and "1 file that is not a scan was left out" in got.notes[0] \
        and "notes.txt" in got.notes[0]
    assert is_case_list(tmp_path) and is_case_list(tmp_path / "x.csv")
    assert not is_case_list(tmp_path / "a.png") and not is_case_list(tmp_path / "m.dida.json")


def test_csv_rows_relative_to_the_list_bad_rows_one_line_each(tmp_path):
    _images(tmp_path, ["a.png", "b.png"])
    write_dicom(tmp_path / "c.dcm", np.full((8, 8), 50, np.uint8))
    sub = tmp_path / "lists"
    sub.mkdir()
    (sub / "cases.csv").write_text(
        "Path,Diagnosis\n../a.png,Wet AMD\n../missing.png,CME\n,x\n../c.dcm,DME\n"
        f"{tmp_path / 'b.png'},\n../lists,\n", encoding="utf-8")
    got = read_cases([sub / "cases.csv"])
    assert [(c.name, c.diagnosis) for c in got.cases] == [
        ("a.png", "Wet AMD"), ("c.dcm", "DME"), ("b.png", "")]
    assert got.problems == ("cases.csv, line 3: ../missing.png: no such file",
                            "cases.csv, line 4: empty path",
                            "cases.csv, line 7: ../lists: a folder, not a scan")


def test_a_bad_list_is_one_line_and_the_rest_loads(tmp_path):
    _images(tmp_path, ["a.png"])
    (tmp_path / "c.csv").write_text("file,diagnosis\na.png,x\n")
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "deep.json").write_text("[" * 100000)
    got = read_cases([tmp_path / "c.csv", tmp_path / "bad.json", tmp_path / "deep.json",
                      tmp_path / "nothing.csv", tmp_path / "a.png"])
    assert [c.name for c in got.cases] == ["a.png"]
    assert len(got.problems) == 4
    assert "no 'path' column" in got.problems[0] and "bad.json: not JSON" in got.problems[1]
    assert "deep.json: nested more than" in got.problems[2]
    assert got.problems[3].endswith("nothing.csv: no such file")


def test_json_lists_of_paths_or_objects(tmp_path):
    _images(tmp_path, ["a.png", "b.png"])
    (tmp_path / "l.json").write_text(json.dumps(
        ["a.png", {"path": "b.png", "diagnosis": "ERM"}, 3, {"file": "a.png"}, "zz.png",
         {"path": "a.png", "diagnosis": True}]))
    got = read_cases([tmp_path / "l.json"])
    assert [(c.name, c.diagnosis) for c in got.cases] == [("a.png", ""), ("b.png", "ERM"),
                                                          ("a.png", "")]
    assert len(got.problems) == 3 and got.problems[0].startswith("l.json, item 3: expected")
    assert got.problems[2] == "l.json, item 5: zz.png: no such file"


def test_empty_inputs_say_so(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "e.csv").write_text("path,diagnosis\n")
    got = read_cases([tmp_path / "empty", tmp_path / "e.csv"])
    assert got.cases == ()
    assert got.problems == (f"{tmp_path / 'empty'}: no scans in this folder",
                            f"{tmp_path / 'e.csv'}: the case list is empty")


def test_agreement_is_the_sessions_one_rule():
    row = Row(Case(Path("a")), diagnosis="wet  amd", top="Wet AMD")
    assert row.agree is True
    assert Row(Case(Path("a")), diagnosis="CNV", top="Wet AMD").agree is True  # one finding
    assert Row(Case(Path("a")), diagnosis="脈絡膜新生血管", top="CNV").agree is True
    assert Row(Case(Path("a")), diagnosis="CME", top="Wet AMD").agree is False
    assert Row(Case(Path("a")), diagnosis="", top="Wet AMD").agree is None
    assert Row(Case(Path("a")), diagnosis="CME").agree is None


def _list(**readings) -> CaseList:
    cases = [Case(Path(f"{i}.png")) for i in range(8)]
    return CaseList(cases, reading=lambda c: readings.get(f"r{c.path.stem}", ""))


def test_filters_and_moving_through_them():
    cl = _list(r1="CME", r3="ERM", r6="Wet AMD")
    seen: list[int] = []
    cl.on_change = seen.append
    cl.update(1, top="CME")
    cl.update(3, top="CME")
    cl.update(6, top="ERM")
    assert seen == [1, 3, 6]
    cl.set_filter(DISAGREE)
    assert cl.visible() == [3, 6] and seen[-1] == -1
    cl.current = 0  # filtered out: next is the first shown after it, previous stays
    assert cl.step(1) == 3 and cl.step(-1) == 3
    cl.current = 3
    assert cl.step(1) == 6 and cl.step(-1) == 3
    cl.current = 6
    assert cl.step(1) == 6  # the last one stays
    cl.set_filter("cme")  # a class: the model's top class or the reading
    assert cl.visible() == [1, 3]
    cl.set_filter(UNREAD)
    assert cl.visible() == [0, 2, 4, 5, 7]
    cl.set_filter(ALL)
    assert cl.classes() == ["CME", "ERM", "Wet AMD"]
    assert cl.counts()["read"] == 3
    assert cl.row(1).score == "" and cl.index_of("6.png") == 6 and cl.index_of("x") == -1
    cl.update(1, probability=0.9996)
    assert cl.row(1).score == ">0.999"


def test_readings_are_looked_up_only_when_needed():
    asked = []
    cl = CaseList([Case(Path(f"{i}.png")) for i in range(5000)],
                  reading=lambda c: asked.append(c) or "")
    assert cl.visible() == list(range(5000)) and asked == []
    cl.row(7)
    cl.row(7)
    assert len(asked) == 1


def test_queue_order_is_current_first_then_the_next_unanalysed_bounded():
    cl = _list()
    cl.current = 5
    assert cl.queue_order(3) == [5, 6, 7, 0]  # wraps to the start
    cl.update(6, state=ANALYSED)
    assert cl.queue_order(3) == [5, 7, 0, 1]
    cl.update(5, state=ANALYSED)
    assert cl.queue_order(3)[0] == 5  # the current case comes first even when analysed
    cl.set_filter(DISAGREE)  # only the cases the filter shows are analysed ahead
    cl.reading = lambda c: "B"
    cl.update(1, top="A")
    assert cl.queue_order(3) == [5, 1]
    assert CaseList().queue_order() == []
    assert cl.cases[0].state == NEW
