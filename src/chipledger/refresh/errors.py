"""The refreshes' error and summary."""

from __future__ import annotations

from dataclasses import dataclass, field


class RefreshError(RuntimeError):
    """A refresh could not finish; data/ is unchanged. The message says what failed and where."""


@dataclass
class Summary:
    """What a refresh did to the ledger."""

    added: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"rows added {self.added}, changed {self.changed}, unchanged {self.unchanged}"]
        if self.skipped:
            out.append(f"skipped (not in systems.csv): {', '.join(sorted(set(self.skipped)))}")
        out += self.notes
        out += [f"disagrees with a hand-entered row: {d}" for d in self.disagreements]
        return out
