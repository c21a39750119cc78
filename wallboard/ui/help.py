"""The help screen: every key, in one place, over the board (which stays seen, dimmed)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

HELP = """\
wallboard keys                                       (Esc, q or ? closes; ↑↓ scroll)

  arrows, j k l    move in the agent grid or the queue list
  Tab              switch between the grid and the queues
  Enter            details of the selected agent, waiting caller or queue
  Escape           close details; clear the filter; close this help or a list
  /                filter agents by name, representative or SIP id (Enter applies)
  s                cycle the sort: state, name, time in state
  h                hide or show logged-out agents
  c                compact layout: one line per agent
  w                wall mode: big type, no cursor; the views take turns
  p                wall mode: pin the view on screen (p again: rotate again)
  t                today's events in full (the ticker pauses while open)
  a                the alert list: Enter acknowledges the selected alert, m mutes
  m                mute (or unmute) off-screen notifications: bell, desktop, command
  r                poll now
  Ctrl+P           the board's commands and themes (dark, light, high-contrast,
                   colorblind, and yours)
  ?                this help
  q                quit

The ticker (the line above the health line; a panel on wide screens) says what just
happened: answers, abandons, missed calls, status changes, alerts (in their colour).
Caller numbers are masked as the masking setting says.

Wall mode shows one view at a time, turning every wall_rotate_s (15 s): the centre and
its queues, the agents (paged), the ticker. wall_view in the config pins one at start.

Timers: talk time since answer; ring and dial time since start; otherwise time in
status. "≥" means the agent was already in that state when the board first saw it.
STALE on the totals means the data is older than 3 poll intervals: the reason is
on the banner and on the health line at the bottom.
"""


class HelpScreen(ModalScreen[None]):
    """Lists the keys over the board; any of Escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close"),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: auto; max-width: 90%; height: auto; max-height: 90%;
        border: round $primary; background: $surface; padding: 0 2;
    }
    HelpScreen Static { width: auto; }
    """

    def compose(self) -> ComposeResult:
        """The help text, scrolled when the terminal is short."""
        with VerticalScroll(id="help-scroll"):
            yield Static(Text(HELP), id="help-text")

    def on_mount(self) -> None:
        """The arrows scroll the text."""
        self.query_one(VerticalScroll).focus()
