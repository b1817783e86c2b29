"""Snapshot size and speed at scale: build (gallery + metadata + sign) and verify+load a bundle of N subjects.

Templates are synthetic (random unit vectors of the face model's dimension): size and time depend on the
count and dimension, not on whose face it is. Names are drawn from the variant table so the name index has
realistic collisions (many Mohameds). Prints one table and keeps JSON under benchmarks/results/.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from watchlists.documents import ListedDocument
from watchlists.names import default_rules
from watchlists.snapshot import SnapshotContent, SnapshotStore, SubjectCard, write_bundle

RESULTS = Path(__file__).resolve().parent / "results"
SURNAMES = ("Traore Diallo Keita Coulibaly Toure Cisse Kone Sangare Maiga Ouedraogo Sawadogo Diarra Dicko Sidibe "
            "Dembele Kouyate Ouattara Kabore Diakite Camara Ndiaye Diop Bocoum Haidara Samake Ba Sow Fofana Doumbia "
            "Sylla Konate Tamboura Barry Sanogo Zongo").split()  # fmt: skip


def synthetic_content(subjects: int, dim: int, documents: int, model_id: str, seed: int = 0) -> SnapshotContent:
    """N subjects with one template each, plausible names and dates, and `documents` lost/stolen entries."""
    rng = np.random.default_rng(seed)
    given = sorted(default_rules().canonical)
    review = (dt.date.today() + dt.timedelta(days=365)).isoformat()
    cards = [
        SubjectCard(
            key=f"s{i}",
            watchlist="bench",
            category="wanted_person",
            name_latin=f"{given[rng.integers(len(given))].title()} {SURNAMES[rng.integers(len(SURNAMES))]}",
            name_original="",
            aliases=[],
            birth_date=str(1950 + int(rng.integers(55))),
            nationality="MLI",
            sex="M",
            reason="synthetic benchmark entry",
            review_by=review,
        )
        for i in range(subjects)
    ]
    vectors = rng.normal(size=(subjects, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    today = dt.date.today()
    docs = [
        ListedDocument(f"d{i}", "MLI", f"AA{i:07d}", "P", today, today + dt.timedelta(days=365), "bench", "lost")
        for i in range(documents)
    ]
    return SnapshotContent(
        subjects=cards,
        documents=docs,
        model_id=model_id,
        dim=dim,
        template_ids=np.arange(subjects, dtype=np.int64),
        template_subjects=[c.key for c in cards],
        vectors=vectors,
    )


def fill_database(engine, content: SnapshotContent) -> None:
    """Insert the synthetic subjects and templates as one watchlist (bulk inserts: this is set-up, not measured)."""
    from sqlalchemy import insert
    from sqlmodel import Session

    from watchlists.models import Category, FaceTemplate, Subject, WatchlistCreate
    from watchlists.store import create_watchlist

    with Session(engine) as session:
        watchlist = create_watchlist(
            session,
            WatchlistCreate(name="bench", category=Category.wanted_person, owning_authority="bench", legal_basis="b"),
            "bench",
            "benchmark",
        )
        review = dt.date.today() + dt.timedelta(days=365)
        rows = [
            {
                "id": i + 1,
                "watchlist_id": watchlist.id,
                "external_ref": c.key,
                "name_latin": c.name_latin,
                "name_original": "",
                "aliases": [],
                "birth_date": c.birth_date,
                "nationality": c.nationality,
                "sex": c.sex,
                "reason": c.reason,
                "review_by": review,
                "status": "active",
                "status_reason": "",
                "created_by": "bench",
            }  # fmt: skip
            for i, c in enumerate(content.subjects)
        ]
        session.execute(insert(Subject), rows)
        session.execute(
            insert(FaceTemplate),
            [
                {
                    "subject_id": i + 1,
                    "model_id": content.model_id,
                    "dim": content.dim,
                    "vector": v.tobytes(),
                    "quality": 80.0,
                    "source_sha256": f"{i:064x}",
                    "source_name": "",
                    "created_by": "bench",
                }  # fmt: skip
                for i, v in enumerate(content.vectors)
            ],
        )
        session.commit()


def run(subjects: int, dim: int = 128, documents: int = 10_000, repeats: int = 3,
        results_dir: Path = RESULTS) -> tuple[dict, Path]:  # fmt: skip
    """Build and verify a bundle `repeats` times; medians in the JSON report. Also times one build from a
    SQLite database holding the same subjects (the centre's real path: query, gallery, sign)."""
    load_before = list(os.getloadavg())
    key = Ed25519PrivateKey.generate()
    t0 = time.perf_counter()
    content = synthetic_content(subjects, dim, documents, f"synthetic-{dim}d")
    generate_s = time.perf_counter() - t0
    build, verify, size, probe_ms = [], [], 0, []
    with tempfile.TemporaryDirectory(prefix="snapshot-bench-") as tmp:
        for version in range(1, repeats + 1):
            t0 = time.perf_counter()
            info = write_bundle(content, version, key, Path(tmp) / f"v{version}.snapshot", "bench")
            build.append(time.perf_counter() - t0)
            size = info.size_bytes
            store = SnapshotStore(Path(tmp) / f"kiosk{version}", key.public_key())
            t0 = time.perf_counter()
            snapshot = store.install(info.path)
            verify.append(time.perf_counter() - t0)
            for row in range(5):
                t0 = time.perf_counter()
                snapshot.screen_face(content.vectors[row], content.model_id, 0.99, k=5)
                snapshot.screen_name(content.subjects[row].name_latin, None, 0.88)
                probe_ms.append(1000 * (time.perf_counter() - t0))
            del snapshot, store
        from sqlmodel import Session

        from watchlists.db import make_engine, sqlite_url
        from watchlists.snapshot import build_snapshot

        engine = make_engine(sqlite_url(Path(tmp) / "watchlists.sqlite"))
        content.documents = []
        fill_database(engine, content)
        t0 = time.perf_counter()
        with Session(engine) as session:
            db_info = build_snapshot(session, key, Path(tmp) / "db.snapshot", "bench", content.model_id)
            session.commit()
        build_from_db = time.perf_counter() - t0
        engine.dispose()
    report = {
        "benchmark": "snapshot",
        "subjects": subjects,
        "templates": subjects,
        "dim": dim,
        "documents": documents,
        "bundle_bytes": size,
        "bytes_per_subject": round(size / subjects, 1),
        "build_seconds_median": round(statistics.median(build), 3),
        "build_from_database_seconds": round(build_from_db, 3),
        "build_from_database_subjects": db_info.subjects,
        "verify_and_load_seconds_median": round(statistics.median(verify), 3),
        "build_seconds": [round(x, 3) for x in build],
        "verify_and_load_seconds": [round(x, 3) for x in verify],
        "face_plus_name_screen_ms_median": round(statistics.median(probe_ms), 2),
        "synthetic_data_seconds": round(generate_s, 2),
        "machine": {
            "cpu_count": os.cpu_count(),
            "loadavg_before": load_before,
            "loadavg_after": list(os.getloadavg()),
            "python": platform.python_version(),
        },  # fmt: skip
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"snapshot-{subjects}-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report, path


def table(report: dict) -> str:
    """The same plain-text table every run."""
    m = report["machine"]
    return "\n".join(
        [
            f"{'subjects':>9} {'dim':>4} {'docs':>7} {'bundle MB':>9} {'build s':>8} {'verify+load s':>13} "
            f"{'screen ms':>9}",
            f"{report['subjects']:>9} {report['dim']:>4} {report['documents']:>7} {report['bundle_bytes'] / 1e6:>9.1f} "
            f"{report['build_seconds_median']:>8.2f} {report['verify_and_load_seconds_median']:>13.2f} "
            f"{report['face_plus_name_screen_ms_median']:>9.2f}",
            f"build from SQLite (query + gallery + sign, {report['build_from_database_subjects']} subjects): "
            f"{report['build_from_database_seconds']:.2f} s",
            f"cpus {m['cpu_count']}, load before {m['loadavg_before'][0]:.2f}, after {m['loadavg_after'][0]:.2f}",
        ]
    )
