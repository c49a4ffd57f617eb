"""A headless Chromium driven over the DevTools protocol, to check pages the way a reader sees them.

The viewer's page is drawn by its script, so its tests, its speed benchmark and the screenshot in
the docs need a real browser: this starts the system's ``chromium`` (Debian's package; no browser
is downloaded) with ``--remote-debugging-pipe`` and speaks the protocol over that pipe, so nothing
beyond the standard library is needed and no port is opened.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Self

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio")
"""Flags that let Chromium run as root in a container without a display or network."""


class BrowserError(RuntimeError):
    """Chromium is missing, did not answer, or a page's script raised."""


def find_chromium() -> str | None:
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


class Chromium:
    """One browser with one tab; use as a context manager so the process and profile go away."""

    def __init__(self, *, width: int = 1400, height: int = 1000, timeout: float = 60.0) -> None:
        executable = find_chromium()
        if executable is None:
            raise BrowserError("no Chromium found: install Debian's package (apt-get install -y chromium)")
        self.timeout = timeout
        self._profile = tempfile.mkdtemp(prefix="projner-chromium-")
        to_browser, self._send = os.pipe()
        self._receive, from_browser = os.pipe()

        def on_fds_3_and_4() -> None:  # the protocol's pipe: Chromium reads fd 3, writes fd 4
            reading, writing = os.dup(to_browser), os.dup(from_browser)  # neither is 3 or 4 now
            os.dup2(reading, 3)
            os.dup2(writing, 4)

        self._process = subprocess.Popen(
            [executable, *FLAGS, "--remote-debugging-pipe", f"--user-data-dir={self._profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=on_fds_3_and_4,  # noqa: PLW1509 - the protocol needs fds 3 and 4
        )
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        self._session: str | None = None
        target = self._call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self._session = self._call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self._call("Page.enable")
        self._call("Emulation.setDeviceMetricsOverride",
                   {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    @staticmethod
    def version() -> str:
        """The browser's own ``--version`` line."""
        executable = find_chromium()
        if executable is None:
            return "no Chromium"
        return subprocess.run([executable, "--version"], check=False, capture_output=True, text=True).stdout.strip()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            if self._process.poll() is None:
                self._session = None
                self._call("Browser.close", timeout=10)
                self._process.wait(timeout=10)
        except (BrowserError, subprocess.TimeoutExpired, OSError):
            self._process.kill()
            self._process.wait()
        finally:
            for fd in (self._send, self._receive):
                try:
                    os.close(fd)
                except OSError:
                    pass
            shutil.rmtree(self._profile, ignore_errors=True)

    # --- the protocol -----------------------------------------------------------------------------

    def _message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._receive], [], [], left)[0]:
                raise BrowserError(f"Chromium did not answer within {self.timeout:.0f} s")
            chunk = os.read(self._receive, 1 << 20)
            if not chunk:
                raise BrowserError(f"Chromium closed the DevTools pipe (exit status {self._process.poll()})")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)

    def _call(self, method: str, params: dict[str, Any] | None = None, *, timeout: float | None = None) -> dict[str, Any]:
        self._next_id += 1
        request: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if self._session:
            request["sessionId"] = self._session
        os.write(self._send, json.dumps(request).encode() + b"\0")
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            message = self._message(deadline)
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error'].get('message')}")
                return message.get("result", {})
            self._events.append(message)

    def _wait_event(self, method: str) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        while True:
            for index, event in enumerate(self._events):
                if event.get("method") == method:
                    return self._events.pop(index)
            self._events.append(self._message(deadline))

    # --- what the tests use -----------------------------------------------------------------------

    def open(self, url: str | Path, fragment: str = "") -> None:
        """Load ``url`` (a path becomes a ``file://`` URL) with ``#fragment`` and return once its
        load event fired, that is after its inline scripts ran."""
        if isinstance(url, Path) or "://" not in url:
            url = Path(url).resolve().as_uri()
        if fragment:
            url = f"{url}#{fragment}"
        self._events.clear()
        self._call("Page.navigate", {"url": "about:blank"})
        self._wait_event("Page.loadEventFired")
        self._call("Page.navigate", {"url": str(url)})
        self._wait_event("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """The JSON value of ``expression`` in the page (awaited where it is a promise)."""
        result = self._call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                 "awaitPromise": True})
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise BrowserError(f"{expression[:80]!r} raised: "
                               f"{details.get('exception', {}).get('description') or details.get('text')}")
        return result["result"].get("value")

    def move_mouse(self, x: float, y: float) -> None:
        self._call("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})

    def screenshot(self, path: str | Path, *, height: int | None = None) -> Path:
        """A PNG of the page from its top, ``height`` CSS pixels tall (default: the window)."""
        params: dict[str, Any] = {"format": "png"}
        if height is not None:
            width = self.evaluate("document.documentElement.clientWidth")
            params |= {"captureBeyondViewport": True, "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}}
        path = Path(path)
        path.write_bytes(base64.b64decode(self._call("Page.captureScreenshot", params)["data"]))
        return path
