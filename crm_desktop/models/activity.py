"""Activities: calls, meetings, e-mails, notes and tasks, the follow-up work on a record.

One row is linked to any of a lead, a contact, a company and a deal at once, so a
call with a contact about a deal shows on the timelines of all three. `occurs_at`
is when it happened (a logged call) or is due (a task, a planned meeting).
Reminders: `remind_at` is when to notify the owner; `reminded_at` is set once the
notification was shown, so a restart (or a second laptop) does not show it again.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm_desktop.models.base import Entity
from crm_desktop.models.mixins import ImportedMixin, OwnedMixin


class ActivityKind(enum.StrEnum):
    CALL = "call"
    MEETING = "meeting"
    EMAIL = "email"
    NOTE = "note"
    TASK = "task"


# Kinds that count as "being in touch" with a customer (last contact date, 90-day filter).
CONTACT_KINDS = (ActivityKind.CALL.value, ActivityKind.MEETING.value, ActivityKind.EMAIL.value)


class Activity(ImportedMixin, OwnedMixin, Entity):
    __tablename__ = "activity"
    # Timelines read one record's activities in time order; the Tasks page reads one
    # owner's open ones by due time; the reminder poll reads what is due to remind
    # (measured at a million contacts: docs/PERFORMANCE.md, Activities).
    __table_args__ = (
        Index("ix_activity_lead_occurs", "lead_id", "occurs_at"),
        Index("ix_activity_contact_occurs", "contact_id", "occurs_at"),
        Index("ix_activity_company_occurs", "company_id", "occurs_at"),
        Index("ix_activity_deal_occurs", "deal_id", "occurs_at"),
        # kind and deleted_at ride along so the Tasks page counts from the index alone.
        Index("ix_activity_owner_open", "owner_id", "done", "occurs_at", "kind", "deleted_at"),
        Index("ix_activity_open_due", "done", "occurs_at", "kind", "deleted_at"),
        # The Done list: most recently checked off first, straight from the index.
        Index("ix_activity_done_at", "done", "done_at"),
        Index("ix_activity_owner_done_at", "owner_id", "done", "done_at"),
        # The reminder poll: one owner's reminders not shown yet.
        Index("ix_activity_reminder", "owner_id", "reminded_at", "remind_at"),
    )

    kind: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str | None] = mapped_column(Text, default=None)
    occurs_at: Mapped[dt.datetime]
    duration_minutes: Mapped[int | None] = mapped_column(Integer, default=None)
    outcome: Mapped[str | None] = mapped_column(String(200), default=None)
    done: Mapped[bool] = mapped_column(default=False)
    done_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    lead_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("lead.id", ondelete="SET NULL"), default=None
    )
    contact_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contact.id", ondelete="SET NULL"), default=None
    )
    company_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("company.id", ondelete="SET NULL"), default=None
    )
    deal_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("deal.id", ondelete="SET NULL"), default=None
    )

    remind_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    reminded_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    # E-mails filed from an .eml/.msg file: the headers a rep looks for, and the
    # Message-ID so the same file dropped twice is logged once.
    email_from: Mapped[str | None] = mapped_column(String(500), default=None)
    email_to: Mapped[str | None] = mapped_column(Text, default=None)
    message_id: Mapped[str | None] = mapped_column(String(500), default=None, index=True)
    attachment_names: Mapped[list[str] | None] = mapped_column(JSON, default=None)
