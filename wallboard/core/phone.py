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
