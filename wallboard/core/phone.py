"""Phone numbers compared as the same line, whatever way they are written."""

from __future__ import annotations

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
