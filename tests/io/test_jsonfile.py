"""Any JSON a user hands us: one line for what cannot be read, never a RecursionError."""

import json
import threading

import pytest

from dida_view.io.jsonfile import MAX_DEPTH, nesting, parse_json, read_json


def test_nesting_skips_brackets_inside_strings():
    assert nesting('{"a": [1, {"b": "[[[[{{{"}]}') == 3
    assert nesting('"\\"[["') == 0
    assert nesting("[]") == 1


@pytest.mark.parametrize("text", ["[" * 100000, "{\"a\":" * 100000 + "1" + "}" * 100000])
def test_deep_nesting_is_one_line(text):
    with pytest.raises(ValueError, match=f"case.json: nested more than {MAX_DEPTH} levels"):
        parse_json(text, "case.json")


def test_deep_nesting_on_a_small_stack_thread_is_one_line():
    # the viewer's worker thread: a recursion there aborted the process (exit 134)
    seen = []

    def parse():
        try:
            parse_json("[" * 100000 + "]" * 100000, "x.json")
        except ValueError as exc:
            seen.append(str(exc))

    old = threading.stack_size(256 * 1024)
    try:
        t = threading.Thread(target=parse)
        t.start()
        t.join()
    finally:
        threading.stack_size(old)
    assert seen == [f"x.json: nested more than {MAX_DEPTH} levels deep"]


def test_ordinary_json_and_the_limit_itself():
    assert parse_json('{"reading": {"diagnosis": "CNV"}}') == {"reading": {"diagnosis": "CNV"}}
    ok = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert json.dumps(parse_json(ok)).count("[") == MAX_DEPTH


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-32"])
def test_files_in_every_encoding_json_allows(tmp_path, encoding):
    p = tmp_path / "a.json"
    p.write_bytes('{"diagnosis": "脈絡膜新生血管"}'.encode(encoding))
    assert read_json(p) == {"diagnosis": "脈絡膜新生血管"}


def test_bad_json_names_the_file(tmp_path):
    p = tmp_path / "a.json"
    p.write_text('{"a": 1,}', encoding="utf-8")
    with pytest.raises(ValueError, match=r"a.json: not JSON \("):
        read_json(p)
    p.write_bytes(b"\xff\xfe\x00\xd8")
    with pytest.raises(ValueError, match="a.json"):
        read_json(p)
