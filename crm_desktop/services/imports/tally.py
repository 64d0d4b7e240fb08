"""Rows that matched a record, counted per reason and by what was done with them.

The import's summary (command line, wizard, the stored batch) says how many rows were
duplicates by the same e-mail, by the same mobile, and how many were only possible
duplicates (a close name at the same company with nothing conflicting, or one shared key
and one conflicting), and for each whether they were skipped, merged or created.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from crm_desktop.services.same_person import CATEGORIES, LABELS, POSSIBLE

Action = Literal["skipped", "merged", "created", "failed"]
ACTIONS: Final[tuple[Action, ...]] = ("skipped", "merged", "created", "failed")
# Companies and deals have reasons of their own; they are duplicates, never possible ones.
OTHER_CATEGORIES: Final = ("phone", "company_name", "website", "deal_title")
CATEGORY_LABELS: Final[dict[str, str]] = {
    **LABELS,
    "phone": "same phone",
    "company_name": "same company name",
    "website": "same website",
    "deal_title": "same deal title at the same company",
}
_ORDER: Final = {name: i for i, name in enumerate((*CATEGORIES, *OTHER_CATEGORIES))}

Tally = dict[tuple[str, str], int]  # (category, action) -> rows, while an import counts


def is_possible(category: str) -> bool:
    return category in POSSIBLE


@dataclass(frozen=True)
class DuplicateCounts:
    """Per reason (a category), per action, how many rows."""

    counts: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, tally: Mapping[tuple[str, str], int]) -> DuplicateCounts:
        counts: dict[str, dict[str, int]] = {}
        for (category, action), rows in tally.items():
            if rows:
                counts.setdefault(category, {})[action] = rows
        return cls(counts)

    def tally(self) -> Tally:
        """Back to the form an import counts in (to resume one)."""
        return {(c, a): n for c, actions in self.counts.items() for a, n in actions.items()}

    def to_json(self) -> dict[str, dict[str, int]]:
        return {category: dict(actions) for category, actions in self.counts.items()}

    @classmethod
    def from_json(cls, data: Any) -> DuplicateCounts:
        """The stored form; anything unreadable (or an import from before) counts nothing."""
        if not isinstance(data, Mapping):
            return cls()
        tally: Tally = {}
        for category, actions in data.items():
            if isinstance(actions, Mapping):
                for action, rows in actions.items():
                    if isinstance(rows, int):
                        tally[(str(category), str(action))] = rows
        return cls.of(tally)

    def categories(self, possible: bool) -> list[str]:
        """The reasons counted, duplicates' or possible duplicates', in a fixed order."""
        found = [c for c in self.counts if is_possible(c) == possible]
        return sorted(found, key=lambda c: (_ORDER.get(c, len(_ORDER)), c))

    def total(self, possible: bool) -> int:
        return sum(sum(self.counts[c].values()) for c in self.categories(possible))

    def actions(self, categories: list[str]) -> dict[str, int]:
        """Rows per action over some reasons, in the order skipped, merged, created, failed."""
        summed = {a: sum(self.counts[c].get(a, 0) for c in categories) for a in ACTIONS}
        return {a: n for a, n in summed.items() if n}

    def __bool__(self) -> bool:
        return bool(self.counts)

    def lines(self) -> list[str]:
        """The command line's summary: a line per kind of match, then one per reason."""
        out: list[str] = []
        for possible, head in ((False, "Duplicates"), (True, "Possible duplicates")):
            categories = self.categories(possible)
            if not categories:
                continue
            out.append(f"{head}: {_done(self.total(possible), self.actions(categories))}")
            for category in categories:
                label = CATEGORY_LABELS.get(category, category)
                rows = sum(self.counts[category].values())
                out.append(f"  {label}: {_done(rows, self.actions([category]))}")
        return out


def _done(rows: int, actions: Mapping[str, int]) -> str:
    """'40, created' when all rows went one way, else '40: 30 skipped, 10 merged'."""
    if len(actions) == 1:
        return f"{rows:,}, {next(iter(actions))}"
    return f"{rows:,}: " + ", ".join(f"{n:,} {action}" for action, n in actions.items())
