"""decode_line: the fast decoder must answer exactly as the standard library would."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from interstat_parsers.fields import decode_line

# Integers within 64 bits: past that the fast decoder gives floats (see decode_line).
_scalars = (
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text()
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def reference(data: bytes) -> object:
    """What a line decodes to with json alone: the object or the reason it is unusable."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "invalid-utf8"
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return "bad-json"
    return value if isinstance(value, dict) else "not-object"


def canonical(value: object) -> str:
    # NaN is not equal to itself; its JSON text is.
    return json.dumps(value, sort_keys=True)


@settings(max_examples=300)
@given(st.dictionaries(st.text(), _values, max_size=6), st.booleans())
def test_objects_decode_to_what_json_gives(line, ascii_only):
    data = json.dumps(line, ensure_ascii=ascii_only).encode("utf-8")
    assert canonical(decode_line(data)) == canonical(reference(data))


@settings(max_examples=300)
@given(st.binary(max_size=40) | st.text(max_size=40).map(lambda text: text.encode("utf-8")))
def test_any_bytes_get_the_reason_json_would_give(data):
    assert canonical(decode_line(data)) == canonical(reference(data))


def test_lines_the_fast_decoder_refuses_are_decided_by_json():
    lone_surrogate = b'{"text": "cut \\ud83d here"}'
    assert decode_line(lone_surrogate) == {"text": "cut \ud83d here"}
    not_a_number = decode_line(b'{"cost": NaN}')
    assert isinstance(not_a_number, dict) and not_a_number["cost"] != not_a_number["cost"]
    assert decode_line(b'{"a": 1} trailing') == "bad-json"
    assert decode_line(b'{"a": "\xff"}') == "invalid-utf8"
    assert decode_line(b"[1, 2]") == "not-object"
    assert decode_line(b'  {"a": 1}  ') == {"a": 1}
