"""The health line: source, age of the data, poll latency, and errors with the retry countdown."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from rich.text import Text

from wallboard.core.health import Health
from wallboard.core.text import plain
from wallboard.ui.widgets.text_lines import TextLines


def source_label(source: str) -> str:
    """A short name for the source: a URL's host and port (never a user part), else the text."""
    host = urlsplit(source).netloc.rpartition("@")[2] if "://" in source else ""
    return plain(host or source, 60)


def health_text(
    health: Health,
    now: float,
    suspicious: str | None,
    local_tz: bool,
    note: str | None = None,
    alerts: str | None = None,
    replay: str | None = None,
) -> str:
    """What the health line says at `now`; `note` is a lasting problem beside the feed's own
    (the store of the day's counters, for one), `alerts` how many alerts are active,
    `replay` what a replay says of itself (first of all: nobody may take it for live).

    Most urgent first, so that a narrow screen still shows it: the error and when the next
    try comes, then how old the data is, then the rest.
    """
    stamp = datetime.fromtimestamp(now, UTC)
    parts: list[str] = [plain(replay, 200)] if replay else []
    if health.error:
        retry = ""
        if health.next_retry_utc is not None:
            retry = f" · retry in {max(0, int(health.next_retry_utc - now + 0.999))}s"
        parts.append(f"⚠ {health.error_kind}: {plain(health.error, 160)}{retry}")
    age = health.age(now)
    parts.append("waiting for first data" if age is None else f"updated {int(age)}s ago")
    if alerts:
        parts.append(alerts)
    if note:
        parts.append(f"⚠ {plain(note, 200)}")
    if suspicious:
        parts.append(f"⚠ suspicious: {suspicious}")
    if health.error and health.failures > 1:
        parts.append(f"{health.failures} failures in a row")
    elif age is not None and health.latency_s is not None:
        parts.append(f"poll {health.latency_s * 1000:.0f} ms")
    parts.append((stamp.astimezone() if local_tz else stamp).strftime("%H:%M:%S"))
    parts.append(source_label(health.source))
    if health.skipped:
        parts.append(f"{health.skipped} malformed item(s) skipped")
    return " · ".join(parts)


class HealthLine(TextLines):
    """One line at the bottom saying how fresh and how healthy the feed is."""

    def show(self, text: str, failing: bool) -> None:
        """Update the line when its text changed."""
        if failing != self.has_class("-failing"):
            self.set_class(failing, "-failing")
        self.show_lines(Text(text))
