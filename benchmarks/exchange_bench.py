"""Exchange load: how many signed hit/no-hit queries a real centre process answers per second, and how fast.

One centre (NER) runs `checkpoint serve` on 127.0.0.1 with a wanted-person list of N subjects (one template each)
and N stolen documents; a partner (BFA, never started: it only signs) sends signed queries of each kind from a
few threads, half of them hits. Every answer is checked (a hit where a hit was meant, else no hit): a wrong
answer fails the benchmark instead of counting as throughput. Results: benchmarks/results/exchange.json.
"""

from __future__ import annotations

import base64
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from benchmarks.ingest_bench import free_port, percentile
from benchmarks.result_file import RESULTS_DIR, save_result
from checkpoint.cli import exchange_centres as centres


def _body(kind: str, number: int, hit: bool, people: int) -> dict[str, Any]:
    """Query `number` of `kind`: on an entry that is listed when `hit`, else on one that is not."""
    body: dict[str, Any] = {"type": "query", "query_id": str(uuid.uuid4()), "kind": kind}
    if kind == "document":
        body |= {
            "issuing_state": "NER",
            "document_number": f"DM{number % people + 1:07d}" if hit else f"DX{number:07d}",
        }
    elif kind == "name":
        body |= {"name": centres.demo_name(number % people) if hit else f"Nobody Unlisted {number}"}
    else:
        seed = number % people if hit else 10_000_000 + number
        vector = centres.demo_vector(seed)
        if hit:
            vector = vector + 0.02 * np.random.default_rng(number).standard_normal(centres.DEMO_DIM)
        raw = (vector / np.linalg.norm(vector)).astype("<f4").tobytes()
        body |= {"model_id": centres.DEMO_MODEL_ID, "template_b64": base64.b64encode(raw).decode()}
    return body


def _load(url: str, signer, kind: str, queries: int, threads: int, people: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Send `queries` of `kind` from `threads` threads; latencies, throughput and wrong answers."""
    latencies: list[float] = []
    wrong: list[str] = []
    lock = threading.Lock()
    counter = iter(range(queries))

    def worker() -> None:
        with httpx.Client(timeout=60) as client:
            for number in counter:
                hit = number % 2 == 0
                sealed = signer(_body(kind, number, hit, people))
                started = time.perf_counter()
                response = client.post(f"{url}/exchange/v1/queries", json=sealed)
                elapsed = time.perf_counter() - started
                outcome = response.json()["envelope"]["body"]["outcome"] if response.status_code == 200 else "refused"
                with lock:
                    latencies.append(elapsed)
                    if outcome != ("hit" if hit else "no_hit"):
                        wrong.append(f"{kind} #{number}: {outcome}")

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "kind": kind,
        "queries": queries,
        "threads": threads,
        "answered_per_second": round(queries / wall, 1),
        "p50_ms": round(1000 * percentile(latencies, 50), 2),
        "p95_ms": round(1000 * percentile(latencies, 95), 2),
        "wrong_answers": len(wrong),
        "first_wrong": wrong[:3],
    }


def run(people: int, queries: int, threads: int, out_dir: Path = RESULTS_DIR) -> Path:
    """Set the centre up, load it per kind, print one table, save exchange.json; raises on any wrong answer."""
    from api.exchange.envelope import seal
    from api.exchange.identity import exchange_identity

    with tempfile.TemporaryDirectory(prefix="exchange-bench-") as tmp:
        ner = centres.Centre("NER", Path(tmp) / "NER", free_port())
        asker = centres.Centre("BFA", Path(tmp) / "BFA", free_port())
        centres.link(ner, asker, centres.demo_terms(daily_quota=1_000_000))
        started = time.perf_counter()
        centres.list_demo_entries(ner, people=people, documents=people)
        listing_seconds = time.perf_counter() - started
        identity = exchange_identity(asker.settings())
        assert identity is not None

        def signer(body: dict[str, Any]) -> dict[str, Any]:
            return seal(identity.key, identity.centre_id, body)

        rows = []
        with centres.running([ner]):
            for kind in ("document", "name", "face"):
                _load(ner.url, signer, kind, 4, 1, people)  # builds the centre's view of the lists once
                rows.append(_load(ner.url, signer, kind, queries, threads, people))
    print(f"{'kind':<9} {'queries':>7} {'threads':>7} {'answered/s':>10} {'p50 ms':>8} {'p95 ms':>8} {'wrong':>5}")
    for r in rows:
        print(f"{r['kind']:<9} {r['queries']:>7} {r['threads']:>7} {r['answered_per_second']:>10} {r['p50_ms']:>8} "
              f"{r['p95_ms']:>8} {r['wrong_answers']:>5}")  # fmt: skip
    body = {
        "setup": {
            "listed_people": people,
            "listed_documents": people,
            "listing_seconds": round(listing_seconds, 1),
            "database": "sqlite",
            "centre": "one `checkpoint serve` process (one uvicorn worker) on 127.0.0.1",
            "queries": "signed (Ed25519), fresh nonce each; half listed, half not",
        },
        "kinds": rows,
    }
    path = save_result(out_dir, "exchange", body)
    wrong = [w for r in rows for w in r["first_wrong"]]
    if wrong:
        raise RuntimeError(f"the centre gave wrong answers: {'; '.join(wrong)}")
    return path
