"""The one JSON encoder for everything the product writes (`snapshot --json`, `stats --json`).

Use `dumps(obj)` for the text, or `encode(obj)` for the text and a report of what had to be
changed. The output is strict RFC 8259 JSON, safe to print on a terminal:

- every string decodes back exactly as it was (the API's strings are kept as received);
- a lone surrogate (U+D800..U+DFFF alone, which no UTF-8 text can hold) becomes U+FFFD, the
  visible replacement character, and the report counts it, so that callers can say so;
- a float that is not finite (`1e400` in custom data reads as infinity, NaN) becomes `null`
  (JSON has no such numbers) and the report counts it;
- control, format and separator characters (C0, DEL, C1, bidi overrides, zero-widths, tag
  characters, U+2028/U+2029) are written as `\\uXXXX` escapes, characters above U+FFFF as a
  surrogate pair of escapes (`\\udb40\\udc67` for U+E0067), so printing the JSON cannot
  drive a terminal while the data still decodes exactly;
- with `ascii_only`, every non-ASCII character is escaped likewise.

Pure: no I/O. Written with an explicit stack, not recursion: any depth of custom data the
parser accepted is written too (the standard library's encoder stops near 1,000 levels,
counting the caller's own stack).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Any

REPLACEMENT = "\ufffd"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Characters that may need escaping: DEL and everything beyond ASCII (json already escapes
# C0 controls, quotes and backslashes). Which of them really do is decided per character.
_MAYBE_UNSAFE = re.compile("[\x7f-\U0010ffff]")
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


@dataclass(frozen=True, slots=True)
class Encoded:
    """JSON text, and how many values had to change to make it strict JSON."""

    text: str
    lone_surrogates: int = 0  # strings (values or keys) in which lone surrogates were replaced
    non_finite: int = 0  # floats (inf, -inf, NaN) written as null

    def problems(self) -> list[str]:
        """What was changed, in words (empty when nothing was)."""
        said = []
        if self.lone_surrogates:
            said.append(f"{self.lone_surrogates} string(s) held lone surrogates, written as U+FFFD")
        if self.non_finite:
            said.append(f"{self.non_finite} number(s) were not finite, written as null")
        return said


def dumps(obj: Any, *, ascii_only: bool = False) -> str:
    """`obj` as strict, terminal-safe RFC 8259 JSON text (see the module's docstring)."""
    return encode(obj, ascii_only=ascii_only).text


def encode(obj: Any, *, ascii_only: bool = False) -> Encoded:
    """`obj` as strict JSON text, with a count of the values that had to be replaced.

    `obj` is made of dicts, lists, tuples, strings, ints, floats, bools and None; dict keys
    are strings, or ints, floats, bools and None (written as strings, as `json` does).
    Raises TypeError for anything else and ValueError for a container that holds itself.
    """
    counts = _Counts()
    text = _write(obj, counts, encode_basestring_ascii if ascii_only else encode_basestring)
    if not ascii_only:
        text = _MAYBE_UNSAFE.sub(_escape_if_unsafe, text)
    return Encoded(text, counts.surrogates, counts.non_finite)


class _Counts:
    __slots__ = ("non_finite", "surrogates")

    def __init__(self) -> None:
        self.surrogates = 0
        self.non_finite = 0


class _Close:
    """On the work stack: the end of a container (its closing text), and which it was."""

    __slots__ = ("ident", "text")

    def __init__(self, text: str, ident: int) -> None:
        self.text = text
        self.ident = ident


class _Text(str):
    """On the work stack: text to write as it is (a separator and an object's key)."""

    __slots__ = ()


def _write(obj: Any, counts: _Counts, quote: Callable[[str], str]) -> str:
    """The JSON text of `obj`, written with an explicit stack (no recursion, any depth)."""
    out: list[str] = []
    pending: list[Any] = [obj]
    open_containers: set[int] = set()  # on the path being written: a cycle is an error
    while pending:
        item = pending.pop()
        kind = type(item)
        if kind is _Text:
            out.append(item)
        elif kind is _Close:
            out.append(item.text)
            open_containers.discard(item.ident)
        elif isinstance(item, str):
            out.append(quote(_clean_str(item, counts)))
        elif item is None or item is True or item is False:
            out.append(_CONSTANTS[item])
        elif isinstance(item, int):
            out.append(int.__repr__(item))
        elif isinstance(item, float):
            out.append(_float(item, counts))
        elif isinstance(item, dict | list | tuple):
            ident = id(item)
            if ident in open_containers:
                raise ValueError("a container holds itself: not JSON")
            if not item:
                out.append("{}" if isinstance(item, dict) else "[]")
                continue
            open_containers.add(ident)
            if isinstance(item, dict):
                pending.append(_Close("}", ident))
                entries = list(item.items())
                for index in range(len(entries) - 1, -1, -1):
                    key, value = entries[index]
                    pending.append(value)
                    head = "{" if index == 0 else ", "
                    pending.append(_Text(f"{head}{quote(_key(key, counts))}: "))
            else:
                pending.append(_Close("]", ident))
                for index in range(len(item) - 1, -1, -1):
                    pending.append(item[index])
                    if index:
                        pending.append(_Text(", "))
                pending.append(_Text("["))
        else:
            raise TypeError(f"{kind.__name__} is not JSON-able")
    return "".join(out)


_CONSTANTS = {None: "null", True: "true", False: "false"}


def _float(value: float, counts: _Counts) -> str:
    if math.isfinite(value):
        return float.__repr__(value)
    counts.non_finite += 1
    return "null"


def _key(key: Any, counts: _Counts) -> str:
    """An object key as the string `json` would make of it (non-finite floats: "null")."""
    if isinstance(key, str):
        return _clean_str(key, counts)
    if key is None or key is True or key is False:
        return _CONSTANTS[key]
    if isinstance(key, int):
        return int.__repr__(key)
    if isinstance(key, float):
        return _float(key, counts)
    raise TypeError(f"an object key of type {type(key).__name__} is not JSON-able")


def _escape_if_unsafe(match: re.Match[str]) -> str:
    char = match.group()
    if unicodedata.category(char) not in _UNSAFE_CATEGORIES:
        return char
    return _escape(char)


def _escape(char: str) -> str:
    """A character as JSON `\\u` escapes: a surrogate pair above U+FFFF (RFC 8259, 7)."""
    point = ord(char)
    if point <= 0xFFFF:
        return f"\\u{point:04x}"
    point -= 0x10000
    return f"\\u{0xD800 | (point >> 10):04x}\\u{0xDC00 | (point & 0x3FF):04x}"


def _clean_str(text: str, counts: _Counts) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        counts.surrogates += 1
        return _LONE_SURROGATE.sub(REPLACEMENT, text)
    return text
