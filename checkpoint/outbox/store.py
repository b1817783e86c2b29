"""The outbox: a local SQLite file where every transaction, disposition and screening view is committed
(fsync'd) first.

An item is delivered at most once in effect: the centre is idempotent on the transaction's client UUID and on
a view's UUID, and refuses a second disposition, so re-sending after a crash between "sent" and "marked
delivered" is harmless.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from api.schemas import DispositionCreate, DispositionPublic, ReceiptFields, ScreeningViewCreate, TransactionCreate

SCHEMA = """
CREATE TABLE IF NOT EXISTS item (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('transaction', 'disposition', 'view')),
    client_uuid TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,
    delivered_at TEXT,
    server_id INTEGER,
    last_error TEXT,
    refused INTEGER NOT NULL DEFAULT 0,
    centre_decision TEXT,
    UNIQUE (kind, client_uuid)
);
CREATE TABLE IF NOT EXISTS receipt (
    client_uuid TEXT PRIMARY KEY,
    fields TEXT NOT NULL,
    salt TEXT NOT NULL
);
"""
# receipt: what the traveller's receipt printed for a decided transaction; the salt never leaves the kiosk (the
# disposition carries only the reference and the commitment). Added in a table of its own: older outboxes get it
# from CREATE TABLE IF NOT EXISTS, and no kiosk without it needs it.
# For a view, client_uuid is the view's own UUID; the transaction it is about is in its body.
# centre_decision: for a disposition the centre refused because it holds a different one, that one (JSON).
ERASED = ""  # the body of a delivered transaction once its retention on the kiosk is over (erase_delivered)
# 1: views (an outbox from version 0 only allowed transactions and dispositions); 2: centre_decision.
SCHEMA_VERSION = 2


@dataclass(frozen=True)
class OutboxItem:
    seq: int
    kind: str
    client_uuid: str
    body: str
    attempts: int
    server_id: int | None


@dataclass(frozen=True)
class QueuedTransaction:
    """A screening's transaction as the outbox holds it: the wire record, when it was queued, whether refused."""

    client_uuid: str
    queued_at: dt.datetime
    refused: bool
    body: TransactionCreate


@dataclass(frozen=True)
class PrintedReceipt:
    """A traveller's receipt: its fields and the salt its commitment was made with (printed, never sent)."""

    fields: ReceiptFields
    salt: str


@dataclass(frozen=True)
class RefusedDisposition:
    """An officer's decision the centre refused: why, and the decision it holds instead when that was the reason."""

    client_uuid: str
    queued_at: dt.datetime
    sent: DispositionCreate
    reason: str
    centre_decision: DispositionPublic | None


@dataclass(frozen=True)
class Backlog:
    """What the officer page shows: how much is waiting, refused by the centre, and the last error."""

    pending_transactions: int
    pending_dispositions: int
    pending_views: int
    refused: int
    delivered: int
    last_error: str | None
    oldest_pending: str | None


class Outbox:
    """Thread-safe; every write is committed with synchronous=FULL before the call returns."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # FULL: the WAL is fsync'd at every commit, so "saved" survives a power cut, not only a crash.
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)
        self._upgrade()

    def _upgrade(self) -> None:
        """Bring an outbox written by an older kiosk to this schema, keeping every item and its sequence."""
        if self._db.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
            return
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(item)")}
        if "centre_decision" not in columns:  # added last, where SCHEMA has it, so the copy below lines up
            self._db.execute("ALTER TABLE item ADD COLUMN centre_decision TEXT")
        (table_sql,) = self._db.execute("SELECT sql FROM sqlite_master WHERE name = 'item'").fetchone()
        if "'view'" not in table_sql:
            # SQLite cannot alter a CHECK constraint: copy into a table with the new one, in one transaction.
            self._db.executescript(
                "BEGIN IMMEDIATE;"
                + SCHEMA.replace("CREATE TABLE IF NOT EXISTS item (", "CREATE TABLE item_upgraded (")
                + "INSERT INTO item_upgraded SELECT * FROM item;"
                "DROP TABLE item;"
                "ALTER TABLE item_upgraded RENAME TO item;"
                f"PRAGMA user_version = {SCHEMA_VERSION};"
                "COMMIT;"
            )
        else:
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        self._db.close()

    def add_transaction(self, body: TransactionCreate) -> None:
        """Queue a transaction; returns once it is on disk. Adding the same client UUID twice keeps the first."""
        self._insert("transaction", str(body.client_uuid), body.model_dump_json())

    def add_disposition(
        self, client_uuid: UUID | str, body: DispositionCreate, receipt: PrintedReceipt | None = None
    ) -> bool:
        """Queue the officer's disposition of transaction `client_uuid` (sent after the transaction), with the
        receipt it commits to, in one commit; False when the transaction already had one, which is kept."""
        now = dt.datetime.now(dt.UTC).isoformat()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                cursor = self._db.execute(
                    "INSERT OR IGNORE INTO item (kind, client_uuid, body, created_at) VALUES (?, ?, ?, ?)",
                    ("disposition", str(client_uuid), body.model_dump_json(), now),
                )
                if cursor.rowcount == 1 and receipt is not None:
                    self._db.execute(
                        "INSERT INTO receipt (client_uuid, fields, salt) VALUES (?, ?, ?)",
                        (str(client_uuid), receipt.fields.model_dump_json(), receipt.salt),
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return cursor.rowcount == 1

    def receipt_of(self, client_uuid: str) -> PrintedReceipt | None:
        """The receipt printed for transaction `client_uuid`'s decision, if any (and not yet erased)."""
        with self._lock:
            row = self._db.execute("SELECT fields, salt FROM receipt WHERE client_uuid = ?", (client_uuid,)).fetchone()
        return PrintedReceipt(ReceiptFields.model_validate_json(row[0]), row[1]) if row else None

    def add_view(self, body: ScreeningViewCreate) -> None:
        """Queue the audit record of an officer opening a screening (sent after its transaction)."""
        self._insert("view", str(body.view_uuid), body.model_dump_json())

    def _insert(self, kind: str, client_uuid: str, body: str) -> bool:
        now = dt.datetime.now(dt.UTC).isoformat()
        with self._lock:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO item (kind, client_uuid, body, created_at) VALUES (?, ?, ?, ?)",
                (kind, client_uuid, body, now),
            )
        return cursor.rowcount == 1

    def erase_delivered(self, before: dt.datetime) -> int:
        """Drop the personal data of items queued before `before` that the centre holds (its own retention
        applies there): delivered views and dispositions go; a delivered transaction keeps only its UUID and the
        centre's id, which its views and dispositions still to send need. Undelivered and refused items stay
        whole: nothing is lost before the centre has it. Returns how many items were erased."""
        cutoff = before.isoformat()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                gone = self._db.execute(
                    "DELETE FROM item WHERE kind IN ('view', 'disposition') AND delivered_at IS NOT NULL "
                    "AND julianday(created_at) < julianday(?)",
                    (cutoff,),
                ).rowcount
                self._db.execute(
                    "DELETE FROM receipt WHERE NOT EXISTS (SELECT 1 FROM item WHERE item.kind = 'disposition' "
                    "AND item.client_uuid = receipt.client_uuid)"
                )
                emptied = self._db.execute(
                    f"UPDATE item SET body = '{ERASED}' WHERE kind = 'transaction' AND delivered_at IS NOT NULL "
                    f"AND body != '{ERASED}' AND julianday(created_at) < julianday(?)",
                    (cutoff,),
                ).rowcount
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return gone + emptied

    def erased(self, client_uuid: str) -> bool:
        """True when this kiosk sent transaction `client_uuid` and has since erased its record."""
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM item WHERE kind = 'transaction' AND client_uuid = ? AND body = ?", (client_uuid, ERASED)
            ).fetchone()
        return row is not None

    def due(self, now: float | None = None, limit: int = 100) -> list[OutboxItem]:
        """Undelivered, not refused items whose retry time has come, oldest first."""
        now = time.time() if now is None else now
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, kind, client_uuid, body, attempts, server_id FROM item WHERE delivered_at IS NULL "
                "AND refused = 0 AND next_attempt_at <= ? ORDER BY seq LIMIT ?",
                (now, limit),
            ).fetchall()
        return [OutboxItem(*row) for row in rows]

    def next_due_at(self) -> float | None:
        """When the earliest pending item may be tried (epoch seconds), None when nothing is pending."""
        with self._lock:
            row = self._db.execute(
                "SELECT MIN(next_attempt_at) FROM item WHERE delivered_at IS NULL AND refused = 0"
            ).fetchone()
        return row[0]

    def server_id_of(self, client_uuid: str) -> int | None:
        """The centre's id of a delivered transaction (None until it is delivered)."""
        with self._lock:
            row = self._db.execute(
                "SELECT server_id FROM item WHERE kind = 'transaction' AND client_uuid = ? "
                "AND delivered_at IS NOT NULL",
                (client_uuid,),
            ).fetchone()
        return row[0] if row else None

    def mark_delivered(self, seq: int, server_id: int | None) -> None:
        now = dt.datetime.now(dt.UTC).isoformat()
        with self._lock:
            self._db.execute(
                "UPDATE item SET delivered_at = ?, server_id = ?, last_error = NULL WHERE seq = ?",
                (now, server_id, seq),
            )

    def mark_retry(self, seq: int, error: str, delay_seconds: float) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE item SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE seq = ?",
                (time.time() + delay_seconds, error[:500], seq),
            )

    def mark_refused(self, seq: int, error: str, centre_decision: DispositionPublic | None = None) -> None:
        """The centre refused the item for good; it stays here, visible, never silently dropped. For a disposition
        refused because the centre holds another, `centre_decision` is that one, kept to show the officer."""
        held = centre_decision.model_dump_json() if centre_decision else None
        with self._lock:
            self._db.execute(
                "UPDATE item SET attempts = attempts + 1, refused = 1, last_error = ?, centre_decision = ? "
                "WHERE seq = ?",
                (error[:500], held, seq),
            )

    def disposition_of(self, client_uuid: str) -> DispositionCreate | None:
        with self._lock:
            row = self._db.execute(
                "SELECT body FROM item WHERE kind = 'disposition' AND client_uuid = ?", (client_uuid,)
            ).fetchone()
        return DispositionCreate.model_validate_json(row[0]) if row else None

    def refusal_of(self, client_uuid: str) -> RefusedDisposition | None:
        """The centre's refusal of the disposition of transaction `client_uuid`; None unless it was refused."""
        refused = self._refused_dispositions("AND client_uuid = ?", (client_uuid,))
        return refused[0] if refused else None

    def refused_dispositions(self, limit: int = 100) -> list[RefusedDisposition]:
        """Dispositions the centre refused, newest first: each needs a person (never erased, never resent)."""
        return self._refused_dispositions("ORDER BY seq DESC LIMIT ?", (limit,))

    def _refused_dispositions(self, condition: str, parameters: tuple) -> list[RefusedDisposition]:
        with self._lock:
            rows = self._db.execute(
                "SELECT client_uuid, created_at, body, last_error, centre_decision FROM item "
                f"WHERE kind = 'disposition' AND refused = 1 {condition}",
                parameters,
            ).fetchall()
        return [
            RefusedDisposition(
                client_uuid,
                dt.datetime.fromisoformat(created_at),
                DispositionCreate.model_validate_json(body),
                reason or "",
                DispositionPublic.model_validate_json(held) if held else None,
            )
            for client_uuid, created_at, body, reason, held in rows
        ]

    def transaction(self, client_uuid: str) -> QueuedTransaction | None:
        """The queued transaction with this client UUID, delivered or not; None when this kiosk has none (or has
        erased it)."""
        with self._lock:
            row = self._db.execute(
                "SELECT client_uuid, created_at, refused, body FROM item "
                "WHERE kind = 'transaction' AND client_uuid = ? AND body != ?",
                (client_uuid, ERASED),
            ).fetchone()
        return _queued(row) if row else None

    def undecided(self, since: dt.datetime, limit: int = 100) -> list[QueuedTransaction]:
        """Transactions queued at or after `since` that have no disposition and were not refused, newest first."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT client_uuid, created_at, refused, body FROM item AS t WHERE {_UNDECIDED} "
                "AND julianday(t.created_at) >= julianday(?) ORDER BY t.seq DESC LIMIT ?",
                (since.isoformat(), limit),
            ).fetchall()
        return [_queued(row) for row in rows]

    def undecided_before(self, since: dt.datetime) -> int:
        """How many transactions queued before `since` have no disposition and were not refused."""
        with self._lock:
            (count,) = self._db.execute(
                f"SELECT COUNT(*) FROM item AS t WHERE {_UNDECIDED} AND julianday(t.created_at) < julianday(?)",
                (since.isoformat(),),
            ).fetchone()
        return count

    def backlog(self) -> Backlog:
        with self._lock:
            pending = dict(
                self._db.execute(
                    "SELECT kind, COUNT(*) FROM item WHERE delivered_at IS NULL AND refused = 0 GROUP BY kind"
                ).fetchall()
            )
            refused, delivered = self._db.execute(
                "SELECT COALESCE(SUM(refused), 0), COALESCE(SUM(delivered_at IS NOT NULL), 0) FROM item"
            ).fetchone()
            last = self._db.execute(
                "SELECT last_error FROM item WHERE last_error IS NOT NULL AND delivered_at IS NULL "
                "ORDER BY seq DESC LIMIT 1"
            ).fetchone()
            oldest = self._db.execute(
                "SELECT MIN(created_at) FROM item WHERE delivered_at IS NULL AND refused = 0"
            ).fetchone()
        return Backlog(
            pending.get("transaction", 0),
            pending.get("disposition", 0),
            pending.get("view", 0),
            refused,
            delivered,
            last[0] if last else None,
            oldest[0],
        )


# A transaction awaiting an officer: queued, not refused by the centre, and no disposition queued for it.
_UNDECIDED = (
    f"t.kind = 'transaction' AND t.refused = 0 AND t.body != '{ERASED}' AND NOT EXISTS "
    "(SELECT 1 FROM item AS d WHERE d.kind = 'disposition' AND d.client_uuid = t.client_uuid)"
)


def _queued(row: tuple) -> QueuedTransaction:
    client_uuid, created_at, refused, body = row
    return QueuedTransaction(
        client_uuid, dt.datetime.fromisoformat(created_at), bool(refused), TransactionCreate.model_validate_json(body)
    )
