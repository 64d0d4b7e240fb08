"""Database-wide settings shared by the team."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import Setting
from crm_desktop.models.seed import DEFAULT_SETTINGS


def get_setting(sessions: sessionmaker[Session], key: str) -> str:
    with sessions() as session:
        value = session.scalar(select(Setting.value).where(Setting.key == key))
    return value if value is not None else DEFAULT_SETTINGS.get(key, "")


def set_setting(sessions: sessionmaker[Session], key: str, value: str) -> None:
    with sessions.begin() as session:
        row = session.scalar(select(Setting).where(Setting.key == key))
        if row is None:
            session.add(Setting(key=key, value=value))
        else:
            row.value = value


def default_region(sessions: sessionmaker[Session]) -> str:
    return get_setting(sessions, "default_region") or "CN"


def default_currency(sessions: sessionmaker[Session]) -> str:
    return get_setting(sessions, "default_currency") or "USD"
