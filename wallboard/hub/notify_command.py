"""Runs the user's alert command (`[alerts] command = [...]`) with the alert as JSON on stdin.

The command is an argv list run directly, never through a shell: no alert text can become
a command. Each run has a timeout and is killed past it; at most `MAX_RUNNING` run at
once (a storm of alerts drops the excess, and says so); a failing or hanging command
neither blocks nor crashes whoever raised the alert.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable

from wallboard.core.alerts import Alert
from wallboard.core.text import plain

MAX_RUNNING = 4


class CommandNotifier:
    """Starts the command once per notification, in the background."""

    def __init__(
        self,
        argv: list[str],
        *,
        timeout_s: float,
        log: Callable[[str], None],
        show_phone: Callable[[str], str] | None = None,
    ) -> None:
        self.argv = list(argv)
        # How a caller's number in an alert is sent (masked per `mask_callers`).
        self.show_phone = show_phone
        self.timeout_s = timeout_s
        self.log = log
        self.started = 0
        self.failed = 0
        self._running: set[asyncio.Task[None]] = set()

    def notify(self, alert: Alert) -> None:
        """Run the command for `alert`; returns at once."""
        if len(self._running) >= MAX_RUNNING:
            self.failed += 1
            self.log(f"alert command: {MAX_RUNNING} still running; this alert not sent")
            return
        # ASCII-only JSON: every character outside it is escaped, so no byte of an alert
        # can be read as a control by whatever the command does with it.
        if self.show_phone is not None:
            alert = alert.masked(self.show_phone)
        payload = json.dumps({"alert": alert.to_json()}, ensure_ascii=True).encode("ascii")
        task = asyncio.get_running_loop().create_task(self._run(payload))
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        self.started += 1

    async def _run(self, payload: bytes) -> None:
        name = plain(self.argv[0], 60)
        try:
            process = await asyncio.create_subprocess_exec(
                *self.argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
                start_new_session=True,  # a Ctrl+C on the board is not the command's
            )
        except OSError as error:
            self.failed += 1
            self.log(f"alert command {name} could not start: {error.strerror or error}")
            return
        try:
            _, stderr = await asyncio.wait_for(process.communicate(payload), self.timeout_s)
        except TimeoutError:
            self.failed += 1
            _kill(process)
            await process.wait()
            self.log(f"alert command {name} took over {self.timeout_s:g}s and was stopped")
            return
        except asyncio.CancelledError:
            _kill(process)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(process.wait(), 2)
            raise
        if process.returncode != 0:
            self.failed += 1
            first = stderr.decode("utf-8", "replace").strip().splitlines()[:1]
            detail = f": {plain(first[0], 120)}" if first else ""
            self.log(f"alert command {name} failed (exit {process.returncode}){detail}")

    async def aclose(self) -> None:
        """Stop every command still running."""
        for task in list(self._running):
            task.cancel()
        for task in list(self._running):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._running.clear()


def _kill(process: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError):
        process.kill()
