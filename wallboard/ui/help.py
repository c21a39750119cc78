"""The help screen: every key, in one place."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Static

HELP = """\
wallboard keys

  arrows, j k l    move in the agent grid or the queue list
  Tab              switch between the grid and the queues
  Enter            details of the selected agent's calls, or of a waiting caller
  Escape           close details; clear the filter
  /                filter agents by name, representative or SIP id, a team or a queue
  s                cycle the sort: state, name, time in state
  h                hide or show logged-out agents
  c                compact layout: one line per agent
  g                group agents by team, or not (teams set in the config)
  b                right-to-left names: laid out by the board, or by the terminal
  w                wall mode: big totals, pages through agents, no cursor
  a                the alert list: Enter acknowledges the selected alert, m mutes
  m                mute (or unmute) off-screen notifications: bell, desktop, command
  r                poll now
  Ctrl+P           command palette (themes: dark, light, high-contrast, colorblind)
  ?                this help
  q                quit

Timers: talk time since answer; ring and dial time since start; otherwise time in
status. "≥" means the agent was already in that state when the board first saw it.
STALE on the totals means the data is older than 3 poll intervals: the reason is
on the banner and on the health line at the bottom.
"""


class HelpScreen(ModalScreen[None]):
    """Lists the keys; any of Escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close"),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Static {
        width: auto; max-width: 90%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 1 2;
    }
    """

    def compose(self) -> ComposeResult:
        """The help text."""
        yield Static(Text(HELP))
