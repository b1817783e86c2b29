"""Two real centres (MLI and NER), each a `checkpoint serve` process with its own database and keys, linked by an
agreement each way; NER lists a wanted person, a security alert and a stolen passport. Started once per module."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from checkpoint.cli import exchange_centres as centres
from checkpoint.cli.exchange_demo import Supervisor


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Supervisor]]:
    base: Path = tmp_path_factory.mktemp("exchange")
    mli = centres.Centre("MLI", base / "MLI", free_port())
    ner = centres.Centre("NER", base / "NER", free_port())
    centres.link(mli, ner, centres.demo_terms())
    centres.link(ner, mli, centres.demo_terms())
    centres.list_demo_entries(ner)
    passwords = {c.centre_id: centres.add_supervisor(c) for c in (mli, ner)}
    with centres.running([mli, ner]):
        yield {"MLI": Supervisor(mli, passwords["MLI"]), "NER": Supervisor(ner, passwords["NER"])}
