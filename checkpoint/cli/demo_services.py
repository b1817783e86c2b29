"""The demo's two services as child processes: their output passes through to the terminal and its last lines are
kept, so that when one stops the demo can say which, with what exit code and what it said last."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from checkpoint.i18n import _

TAIL_LINES = 15


@dataclass
class Service:
    """One running `checkpoint` subcommand and the last lines it printed."""

    name: str
    process: subprocess.Popen
    tail: deque[str] = field(default_factory=lambda: deque(maxlen=TAIL_LINES))
    relay: threading.Thread | None = None  # copies the output through and keeps the tail

    def stopped(self) -> bool:
        return self.process.poll() is not None

    def report(self) -> str:
        """Why the demo stops: which service, its exit code, its last lines (on one line each)."""
        last = " | ".join(line.strip() for line in self.tail if line.strip()) or _("nothing")
        return _("the %(service)s stopped (exit code %(code)s); its last lines: %(lines)s") % {
            "service": self.name,
            "code": self.process.returncode,
            "lines": last,
        }


def start(name: str, args: list[str], env: dict[str, str]) -> Service:
    """Run `checkpoint ARGS` with its output echoed to stderr and its tail kept."""
    process = subprocess.Popen(
        [sys.executable, "-m", "checkpoint", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    service = Service(name, process)
    service.relay = threading.Thread(target=_relay, args=(service,), daemon=True)
    service.relay.start()
    return service


def _relay(service: Service) -> None:
    for line in service.process.stdout:  # type: ignore[union-attr]
        service.tail.append(line)
        sys.stderr.write(line)
    service.process.stdout.close()  # type: ignore[union-attr]


def first_to_stop(services: list[Service], poll_seconds: float = 0.5) -> Service:
    """Wait until one of `services` exits and return it (its output read to the end)."""
    while True:
        for service in services:
            if service.stopped():
                _drain(service)
                return service
        time.sleep(poll_seconds)


def _drain(service: Service, seconds: float = 2) -> None:
    """Give the relay a moment to read what the process wrote before it died."""
    if service.relay is not None:
        service.relay.join(seconds)


def stop(services: list[Service], seconds: float = 20) -> None:
    """Terminate every service still running, then kill what does not stop in time."""
    for service in services:
        if not service.stopped():
            service.process.terminate()
    for service in services:
        try:
            service.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            service.process.kill()
            service.process.wait()
