"""The tamper-evident audit trail: a hash chain of events, a Merkle tree over it, signed tree heads."""
