"""The totals: headline counts, longest wait ticking, and the STALE banner nobody can miss.

In wall mode the same figures are drawn in big digits to be read across a room.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits, Label, Static

from wallboard.core.board import Totals
from wallboard.core.durations import format_duration
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


class TotalsBar(Vertical):
    """Headline counts; a STALE banner on top of them when the data is old."""

    def compose(self) -> ComposeResult:
        """The banner, the text totals and the wall-mode big figures."""
        yield Static("", id="stale-banner")
        yield TextLines(id="totals-text")
        with Horizontal(id="totals-big"):
            for label, key in BIG_FIGURES:
                with Vertical(classes="big-card", id=f"card-{key}"):
                    yield Label(label, classes="big-label")
                    yield Digits("0", id=f"big-{key}")
        self._shown: dict[str, str] = {}
        self._text: tuple[str, ...] = ()
        self._stale: str | None = ""
        self.border_title = "Live"

    def show(self, totals: Totals | None, now: float, level_class: str, wait_style: Style) -> None:
        """Draw the totals at time `now`; only what changed is updated.

        `level_class` (wait-ok, wait-warn, wait-alert) and `wait_style` colour the longest wait.
        """
        values = figures(totals, now)
        away = " · ".join(f"{label} {count}" for label, count in totals.away) if totals else ""
        if self.size.width >= 110:
            first = (
                f"Logged in {values['logged_in']}   Available {values['available']}   "
                f"Ringing {values['ringing']}   Dialling {values['dialing']}   "
                f"Talking {values['talking']}   On hold {values['hold']}   "
                f"Away {values['away']}   Logged out {values['logged_out']}"
            )
            second = f"Waiting {values['waiting']}   Longest wait "
        else:  # 80 columns: the same figures, shorter words
            first = (
                f"In {values['logged_in']}  Avail {values['available']}  "
                f"Ring {values['ringing']}  Dial {values['dialing']}  "
                f"Talk {values['talking']}  Hold {values['hold']}  "
                f"Away {values['away']}  Out {values['logged_out']}"
            )
            second = f"Waiting {values['waiting']}  Longest "
        rest = f"   │ Away: {away}" if away else ""
        key = (first, second, values["longest"], rest, level_class)
        if key != self._text:
            self._text = key
            waits = Text(second)
            waits.append(values["longest"], wait_style)
            waits.append(rest)  # a long "Away:" list ends in "…" at the edge
            self.query_one("#totals-text", TextLines).show_lines(Text(first), waits)
        # The big figures show in wall mode only; updating hidden ones costs a layout pass
        # of the whole screen whenever a figure's width changes.
        wall = self.screen.has_class("-wall")
        for _, figure in BIG_FIGURES:
            if wall and self._shown.get(figure) != values[figure]:
                self._shown[figure] = values[figure]
                self.query_one(f"#big-{figure}", Digits).update(values[figure])
        card = self.query_one("#card-longest")
        for level in ("wait-ok", "wait-warn", "wait-alert"):
            card.set_class(level == level_class, level)

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
