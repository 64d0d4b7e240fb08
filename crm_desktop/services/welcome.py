"""What the welcome page of an empty database needs: whether there is data, and sample data.

An empty database opens on a welcome page (views/welcome.py) instead of an empty list;
once any lead, contact, company or deal exists, the normal pages show. "Load sample
data" runs the same generator as `crm-desktop demo`, at a size for a first look.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import Company, Contact, Deal, Lead
from crm_desktop.services.demo import DemoReport, generate_demo

# Contacts; the demo makes a quarter as many leads (200), a fifth as many deals.
SAMPLE_SIZE = 800


def has_records(sessions: sessionmaker[Session]) -> bool:
    """Whether any live lead, contact, company or deal exists (four one-row lookups)."""
    with sessions() as session:
        for entity in (Lead, Contact, Company, Deal):
            found = session.scalar(select(entity.id).where(entity.deleted_at.is_(None)).limit(1))
            if found is not None:
                return True
    return False


def load_sample_data(
    sessions: sessionmaker[Session],
    progress: Callable[[float, str], None] | None = None,
    cancel: threading.Event | None = None,
) -> DemoReport:
    """The demo data of `crm-desktop demo --size 800`: about 200 leads with their companies,
    contacts, deals and activities. One transaction: a cancel adds nothing."""
    return generate_demo(sessions, SAMPLE_SIZE, progress, cancel)
