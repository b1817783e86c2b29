"""What the public routes accept and return (no personal data in any answer)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from api.schemas import Contract, ReceiptReference, ReceiptSalt

MAX_STATEMENT_CHARS = 4000


class ComplaintCreate(Contract):
    """A complaint about the screening on a receipt: its reference and code prove the filer holds it."""

    reference: ReceiptReference
    salt: ReceiptSalt = Field(description="the verification code printed on the receipt")
    statement: str = Field(min_length=1, max_length=MAX_STATEMENT_CHARS, description="what happened, in any language")


class ComplaintFiled(Contract):
    """Shown once: the number and the status token are all the traveller needs to follow the complaint."""

    number: str
    token: str = Field(description="keep it: it is never shown again, and it alone opens the status page")
    status_url: str
    deadline: datetime


class ComplaintStatus(Contract):
    """What the traveller's status page says: never the statement, the officer or the supervisor."""

    number: str
    filed_at: datetime
    deadline: datetime
    status: str = Field(description="open | decided")
    evidence_attached: bool
    decision: str | None
    decision_reason: str | None
    decided_at: datetime | None
