"""A load server for the benchmark: the Active Calls wire format with an exact, steady mix.

The project's simulator (`wallboard simulate`) is a queueing model: how many agents talk and
how many callers wait emerge from arrival and service rates, so they wander. A benchmark
needs a fixed load, so this server holds, at every moment:

- exactly `--extensions` extensions, `--logged-in` of them logged in (default 85 %);
- exactly `--on-call` of the logged-in agents on calls (default 60 %), the rest available or
  on a break (about a quarter of them away);
- exactly `--waiting` callers spread unevenly over `--queues` queues.

and evolves realistically once a second: calls ring and are answered, are put on hold and
taken off, end while other agents take new ones (so the number on calls stays exact),
agents go on breaks and come back, log in and out, callers are answered or abandon while new
ones join. About 1.5 % of the agents change state per second, 3 % per 2 s poll. Epochs
are the real clock's; `Duration` is computed at answer time, so `JoinTime + Duration` is
the server's now, as the vendor's API answers.

Run it as its own process so its CPU is not counted against the board:

    python -m bench.load_server --port 8800 --extensions 2000 --waiting 300 --queues 40

The accepted code comes from `VOICENTER_CODE` (never the command line). `--log FILE` appends
one JSON line per answer (`t`, `endpoint`, `bytes`) so a harness can count polls.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

API_PREFIX = "/comet/API"
AWAY = (3, 5, 7, 9, 11, 12, 13)
AWAY_WEIGHTS = (12, 15, 45, 10, 6, 6, 6)
# fmt: off
_FIRST = ["Dana", "Yossi", "Michal", "Avi", "Noa", "Roni", "Shira", "Itai", "Tamar", "Omer",
          "Ahmad", "Rana", "Yusuf", "Lina", "Olga", "Dmitri", "Sarah", "David", "Maya", "Eitan"]
_LAST = ["Cohen", "Levi", "Mizrahi", "Peretz", "Biton", "Friedman", "Shapiro", "Dahan",
         "Khalil", "Haddad", "Ivanova", "Petrov", "Goldberg", "Ben-David", "Katz", "Mansour"]
_HEBREW_FIRST = ["דנה", "יוסי", "מיכל", "אבי", "נועה", "רוני", "שירה", "איתי"]
_HEBREW_LAST = ["כהן", "לוי", "מזרחי", "פרץ", "ביטון", "פרידמן"]
_QUEUE_NAMES = ["Sales", "Support", "Billing", "VIP", "Technical Support", "Retention",
                "Collections", "Returns", "Orders", "Onboarding", "Complaints", "Callbacks",
                "Partners", "Enterprise", "תמיכה טכנית", "מכירות", "שירות לקוחות", "גבייה"]
# fmt: on


@dataclass
class Call:
    """One call on an extension; `ring_until` is when a ringing/dialling call is answered."""

    started: int
    answered: int
    status: str
    direction: str
    phone: str
    ivrid: str
    did: str
    ring_until: float = 0.0

    def wire(self, username: str) -> dict[str, Any]:
        return {
            "callStarted": self.started,
            "callAnswered": self.answered,
            "answered": 1 if self.answered else 0,
            "callername": "Voicenter" if self.direction == "Outgoing" else "",
            "callerphone": self.phone,
            "callstatus": self.status,
            "customdata": {},
            "direction": self.direction,
            "ivrid": self.ivrid,
            "recording": {"Filename": f"{self.ivrid}-{username}.mp3", "IsMuted": 0},
            "did": self.did,
        }


@dataclass
class Agent:
    """One extension and whoever sits at it."""

    index: int
    username: str
    name: str
    user_id: int
    extension_id: int
    status: int = 2
    calls: list[Call] = field(default_factory=list)

    def wire(self) -> dict[str, Any]:
        logged_in = self.status != 2
        return {
            "name": self.name,
            "userID": self.user_id,
            "representative": self.name if logged_in else "",
            "onlineUserID": self.user_id if logged_in else 0,
            "username": self.username,
            "extensionID": self.extension_id,
            "onlineUserStatus": self.status,
            "calls": [call.wire(self.username) for call in self.calls],
        }


@dataclass
class Caller:
    phone: str
    join_time: int
    call_id: str


class Centre:
    """The steady-mix model. `step(now)` advances it; `extensions_body`/`queues_body` answer."""

    def __init__(
        self,
        *,
        extensions: int,
        waiting: int,
        queues: int,
        logged_in_share: float = 0.85,
        on_call_share: float = 0.6,
        churn: float = 1.0,
        seed: int = 1,
        now: float | None = None,
    ) -> None:
        self.rng = random.Random(seed)
        self.churn = churn
        now = time.time() if now is None else now
        self.now = now
        rng = self.rng
        self._serial = 0
        self.agents: list[Agent] = []
        for i in range(extensions):
            if rng.random() < 0.2:
                name = f"{rng.choice(_HEBREW_FIRST)} {rng.choice(_HEBREW_LAST)}"
            else:
                name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
            self.agents.append(
                Agent(i, f"SIP{100000 + i}", name, 4_000_000 + i * 7, 87_000_000 + i * 13)
            )
        logged_in = round(extensions * logged_in_share)
        on_call = round(logged_in * on_call_share)
        order = list(range(extensions))
        rng.shuffle(order)
        self.on_call: set[int] = set(order[:on_call])
        self.idle: set[int] = set(order[on_call:logged_in])  # logged in, no call
        self.out: set[int] = set(order[logged_in:])
        for i in self.idle:
            away = rng.random() < 0.25
            self.agents[i].status = rng.choices(AWAY, AWAY_WEIGHTS)[0] if away else 1
        for i in self.on_call:
            self.agents[i].status = 1
            self.agents[i].calls = self._initial_calls(now)
        self.queue_meta = [
            (
                70_000 + q,
                f"{_QUEUE_NAMES[q % len(_QUEUE_NAMES)]} {q // len(_QUEUE_NAMES) + 1}",
                1 + q % 10,
            )
            for q in range(queues)
        ]
        self.queue_weights = [1 / (q + 1) ** 0.8 for q in range(queues)]
        self.callers: list[list[Caller]] = [[] for _ in range(queues)]
        for _ in range(waiting):
            q = rng.choices(range(queues), self.queue_weights)[0]
            wait = min(900.0, rng.expovariate(1 / 90))
            self.callers[q].append(self._caller(now - wait))
        for queue in self.callers:
            queue.sort(key=lambda c: c.join_time)
        self._carry: dict[str, float] = {}
        self._ext_body = b""
        self._ext_dirty = True

    # --- building blocks ------------------------------------------------------------------
    def _id(self) -> str:
        self._serial += 1
        return f"2026{self._serial:08d}{self.rng.getrandbits(24):06x}"

    def _phone(self) -> str:
        return f"05{self.rng.randrange(10**8):08d}"

    def _caller(self, joined: float) -> Caller:
        return Caller(self._phone(), int(joined), self._id())

    def _new_call(self, now: float) -> Call:
        rng = self.rng
        outgoing = rng.random() < 0.25
        return Call(
            started=int(now),
            answered=0,
            status="Dialing" if outgoing else "Ringing",
            direction="Outgoing" if outgoing else "Incoming",
            phone=self._phone(),
            ivrid=self._id(),
            did="" if outgoing else "039876543",
            ring_until=now + rng.uniform(3, 15),
        )

    def _initial_calls(self, now: float) -> list[Call]:
        rng = self.rng
        roll = rng.random()
        if roll < 0.12:  # still ringing or dialling
            call = self._new_call(now - rng.uniform(0, 3))
            return [call]
        started = now - min(3000.0, rng.lognormvariate(4.8, 0.8))
        call = self._new_call(started)
        call.status, call.answered = "Talking", int(started + rng.uniform(3, 12))
        if roll < 0.22:
            call.status = "Hold"
        if roll < 0.27:  # consulting a colleague while the customer holds
            call.status = "Hold"
            second = self._new_call(now - rng.uniform(5, 60))
            second.direction, second.status = "Outgoing", "Talking"
            second.answered = second.started + 4
            return [call, second]
        return [call]

    def _count(self, kind: str, per_agent_per_s: float, dt: float) -> int:
        """How many events of `kind` fall in `dt` seconds (fractions carried over)."""
        want = per_agent_per_s * len(self.agents) * dt * self.churn + self._carry.get(kind, 0.0)
        whole = int(want)
        self._carry[kind] = want - whole
        return whole

    # --- evolution ------------------------------------------------------------------------
    def step(self, now: float) -> None:
        """Advance the model to `now` (seconds since the epoch)."""
        dt = max(0.0, now - self.now)
        self.now = now
        rng = self.rng
        agents = self.agents
        # Ringing and dialling calls are answered when their ring is over.
        for i in self.on_call:
            for call in agents[i].calls:
                if call.status in ("Ringing", "Dialing") and now >= call.ring_until:
                    call.status, call.answered = "Talking", int(now)
                    self._ext_dirty = True
        # Calls end while other agents take new ones: the number on calls stays exact.
        ends = min(self._count("calls", 0.0042, dt), len(self.on_call), len(self.idle))
        if ends:
            talking = [i for i in self.on_call if agents[i].calls[0].answered]
            available = [i for i in self.idle if agents[i].status == 1]
            ends = min(ends, len(talking), len(available))
            for i in rng.sample(talking, ends):
                agents[i].calls = []
                self.on_call.discard(i)
                self.idle.add(i)
            for i in rng.sample(available, ends):
                agents[i].calls = [self._new_call(now)]
                self.idle.discard(i)
                self.on_call.add(i)
            self._ext_dirty = True
        # Hold and back.
        holds = self._count("holds", 0.001, dt)
        if holds and self.on_call:
            for i in rng.sample(sorted(self.on_call), min(holds, len(self.on_call))):
                call = agents[i].calls[0]
                if call.status == "Talking":
                    call.status = "Hold"
                elif call.status == "Hold" and len(agents[i].calls) == 1:
                    call.status = "Talking"
            self._ext_dirty = True
        # Breaks: one agent goes away while another comes back.
        for _ in range(self._count("breaks", 0.0008, dt)):
            available = [i for i in self.idle if agents[i].status == 1]
            away = [i for i in self.idle if agents[i].status != 1]
            if available and away:
                agents[rng.choice(available)].status = rng.choices(AWAY, AWAY_WEIGHTS)[0]
                agents[rng.choice(away)].status = 1
                self._ext_dirty = True
        # Shifts: one agent logs out while another logs in.
        for _ in range(self._count("shifts", 0.0002, dt)):
            available = [i for i in self.idle if agents[i].status == 1]
            if available and self.out:
                leaving = rng.choice(available)
                coming = rng.choice(sorted(self.out))
                agents[leaving].status = 2
                self.idle.discard(leaving)
                self.out.add(leaving)
                agents[coming].status = 1
                self.out.discard(coming)
                self.idle.add(coming)
                self._ext_dirty = True
        # Callers: as many leave (mostly answered, oldest first; some abandon) as join.
        total = sum(len(q) for q in self.callers)
        moves = self._count("callers", total / 120 / max(1, len(self.agents)), dt)
        for _ in range(min(moves, total)):
            busy = [q for q in self.callers if q]
            queue = rng.choice(busy)
            queue.pop(0 if rng.random() < 0.8 else rng.randrange(len(queue)))
            target = rng.choices(self.callers, self.queue_weights)[0]
            target.append(self._caller(now))

    # --- answers --------------------------------------------------------------------------
    def extensions_body(self) -> bytes:
        if self._ext_dirty or not self._ext_body:
            answer = {"ERR": 0, "DESC": "OK", "EXTENSIONS": [a.wire() for a in self.agents]}
            self._ext_body = json.dumps(answer, separators=(",", ":")).encode()
            self._ext_dirty = False
        return self._ext_body

    def queues_body(self, now: float) -> bytes:
        server_now = int(now)
        queues = [
            {
                "Name": name,
                "ID": queue_id,
                "Weight": weight,
                "Callers": [
                    {
                        "Phone": c.phone,
                        "JoinTime": c.join_time,
                        "CallID": c.call_id,
                        "Duration": max(0, server_now - c.join_time),
                    }
                    for c in callers
                ],
            }
            for (queue_id, name, weight), callers in zip(self.queue_meta, self.callers, strict=True)
        ]
        answer = {"ERR": 0, "DESC": "OK", "QUEUES": queues}
        return json.dumps(answer, separators=(",", ":")).encode()

    def mix(self) -> dict[str, int]:
        """The current counts, for checks."""
        logged_in = len(self.agents) - len(self.out)
        return {
            "extensions": len(self.agents),
            "logged_in": logged_in,
            "on_call": len(self.on_call),
            "away": sum(1 for i in self.idle if self.agents[i].status != 1),
            "waiting": sum(len(q) for q in self.callers),
        }


_AUTH_FAILED = json.dumps({"ERR": 1, "DESC": "Authorization failed"}).encode()
_JSON = "application/json; charset=utf-8"


def create_app(centre: Centre, code: str, log_path: str | None = None) -> Starlette:
    """The two endpoints over `centre`, stepping it once a second in the background."""
    log = open(log_path, "a", encoding="utf-8") if log_path else None  # noqa: SIM115

    async def code_of(request: Request) -> object:
        if request.method == "GET":
            return request.query_params.get("code")
        try:
            body = json.loads(await request.body())
        except ValueError:
            return None
        return body.get("code") if isinstance(body, dict) else None

    def answer(endpoint: str, body: bytes) -> Response:
        if log is not None:
            log.write(json.dumps({"t": time.time(), "endpoint": endpoint, "bytes": len(body)}))
            log.write("\n")
            log.flush()
        return Response(body, media_type=_JSON)

    async def extensions(request: Request) -> Response:
        if await code_of(request) != code:
            return Response(_AUTH_FAILED, media_type=_JSON)
        return answer("extensions", centre.extensions_body())

    async def queues(request: Request) -> Response:
        if await code_of(request) != code:
            return Response(_AUTH_FAILED, media_type=_JSON)
        return answer("queues", centre.queues_body(time.time()))

    async def stepper() -> None:
        while True:
            await asyncio.sleep(1.0 - time.time() % 1.0)
            centre.step(time.time())
            centre.extensions_body()  # serialise now, not while a poll waits

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(stepper())
        try:
            yield
        finally:
            task.cancel()
            if log is not None:
                log.close()

    methods = ["GET", "POST"]
    return Starlette(
        routes=[
            Route(f"{API_PREFIX}/GetExtensionsCalls", extensions, methods=methods),
            Route(f"{API_PREFIX}/GetQueuesCallers", queues, methods=methods),
        ],
        lifespan=lifespan,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8800)
    parser.add_argument("--extensions", type=int, default=2000)
    parser.add_argument("--waiting", type=int, default=300)
    parser.add_argument("--queues", type=int, default=40)
    parser.add_argument("--logged-in", type=float, default=0.85, help="share of extensions")
    parser.add_argument("--on-call", type=float, default=0.6, help="share of logged-in agents")
    parser.add_argument("--churn", type=float, default=1.0, help="multiplies every event rate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--log", help="append one JSON line per answer to this file")
    args = parser.parse_args(argv)
    code = os.environ.get("VOICENTER_CODE") or "bench"
    centre = Centre(
        extensions=args.extensions,
        waiting=args.waiting,
        queues=args.queues,
        logged_in_share=args.logged_in,
        on_call_share=args.on_call,
        churn=args.churn,
        seed=args.seed,
    )
    centre.extensions_body()
    app = create_app(centre, code, args.log)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
