"""The board's two settings: the lost reasons offered, and what counts as a large deal."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models.seed import DEFAULT_LOST_REASONS
from crm_desktop.services.changes import Changes
from crm_desktop.services.settings import SettingsError, get_setting, set_setting


def lost_reasons(sessions: sessionmaker[Session]) -> tuple[str, ...]:
    """The reasons a Lost move offers (setting `lost_reasons`, a JSON list of texts).

    A setting that is not a list of texts falls back to the defaults rather than
    leaving the question without choices.
    """
    raw = get_setting(sessions, "lost_reasons")
    try:
        value = json.loads(raw) if raw else None
    except ValueError:
        value = None
    if not isinstance(value, list):
        return DEFAULT_LOST_REASONS
    reasons = [" ".join(str(item).split()) for item in value if isinstance(item, str)]
    return tuple(dict.fromkeys(r for r in reasons if r)) or DEFAULT_LOST_REASONS


def save_lost_reasons(sessions: sessionmaker[Session], reasons: Sequence[str]) -> Changes:
    clean = list(dict.fromkeys(" ".join(r.split())[:300] for r in reasons if r.strip()))
    if not clean:
        raise SettingsError("Keep at least one lost reason (people can still type their own).")
    set_setting(sessions, "lost_reasons", json.dumps(clean, ensure_ascii=False))
    return Changes(settings=True)


def large_deal_amount(sessions: sessionmaker[Session]) -> Decimal | None:
    """Deals at or above this amount get a marker (setting `large_deal_amount`; None: off).

    The setting is a plain number; it is compared with each deal's amount in the deal's
    own currency, without conversion.
    """
    raw = get_setting(sessions, "large_deal_amount").strip().replace(",", "")
    if not raw:
        return None
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() and amount > 0 else None
