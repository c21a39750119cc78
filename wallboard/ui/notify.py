"""Desktop notifications by escape sequence: OSC 9, OSC 777 or OSC 99, chosen by terminal.

Terminals that know none of them ignore an OSC sequence. Inside tmux the sequence is
wrapped in tmux's passthrough (`ESC P tmux; ... ESC \\`, every ESC doubled), which tmux
hands to the outer terminal when `allow-passthrough` is on. Text in a notification is
plain: controls are removed (no byte of a caller's name can end the sequence early) and
`;`, which separates OSC 777's fields, becomes `,`.
"""

from __future__ import annotations

from collections.abc import Mapping

from wallboard.core.text import plain


def choose_desktop(setting: str, env: Mapping[str, str]) -> str | None:
    """The sequence to use: `setting` itself, or for "auto" the one the terminal speaks
    (from its environment); None for "off"."""
    if setting == "off":
        return None
    if setting != "auto":
        return setting
    program = env.get("TERM_PROGRAM", "")
    term = env.get("TERM", "")
    if "KITTY_WINDOW_ID" in env or term == "xterm-kitty":
        return "osc99"
    if "VTE_VERSION" in env or term.startswith(("foot", "rxvt")) or "KONSOLE_VERSION" in env:
        return "osc777"
    if program in ("WezTerm",):
        return "osc777"
    return "osc9"  # iTerm2, Windows Terminal, ConEmu, Ghostty, and the rest ignore it


def desktop_sequence(kind: str, title: str, body: str, *, tmux: bool) -> str:
    """The escape sequence that asks the terminal for a desktop notification."""
    title = _field(title, 60)
    body = _field(body, 240)
    if kind == "osc777":
        sequence = f"\x1b]777;notify;{title};{body}\x1b\\"
    elif kind == "osc99":
        sequence = f"\x1b]99;;{title}: {body}\x1b\\"
    else:
        sequence = f"\x1b]9;{title}: {body}\x07"
    if tmux:
        sequence = "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    return sequence


def _field(text: str, limit: int) -> str:
    return plain(text, limit).replace(";", ",")
