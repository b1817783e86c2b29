"""Ingest benchmark: a real `uvicorn api.asgi:app` process on loopback, a bounded load, throughput and latency.

Also measures offline verification of a 100k-event audit export. Results print as one table and are kept as
JSON under benchmarks/results/ (with the machine's load, since the box may be shared).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

RESULTS_DIR = Path(__file__).resolve().parent / "results"
HOST = "127.0.0.1"  # loopback only: the load never leaves the machine


def sample_transaction(kiosk_id: str) -> dict[str, Any]:
    """A realistic REFER transaction body with a fresh client UUID."""
    now = datetime.now(UTC)
    return {
        "client_uuid": str(uuid.uuid4()),
        "kiosk_id": kiosk_id,
        "post_id": "post-bench",
        "started_at": (now - timedelta(seconds=15)).isoformat(),
        "completed_at": now.isoformat(),
        "document": {
            "document_type": "P",
            "issuing_state": "UTO",
            "document_number": "L898902C3",
            "surname": "ERIKSSON",
            "given_names": "ANNA MARIA",
            "nationality": "UTO",
            "birth_date": "1974-08-12",
            "sex": "F",
            "expiry_date": "2032-04-15",
        },
        "document_checks": [{"name": "COMPOSITE_CHECK_DIGIT", "passed": True}],
        "quality": {"score": 80.0, "inter_eye_px": 60.0},
        "face_match_score": 0.8,
        "recommendation": "REFER",
        "reason_codes": ["WATCHLIST_FACE_HIT"],
        "candidates": [
            {"watchlist_id": "wl-1", "entry_ref": "E-1", "kind": "face", "score": 0.7, "threshold": 0.6, "rank": 1}
        ],
        "model_ids": ["dlib-resnet-v1-0123456789ab"],
        "snapshot_version": "bench",
        "policy_hash": "b" * 64,
    }


def free_port() -> int:
    """A TCP port on loopback nobody listens on right now."""
    import socket

    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running service process and a kiosk credential for it."""

    base_url: str
    process: subprocess.Popen[bytes]
    database_url: str
    data_dir: Path
    kiosk_id: str
    kiosk_secret: str


def prepare_database(database_url: str, data_dir: Path, kiosk_id: str) -> str:
    """Create the schema (Alembic on PostgreSQL) and register a kiosk; returns its secret."""
    from sqlmodel import Session

    from api.accounts import register_kiosk
    from api.app import auth_policy
    from api.audit.chain import SYSTEM
    from api.audit.signing import load_or_create_private_key
    from api.audit.trail import AuditTrail
    from api.db import create_schema, is_sqlite, make_engine
    from api.migrations_runner import upgrade_if_postgres
    from api.schemas import KioskCreate
    from checkpoint.settings import Settings

    settings = Settings(data_dir=data_dir, database_url=database_url)
    upgrade_if_postgres(database_url)
    engine = make_engine(database_url)
    if is_sqlite(engine):
        create_schema(engine)
    trail = AuditTrail(load_or_create_private_key(settings.audit_key_path), settings.tree_head_every_events)
    with Session(engine, expire_on_commit=False) as session:
        registered = register_kiosk(
            session, trail, auth_policy(settings), SYSTEM, KioskCreate(kiosk_id=kiosk_id, post_id="post-bench")
        )
    engine.dispose()
    return registered.secret


@contextmanager
def running_server(database_url: str, data_dir: Path, kiosk_id: str = "kiosk-bench") -> Iterator[Server]:
    """Start `uvicorn api.asgi:app` as a separate process (one worker) and wait until it answers."""
    secret = prepare_database(database_url, data_dir, kiosk_id)
    port = free_port()
    env = {
        **os.environ,
        "CHECKPOINT_DATA_DIR": str(data_dir),
        "CHECKPOINT_DATABASE_URL": database_url,
        "CHECKPOINT_RETENTION_INTERVAL_MINUTES": "0",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.asgi:app",
            "--host",
            HOST,
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {process.stderr.read().decode()[-2000:] if process.stderr else ''}")
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not answer /health within 60 s")
            time.sleep(0.1)
        yield Server(base, process, database_url, data_dir, kiosk_id, secret)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def kiosk_token(server: Server) -> str:
    """Log the benchmark kiosk in over HTTP; returns its bearer token."""
    response = httpx.post(
        f"{server.base_url}/api/auth/kiosk-login",
        json={"kiosk_id": server.kiosk_id, "secret": server.kiosk_secret},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["access_token"]


@dataclass
class LoadResult:
    """What the load generator saw: every acknowledged UUID, latencies of the successes, failures."""

    acknowledged: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    failures: int = 0
    elapsed_s: float = 0.0


async def load(
    base_url: str, token: str, kiosk_id: str, seconds: float, concurrency: int, stop_on_disconnect: bool = False
) -> LoadResult:
    """POST fresh transactions from `concurrency` keep-alive connections until `seconds` pass."""
    result = LoadResult()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(client: httpx.AsyncClient) -> None:
        while time.perf_counter() < deadline:
            body = sample_transaction(kiosk_id)
            payload = json.dumps(body).encode()
            started = time.perf_counter()
            try:
                response = await client.post("/api/transactions", content=payload, headers=headers)
            except httpx.TransportError:
                result.failures += 1
                if stop_on_disconnect:
                    return  # the server is gone (the crash test killed it)
                continue
            if response.status_code == 201:
                result.latencies_ms.append((time.perf_counter() - started) * 1000)
                result.acknowledged.append(body["client_uuid"])
            else:
                result.failures += 1

    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    result.elapsed_s = time.perf_counter() - started
    return result


def generate_load(base_url: str, token: str, kiosk_id: str, seconds: float, concurrency: int) -> LoadResult:
    """POST transactions from `concurrency` keep-alive connections for `seconds`."""
    return asyncio.run(load(base_url, token, kiosk_id, seconds, concurrency))


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile by the nearest-rank method."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, int(round(q / 100 * len(ordered) + 0.5)) - 1))
    return ordered[index]


def process_cpu_seconds(pid: int) -> float:
    """User+system CPU seconds a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine() -> dict[str, Any]:
    """What the numbers depend on: load, cores, Python."""
    return {"loadavg": list(os.getloadavg()), "cpu_count": os.cpu_count(), "python": sys.version.split()[0]}


def bench_ingest(database: str, database_url: str, seconds: float, concurrency: int, warmup: float = 2.0) -> dict:
    """One ingest run against a fresh database; returns the result row."""
    with tempfile.TemporaryDirectory(prefix="checkpoint-bench-") as tmp:
        with running_server(database_url, Path(tmp) / "data") as server:
            token = kiosk_token(server)
            generate_load(server.base_url, token, server.kiosk_id, warmup, concurrency)
            load_before = os.getloadavg()
            cpu_before = process_cpu_seconds(server.process.pid)
            result = generate_load(server.base_url, token, server.kiosk_id, seconds, concurrency)
            server_cpu = process_cpu_seconds(server.process.pid) - cpu_before
    lat = result.latencies_ms
    done = len(result.acknowledged)
    return {
        "database": database,
        "concurrency": concurrency,
        "seconds": round(result.elapsed_s, 2),
        "transactions": len(result.acknowledged),
        "failures": result.failures,
        "tx_per_s": round(len(result.acknowledged) / result.elapsed_s, 1) if result.elapsed_s else 0.0,
        "p50_ms": round(statistics.median(lat), 2) if lat else None,
        "p99_ms": round(percentile(lat, 99), 2) if lat else None,
        "max_ms": round(max(lat), 2) if lat else None,
        # On a shared machine wall-clock throughput says more about the neighbours than about us; the server's
        # own CPU per transaction says what one core sustains.
        "server_cpu_ms_per_tx": round(1000 * server_cpu / done, 3) if done else None,
        "server_cpu_share": round(server_cpu / result.elapsed_s, 2) if result.elapsed_s else None,
        "tx_per_s_per_server_core": round(done / server_cpu, 1) if server_cpu else None,
        "loadavg_at_start": list(load_before),
    }


def build_chain_export(events: int, out: Path, tree_head_every: int = 1000) -> Path:
    """A SQLite chain of `events` real events (bulk-appended), signed tree heads, exported; returns the key."""
    from sqlmodel import Session

    from api.audit.canonical import GENESIS_HASH, canonical, event_hash, payload_hash
    from api.audit.export import export_chain
    from api.audit.signing import load_or_create_private_key
    from api.audit.tree_heads import issue_tree_head
    from api.db import create_schema, make_engine
    from api.models import AuditEvent, AuditPayload

    work = out.parent
    engine = make_engine(f"sqlite:///{work / 'chain.sqlite3'}")
    create_schema(engine)
    key = load_or_create_private_key(work / "key.pem")
    previous = GENESIS_HASH
    with Session(engine) as session:
        for sequence in range(1, events + 1):
            payload = {"transaction": sequence, "recommendation": "CLEAR"}
            fields = {
                "sequence": sequence,
                "time": datetime.now(UTC).isoformat(timespec="microseconds"),
                "actor": "kiosk-bench",
                "role": "kiosk",
                "action": "transaction.ingest",
                "object": f"transaction:{sequence}",
                "payload_hash": payload_hash(payload),
                "prev_hash": previous,
            }
            previous = event_hash(fields)
            session.add(AuditEvent(**fields, hash=previous))
            session.add(AuditPayload(sequence=sequence, payload=canonical(payload).decode()))
            if sequence % 10_000 == 0:
                session.flush()
            if sequence % tree_head_every == 0:
                session.flush()
                issue_tree_head(session, key)
        session.commit()
        export_chain(session, key, out)
    engine.dispose()
    return out.with_suffix(".pub.pem")


def bench_verify(events: int) -> dict:
    """Time the offline verifier over an export of `events` events (median of 3 runs)."""
    from api.audit.signing import load_public_key
    from api.audit.verify import verify_export

    with tempfile.TemporaryDirectory(prefix="checkpoint-verify-") as tmp:
        export = Path(tmp) / "audit.jsonl"
        key_path = build_chain_export(events, export)
        key = load_public_key(key_path)
        times = []
        for _ in range(3):
            started = time.perf_counter()
            report = verify_export(export, key)
            times.append(time.perf_counter() - started)
            assert report.ok, report.problem
        size = export.stat().st_size
    return {
        "events": events,
        "tree_heads": report.tree_heads,
        "export_mb": round(size / 1e6, 1),
        "verify_s_median": round(statistics.median(times), 3),
        "verify_s_all": [round(t, 3) for t in times],
    }


def print_table(rows: list[dict], verify: dict | None) -> None:
    """One table per run, the same columns every time."""
    print(
        f"{'database':<11}{'conc':>5}{'secs':>7}{'tx':>8}{'fail':>6}{'tx/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'max ms':>9}{'cpu ms/tx':>10}{'cpu share':>10}{'tx/s/core':>10}{'load1':>7}"
    )
    for r in rows:
        print(
            f"{r['database']:<11}{r['concurrency']:>5}{r['seconds']:>7}{r['transactions']:>8}{r['failures']:>6}"
            f"{r['tx_per_s']:>9}{r['p50_ms']!s:>9}{r['p99_ms']!s:>9}{r['max_ms']!s:>9}"
            f"{r['server_cpu_ms_per_tx']!s:>10}{r['server_cpu_share']!s:>10}{r['tx_per_s_per_server_core']!s:>10}"
            f"{r['loadavg_at_start'][0]:>7.1f}"
        )
    if verify:
        print(
            f"audit verify: {verify['events']} events, {verify['tree_heads']} tree heads, "
            f"{verify['export_mb']} MB, median {verify['verify_s_median']} s"
        )


def save(rows: list[dict], verify: dict | None, targets: dict) -> Path:
    """Keep the run as benchmarks/results/ingest.json and append it to ingest-history.jsonl (runs on a shared
    machine vary with the neighbours' load, so every run is kept next to its load average)."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / "ingest.json"
    record = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "targets": targets,
        "ingest": rows,
        "audit_verify": verify,
    }
    out.write_text(json.dumps(record, indent=2) + "\n")
    with (RESULTS_DIR / "ingest-history.jsonl").open("a", encoding="utf-8") as history:
        history.write(json.dumps(record) + "\n")
    return out


TARGETS = {"sqlite_tx_per_s_min": 300, "sqlite_p99_ms_max": 100, "verify_100k_s_max": 5}


def run(databases: list[str], seconds: float, concurrency: int, verify_events: int, postgres_url: str | None) -> Path:
    """The whole benchmark: ingest on each database, then audit verification; prints and saves."""
    rows = []
    for database in databases:
        if database == "sqlite":
            with tempfile.TemporaryDirectory(prefix="checkpoint-bench-db-") as tmp:
                rows.append(bench_ingest("sqlite", f"sqlite:///{tmp}/central.sqlite3", seconds, concurrency))
        else:
            if postgres_url:
                rows.append(bench_ingest("postgresql", postgres_url, seconds, concurrency))
            else:
                from benchmarks.postgres_server import start_postgres

                pg = start_postgres()
                try:
                    rows.append(bench_ingest("postgresql", pg.url, seconds, concurrency))
                finally:
                    pg.stop()
    verify = bench_verify(verify_events) if verify_events else None
    print_table(rows, verify)
    return save(rows, verify, TARGETS)
