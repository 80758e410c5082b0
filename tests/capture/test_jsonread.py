"""The hook's JSON reader gives exactly what json.loads gives, value or error."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interstat.capture.jsonread import loads

VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(st.text(), VALUES, max_size=6), st.booleans())
def test_objects_read_as_json_reads_them(payload, ascii_only):
    raw = json.dumps(payload, ensure_ascii=ascii_only).encode("utf-8")
    assert loads(raw) == json.loads(raw)


@pytest.mark.parametrize("raw", [
    b'  {"a": 1}', b'{"a": 1}  \n', b"\xef\xbb\xbf{\"a\": 1}", b'{"a": [1, 2.5e3, -0]}',
    '{"a": "\u00e9\u2603"}'.encode("utf-8"), b'{"a": "\\ud800"}', b"[1, 2]", b'"text"',
])
def test_unusual_but_valid_input_reads_the_same(raw):
    assert loads(raw) == json.loads(raw)


def test_constants_read_as_json_reads_them():
    value = loads(b'{"a": NaN, "b": Infinity, "c": -Infinity}')
    assert math.isnan(value["a"]) and value["b"] == math.inf and value["c"] == -math.inf


@pytest.mark.parametrize("raw", [
    b'{"a": 1} trailing', b'{"a": }', b'{"a": 1', b"", b"\xff{}", b'{"a": 1}{"b": 2}',
])
def test_bad_input_raises_what_json_raises(raw):
    with pytest.raises(ValueError) as expected:
        json.loads(raw)
    with pytest.raises(type(expected.value)):
        loads(raw)


def test_deep_nesting_raises_what_json_raises():
    raw = b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with pytest.raises(RecursionError):
        json.loads(raw)
    with pytest.raises(RecursionError):
        loads(raw)


def test_the_hook_imports_neither_json_nor_typing(tmp_path):
    """Each costs the hook measurable start-up; nothing on its path needs them."""
    import subprocess
    import sys

    event = {"hook_event_name": "SubagentStart", "session_id": "s1", "agent_id": "a1"}
    script = (
        "import sys, io\n"
        f"sys.argv = ['interstat', 'hook', 'SubagentStart', '--db', {str(tmp_path / 'm.db')!r}]\n"
        f"sys.stdin = io.TextIOWrapper(io.BytesIO({json.dumps(event).encode()!r}))\n"
        "from interstat.capture.hook import run_hook\n"
        "run_hook(sys.argv[2:])\n"
        "print(sorted(m for m in ('json', 'typing', 'click', 'rich', 'pluggy', 'attrs')"
        " if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]", done.stderr
