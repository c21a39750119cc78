"""The one JSON encoder: strict RFC 8259, strings kept exactly, terminal-safe."""

from __future__ import annotations

import json
import math
import unicodedata
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from wallboard.core.jsonout import dumps, encode


def strict_loads(text: str) -> Any:
    """json.loads that refuses NaN, Infinity and -Infinity, as RFC 8259 does."""

    def refuse(constant: str) -> Any:
        raise AssertionError(f"not RFC 8259 JSON: bare {constant}")

    return json.loads(text, parse_constant=refuse)


def test_a_lone_surrogate_is_replaced_visibly_and_reported():
    encoded = encode({"name": "Dana \ud800 Levi", "\udc00key": ["ok"]})
    assert strict_loads(encoded.text) == {"name": "Dana \ufffd Levi", "\ufffdkey": ["ok"]}
    assert encoded.lone_surrogates == 2
    assert "lone surrogates" in encoded.problems()[0]
    encoded.text.encode("utf-8")  # printable as UTF-8: no UnicodeEncodeError


def test_characters_above_the_bmp_escape_as_surrogate_pairs():
    text = "\U000e0067 tag, \U0001f600 emoji, \u202e bidi, \x9b C1, \x7f DEL"
    for ascii_only in (False, True):
        out = dumps({"s": text}, ascii_only=ascii_only)
        assert "\\ue0067" not in out
        assert "\\udb40\\udc67" in out  # U+E0067 as the pair RFC 8259 section 7 asks for
        assert strict_loads(out) == {"s": text}
        assert all(ch.isascii() for ch in out) or not ascii_only
        assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in out)


def test_non_finite_numbers_are_null_and_reported():
    encoded = encode({"custom": {"big": json.loads("1e400"), "nan": math.nan, "x": -math.inf}})
    assert "Infinity" not in encoded.text and "NaN" not in encoded.text
    assert strict_loads(encoded.text) == {"custom": {"big": None, "nan": None, "x": None}}
    assert encoded.non_finite == 3


def test_huge_integers_and_deep_nesting_survive():
    deep: Any = "bottom"
    for _ in range(5000):
        deep = {"d": [deep]}
    document = {"n": -(2**70), "deep": deep, "t": (1, 2.5, True, None), 3: "k"}
    text = dumps(document)
    assert text.startswith('{"n": -1180591620717411303424, "deep": {"d": [{"d": [')
    assert text.endswith('"t": [1, 2.5, true, null], "3": "k"}')
    assert text.count("[") == 5001 and text.count("{") == 5001


def test_the_text_is_what_json_writes_for_ordinary_documents():
    document = {"a": [1, -2.5, 1e300, None, True, False, 'x"y\\z\n'], "b": {}, "c": []}
    assert dumps(document) == json.dumps(document)
    assert dumps(document, ascii_only=True) == json.dumps(document)


def test_a_container_that_holds_itself_is_an_error_not_a_hang():
    loop: list[Any] = [1]
    loop.append(loop)
    try:
        dumps({"x": loop})
    except ValueError:
        pass
    else:
        raise AssertionError("a cycle was written")
    shared = [1, 2]
    assert strict_loads(dumps({"a": shared, "b": shared})) == {"a": [1, 2], "b": [1, 2]}


any_text = st.text(alphabet=st.characters(exclude_categories=()), max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(any_text, st.lists(any_text, max_size=3), max_size=4), st.booleans())
def test_every_string_round_trips_unless_it_holds_a_lone_surrogate(document, ascii_only):
    encoded = encode(document, ascii_only=ascii_only)
    back = strict_loads(encoded.text)
    encoded.text.encode("utf-8")

    def has_surrogate(text: str) -> bool:
        return any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)

    if not any(has_surrogate(k) or any(map(has_surrogate, v)) for k, v in document.items()):
        assert back == document
        assert encoded.lone_surrogates == 0
    for ch in encoded.text:
        assert unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp"), repr(ch)
