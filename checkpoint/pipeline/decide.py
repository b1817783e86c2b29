"""Policy applied to check outcomes: which reasons refer the traveller. Only ever CLEAR or REFER."""

from __future__ import annotations

from api.schemas import Recommendation
from checkpoint.i18n import _
from checkpoint.pipeline.result import CheckOutcome, Reason
from checkpoint.policy import Policy


def recommend(
    findings: list[tuple[CheckOutcome, str]], policy: Policy
) -> tuple[Recommendation, list[Reason], list[str]]:
    """Each finding is (outcome, reason code). A failed check always refers; a check not done refers only when
    the policy makes it mandatory, otherwise it becomes a note. Reasons are listed once per code."""
    reasons: dict[str, Reason] = {}
    notes: list[str] = []
    for outcome, code in findings:
        if outcome.status == "passed":
            continue
        if outcome.status == "not_done" and not policy.mandatory(outcome.check):
            notes.append(
                _("%(check)s not done (optional in this policy): %(detail)s")
                % {"check": outcome.check, "detail": outcome.detail}
            )
            continue
        if code not in reasons:
            reasons[code] = Reason(code, policy.meaning(code), outcome.detail)
    recommendation = Recommendation.REFER if reasons else Recommendation.CLEAR
    return recommendation, list(reasons.values()), notes
