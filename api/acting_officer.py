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
from checkpoint.i18n import _


def acting_officer(
    session: Session, caller: Actor, transaction: ScreeningTransaction, named: str | None, require_active: bool = True
) -> tuple[Actor, str | None]:
    """The officer to attribute an action on `transaction` to, and the kiosk it came through (None: direct).

    `require_active` is False for reads already made (a view by an officer disabled since is still recorded).
    """
    if caller.role == Role.OFFICER.value:
        if named is not None and named != caller.name:
            raise Forbidden(
                _("officer %(officer)s may not act in the name of %(named)s")
                % {"officer": caller.name, "named": named},
                _("leave out the officer field"),
            )
        return caller, None
    if caller.role != Role.KIOSK.value:
        raise Forbidden(_("the %(role)s role may not do this") % {"role": caller.role}, _("ask an officer"))
    if not named:
        raise InvalidInput(
            _("a kiosk must name the officer who acted (the officer field)"), _("send the signed-in officer's username")
        )
    if transaction.kiosk_id != caller.name:
        raise Forbidden(
            _("kiosk %(kiosk)s may not act on transaction %(id)s, which came from another kiosk")
            % {"kiosk": caller.name, "id": transaction.id},
            _("officers act on a transaction only through the kiosk that screened it"),
        )
    user = session.exec(select(User).where(User.username == named)).first()
    if user is None or user.role != Role.OFFICER.value or (require_active and not user.active):
        raise Forbidden(
            _("%(named)s is not an active officer account at the centre") % {"named": named},
            _("sign in on the kiosk with an officer's own account"),
        )
    return Actor(user.username, Role.OFFICER.value), caller.name
