"""What a mutation changed, so the window can tell each open view whether to reload."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Changes:
    leads: bool = False
    contacts: bool = False
    companies: bool = False
    deals: bool = False
    activities: bool = False  # calls, meetings, e-mails, notes, tasks
    events: bool = False
    pipelines: bool = False
    tags: bool = False
    users: bool = False
    settings: bool = False  # database-wide settings (phone region, currency)

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            **{f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(self)}
        )

    def any(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    @classmethod
    def everything(cls) -> Changes:
        return cls(**{f.name: True for f in fields(cls)})
