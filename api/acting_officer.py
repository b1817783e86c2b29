"""Who an officer's action is attributed to: the calling officer, or the officer a kiosk names.

A kiosk device signs in officers on its own page (online against the centre, offline against a cached
credential) and then sends their dispositions and screening views with its own token, naming the officer. The
centre attributes the action to that officer only if the account is an officer's and the transaction is one
this very kiosk sent, so a kiosk can neither speak for other kiosks' travellers nor for supervisors or admins.
"""

from __future__ import annotations

from sqlmodel import Session, select

from api.audit.chain import Actor
from api.errors import Forbidden, InvalidInput
from api.models import ScreeningTransaction, User
from api.schemas import Role


def acting_officer(
    session: Session, caller: Actor, transaction: ScreeningTransaction, named: str | None, require_active: bool = True
) -> tuple[Actor, str | None]:
    """The officer to attribute an action on `transaction` to, and the kiosk it came through (None: direct).

    `require_active` is False for reads already made (a view by an officer disabled since is still recorded).
    """
    if caller.role == Role.OFFICER.value:
        if named is not None and named != caller.name:
            raise Forbidden(f"officer {caller.name} may not act in the name of {named}", "leave out the officer field")
        return caller, None
    if caller.role != Role.KIOSK.value:
        raise Forbidden(f"the {caller.role} role may not do this", "ask an officer")
    if not named:
        raise InvalidInput(
            "a kiosk must name the officer who acted (the officer field)", "send the signed-in officer's username"
        )
    if transaction.kiosk_id != caller.name:
        raise Forbidden(
            f"kiosk {caller.name} may not act on transaction {transaction.id}, which came from another kiosk",
            "officers act on a transaction only through the kiosk that screened it",
        )
    user = session.exec(select(User).where(User.username == named)).first()
    if user is None or user.role != Role.OFFICER.value or (require_active and not user.active):
        raise Forbidden(
            f"{named} is not an active officer account at the centre",
            "sign in on the kiosk with an officer's own account",
        )
    return Actor(user.username, Role.OFFICER.value), caller.name
