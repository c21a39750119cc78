"""The alert list on the board: open it, acknowledge an alert, mute notifications."""

from __future__ import annotations

import itertools

from ui_support import make_app, running, screen_text, settle

from wallboard.core.alerts import AlertBook, AlertRules, QueueAlertRules
from wallboard.core.clock import FakeClock
from wallboard.hub.alert_watch import AlertWatch
from wallboard.ui.alert_list import AlertList


def watch() -> AlertWatch:
    rules = AlertRules(queue_default=QueueAlertRules(wait_alert_s=30), status_after_s={3: 60})
    return AlertWatch(rules, AlertBook(clear_after_s=30, renotify_s=300))


async def test_alerts_are_counted_on_the_health_line_and_listed_with_a(clock: FakeClock) -> None:
    app = make_app(clock)
    app.alerts = watch()
    async with running(app, size=(160, 40)) as pilot:
        app.redraw_timers()
        await settle(pilot)
        active = app.alerts.book.active
        assert "queue:" in " ".join(active)
        assert f"⚑ {len(active)} alert" in screen_text(app)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AlertList)
        text = screen_text(app)
        assert f"Alerts: {len(active)} active, 0 cleared" in text
        assert "a caller has waited" in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AlertList)


async def test_enter_acknowledges_and_m_mutes_from_the_list(clock: FakeClock) -> None:
    app = make_app(clock)
    app.alerts = watch()
    async with running(app, size=(160, 40)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        first = app.alerts.book.listing()[0]
        await pilot.press("enter")
        await pilot.pause()
        assert app.alerts.book.active[first.key].acknowledged
        assert "(acknowledged)" in screen_text(app)
        await pilot.press("m")
        await pilot.pause()
        assert app.alerts.book.is_muted(clock.now())
        assert "notifications muted for 15:00" in screen_text(app)
        # nothing is notified while muted, even past the re-notify time
        clock.advance(400)
        changes = app.alerts.check(app.board, app.health, clock.now())
        assert changes.notify == ()
        await pilot.press("m")
        await pilot.pause()
        assert not app.alerts.book.is_muted(clock.now())


async def test_a_cleared_alert_moves_to_the_cleared_part_of_the_list(clock: FakeClock) -> None:
    from ui_support import make_snapshot

    app = make_app(clock)
    app.alerts = watch()
    async with running(app, size=(160, 40)) as pilot:
        assert app.alerts.book.active
        app.show_snapshot(make_snapshot(clock, queues=[]))  # nobody waits any more
        clock.advance(31)
        app.check_alerts(clock.now())
        await pilot.press("a")
        await pilot.pause()
        text = screen_text(app)
        assert "(cleared)" in text
        assert "0 active" in text or "active," in text


async def test_alerts_are_checked_every_few_seconds_by_polls_or_by_the_tick(
    clock: FakeClock,
) -> None:
    """Thousands of agents are not checked at every poll: every ALERT_CHECK_S, by whichever
    comes (a poll, or the tick, which goes on when the data stops: the stale alert)."""
    from ui_support import make_snapshot

    from wallboard.ui.app import ALERT_CHECK_S

    app = make_app(clock)
    app.alerts = AlertWatch(
        AlertRules(stale_alert_s=30), AlertBook(clear_after_s=30, renotify_s=300)
    )
    checks: list[float] = []
    check = app.alerts.check

    def counting_check(*args: object, **kwargs: object) -> object:
        checks.append(clock.now())
        return check(*args, **kwargs)  # type: ignore[arg-type]

    app.alerts.check = counting_check  # type: ignore[method-assign]
    async with running(app, size=(160, 40)) as pilot:
        assert checks  # the first picture is checked at once
        for _ in range(10):  # polls every 2 s, ticks every second
            clock.advance(1)
            app.tick()
            clock.advance(1)
            app.show_snapshot(make_snapshot(clock))
            app.tick()
        assert "centre:stale" not in app.alerts.book.active
        for _ in range(60):  # the data stops: the ticks go on checking
            clock.advance(1)
            app.tick()
        await settle(pilot)
        # (A check before the first data, if any, counts for nothing: the first picture's
        # follows at once.)
        with_data = checks[1:] if len(checks) > 1 and checks[1] == checks[0] else checks
        gaps = [later - before for before, later in itertools.pairwise(with_data)]
        assert len(gaps) >= 14 and all(gap == ALERT_CHECK_S for gap in gaps), gaps
        assert "centre:stale" in app.alerts.book.active
        assert "No fresh data" in app.alerts.book.active["centre:stale"].text
        # The wall clock set back an hour: the next tick checks (never an hour's silence).
        checked = len(checks)
        clock.advance(-3600)
        app.tick()
        assert len(checks) == checked + 1
