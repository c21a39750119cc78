"""Saves each poll's record on one thread of its own, so the event loop never waits on disk."""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass

from wallboard.core.day_engine import PollRecord
from wallboard.store.day_store import AlertRecord, DayStore, StoreError

# Records waiting to be written (a slow or failing disk); past this the writer gives up
# rather than hold the day in memory without bound. At a 2 s interval: over half an hour.
MAX_PENDING = 1000
# After a failed write, the next try waits this long (a full disk may be freed).
RETRY_S = 2.0
_STOP = object()


@dataclass(frozen=True, slots=True)
class WriterState:
    """What the health line says of the store: None when all is well."""

    problem: str | None
    given_up: bool = False


class StoreWriter:
    """One thread, one transaction per wake-up: every record queued since, in order.

    A failed write is kept and tried again with the next ones (nothing is lost while the
    disk is full for a while); after `MAX_PENDING` unwritten records the writer stops and
    says so. `problem` is the latest failure, None once a write succeeds again.
    """

    def __init__(self, store: DayStore, keep_days: int) -> None:
        self.store = store
        self.keep_days = keep_days
        self._queue: queue.Queue[object] = queue.Queue()
        self._state = WriterState(None)
        self._thread = threading.Thread(target=self._run, name="store-writer", daemon=True)
        self._thread.start()

    @property
    def state(self) -> WriterState:
        """The store's condition as last seen by the writer."""
        return self._state

    def submit(self, record: PollRecord | AlertRecord) -> None:
        """Queue one poll's (or alerts') record; returns at once."""
        if not self._state.given_up:
            self._queue.put(record)

    def close(self, timeout_s: float = 5.0) -> bool:
        """Write what is queued and stop; False if that took longer than `timeout_s`."""
        self._queue.put(_STOP)
        self._thread.join(timeout_s)
        done = not self._thread.is_alive()
        self.store.close()
        return done

    def _run(self) -> None:
        unwritten: list[PollRecord | AlertRecord] = []
        stopping = False
        while not stopping:
            try:
                first = self._queue.get(timeout=RETRY_S if unwritten else None)
            except queue.Empty:
                first = None
            for item in [first, *self._drain()]:
                if item is _STOP:
                    stopping = True
                elif isinstance(item, PollRecord | AlertRecord):
                    unwritten.append(item)
            if not unwritten or self._state.given_up:
                continue
            try:
                self.store.write(unwritten, self.keep_days)
            except StoreError as error:
                if len(unwritten) > MAX_PENDING:
                    self._state = WriterState(f"{error}; stopped saving", given_up=True)
                    unwritten.clear()
                else:
                    self._state = WriterState(str(error))
                if stopping:
                    return
                continue
            unwritten.clear()
            self._state = WriterState(None)

    def _drain(self) -> list[object]:
        items: list[object] = []
        while True:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                return items
