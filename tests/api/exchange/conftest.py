"""Two real centres (MLI and NER), each a `checkpoint serve` process with its own database and keys, linked by an
agreement each way; NER lists a wanted person, a security alert and a stolen passport. Started once per module."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from checkpoint.cli import exchange_centres as centres


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SignedIn:
    """A supervisor's API client at one centre."""

    def __init__(self, centre: centres.Centre, password: str) -> None:
        self.centre = centre
        self.http = httpx.Client(base_url=centre.url, timeout=60)
        token = self.http.post("/api/auth/login", json={"username": "exchange-supervisor", "password": password})
        token.raise_for_status()
        self.http.headers["authorization"] = f"Bearer {token.json()['access_token']}"


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, SignedIn]]:
    base: Path = tmp_path_factory.mktemp("exchange")
    mli = centres.Centre("MLI", base / "MLI", free_port())
    ner = centres.Centre("NER", base / "NER", free_port())
    centres.link(mli, ner, centres.demo_terms())
    centres.link(ner, mli, centres.demo_terms())
    centres.list_demo_entries(ner)
    passwords = {c.centre_id: centres.add_supervisor(c) for c in (mli, ner)}
    with centres.running([mli, ner]):
        yield {"MLI": SignedIn(mli, passwords["MLI"]), "NER": SignedIn(ner, passwords["NER"])}
