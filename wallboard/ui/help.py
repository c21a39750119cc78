"""The help screen: every key, in one place, over the board (which stays seen, dimmed)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

HELP = """\
wallboard keys                 (Esc, q or ? closes; ↑↓ scroll)

  arrows, j k l  move in the agent grid or the queue list
  Tab            switch between the grid and the queues
  Enter          details: the selected agent, caller or queue
  Escape         close details or a list; clear the filter
  /              filter agents: name, representative, SIP id,
                 a team or a queue
  s              sort: state, name, time in state
  h              hide or show logged-out agents
  c              compact layout: one line per agent
  g              group agents by team, or not (teams come from
                 the config)
  b              right-to-left names: laid out by the board or
                 by the terminal
  w              wall mode: big type, the views take turns
  p              wall mode: pin the view (p again: rotate)
  t              today's events in full (the ticker pauses)
  a              the alert list: Enter acknowledges, m mutes
  m              mute or unmute off-screen notifications
  r              poll now
  Ctrl+P         the board's commands and themes
  ?              this help
  q              quit

wallboard replay only
  space          pause or play      .   one poll forward
  + -            faster, slower     >   ten minutes forward
  J              jump forward to a time (HH:MM)

The ticker, above the health line (a panel on wide screens),
says what just happened: answers, abandons, missed calls,
status changes, and alerts in their colour. Caller numbers
are masked as the masking setting says.

Wall mode shows one view at a time, each for wall_rotate_s
(15 s): the centre and its queues, the agents (paged), the
ticker. wall_view in the config pins one from the start.

Timers: talk time since answer, hold time since the hold
began; ring and dial time since start; otherwise time in
status; a timer that runs long changes colour by steps. "≥": the agent was already
in that state when the board first saw it. STALE: the data
is older than 3 poll intervals; the banner and the health
line say why.
"""


class HelpScreen(ModalScreen[None]):
    """Lists the keys over the board; any of Escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close"),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 72; max-width: 100%; height: auto; max-height: 90%;
        border: round $primary; background: $surface; padding: 0 1 0 2;
    }
    HelpScreen Static { width: 1fr; }
    """

    def compose(self) -> ComposeResult:
        """The help text, scrolled when the terminal is short."""
        with VerticalScroll(id="help-scroll"):
            yield Static(Text(HELP), id="help-text")

    def on_mount(self) -> None:
        """The arrows scroll the text."""
        self.query_one(VerticalScroll).focus()
