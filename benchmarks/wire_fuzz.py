"""Fuzz the centre's wire contract with schemathesis: every operation of its OpenAPI schema (the pages and the
audit proofs included), valid and invalid inputs, sent as a principal the route admits; no answer may be a 5xx.

    python -m benchmarks.wire_fuzz [--examples 100]    # SQLite and PostgreSQL; writes benchmarks/results/wire-fuzz.json

The test suite runs the same fuzz with a few examples per operation (tests/api/test_wire_fuzz.py).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.schemas import APIOperation

from api.schemas import Role
from benchmarks.result_file import save_result
from tests.api.conftest import api_routes, declared_roles, fresh_token, transaction_body

RESULTS = Path(__file__).resolve().parent / "results"
# Settings that keep login throttling from answering 429 to every login case after the first 20, which would
# hide the login code itself from the fuzz.
UNTHROTTLED = {"login_max_failures": 10**9, "login_address_max_failures": 10**9}


@dataclass
class FuzzReport:
    """What the fuzz sent and what came back."""

    cases: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors: list[dict[str, object]] = field(default_factory=list)
    operations: list[str] = field(default_factory=list)

    def record(self, method: str, url: str, status: int, body: str) -> None:
        self.cases += 1
        self.statuses[status] += 1
        if status >= 500:
            self.server_errors.append({"method": method, "url": url[:300], "status": status, "body": body[:300]})


def _role_for(app: FastAPI, method: str, path: str) -> Role | None:
    """A role the route admits (the first by name), or None for a route anyone may call."""
    for route in api_routes(app.routes):
        if route.path == path and method.upper() in route.methods:
            roles = declared_roles(route)
            return min(roles, key=lambda r: r.value) if roles else None
    return None


def _generate(operation: APIOperation, mode: GenerationMode, examples: int, send: Callable[[Case], None]) -> None:
    """Send up to `examples` cases of `operation` in `mode`, the same ones every run (a failure reproduces)."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def run(case: Case) -> None:
        send(case)

    try:
        run()
    except Unsatisfiable:  # an operation that takes no input has no invalid case
        pass


def fuzz(app: FastAPI, examples: int) -> FuzzReport:
    """Send `examples` valid and `examples` invalid cases to every operation of `app` (its users and kiosk-1 must
    exist, as the `headers` fixture of tests/api makes them); each case carries a fresh token of an admitted role,
    so a route that revokes tokens cannot lock the fuzz out of the next."""
    report = FuzzReport()
    schema = schemathesis.openapi.from_dict(app.openapi())
    client = TestClient(app, raise_server_exceptions=False)  # a 5xx is counted, not raised
    # One referral on file (id 1), so the routes that read or decide a transaction get past "not found".
    seeded = client.post("/api/transactions", json=transaction_body(), headers=fresh_token(app, Role.KIOSK))
    if seeded.status_code not in (200, 201):
        raise RuntimeError(f"the centre refused the seed transaction: {seeded.text}")
    for result in schema.get_all_operations():
        operation = result.ok()
        role = _role_for(app, operation.method, operation.path)
        report.operations.append(f"{operation.method.upper()} {operation.path}")

        def send(case: Case, role: Role | None = role) -> None:
            auth = fresh_token(app, role) if role else {}
            request = case.as_transport_kwargs(base_url="http://testserver", headers=auth)
            request.pop("cookies", None)  # the schema declares no cookie parameters: always empty
            if isinstance(request.get("data"), bytes | str):
                request["content"] = request.pop("data")  # a raw body, as httpx names it
            response = client.request(**request, follow_redirects=False)
            report.record(request["method"], str(request["url"]), response.status_code, response.text)

        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _generate(operation, mode, examples, send)
    return report


def fuzz_database(database_url: str | None, examples: int) -> tuple[FuzzReport, float]:
    """Fuzz a fresh centre on `database_url` (None: SQLite in a temporary data directory); the report and seconds."""
    from api.app import create_app
    from api.migrations_runner import upgrade_if_postgres
    from checkpoint.settings import Settings
    from tests.api.conftest import STAFF_ROLES, add_user, login, register_kiosk

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            data_dir=Path(tmp),
            database_url=database_url,
            argon2_time_cost=1,
            argon2_memory_kib=1024,
            retention_interval_minutes=0,
            tree_head_interval_minutes=0,
            **UNTHROTTLED,
        )
        upgrade_if_postgres(settings.database_url_or_default)  # as `checkpoint serve` does
        app = create_app(settings)
        with TestClient(app) as client:
            for role in STAFF_ROLES:
                add_user(app, role.value, role)
            register_kiosk(client, login(client, Role.ADMIN.value))
            started = time.monotonic()
            report = fuzz(app, examples)
            return report, time.monotonic() - started


def _summary(report: FuzzReport, seconds: float) -> dict[str, object]:
    return {
        "cases": report.cases,
        "statuses": {str(status): count for status, count in sorted(report.statuses.items())},
        "server_errors": len(report.server_errors),
        "server_error_samples": report.server_errors[:20],
        "seconds": round(seconds, 1),
    }


def main() -> None:
    """Fuzz a fresh centre on SQLite and on a PostgreSQL server of its own, and write the result file."""
    from benchmarks.postgres_server import start_postgres

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=100, help="cases per operation and mode (valid, invalid)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    results: dict[str, tuple[FuzzReport, float]] = {"sqlite": fuzz_database(None, args.examples)}
    postgres = start_postgres()
    try:
        results["postgresql"] = fuzz_database(postgres.url, args.examples)
    finally:
        postgres.stop()
    server_errors = sum(len(report.server_errors) for report, _ in results.values())
    path = save_result(
        args.out,
        "wire-fuzz",
        {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "schemathesis": schemathesis.__version__,
            "examples_per_operation_and_mode": args.examples,
            "operations": results["sqlite"][0].operations,
            "cases": sum(report.cases for report, _ in results.values()),
            "server_errors": server_errors,
            "databases": {name: _summary(report, seconds) for name, (report, seconds) in results.items()},
        },
    )
    for name, (report, seconds) in results.items():
        print(
            f"{name}: {report.cases} cases over {len(report.operations)} operations in {seconds:.0f} s; "
            f"statuses {dict(sorted(report.statuses.items()))}; 5xx: {len(report.server_errors)}"
        )
    print(f"-> {path}")
    if server_errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
