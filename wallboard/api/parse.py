"""Turn decoded JSON answers into models, one item at a time.

A malformed extension, call, queue or caller is skipped and reported as a `SkippedItem`
(where it was and why), so that one odd item never drops the rest of the snapshot.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from wallboard.api.errors import (
    AUTHORIZED_IPS_HINT,
    ApiError,
    AuthorizationError,
    ProtocolError,
)
from wallboard.api.models import Call, Extension, ImpossibleTime, Queue, QueueCaller

MAX_REASON_CHARS = 120
_Model = TypeVar("_Model", bound=BaseModel)


class ParseMemo:
    """Models from the previous answer, reused when an item arrives unchanged.

    Between two polls most extensions do not change; comparing raw dicts runs in C and is
    far cheaper than validating again. Only the latest answer's items are kept, so the
    memo is bounded by the size of one answer.
    """

    def __init__(self) -> None:
        self.items: dict[tuple[str, object], tuple[dict[str, Any], BaseModel]] = {}
        self.next_items: dict[tuple[str, object], tuple[dict[str, Any], BaseModel]] = {}

    def lookup(self, where: str, raw: dict[str, Any], id_key: str) -> BaseModel | None:
        identity = raw.get(id_key)
        if not isinstance(identity, str | int):
            return None  # an odd id (a list, an object) is not a key: validate afresh
        key = (where, identity)
        hit = self.items.get(key)
        if hit is not None and hit[0] == raw:
            self.next_items[key] = hit
            return hit[1]
        return None

    def remember(self, where: str, raw: dict[str, Any], id_key: str, model: BaseModel) -> None:
        identity = raw.get(id_key)
        if isinstance(identity, str | int):
            self.next_items[(where, identity)] = (raw, model)

    def rotate(self) -> None:
        """Forget what the latest answer did not hold."""
        self.items, self.next_items = self.next_items, {}


@dataclass(frozen=True, slots=True)
class SkippedItem:
    """An item of an answer that could not be read: where it was, and why (plain words)."""

    where: str
    reason: str
    # The item held an impossible time (`ImpossibleTime`): not just odd, the data is suspect.
    suspect: bool = False

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


def _reason(error: Exception) -> str:
    """A short reason that names fields, never echoes the (hostile, maybe huge) input."""
    if isinstance(error, ValidationError):
        first = error.errors(include_input=False, include_url=False)[0]
        field = ".".join(str(part) for part in first["loc"]) or "item"
        text = f"{field}: {first['msg']}"
    else:
        text = type(error).__name__
    return text[:MAX_REASON_CHARS]


def _impossible_time(error: Exception) -> bool:
    """Whether validation failed on a time that cannot be one (see `ImpossibleTime`)."""
    if not isinstance(error, ValidationError):
        return isinstance(error, ImpossibleTime)
    return any(
        isinstance((e.get("ctx") or {}).get("error"), ImpossibleTime)
        for e in error.errors(include_url=False, include_input=False)
    )


def _label(raw: dict[str, Any], key: str) -> str:
    """A short, printable identity of a raw item for the skip report."""
    value = raw.get(key)
    if isinstance(value, str | int) and not isinstance(value, bool):
        text = str(value)
        if len(text) <= 40 and text.isprintable():
            return f" ({text})"
    return ""


def check_envelope(payload: Any, list_key: str) -> list[Any]:
    """Check `ERR`/`DESC` and return the raw item list under `list_key`.

    Raises AuthorizationError for ERR 1, ApiError for other non-zero ERR, ProtocolError when
    the answer is not an object of the expected shape.
    """
    if not isinstance(payload, dict):
        raise ProtocolError(f"answer is a JSON {type(payload).__name__}, not an object")
    err = payload.get("ERR", 0)
    if err is None or err == "":
        err = 0
    try:
        err_code = int(float(err)) if isinstance(err, str) else int(err)
    except (TypeError, ValueError, OverflowError):
        raise ProtocolError("answer has an unreadable ERR field") from None
    if err_code == 1:
        raise AuthorizationError(f"authorization failed (ERR 1): {AUTHORIZED_IPS_HINT}")
    if err_code != 0:
        raise ApiError(f"the API refused the request (ERR {err_code}: internal error)")
    items = payload.get(list_key)
    if items is None:
        raise ProtocolError(f"answer has no {list_key} list")
    if isinstance(items, dict):
        items = list(items.values())
    if not isinstance(items, list):
        raise ProtocolError(f"{list_key} is a {type(items).__name__}, not a list")
    return items


def _read_items(
    raw_items: Any,
    where: str,
    id_key: str,
    read_one: Callable[[dict[str, Any], str], _Model],
    skipped: list[SkippedItem],
    memo: ParseMemo | None = None,
) -> list[_Model]:
    if raw_items is None:
        return []
    if isinstance(raw_items, dict):
        raw_items = list(raw_items.values())
    if not isinstance(raw_items, list):
        skipped.append(SkippedItem(where, f"not a list ({type(raw_items).__name__})"))
        return []
    good: list[_Model] = []
    for index, raw in enumerate(raw_items):
        if memo is not None and isinstance(raw, dict):
            known = memo.lookup(where, raw, id_key)
            if known is not None:
                good.append(known)  # type: ignore[arg-type]
                continue
        skips_before = len(skipped)
        model = read_item(raw, index, where, id_key, read_one, skipped)
        if model is None:
            continue
        good.append(model)
        # An item with a skipped part is read afresh each time, so its report is repeated.
        if memo is not None and len(skipped) == skips_before:
            memo.remember(where, raw, id_key, model)
    return good


def read_item(
    raw: Any,
    index: int,
    where: str,
    id_key: str,
    read_one: Callable[[dict[str, Any], str], _Model],
    skipped: list[SkippedItem],
) -> _Model | None:
    """Item `index` of the list at `where` as a model, or None with the reason in `skipped`."""
    if not isinstance(raw, dict):
        skipped.append(SkippedItem(f"{where}[{index}]", f"not an object ({type(raw).__name__})"))
        return None
    try:
        return read_one(raw, f"{where}[{index}]")
    except (ValidationError, ValueError, TypeError, RecursionError) as error:
        here = f"{where}[{index}]{_label(raw, id_key)}"
        skipped.append(SkippedItem(here, _reason(error), _impossible_time(error)))
        return None


def extension_reader(skipped: list[SkippedItem]) -> Callable[[dict[str, Any], str], Extension]:
    """Reads one raw extension; its malformed calls are skipped into `skipped`."""

    def read_extension(raw: dict[str, Any], here: str) -> Extension:
        calls = _read_items(raw.get("calls"), f"{here}.calls", "ivrid", _read_model(Call), skipped)
        return Extension.model_validate({**raw, "calls": calls})

    return read_extension


def parse_extensions(
    payload: Any, memo: ParseMemo | None = None
) -> tuple[list[Extension], list[SkippedItem]]:
    """Read a GetExtensionsCalls answer: the good extensions and what was skipped.

    With a `memo`, extensions identical to the previous answer's are not validated again.
    """
    skipped: list[SkippedItem] = []
    items = check_envelope(payload, "EXTENSIONS")
    read_extension = extension_reader(skipped)
    extensions = _read_items(items, "EXTENSIONS", "username", read_extension, skipped, memo)
    if memo is not None:
        memo.rotate()
    return extensions, skipped


def parse_queues(
    payload: Any, memo: ParseMemo | None = None
) -> tuple[list[Queue], list[SkippedItem]]:
    """Read a GetQueuesCallers answer: the good queues and what was skipped."""
    skipped: list[SkippedItem] = []

    def read_queue(raw: dict[str, Any], here: str) -> Queue:
        callers = _read_items(
            raw.get("Callers"), f"{here}.Callers", "CallID", _read_model(QueueCaller), skipped
        )
        return Queue.model_validate({**raw, "Callers": callers})

    items = check_envelope(payload, "QUEUES")
    queues = _read_items(items, "QUEUES", "ID", read_queue, skipped, memo)
    if memo is not None:
        memo.rotate()
    return queues, skipped


def _read_model(model: type[_Model]) -> Callable[[dict[str, Any], str], _Model]:
    def read(raw: dict[str, Any], _here: str) -> _Model:
        return model.model_validate(raw)

    return read
