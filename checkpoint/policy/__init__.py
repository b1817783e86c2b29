"""The screening policy: thresholds as target FMRs, mandatory checks, reason codes; loaded from TOML."""

from checkpoint.policy.errors import PolicyError
from checkpoint.policy.policy import DEFAULT_POLICY, CheckMode, Policy, load_policy

__all__ = ["DEFAULT_POLICY", "CheckMode", "Policy", "PolicyError", "load_policy"]
