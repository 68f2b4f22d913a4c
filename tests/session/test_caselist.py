"""The case list without Qt: reading folders and CSV/JSON lists, filters, moving, the queue."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from dida_view.session.caselist import (
    ALL,
    ANALYSED,
    DISAGREE,
    NEW,
    UNREAD,
    Case,
    CaseList,
    is_case_list,
    read_cases,
)


def _images(folder: Path, names: list[str]) -> list[Path]:
    out = []
    for n in names:
        p = folder / n
        Image.new("L", (8, 6), 100).save(p)
        out.append(p)
    return out


def test_a_folder_lists_its_images_by_name(tmp_path):
    _images(tmp_path, ["b.png", "a.png", "c.jpg"])
    (tmp_path / "a.json").write_text("{}")
    (tmp_path / "sub").mkdir()
    cases, problems = read_cases(tmp_path)
    assert [c.name for c in cases] == ["a.png", "b.png", "c.jpg"]
    assert problems == []
    assert is_case_list(tmp_path) and is_case_list(tmp_path / "x.csv")
    assert not is_case_list(tmp_path / "a.png")


def test_csv_rows_relative_to_the_list_bad_rows_one_line_each(tmp_path):
    _images(tmp_path, ["a.png", "b.png"])
    sub = tmp_path / "lists"
    sub.mkdir()
    (sub / "cases.csv").write_text(
        "Path,Diagnosis\n../a.png,Wet AMD\n../missing.png,CME\n,x\n../notes.txt,\n"
        f"{tmp_path / 'b.png'},\n", encoding="utf-8")
    cases, problems = read_cases(sub / "cases.csv")
    assert [(c.name, c.diagnosis) for c in cases] == [("a.png", "Wet AMD"), ("b.png", "")]
    assert problems == ["cases.csv, line 3: ../missing.png: no such file",
                        "cases.csv, line 4: empty path",
                        "cases.csv, line 5: ../notes.txt: not an image file"]


def test_csv_without_a_path_column_is_one_clear_error(tmp_path):
    (tmp_path / "c.csv").write_text("file,diagnosis\na.png,x\n")
    with pytest.raises(ValueError, match="no 'path' column"):
        read_cases(tmp_path / "c.csv")


def test_json_lists_of_paths_or_objects(tmp_path):
    _images(tmp_path, ["a.png", "b.png"])
    (tmp_path / "l.json").write_text(json.dumps(
        ["a.png", {"path": "b.png", "diagnosis": "ERM"}, 3, {"file": "a.png"}, "zz.png"]))
    cases, problems = read_cases(tmp_path / "l.json")
    assert [(c.name, c.diagnosis) for c in cases] == [("a.png", ""), ("b.png", "ERM")]
    assert len(problems) == 3 and problems[0].startswith("l.json, item 3: expected")
    assert problems[2] == "l.json, item 5: zz.png: no such file"
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(ValueError, match="not a JSON file"):
        read_cases(tmp_path / "bad.json")
    with pytest.raises(OSError, match="no such file"):
        read_cases(tmp_path / "nothing.csv")


def test_agreement_ignores_case_and_spaces_and_needs_both():
    assert Case(Path("a"), diagnosis="wet  amd", top="Wet AMD").agree is True
    assert Case(Path("a"), diagnosis="CME", top="Wet AMD").agree is False
    assert Case(Path("a"), diagnosis="", top="Wet AMD").agree is None
    assert Case(Path("a"), diagnosis="CME").agree is None


def _list() -> CaseList:
    cases = [Case(Path(f"{i}.png")) for i in range(8)]
    return CaseList(cases)


def test_filters_and_moving_through_them():
    cl = _list()
    seen: list[int] = []
    cl.on_change = seen.append
    cl.update(1, top="CME", diagnosis="CME")
    cl.update(3, top="CME", diagnosis="ERM")
    cl.update(6, top="ERM", diagnosis="Wet AMD")
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


def test_queue_order_is_current_first_then_the_next_unanalysed_bounded():
    cl = _list()
    cl.current = 5
    assert cl.queue_order(3) == [5, 6, 7, 0]  # wraps to the start
    cl.update(6, state=ANALYSED)
    assert cl.queue_order(3) == [5, 7, 0, 1]
    cl.update(5, state=ANALYSED)
    assert cl.queue_order(3)[0] == 5  # the current case comes first even when analysed
    cl.set_filter(DISAGREE)  # only the cases the filter shows are analysed ahead
    cl.update(1, top="A", diagnosis="B")
    assert cl.queue_order(3) == [5, 1]
    assert CaseList().queue_order() == []
    assert cl.cases[0].state == NEW


def test_the_case_list_imports_no_qt():
    import subprocess
    import sys

    code = ("import sys, dida_view.session.caselist; "
            "print([m for m in sys.modules if m.startswith('PySide6')])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
