"""`wallboard serve` in a real headless Chromium (the Debian package, driven by Playwright):
the page loads, the board draws, a key press reaches it, a closed tab ends its session, and
beyond loopback no session starts without the password. A screenshot is kept in the test's
output directory (`WALLBOARD_TEST_OUTPUT`, default the test's tmp_path)."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from test_feed import ROOT, environment, start_hub, stop

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WEB_PASSWORD = "w3b-pa55-2290"


class Served:
    """A `wallboard serve` process and the lines it wrote on stderr."""

    def __init__(self, tmp_path: Path, redis_url: str, port: int, *args: str, **env: str):
        self.port = port
        self.process = subprocess.Popen(
            [sys.executable, "-m", "wallboard", "serve", "--from", redis_url,
             "--port", str(port), "--max-sessions", "2", *args],
            cwd=ROOT,
            env=environment(tmp_path, **env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def said(self, text: str) -> int:
        return sum(text in line for line in self.lines)

    def wait_for(self, predicate: Callable[[], bool], timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if predicate():
                return True
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        return predicate()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def output_dir(tmp_path: Path) -> Path:
    path = Path(os.environ.get("WALLBOARD_TEST_OUTPUT") or tmp_path)
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def hub_feed(start_sim, start_redis, tmp_path):
    from test_feed import CODE

    sim = start_sim(code=CODE, speed=30.0)
    server = start_redis()
    hub = start_hub(tmp_path, sim.base_url, server.url, interval=1.0)
    yield server
    stop(hub)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_a_browser_shows_the_board_and_a_key_press_reaches_it(hub_feed, tmp_path, closed_port):
    from playwright.sync_api import sync_playwright

    served = Served(tmp_path, hub_feed.url, closed_port)
    try:
        assert served.wait_for(lambda: served.said("serving the board on"), 20), served.lines
        with sync_playwright() as playwright:
            # a fresh profile: Playwright's persistent context takes it as user_data_dir
            browser = playwright.chromium.launch_persistent_context(
                str(tmp_path / "chromium"),
                executable_path=CHROMIUM,
                headless=True,
                args=CHROMIUM_ARGS,
                viewport={"width": 1280, "height": 800},
            )
            try:
                page = browser.new_page()
                page.goto(f"http://127.0.0.1:{closed_port}/", timeout=20_000)
                assert served.wait_for(lambda: served.said("session opened (1 open)"), 20)
                # the board draws: the terminal's canvas fills with the board's colours
                page.wait_for_selector("canvas", timeout=20_000)
                drawn = _wait_for_drawing(page, 20)
                assert drawn > 20, drawn
                shot = output_dir(tmp_path) / "serve-board.png"
                page.screenshot(path=str(shot))
                assert shot.stat().st_size > 10_000
                # the footer's keys do not tick: it changes only when wall mode hides it
                footer = {"x": 0, "y": 770, "width": 1280, "height": 30}
                before = page.screenshot(clip=footer)
                page.mouse.click(640, 400)  # focus the terminal, as a user's click does
                page.keyboard.press("w")  # wall mode: big totals, no footer
                assert _wait_until(lambda: page.screenshot(clip=footer) != before, 10)
                page.screenshot(path=str(output_dir(tmp_path) / "serve-board-wall.png"))
                page.keyboard.press("q")  # the board quits: its session ends
                assert served.wait_for(lambda: served.said("session closed (0 open)"), 15)
                # a tab closed ends its session too
                second = browser.new_page()
                second.goto(f"http://127.0.0.1:{closed_port}/", timeout=20_000)
                assert served.wait_for(lambda: served.said("session opened (1 open)") >= 2, 20)
                second.close()
                assert served.wait_for(lambda: served.said("session closed (0 open)") >= 2, 15)
            finally:
                browser.close()
    finally:
        served.stop()
    assert not any("Traceback" in line for line in served.lines), served.lines


def _wait_until(predicate: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return predicate()


def _wait_for_drawing(page, timeout_s: float) -> int:
    """How many distinct colours the page shows, once the board has drawn (many)."""
    from io import BytesIO

    try:
        from PIL import Image
    except ImportError:  # without Pillow, judge by the PNG's size
        _wait_until(lambda: len(page.screenshot()) > 60_000, timeout_s)
        return len(page.screenshot()) // 1000
    colours = 0

    def counted() -> bool:
        nonlocal colours
        image = Image.open(BytesIO(page.screenshot())).convert("RGB").reduce(4)
        colours = len(set(image.getdata()))
        return colours > 20

    _wait_until(counted, timeout_s)
    return colours


def _get(url: str, password: str | None = None) -> int:
    request = urllib.request.Request(url)
    if password is not None:
        token = base64.b64encode(f"board:{password}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_beyond_loopback_serve_needs_a_password_checked_before_any_session(
    start_redis, tmp_path, closed_port
):
    server = start_redis()
    refused = subprocess.run(
        [sys.executable, "-m", "wallboard", "serve", "--from", server.url, "--host", "0.0.0.0",
         "--port", str(closed_port)],
        cwd=ROOT, env=environment(tmp_path), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert refused.returncode == 2
    assert "needs a password" in refused.stderr
    served = Served(
        tmp_path, server.url, closed_port, "--host", "0.0.0.0", WALLBOARD_WEB_PASSWORD=WEB_PASSWORD
    )
    try:
        assert served.wait_for(lambda: served.said("password required"), 20), served.lines
        base = f"http://127.0.0.1:{closed_port}"
        assert _get(f"{base}/") == 401
        assert _get(f"{base}/ws") == 401  # no session without the password
        assert _get(f"{base}/", "wrong") == 401
        assert _get(f"{base}/", WEB_PASSWORD) == 200
        argv = Path(f"/proc/{served.process.pid}/cmdline").read_bytes()
        assert WEB_PASSWORD.encode() not in argv
    finally:
        served.stop()
    assert served.said("session opened") == 0
    assert not any(WEB_PASSWORD in line for line in served.lines)
