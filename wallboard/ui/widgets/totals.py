"""The totals: headline counts, longest wait ticking, and the STALE banner nobody can miss.

In wall mode the same figures, and today's, are drawn in big digits to be read across a
room (`big_figures`): they grow with the screen and never touch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Static

from wallboard.core.board import Totals, WaitLevel
from wallboard.core.day_figures import CentreDay
from wallboard.core.durations import format_duration
from wallboard.core.service_level import Standing, standing
from wallboard.ui.widgets.big_figures import (
    Card,
    PlacedCard,
    figure_rows,
    place_cards,
    plan,
    render_band,
)
from wallboard.ui.widgets.text_lines import TextLines

# (label, how to read the figure from the totals) for the big wall-mode cards.
BIG_FIGURES = (
    ("WAITING", "waiting"),
    ("LONGEST", "longest"),
    ("AVAILABLE", "available"),
    ("TALKING", "talking"),
    ("RINGING", "ringing"),
    ("ON HOLD", "hold"),
    ("AWAY", "away"),
    ("LOGGED IN", "logged_in"),
)


NO_DATA = "-"
TODAY_NONE = "—"  # today's figures without a report: a dash, never a made-up 0
MAX_QUEUE_CARDS = 6  # at most this many queues: each one's service level in big digits
CENTRE_CARDS_WANTED = 3  # the big figures shrink until at least this many fit
QUEUE_CARDS_MIN_HEIGHT = 30  # a shorter screen keeps its rows for the tables
# Drawn first on a wall, in this order, before the rest of BIG_FIGURES.
_FIRST = ("waiting", "longest")
SL_LEVELS = {
    Standing.MET: WaitLevel.OK,
    Standing.CLOSE: WaitLevel.WARN,
    Standing.MISSED: WaitLevel.ALERT,
}


def figures(totals: Totals | None, now: float) -> dict[str, str]:
    """Every figure the totals show, as text; dashes before any data (never a false zero)."""
    if totals is None:
        return dict.fromkeys(
            (
                "waiting",
                "longest",
                "available",
                "talking",
                "ringing",
                "dialing",
                "hold",
                "away",
                "logged_in",
                "logged_out",
            ),
            NO_DATA,
        )
    longest = (
        format_duration(now - totals.oldest_join_utc)
        if totals.oldest_join_utc is not None
        else "0:00"
    )
    return {
        "waiting": str(totals.waiting),
        "longest": longest,
        "available": str(totals.available),
        "talking": str(totals.talking),
        "ringing": str(totals.ringing),
        "dialing": str(totals.dialing),
        "hold": str(totals.hold),
        "away": str(totals.away_total),
        "logged_in": str(totals.logged_in),
        "logged_out": str(totals.logged_out),
    }


@dataclass(frozen=True, slots=True)
class QueueLevel:
    """One queue's service level today, for the wall's per-queue big figures."""

    name: str
    service_level_pct: float | None
    target_pct: float


def today_figures(day: CentreDay | None) -> dict[str, str]:
    """Today's answered, abandoned (with its share) and service level, as text; "—" when
    there is no report (never a made-up 0)."""
    if day is None:
        return {"answered": TODAY_NONE, "abandoned": TODAY_NONE, "sl": TODAY_NONE}
    abandoned = str(day.abandoned)
    if day.abandon_pct is not None:
        abandoned += f" ({day.abandon_pct:.0f}%)"
    sl = day.service_level_pct
    return {
        "answered": str(day.answered),
        "abandoned": abandoned,
        "sl": TODAY_NONE if sl is None else f"{sl:.0f}%",
    }


def _standing_style(
    sl: float | None, target: float, styles: Mapping[WaitLevel, Style]
) -> Style | None:
    level = standing(sl, target)
    return styles.get(SL_LEVELS[level]) if level is not None else None


class TotalsBar(Vertical):
    """Headline counts; a STALE banner on top of them when the data is old."""

    def compose(self) -> ComposeResult:
        """The banner, the text totals and the wall-mode big figures."""
        yield Static("", id="stale-banner")
        yield TextLines(id="totals-text")
        yield BigFigures(id="totals-big")
        self._text: tuple[str, ...] = ()
        self._stale: str | None = ""
        self.border_title = "Live"

    def show(
        self,
        totals: Totals | None,
        now: float,
        level_class: str,
        wait_style: Style,
        *,
        day: CentreDay | None = None,
        target_pct: float = 80.0,
        queue_levels: tuple[QueueLevel, ...] = (),
        wait_styles: Mapping[WaitLevel, Style] | None = None,
    ) -> None:
        """Draw the totals at time `now`; only what changed is updated.

        `level_class` (wait-ok, wait-warn, wait-alert) and `wait_style` colour the longest
        wait. `day`: today's figures over every queue (None: no report, "—");
        `target_pct`: the centre's service-level target; `queue_levels`: each queue's
        service level, drawn big on a wall when there are at most `MAX_QUEUE_CARDS`;
        `wait_styles` colour the service levels (met, close, missed).
        """
        values = figures(totals, now)
        today = today_figures(day)
        if self.size.width >= 110:
            first = (
                f"Logged in {values['logged_in']}   Available {values['available']}   "
                f"Ringing {values['ringing']}   Dialling {values['dialing']}   "
                f"Talking {values['talking']}   On hold {values['hold']}   "
                f"Away {values['away']}   Logged out {values['logged_out']}"
            )
            second = f"Waiting {values['waiting']}   Longest wait "
            day_text = (
                f"   Today: answered {today['answered']} · abandoned {today['abandoned']}"
                f" · service level {today['sl']}"
            )
        else:  # 80 columns: the same figures, shorter words
            first = (
                f"In {values['logged_in']}  Avail {values['available']}  "
                f"Ring {values['ringing']}  Dial {values['dialing']}  "
                f"Talk {values['talking']}  Hold {values['hold']}  "
                f"Away {values['away']}  Out {values['logged_out']}"
            )
            second = f"Waiting {values['waiting']}  Longest "
            day_text = f"  Ans {today['answered']}  Abn {today['abandoned']}  SL {today['sl']}"
        lines = self.query_one("#totals-text", TextLines)
        away_lines = away_rows(
            [f"{label} {count}" for label, count in totals.away] if totals else [],
            lines.size.width or self.size.width,
        )
        key = (first, second, values["longest"], day_text, level_class, *away_lines)
        if key != self._text:
            self._text = key
            waits = Text(second)
            waits.append(values["longest"], wait_style)
            waits.append(day_text)
            lines.show_lines(Text(first), waits, *(Text(row) for row in away_lines))
            height = 2 + len(away_lines)
            if lines.styles.height is None or lines.styles.height.value != height:
                lines.styles.height = height
        big = self.query_one(BigFigures)
        for level in ("wait-ok", "wait-warn", "wait-alert"):
            big.set_class(level == level_class, level)
        # The big figures show in wall mode only; updating hidden ones costs a layout pass.
        if not self.screen.has_class("-wall"):
            return
        styles = wait_styles or {}
        centre_sl = day.service_level_pct if day is not None else None
        cards = (
            Card("WAITING", values["waiting"], "00"),
            Card("LONGEST", values["longest"], "00:00", wait_style),
            Card(
                "SERVICE LEVEL", today["sl"], "100%", _standing_style(centre_sl, target_pct, styles)
            ),
            Card("ANSWERED", today["answered"], "00"),
            Card(
                "ABANDONED"
                + (f" {day.abandon_pct:.0f}%" if day and day.abandon_pct is not None else ""),
                TODAY_NONE if day is None else str(day.abandoned),
                "00",
            ),
            *(Card(label, values[key], "00") for label, key in BIG_FIGURES if key not in _FIRST),
        )
        queue_cards = (
            tuple(
                Card(
                    f"SL {level.name}",  # whose service level, said on the card itself
                    TODAY_NONE
                    if level.service_level_pct is None
                    else f"{level.service_level_pct:.0f}%",
                    "00%",  # 100 % is rare: that card then widens (or the band shrinks)
                    _standing_style(level.service_level_pct, level.target_pct, styles),
                )
                for level in queue_levels
            )
            if 0 < len(queue_levels) <= MAX_QUEUE_CARDS
            and self.app.size.height >= QUEUE_CARDS_MIN_HEIGHT
            else ()
        )
        big.show(cards, queue_cards)

    def set_stale(self, reason: str | None) -> None:
        """Show or clear the STALE banner."""
        if reason == self._stale:
            return
        self._stale = reason
        banner = self.query_one("#stale-banner", Static)
        if (reason is not None) != self.has_class("-stale"):
            self.set_class(reason is not None, "-stale")
            self.border_title = "STALE" if reason is not None else "Live"
        if reason is not None:
            banner.update(
                Text(f" ⚠ STALE: {reason} ", no_wrap=True, overflow="ellipsis"), layout=False
            )


class BigFigures(Widget):
    """The wall's big figures: the centre's cards, and under them each queue's service
    level when there are few queues (see `big_figures`)."""

    DEFAULT_CSS = """
    BigFigures { height: auto; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cards: tuple[Card, ...] = ()
        self.queue_cards: tuple[Card, ...] = ()
        # As last drawn: (scale, placed cards) for the centre's band and the queues'.
        self.bands: tuple[tuple[int, tuple[PlacedCard, ...]], ...] = ()
        self._rows = 0

    def show(self, cards: tuple[Card, ...], queue_cards: tuple[Card, ...]) -> None:
        """Show these cards; redrawn only when one changed."""
        if (cards, queue_cards) == (self.cards, self.queue_cards):
            return
        self.cards, self.queue_cards = cards, queue_cards
        self._plan(self.size.width)
        self.refresh(layout=self._rows != self._planned_rows())

    def _plan(self, width: int) -> None:
        height = self.app.size.height
        bands = [plan(self.cards, width, height, CENTRE_CARDS_WANTED)]
        if self.queue_cards:
            # The queues' band is never bigger than the centre's.
            scale, placed = plan(self.queue_cards, width, height, len(self.queue_cards))
            if scale > bands[0][0]:
                scale, placed = bands[0][0], place_cards(self.queue_cards, width, bands[0][0])
            bands.append((scale, placed))
        self.bands = tuple(bands)

    def _planned_rows(self) -> int:
        return sum(1 + figure_rows(scale) for scale, placed in self.bands if placed)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """As many rows as the bands' labels and figures take at `width`."""
        self._plan(width)
        self._rows = self._planned_rows()
        return self._rows

    def render(self) -> Text:
        """Every band, one under the other."""
        width = self.size.width
        self._plan(width)
        base = self.rich_style
        parts = [render_band(placed, scale, width, base) for scale, placed in self.bands if placed]
        return Text("\n").join(parts) if parts else Text("")


# The away list wraps over at most this many rows under the totals (a centre with more
# reasons than fit in three rows is rare; the last row then ends in "…").
MAX_AWAY_ROWS = 3


def away_rows(items: list[str], width: int) -> tuple[str, ...]:
    """The away reasons ("Lunch break 3") as rows of at most `width` cells, "Away: " first:
    every reason is shown, wrapped between reasons rather than cut."""
    if not items:
        return ()
    rows: list[str] = []
    row = "Away: "
    for item in items:
        part = item if row.endswith(": ") else f" · {item}"
        if cell_len(row + part) <= width or row == "Away: " or row == "      ":
            row += part
            continue
        rows.append(row)
        if len(rows) == MAX_AWAY_ROWS:
            rows[-1] += " …"  # reasons left over: said, not silently dropped
            return tuple(rows)
        row = "      " + item
    rows.append(row)
    return tuple(rows)
