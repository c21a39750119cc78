"""The ticker on the board: what just happened, from the day's outcomes, agents' status
changes and alerts; `t` pauses it and opens today's events in full."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from rich.style import Style
from ui_support import (
    HOSTILE_NAME,
    T0,
    fixed_extensions,
    fixed_queues,
    make_app,
    make_snapshot,
    running,
    screen_text,
    settle,
)

from wallboard.core.alerts import AlertBook, AlertRules, QueueAlertRules
from wallboard.core.calendar import DayCalendar
from wallboard.core.clock import FakeClock
from wallboard.core.day_metrics import ABANDONED, ANSWERED, ThresholdTable
from wallboard.core.events import ALERT, STATUS, Event, Ticker
from wallboard.hub.alert_watch import AlertWatch
from wallboard.hub.recorder import DayRecorder
from wallboard.sources.base import HubState
from wallboard.ui.app import WallboardApp
from wallboard.ui.ticker_list import EventLines, TickerList
from wallboard.ui.widgets.ticker_view import TickerLine, TickerPanel


def recorder(path: Path) -> DayRecorder:
    return DayRecorder.open(
        path,
        calendar=DayCalendar(UTC),
        thresholds=ThresholdTable(),
        interval_s=5.0,
        keep_days=35,
    )


def line(app: WallboardApp) -> str:
    return app.query_one(TickerLine).content


def next_poll(clock: FakeClock, *, lunch_over: bool = True, support_gone: bool = True):
    """Five seconds on: Grace is back from lunch and Support's caller hung up."""
    clock.advance(5)
    extensions = fixed_extensions()
    if lunch_over:
        grace = next(e for e in extensions if e["name"] == "Grace Lunch")
        grace["onlineUserStatus"] = 1
    queues = fixed_queues()
    if support_gone:
        queues[1]["Callers"] = []
    return make_snapshot(clock, extensions, queues)


async def test_the_line_says_who_hung_up_and_who_came_back_newest_first(
    clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(clock)
    app.recorder = recorder(tmp_path / "day.db")
    async with running(app, size=(160, 40)) as pilot:
        assert line(app) == "Latest (t): nothing yet today"
        app.show_snapshot(next_poll(clock))
        # A caller who left is told answered or abandoned a poll later (core/outcomes.py).
        app.show_snapshot(next_poll(clock))
        await settle(pilot)
        kinds = [event.kind for event in app.ticker.events]
        assert ABANDONED in kinds and STATUS in kinds, app.ticker.events
        text = line(app)
        assert "Grace Lunch → Logged in" in text
        # Not in wall mode: the number is shown as is ("wall" masking is the default).
        assert "0502000001 abandoned Support after 4:0" in text
        rows = screen_text(app).splitlines()
        # On screen: the row above the health line, cut with an ellipsis at the width.
        assert rows[-3].startswith(" Latest (t): ") and "Grace Lunch → Logged in" in rows[-3]
        # In wall mode (masked by default there) the same event hides the number.
        await pilot.press("w")
        await settle(pilot)
        masked = line(app)
        assert "0502000001" not in masked
        assert "••••••0001 abandoned Support" in masked


async def test_a_quiet_poll_adds_nothing_and_redraws_nothing(clock: FakeClock) -> None:
    app = make_app(clock)
    async with running(app, size=(160, 40)) as pilot:
        app.show_snapshot(next_poll(clock, support_gone=False))
        await settle(pilot)
        added = app.ticker.added
        drawn = app.query_one(TickerLine)._lines
        app.show_snapshot(next_poll(clock, support_gone=False))
        await settle(pilot)
        assert app.ticker.added == added
        assert app.query_one(TickerLine)._lines is drawn


async def test_alerts_raised_appear_in_the_ticker_in_their_level_colour(
    clock: FakeClock,
) -> None:
    app = make_app(clock)
    rules = AlertRules(queue_default=QueueAlertRules(wait_alert_s=30), status_after_s={3: 60})
    app.alerts = AlertWatch(rules, AlertBook(clear_after_s=30, renotify_s=300))
    async with running(app, size=(160, 40)) as pilot:
        app.check_alerts(clock.now())
        await settle(pilot)
        alerts = [event for event in app.ticker.events if event.kind == ALERT]
        assert len(alerts) == len(app.alerts.book.active) > 0
        for event in alerts[:12]:
            assert event.detail in line(app)
        # Coloured by level: the span of each alert's sentence has its level's style.
        drawn = app.query_one(TickerLine)._lines[0]
        first = alerts[0]
        start = drawn.plain.index(first.detail)
        styles = [span.style for span in drawn.spans if span.start == start]
        assert styles and styles[0] == app._level_styles[first.level]
        assert isinstance(styles[0], Style) and styles[0].color is not None
        # The callers are answered: once the wait alerts have been false `clear_after_s`,
        # the ticker says they cleared.
        queues = fixed_queues()
        for queue in queues:
            queue["Callers"] = []
        clock.advance(5)
        app.show_snapshot(make_snapshot(clock, queues=queues))
        clock.advance(31)
        app.check_alerts(clock.now())
        await settle(pilot)
        cleared = [e for e in app.ticker.events if e.detail.startswith("cleared: ")]
        assert cleared and all(e.level == "" for e in cleared)
        assert "cleared: Sales: a caller has waited" in line(app)


async def test_hostile_names_are_drawn_as_plain_text(clock: FakeClock) -> None:
    app = make_app(clock)
    async with running(app, size=(200, 40)) as pilot:
        extensions = fixed_extensions()
        hostile = next(e for e in extensions if e["name"] == HOSTILE_NAME)
        hostile["onlineUserStatus"] = 3
        clock.advance(5)
        app.show_snapshot(make_snapshot(clock, extensions))
        await settle(pilot)
        text = line(app)
        assert "[bold red]x" in text  # the markup is text, not a style
        assert "\x1b" not in text and "\x07" not in text
        assert "[bold red]x" in screen_text(app)


async def test_t_pauses_the_ticker_and_opens_todays_events_in_full(clock: FakeClock) -> None:
    app = make_app(clock)
    async with running(app, size=(120, 30)) as pilot:
        app.add_events(
            Event(T0 + n, ABANDONED, phone=f"05{n:08d}", queue="Sales", seconds=n)
            for n in range(200)
        )
        await settle(pilot)
        assert "0500000199 abandoned Sales after 3:19" in line(app)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TickerList)
        text = screen_text(app)
        assert "Today's events: 200, newest first" in text
        assert "ticker paused" in text
        assert "08:03:19  0500000199 abandoned Sales after 3:19" in text
        # Paused: news waits, in the list and on the line.
        before_line = line(app)
        app.add_events([Event(T0 + 500, STATUS, who="Dana Levi", detail="Lunch break")])
        await settle(pilot)
        assert "Dana Levi" not in screen_text(app)
        assert line(app) == before_line
        # The whole day scrolls: End shows the oldest event.
        await pilot.press("end")
        await settle(pilot)
        events = app.screen.query_one(EventLines)
        assert events.scroll_y > 0
        assert "0500000000 abandoned Sales after 0:00" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, TickerList)
        assert line(app).startswith("Latest (t): Dana Levi → Lunch break")
        # t again opens it, and t closes it too.
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TickerList)
        await pilot.press("t")
        await settle(pilot)
        assert not isinstance(app.screen, TickerList)


async def test_the_full_list_is_bounded_by_the_tickers_limit(clock: FakeClock) -> None:
    app = make_app(clock)
    app.ticker = Ticker(limit=50)
    async with running(app, size=(120, 30)) as pilot:
        app.add_events(Event(T0 + n, STATUS, who=f"A{n}", detail="Break") for n in range(120))
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TickerList)
        assert len(app.screen.events) == 50
        assert app.screen.query_one(EventLines).virtual_size.height == 50
        assert "Today's events: 50" in screen_text(app)


async def test_a_wide_screen_shows_the_ticker_as_a_panel(clock: FakeClock) -> None:
    app = make_app(clock)
    async with running(app, size=(240, 50)) as pilot:
        app.add_events(
            Event(T0 + n, ANSWERED, who="Yossi Cohen", phone="0502223344", seconds=36)
            for n in range(3)
        )
        await settle(pilot)
        panel = app.query_one(TickerPanel)
        assert panel.display and not app.query_one(TickerLine).display
        assert (
            panel.content.splitlines()[0] == "08:00:02  Yossi Cohen answered 0502223344 after 0:36"
        )
        assert "Latest (t: all today)" in screen_text(app)
    narrow = make_app(clock)
    async with running(narrow, size=(160, 50)) as pilot:
        assert not narrow.query_one(TickerPanel).display
        assert narrow.query_one(TickerLine).display


async def test_following_a_hub_takes_its_outcomes_once_each(clock: FakeClock) -> None:
    app = make_app(clock)
    async with running(app, size=(160, 40)) as pilot:
        answered = Event(T0 - 3, ANSWERED, who="Yossi Cohen", phone="0502223344", seconds=36)
        abandoned = Event(T0 - 2, ABANDONED, phone="0504445566", queue="Support", seconds=30)
        # The board makes its own status changes and alert events: the hub's are not taken.
        status = Event(T0 - 1, STATUS, who="Dana Levi", detail="Lunch break")
        alert = Event(T0 - 1, ALERT, detail="Support: 4 callers", level="alert")
        state = HubState("hub-1", 5.0, events=(answered, abandoned, status, alert))
        app.show_hub_state(state)
        app.show_hub_state(state)  # the same report again: nothing new
        app.show_hub_state(HubState("hub-1", 5.0, events=(abandoned,)))
        await settle(pilot)
        assert list(app.ticker.events) == [abandoned, answered]
        assert line(app).startswith(
            "Latest (t): 0504445566 abandoned Support after 0:30 · Yossi Cohen answered"
        )


async def test_midnight_empties_todays_list_on_the_tick_with_nothing_happening(
    clock: FakeClock,
) -> None:
    """A wall board at a centre closed overnight: yesterday's events leave the line and the
    panel at the start of the day, not with the first call of the morning."""
    app = make_app(clock)
    async with running(app, size=(220, 50)) as pilot:
        app.show_hub_state(
            HubState("hub-1", 5.0, events=(Event(clock.now() - 3, ANSWERED, who="Yossi Cohen"),))
        )
        await settle(pilot)
        assert "Yossi Cohen answered" in line(app)
        midnight = (clock.now() // 86400 + 1) * 86400
        clock.advance(midnight + 1 - clock.now())
        app.tick()
        await settle(pilot)
        assert line(app) == "Latest (t): nothing yet today"
        assert "Yossi Cohen" not in screen_text(app)


async def test_an_event_no_clock_can_show_is_listed_without_harm(clock: FakeClock) -> None:
    """The feed's decoder drops such events; the board must not fail on one anyway."""
    app = make_app(clock)
    async with running(app, size=(220, 50)) as pilot:
        odd = Event(1e12, ABANDONED, phone="0504445566", queue="Support", seconds=30)
        fine = Event(clock.now() - 1, ANSWERED, who="Yossi Cohen", seconds=36)
        app.show_hub_state(HubState("hub-1", 5.0, events=(odd, fine)))
        app.tick()
        await settle(pilot)
        assert {event.at for event in app.ticker.events} == {1e12, clock.now() - 1}
        assert "Yossi Cohen answered" in line(app)
        assert "--:--:--" in screen_text(app)  # the panel's time column for the odd one
