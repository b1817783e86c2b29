"""Named failures of the kiosk application a user or an operator can cause."""

from __future__ import annotations


class KioskError(Exception):
    """Base of the kiosk application's user-caused errors; `str()` is one line: problem, then remedy."""

    code = "kiosk_error"

    def __init__(self, problem: str, remedy: str) -> None:
        super().__init__(f"{problem}. {remedy}")
        self.problem = problem
        self.remedy = remedy


class PolicyError(KioskError):
    """The policy file is missing, not TOML, or breaks a rule (unknown key, bad FMR, missing reason code)."""

    code = "invalid_policy"
