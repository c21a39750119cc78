"""The alert list: active alerts (worst first) and the recently cleared, with their ages.

Opened with `a` over the board. Enter acknowledges the selected alert (no more
notifications for it until it clears and comes back), `m` mutes or unmutes every
off-screen notification, Escape or `a` closes. The list follows the alerts while open.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from wallboard.core.alerts import Alert, Level
from wallboard.core.durations import format_duration


def alert_line(
    alert: Alert,
    now: float,
    show_phone: Callable[[str], str] = str,
    bidi: Callable[[str], str] = str,
) -> Text:
    """One alert as a line: level, age, sentence (a caller's number drawn by
    `show_phone`, right-to-left names laid out by `bidi`), and what was done about it."""
    line = Text()
    if alert.active:
        style = "bold red" if alert.level is Level.ALERT else "bold yellow"
        line.append(f"{alert.level.value.upper():5} ", style=style)
        line.append(f"{format_duration(now - alert.first_seen):>8}  ")
    else:
        line.append("ok    ", style="green")
        line.append(f"{format_duration(now - (alert.cleared_at or now)):>8}  ", style="dim")
    line.append(bidi(alert.text_for(show_phone)), style="" if alert.active else "dim")
    if alert.acknowledged and alert.active:
        line.append("  (acknowledged)", style="italic")
    if not alert.active:
        line.append("  (cleared)", style="dim italic")
    return line


class AlertList(ModalScreen[None]):
    """Every alert, active then cleared (see the module)."""

    BINDINGS = [
        Binding("escape,a,q", "dismiss", "Close"),
        Binding("enter", "acknowledge", "Acknowledge"),
        Binding("m", "mute", "Mute all"),
    ]
    DEFAULT_CSS = """
    AlertList { align: center middle; }
    AlertList > #alert-box {
        width: 90%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    AlertList #alert-title { height: 2; }
    AlertList OptionList { height: auto; max-height: 30; border: none; }
    """

    def __init__(
        self,
        alerts: Callable[[], list[Alert]],
        now: Callable[[], float],
        mute_text: Callable[[], str],
        on_acknowledge: Callable[[str], None],
        on_mute: Callable[[], None],
        *,
        show_phone: Callable[[str], str] = str,
        bidi: Callable[[str], str] = str,
    ) -> None:
        super().__init__()
        self._show_phone = show_phone
        self._bidi = bidi
        self._alerts = alerts
        self._now = now
        self._mute_text = mute_text
        self._on_acknowledge = on_acknowledge
        self._on_mute = on_mute
        self._keys: list[str] = []

    def compose(self) -> ComposeResult:
        """A title line, then the alerts."""
        from textual.containers import Vertical

        with Vertical(id="alert-box"):
            yield Static(id="alert-title")
            yield OptionList(id="alert-options")

    def on_mount(self) -> None:
        """Fill the list."""
        self.refresh_alerts()
        self.query_one(OptionList).focus()

    def refresh_alerts(self) -> None:
        """Show the alerts as they are now, keeping the selection on the same alert."""
        options = self.query_one(OptionList)
        selected = options.highlighted
        keep = self._keys[selected] if selected is not None and selected < len(self._keys) else None
        alerts = self._alerts()
        now = self._now()
        active = sum(1 for alert in alerts if alert.active)
        # Two lines, each cut with an ellipsis: what the list holds, then its keys.
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append(f"Alerts: {active} active, {len(alerts) - active} cleared", style="bold")
        title.append(f" · {self._mute_text()}\n")
        title.append("Enter: acknowledge · m: mute all · Esc: close", style="dim")
        self.query_one("#alert-title", Static).update(title)
        self._keys = [f"{alert.key}@{alert.first_seen}" for alert in alerts]
        options.clear_options()
        if not alerts:
            options.add_option(Option(Text("No alerts today.", style="dim"), disabled=True))
            return
        options.add_options(
            [
                Option(alert_line(alert, now, self._show_phone, self._bidi), id=key)
                for alert, key in zip(alerts, self._keys, strict=True)
            ]
        )
        if keep in self._keys:
            options.highlighted = self._keys.index(keep)
        elif alerts:
            options.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on an alert (the list takes Enter itself): acknowledge it."""
        event.stop()
        self.action_acknowledge()

    def action_acknowledge(self) -> None:
        """Acknowledge the selected alert."""
        options = self.query_one(OptionList)
        index = options.highlighted
        if index is None or index >= len(self._keys):
            return
        alert = self._alerts()[index]
        if alert.active:
            self._on_acknowledge(alert.key)
        self.refresh_alerts()

    def action_mute(self) -> None:
        """Mute or unmute off-screen notifications."""
        self._on_mute()
        self.refresh_alerts()
