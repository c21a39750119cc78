"""The alert book on a fake clock: raise, hold, clear, hysteresis, notify, acknowledge, mute."""

from __future__ import annotations

from wallboard.core.alerts import AlertBook, Condition, Level

T0 = 1_800_000_000.0


def wait_alert(seconds: float, level: Level = Level.ALERT) -> Condition:
    return Condition(
        "queue:7:wait", level, "queue", "Support", f"Support: a caller has waited {seconds}", "7"
    )


def test_an_alert_is_raised_once_and_notified_at_once():
    book = AlertBook(clear_after_s=30, renotify_s=300)
    first = book.update([wait_alert(190)], T0)
    assert [a.key for a in first.raised] == ["queue:7:wait"]
    assert [a.key for a in first.notify] == ["queue:7:wait"]
    second = book.update([wait_alert(200)], T0 + 5)
    assert second.raised == () and second.notify == ()
    assert book.active["queue:7:wait"].text.endswith("200")  # the sentence follows
    assert book.active["queue:7:wait"].first_seen == T0


def test_it_clears_only_after_the_condition_was_false_for_clear_after_s():
    book = AlertBook(clear_after_s=30, renotify_s=300)
    book.update([wait_alert(190)], T0)
    assert book.update([], T0 + 10).cleared == ()
    assert book.update([], T0 + 29).cleared == ()
    cleared = book.update([], T0 + 30).cleared
    assert [a.key for a in cleared] == ["queue:7:wait"]
    assert cleared[0].cleared_at == T0 + 30
    assert book.active == {}
    assert [a.key for a in book.listing()] == ["queue:7:wait"]  # among the cleared


def test_a_value_wobbling_at_the_line_raises_one_alert_not_ten():
    book = AlertBook(clear_after_s=30, renotify_s=300)
    raised = 0
    for step in range(40):  # true, false, true, false... every 5 s for over 3 minutes
        conditions = [wait_alert(180)] if step % 2 == 0 else []
        raised += len(book.update(conditions, T0 + 5 * step).raised)
    assert raised == 1
    assert len(book.cleared) == 0


def test_an_active_alert_is_notified_again_every_renotify_s_only():
    book = AlertBook(clear_after_s=30, renotify_s=300)
    times = [T0 + 10 * n for n in range(70)]  # ~11.5 minutes, condition always true
    notified = [t for t in times if book.update([wait_alert(200)], t).notify]
    assert notified == [T0, T0 + 300, T0 + 600]


def test_an_acknowledged_alert_is_not_notified_until_it_clears_and_comes_back():
    book = AlertBook(clear_after_s=30, renotify_s=60)
    book.update([wait_alert(190)], T0)
    assert book.acknowledge("queue:7:wait")
    assert book.update([wait_alert(190)], T0 + 120).notify == ()
    book.update([], T0 + 121)
    book.update([], T0 + 160)  # cleared
    back = book.update([wait_alert(185)], T0 + 170)
    assert [a.key for a in back.raised] == ["queue:7:wait"]
    assert [a.key for a in back.notify] == ["queue:7:wait"]
    assert not book.acknowledge("queue:8:wait")


def test_a_worse_level_is_notified_at_once_even_when_acknowledged():
    book = AlertBook(clear_after_s=30, renotify_s=300)
    book.update([wait_alert(70, Level.WARN)], T0)
    book.acknowledge("queue:7:wait")
    worse = book.update([wait_alert(190, Level.ALERT)], T0 + 10)
    assert [a.level for a in worse.notify] == [Level.ALERT]


def test_mute_stops_every_notification_for_its_time_but_not_the_alerts():
    book = AlertBook(clear_after_s=30, renotify_s=60)
    book.mute(T0, 600)
    muted = book.update([wait_alert(190)], T0 + 1)
    assert [a.key for a in muted.raised] == ["queue:7:wait"]  # still on screen
    assert muted.notify == ()
    assert book.is_muted(T0 + 599)
    assert book.update([wait_alert(190)], T0 + 300).notify == ()
    after = book.update([wait_alert(190)], T0 + 601)
    assert [a.key for a in after.notify] == ["queue:7:wait"]
    book.mute(T0 + 602, 0)
    assert not book.is_muted(T0 + 602)


def test_the_list_shows_the_worst_active_first_then_the_cleared():
    book = AlertBook(clear_after_s=0, renotify_s=300)
    warn = Condition("agent:a1:status", Level.WARN, "agent", "Dana", "Dana: Lunch 50:00", "a1")
    gone = Condition("centre:stale", Level.ALERT, "centre", "centre", "stale")
    book.update([warn, gone], T0)
    book.update([warn, wait_alert(190)], T0 + 1)  # stale clears at once (clear_after_s 0)
    keys = [a.key for a in book.listing()]
    assert keys == ["queue:7:wait", "agent:a1:status", "centre:stale"]
