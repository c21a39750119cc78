"""Where the board's CPU goes: py-spy on the board process under the benchmark's load.

    pip install py-spy   # not a project dependency; only for this tool
    python -m bench.profile [--extensions 2000] [--compact] [--detail] [--seconds 30]

Starts the load server and `wallboard run` in a 200x60 pty exactly as `bench.run` does,
waits for the warm-up, samples the board with `py-spy record --format raw` (collapsed
stacks, non-idle samples only), and prints the functions with the largest inclusive and
self shares. The collapsed stacks are kept (`--out`) for a flame graph.
"""

from __future__ import annotations

import argparse
import collections
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import SimServer, board


def summarise(collapsed: Path, top: int = 25, focus: str | None = None) -> str:
    """Inclusive and self shares of the sampled functions (`function (file:line)` frames)."""
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_short(frame) for frame in stack.split(";")]
        if focus and not any(focus in frame for frame in frames):
            continue
        total += count
        for frame in set(frames):
            inclusive[frame] += count
        own[frames[-1]] += count
    if not total:
        return "no samples"
    lines = [f"{total} samples" + (f" with {focus!r} on the stack" if focus else "")]
    lines.append("\ninclusive:")
    lines += [f"{100 * n / total:5.1f}%  {frame}" for frame, n in inclusive.most_common(top)]
    lines.append("\nself:")
    lines += [f"{100 * n / total:5.1f}%  {frame}" for frame, n in own.most_common(top)]
    return "\n".join(lines)


def _short(frame: str) -> str:
    """`render_line (wallboard/ui/widgets/line_view.py:101)` without the venv prefix."""
    for marker in ("site-packages/", "/work/main/", "lib/python3"):
        if marker in frame:
            head, _, tail = frame.partition("(")
            return head + "(" + tail.split(marker, 1)[-1]
    return frame


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--extensions", type=int, default=2000)
    parser.add_argument("--queues", type=int, default=40)
    parser.add_argument("--compact", action="store_true")
    parser.add_argument("--detail", action="store_true", help="open the detail pane (Enter)")
    parser.add_argument("--warmup", type=float, default=10.0)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--rate", type=int, default=200, help="py-spy samples per second")
    parser.add_argument("--focus", help="only stacks through a frame containing this text")
    parser.add_argument("--out", type=Path, help="keep the collapsed stacks here")
    parser.add_argument("--pythonpath", help="a candidate copy of the package to profile")
    args = parser.parse_args(argv)
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(spy).exists():
        print("py-spy is not installed: pip install py-spy", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="wallboard-profile-"))
    out = args.out or work / "board.collapsed"
    with (
        SimServer(args.extensions, args.queues) as server,
        board(server.base_url, compact=args.compact, metrics_path=work / "metrics.jsonl") as proc,
    ):
        if args.detail:
            time.sleep(3.0)
            proc.write(b"\r")
        time.sleep(max(0.0, proc.spawned_at + args.warmup - time.monotonic()))
        subprocess.run(
            [spy, "record", "--pid", str(proc.pid), "--duration", str(args.seconds),
             "--rate", str(args.rate), "--format", "raw", "--output", str(out),
             "--threads", "--nonblocking", "--function"],
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
    print(summarise(out, focus=args.focus))
    print(f"\ncollapsed stacks: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
