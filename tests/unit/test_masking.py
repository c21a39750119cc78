"""Caller numbers masked inside free text and in whole JSON documents (`--mask`)."""

from __future__ import annotations

from wallboard.core.alerts import Alert, Level
from wallboard.core.phone import mask_document, mask_numbers, mask_phone


def test_numbers_inside_text_are_masked_short_ones_kept() -> None:
    name = "2020101201cc7b38df-aws-SIPSIP2-972501234567.mp3"
    assert mask_numbers(name) == "••••••1201cc7b38df-aws-SIPSIP2-••••••••4567.mp3"
    assert mask_numbers("call +972-50-123-4567 now") == "call ••••••••••••4567 now"
    assert mask_numbers("ext 1006, 3 calls") == "ext 1006, 3 calls"
    assert mask_numbers("no digits") == "no digits"


def test_a_document_is_masked_everywhere_numbers_hide() -> None:
    document = {
        "callerphone": "0501234567",
        "Phone": "1006",
        "recording": {"Filename": "x-972501234567.mp3"},
        "customdata": {"Back": "0501234567"},
        "alerts": [{"text": "Dana: talking to 0501234567 and not recorded"}],
        "callStarted": 1800000000,
    }
    masked = mask_document(document)
    assert "501234567" not in repr(masked)
    assert masked["callerphone"] == "••••••4567"
    assert masked["Phone"] == "••••"  # a short number is hidden whole
    assert masked["callStarted"] == 1800000000  # numbers that are not text stay


def test_an_alert_masks_its_number_where_it_is_drawn() -> None:
    alert = Alert(
        "agent:s1:not-recorded",
        Level.ALERT,
        "agent",
        "Dana",
        "s1",
        "Dana: talking to 0501234567 and not recorded",
        first_seen=0.0,
        last_true=0.0,
        phone="0501234567",
    )
    assert alert.text_for(mask_phone) == "Dana: talking to ••••••4567 and not recorded"
    assert alert.text_for(str) == alert.text
    sent = alert.masked(mask_phone).to_json()
    assert "501234567" not in repr(sent)
