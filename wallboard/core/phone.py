"""Phone numbers compared as the same line, whatever way they are written."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

# Fewer digits than this are not a number to match on ("Anonymous", an extension "12").
MIN_MATCH_DIGITS = 5


def phone_key(phone: str) -> str | None:
    """The digits of `phone` in one national form, or None when it cannot identify a caller.

    Israeli numbers arrive as `0501234567`, `972501234567`, `+972-50-123-4567` or
    `00972501234567`: all give `0501234567`. Other international numbers keep their digits
    without the `00` prefix.
    """
    digits = "".join(ch for ch in phone if "0" <= ch <= "9")
    if digits.startswith("00"):
        digits = digits[2:]
    if digits.startswith("972"):
        digits = "0" + digits[3:]
    return digits if len(digits) >= MIN_MATCH_DIGITS else None


MASK = "•"


def mask_phone(phone: str, keep: int = 4) -> str:
    """A caller's number with all but its last `keep` digits hidden: `•••••4567`.

    Only digits are hidden (and the characters between them), so `Anonymous` stays as it
    is; a number of `keep` digits or fewer is hidden whole, its last digits being all of it.
    """
    digits = sum(ch.isdigit() for ch in phone)
    if digits == 0:
        return phone
    if digits <= keep:
        return MASK * len(phone)
    last = len(phone)
    seen = 0
    while last > 0 and seen < keep:
        last -= 1
        if phone[last].isdigit():
            seen += 1
    return MASK * last + phone[last:]


# A number inside free text (a recording's file name, custom data, an alert's sentence):
# digits, maybe split by spaces, dashes or dots, with MIN_MATCH_DIGITS digits or more.
_NUMBER_IN_TEXT = re.compile(r"(?<![^\W_])\+?\d(?:[ \-.]?\d){" + str(MIN_MATCH_DIGITS - 1) + ",}")


def mask_numbers(text: str, show_phone: Callable[[str], str] = mask_phone) -> str:
    """`text` with every number long enough to be a caller's drawn by `show_phone`.

    For fields that may carry a caller's number among other things (a recording's file
    name such as `...-972501234567.mp3`, custom data): short numbers (an extension, a
    count) are left alone.
    """
    if not any(ch.isdigit() for ch in text):
        return text
    return _NUMBER_IN_TEXT.sub(lambda found: show_phone(found.group()), text)


# Fields that hold a caller's number and nothing else (the wire's and the day report's).
PHONE_FIELDS = frozenset({"callerphone", "Phone", "phone"})


def mask_document(document: Any) -> Any:
    """A JSON document (`snapshot --json`, `stats --json`) with caller numbers masked
    (`--mask`): number fields by `mask_phone`, every other string by `mask_numbers`, so a
    number inside a recording's file name, custom data or an alert's sentence goes too."""
    if isinstance(document, dict):
        return {
            key: mask_phone(value)
            if key in PHONE_FIELDS and isinstance(value, str)
            else mask_document(value)
            for key, value in document.items()
        }
    if isinstance(document, list | tuple):
        return [mask_document(item) for item in document]
    if isinstance(document, str):
        return mask_numbers(document)
    return document
