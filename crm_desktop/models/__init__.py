"""Entities, engine and migrations. No Qt here."""

from crm_desktop.models import search_index as search_index  # its ORM listener keeps search current
from crm_desktop.models import sort_keys as sort_keys  # its ORM listener keeps sort keys current
from crm_desktop.models.activity import CONTACT_KINDS, Activity, ActivityKind
from crm_desktop.models.base import Base, Entity, utcnow
from crm_desktop.models.company import Company
from crm_desktop.models.contact import Contact
from crm_desktop.models.contact_method import PHONE_KINDS, ContactMethod, MethodKind
from crm_desktop.models.deal import Deal
from crm_desktop.models.deal_history import DealStageChange
from crm_desktop.models.event import Event, LeadSource
from crm_desktop.models.exchange_rate import ExchangeRate
from crm_desktop.models.import_batch import ImportBatch, ImportChange, ImportProblem, ImportStatus
from crm_desktop.models.lead import Lead, LeadStatus
from crm_desktop.models.pipeline import Pipeline, Stage
from crm_desktop.models.setting import Setting
from crm_desktop.models.tag import Tag, Tagging
from crm_desktop.models.user import User, UserRole

__all__ = [
    "CONTACT_KINDS",
    "PHONE_KINDS",
    "Activity",
    "ActivityKind",
    "Base",
    "Company",
    "Contact",
    "ContactMethod",
    "Deal",
    "DealStageChange",
    "Entity",
    "Event",
    "ExchangeRate",
    "ImportBatch",
    "ImportChange",
    "ImportProblem",
    "ImportStatus",
    "Lead",
    "LeadSource",
    "LeadStatus",
    "MethodKind",
    "Pipeline",
    "Setting",
    "Stage",
    "Tag",
    "Tagging",
    "User",
    "UserRole",
    "utcnow",
]
