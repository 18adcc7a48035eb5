"""Trust store and chain building (stub until issue 3 lands)."""
from __future__ import annotations


class TrustStore:
    @classmethod
    def from_options(cls, options) -> "TrustStore":
        return cls()
