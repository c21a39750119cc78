"""The queue table: trouble first, today's figures, columns by width, the queue detail,
and a cursor that follows its caller through a reorder."""

from __future__ import annotations

from pathlib import Path

from queue_support import answer_a_sales_caller, follow_hub, open_recorder
from textual.color import Color
from ui_support import T0, fixed_queues, make_app, make_snapshot, running, settle, view_lines

from wallboard.core.alerts import AlertBook, AlertRules, QueueAlertRules
from wallboard.core.clock import FakeClock
from wallboard.hub.alert_watch import AlertWatch
from wallboard.ui.app import WallboardApp
from wallboard.ui.widgets.detail import DetailPane
from wallboard.ui.widgets.queue_panel import QueuePanel

ALL_FIGURES = ["Queue", "Waiting", "Longest", "SL/target", "Answered", "Abandoned", "ASA", "EWT"]


def panel(app: WallboardApp) -> QueuePanel:
    return app.query_one(QueuePanel)


def headings(app: WallboardApp) -> list[str]:
    return [q.name for q in panel(app).ordered_queues]


def header(app: WallboardApp) -> list[str]:
    return view_lines(panel(app))[0].split()


def row(app: WallboardApp, name: str) -> str:
    return next(line for line in view_lines(panel(app)) if line.startswith(name))


def detail(app: WallboardApp) -> str:
    return app.query_one(DetailPane).plain_text


async def test_queues_in_trouble_come_first(clock: FakeClock) -> None:
    """An active alert, then a warning alert, then the longest wait."""
    app = make_app(clock)
    async with running(app) as pilot:
        # Support's caller waits 4:00, Sales' 1:15, Billing's 0:05: longest first.
        assert headings(app) == ["Support", "Sales", "Billing"]
        rules = AlertRules(
            queue_default=QueueAlertRules(wait_alert_s=None, service_level_target_pct=None),
            queues={
                "Sales": QueueAlertRules(wait_alert_s=60, service_level_target_pct=None),
                "Billing": QueueAlertRules(
                    wait_alert_s=None, waiting_alert=0, service_level_target_pct=None
                ),
            },
            nobody_available=False,
        )
        app.alerts = AlertWatch(rules, AlertBook(clear_after_s=30, renotify_s=300))
        app.show_snapshot(make_snapshot(clock))
        await settle(pilot)
        assert app.alerted_subjects() == {("queue", "101"): "alert", ("queue", "103"): "warn"}
        assert headings(app) == ["Sales", "Billing", "Support"]
        # Marked, in the theme's error and warning colours (and a flag that reads without).
        theme = app.current_theme
        for name, colour in (("Sales", theme.error), ("Billing", theme.warning)):
            index = next(
                i for i, ln in enumerate(panel(app)._lines) if ln.queue and ln.queue.name == name
            )
            strip = panel(app).render_line(index)
            first = next(s for s in strip if s.text.strip())
            assert first.text.startswith(f"⚑ {name}")
            assert first.style.color == Color.parse(colour).rich_color
        index = next(
            i for i, ln in enumerate(panel(app)._lines) if ln.queue and ln.queue.name == "Support"
        )
        plain = next(s for s in panel(app).render_line(index) if s.text.strip())
        assert "Support" in plain.text and "⚑" not in plain.text


async def test_the_caller_under_the_cursor_stays_selected_through_a_reorder(
    clock: FakeClock,
) -> None:
    app = make_app(clock)
    async with running(app) as pilot:
        await pilot.press("tab", "down", "down", "down", "down")  # Sales' second caller
        chosen = panel(app).selected_line
        assert chosen is not None and chosen.caller is not None
        assert chosen.caller.call_id == "call-s1"
        before = panel(app).selected
        # Billing gets a caller waiting ten minutes: it jumps to the top, and two more
        # callers join Sales ahead of the cursor's line.
        ques = fixed_queues()
        ques[2]["Callers"].append(
            {"Phone": "0503000009", "JoinTime": T0 - 600, "CallID": "call-b9", "Duration": 600}
        )
        ques[0]["Callers"].insert(
            0, {"Phone": "0501000009", "JoinTime": T0 - 100, "CallID": "call-s9", "Duration": 1}
        )
        app.show_snapshot(make_snapshot(clock, queues=ques))
        await settle(pilot)
        assert headings(app) == ["Billing", "Support", "Sales"]
        line = panel(app).selected_line
        assert line is not None and line.caller is not None
        assert line.caller.call_id == "call-s1"
        assert panel(app).selected != before  # the row moved; the cursor went with it
        # The caller leaves: the cursor stays on its queue's heading.
        ques[0]["Callers"] = [c for c in ques[0]["Callers"] if c["CallID"] != "call-s1"]
        app.show_snapshot(make_snapshot(clock, queues=ques))
        await settle(pilot)
        line = panel(app).selected_line
        assert line is not None and line.caller is None and line.queue is not None
        assert line.queue.name == "Sales"


async def test_columns_drop_in_order_as_the_width_shrinks(clock: FakeClock) -> None:
    app = make_app(clock)
    async with running(app) as pilot:
        follow_hub(app)
        expected = {
            80: ALL_FIGURES[:6],  # EWT then ASA dropped (no teams: no "Avail" to drop)
            120: [
                *ALL_FIGURES,
                "last",
                "12",
                "min",
            ],
            160: [
                *ALL_FIGURES,
                "last",
                "51",
                "min",
            ],
            240: [
                *ALL_FIGURES,
                "Waiting,",
                "last",
                "hour",
            ],
        }
        for width, columns in expected.items():
            await pilot.resize_terminal(width, 40)
            await settle(pilot)
            app.show_snapshot(make_snapshot(clock))
            await settle(pilot)
            assert header(app) == columns, width
            # Name, waiting (in words), longest wait and service level at every width.
            assert row(app, "Support").split()[:6] == [
                "Support",
                "1",
                "caller",
                "waiting",
                "4:00",
                "77%/80",
            ], width
            if width >= 160:
                assert panel(app).table_layout.name_width >= 32  # names are not cut
        # Teams map agents to queues: the "Avail" column shows where there is room.
        app.queue_agents_available = lambda: {101: 2, 102: 0}  # type: ignore[method-assign]
        app.show_snapshot(make_snapshot(clock))
        await settle(pilot)
        assert "Avail" in header(app)
        assert row(app, "Sales").split()[-2:] == ["2", "█"]  # beside the trend
        assert "—" in row(app, "Billing").split()  # no mapping for Billing: no data


async def test_narrow_tables_keep_name_waiting_longest_and_service_level(clock: FakeClock) -> None:
    app = make_app(clock)
    async with running(app, size=(80, 24)) as pilot:
        follow_hub(app)
        app.show_snapshot(make_snapshot(clock))
        await settle(pilot)
        lines = view_lines(panel(app))
        assert lines[1].split()[:6] == ["Support", "1", "caller", "waiting", "4:00", "77%/80"]
        assert all(len(line) == panel(app).line_width for line in lines)


async def test_today_reads_a_dash_without_a_report_and_figures_with_one(clock: FakeClock) -> None:
    app = make_app(clock)
    async with running(app, size=(160, 40)) as pilot:
        assert row(app, "Sales").split()[5:11] == ["—/80", "—", "—", "—", "—", "█"]
        follow_hub(app)
        app.show_snapshot(make_snapshot(clock))
        await settle(pilot)
        assert row(app, "Sales").split()[5:11] == ["90%/80", "45", "5", "(10%)", "0:14", "0:35"]
        # Met, close, missed: the theme's ok, warning and alert colours.
        styles = panel(app)._styles
        for name, level in (("Sales", "ok"), ("Support", "warn"), ("Billing", "alert")):
            index = next(
                i for i, ln in enumerate(panel(app)._lines) if ln.queue and ln.queue.name == name
            )
            cell = next(s for s in panel(app).render_line(index) if "%/80" in s.text)
            assert cell.style.color == styles[level].color, name  # type: ignore[index]
        # Nobody waiting: "nobody waiting" and a dash for the longest wait.
        ques = fixed_queues()
        ques[2]["Callers"] = []
        app.show_snapshot(make_snapshot(clock, queues=ques))
        await settle(pilot)
        assert row(app, "Billing").split()[1:4] == ["nobody", "waiting", "—"]


async def test_enter_on_a_queue_heading_opens_its_detail_with_the_last_outcomes(
    clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(clock)
    app.recorder = open_recorder(tmp_path / "board.db")
    async with running(app, size=(160, 50)) as pilot:
        await answer_a_sales_caller(app, pilot)
        await pilot.press("tab", "down", "down", "enter")  # Support, its caller, Sales
        assert app.screen.has_class("-detail")
        text = detail(app)
        assert text.splitlines()[0] == "Queue Sales (101)"
        assert "1 caller waiting" in text
        for label, value in [("Answered", "1"), ("ASA", "1:19"), ("Abandoned", "0 (0 %)")]:
            assert any(line.split(None, 1) == [label, value] for line in text.splitlines()), label
        assert "0501000002 waited 1:19, answered by Frank Avail" in text
        # Follows new data; Escape closes it.
        await pilot.press("escape")
        assert not app.screen.has_class("-detail")


async def test_a_follower_says_the_last_outcomes_are_not_available(clock: FakeClock) -> None:
    app = make_app(clock)
    async with running(app, size=(160, 50)) as pilot:
        follow_hub(app)
        app.show_snapshot(make_snapshot(clock))
        await settle(pilot)
        await pilot.press("tab", "enter")
        text = detail(app)
        assert text.splitlines()[0] == "Queue Support (102)"
        assert "Service level     77 % (target 80 % within 0:20)" in text
        assert "Not available on a follower board" in text
        assert "answered by" not in text


async def test_a_tick_patches_only_the_waits(clock: FakeClock) -> None:
    """The bench guard: a second later only the longest-wait cells change."""
    app = make_app(clock)
    async with running(app, size=(160, 40)) as pilot:
        view = panel(app)
        regions = []
        refresh = view.refresh
        view.refresh = lambda *r, **k: (regions.extend(r), refresh(*r, **k))[1]  # type: ignore[method-assign]
        clock.advance(1)
        app.tick()
        await pilot.pause()
        assert regions and all(r.width <= 2 for r in regions)
        x = view.table_layout.longest_x
        assert all(x <= r.x < x + 9 for r in regions)


def test_columns_are_dropped_in_the_documented_order() -> None:
    """Narrowing one cell at a time, columns go in DROP_ORDER and the four kept stay."""
    from wallboard.ui.widgets.queue_panel import DROP_ORDER, NAME_MIN, plan_columns

    seen: list[str] = []
    for width in range(300, 30, -1):
        layout = plan_columns(width, has_available=True)
        shown = {c.key for c in layout.columns}
        present = shown | ({"trend"} if layout.trend_width else set())
        present |= {"waiting-words"} if layout.waiting_width == 19 else set()
        for key in (k for k in DROP_ORDER if k not in present):
            if key not in seen:
                seen.append(key)
        assert "sl" in shown  # name, waiting, longest wait and service level always
        used = layout.longest_x + 9 + sum(c.width for c in layout.columns)
        used += layout.trend_width + 2 if layout.trend_width else 0
        assert used <= width or layout.name_width < NAME_MIN, width
    assert seen == list(DROP_ORDER)
    # No teams mapping: no "Avail" column at any width.
    assert all(
        "available" not in {c.key for c in plan_columns(w, has_available=False).columns}
        for w in range(40, 300)
    )


def test_callers_listed_per_queue_leave_room_for_every_heading() -> None:
    from wallboard.ui.widgets.queue_panel import callers_per_queue

    assert callers_per_queue([2, 1, 1], None) is None  # no cap known: all of them
    assert callers_per_queue([2, 1, 1], 8) is None  # 1 + 3 + 4 lines fit
    # 6, 8, 3, 5, 1, 0 waiting in 22 lines: two each, and "… N more" under four queues.
    assert callers_per_queue([6, 8, 3, 5, 1, 0], 22) == 2
    assert callers_per_queue([6, 8, 3, 5, 1, 0], 7) == 0  # headings only
    assert callers_per_queue([50], 5) == 2  # header, heading, 2 callers, "… 48 more"


async def test_a_busy_queue_lists_some_callers_and_every_heading_stays_in_view(
    clock: FakeClock,
) -> None:
    ques = fixed_queues()
    ques[0]["Callers"] = [
        {"Phone": f"05010000{i:02d}", "JoinTime": T0 - 300 - i, "CallID": f"s{i}", "Duration": 1}
        for i in range(25)
    ]
    app = make_app(clock)
    async with running(app, size=(120, 40), snapshot=make_snapshot(clock, queues=ques)) as pilot:
        view = panel(app)
        lines = [line.strip() for line in view_lines(view)]
        assert view.line_count() <= view.size.height  # nothing below the fold
        for name in ("Sales", "Support", "Billing"):
            assert any(line.startswith(name) for line in lines), name
        more = next(line for line in lines if "more waiting" in line)
        listed = sum(1 for ln in view._lines if ln.caller is not None and ln.queue.name == "Sales")
        assert more.startswith(f"… {25 - listed} more waiting")
        # Enter on that line opens the queue, whose detail lists its callers.
        index = next(i for i, ln in enumerate(view._lines) if ln.kind == "more")
        await pilot.press("tab", *["down"] * (index - 1), "enter")
        assert detail(app).splitlines()[0] == "Queue Sales (101)"
        assert "0501000024" in detail(app)  # the longest waiting, listed in the detail
