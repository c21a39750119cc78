"""Read the extensions answer item by item from its raw bytes, reusing unchanged items.

Between two polls about 97 % of a big centre's extensions arrive byte for byte as before.
Decoding the whole answer (700 KB for 2,000 extensions) and comparing every decoded item
with the last answer's costs about 16 ms a poll; cutting the bytes into items and looking
each one up among the last answer's costs about 3.

The cut is a guess that is checked, never trusted. It looks for the list of a compact,
PHP-style answer (`{"ERR":0,"DESC":"OK","EXTENSIONS":[{"name":…},{"name":…}]}`) and splits
it where an item ends and the next begins with the same first key. Each piece is then
either decoded as one whole JSON object or is byte for byte a piece that was. When every
piece is one object, and the answer with its list emptied (the envelope) decodes on its
own, the answer reads exactly as the envelope holding those objects. Anything else (a
separator inside a string or a nested list, spaces, another layout) makes a piece that is
not one object, and the caller decodes the whole answer the ordinary way instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from wallboard.api.decode import may_hold_a_huge_integer
from wallboard.api.models import Extension
from wallboard.api.parse import SkippedItem, extension_reader, read_item


@dataclass(frozen=True, slots=True)
class CutAnswer:
    """An answer cut into its envelope and the raw pieces of its list's items."""

    body: bytes  # the whole answer, for the ordinary reading when the cut fails
    envelope: bytes  # the answer with its list emptied: ERR and DESC, to check first
    head: bytes  # `{"firstkey":`, which every item begins with
    pieces: list[bytes]  # each item's bytes after `head`, without its closing brace

    def item(self, index: int) -> bytes:
        """The whole bytes of item `index`."""
        return self.head + self.pieces[index] + b"}"


def cut_answer(body: bytes, list_key: str) -> CutAnswer | None:
    """Cut a compact answer whose list `list_key` comes last; None for any other layout."""
    marker = b'"' + list_key.encode("ascii") + b'":['
    start = body.find(marker)
    if start < 0 or body.find(marker, start + 1) >= 0:
        return None
    end = len(body.rstrip())
    if body[end - 2 : end] != b"]}":
        return None
    list_start = start + len(marker)
    envelope = body[:list_start] + b"]}"
    if list_start == end - 2:
        return CutAnswer(body, envelope, b"", [])
    if body[list_start : list_start + 2] != b'{"' or body[end - 3 : end - 2] != b"}":
        return None
    key_end = body.find(b'":', list_start + 2, list_start + 200)
    if key_end < 0:
        return None
    head = body[list_start : key_end + 2]
    if b'"' in head[2:-2] or b"\\" in head:
        return None  # a key with escapes: leave it to the ordinary reading
    pieces = body[list_start + len(head) : end - 3].split(b"}," + head)
    return CutAnswer(body, envelope, head, pieces)


class PieceMemo:
    """The previous answer's extensions by their exact bytes (bounded by one answer)."""

    def __init__(self) -> None:
        self.models: dict[bytes, Extension] = {}

    def __len__(self) -> int:
        return len(self.models)


def parse_extension_pieces(
    cut: CutAnswer, memo: PieceMemo
) -> tuple[list[Extension], list[SkippedItem]] | None:
    """The extensions of a cut answer, as `parse_extensions` would read them.

    None when a piece is not one JSON object: the cut was wrong, or the answer needs the
    lenient decoder (NaN, integers beyond 64 bits: `wallboard.api.decode`). The memo is
    then left as it was.
    """
    skipped: list[SkippedItem] = []
    read_extension = extension_reader(skipped)
    known = memo.models.get
    kept: dict[bytes, Extension] = {}
    extensions: list[Extension] = []
    for index, piece in enumerate(cut.pieces):
        model = known(piece)
        if model is None:
            item = cut.item(index)
            if may_hold_a_huge_integer(item):
                return None  # orjson would read a huge integer as a float: decode it whole
            try:
                raw = orjson.loads(item)
            except orjson.JSONDecodeError:
                return None
            skips_before = len(skipped)
            model = read_item(raw, index, "EXTENSIONS", "username", read_extension, skipped)
            if model is None:
                continue
            if len(skipped) != skips_before:
                # Read afresh each time, as `parse_extensions` does, so the report repeats.
                extensions.append(model)
                continue
        kept[piece] = model
        extensions.append(model)
    memo.models = kept
    return extensions, skipped
