"""Detail forms, one per record kind, on a shared base."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.views.dialogs import Prompts
from crm_desktop.views.forms.base import RecordForm
from crm_desktop.views.forms.company_form import CompanyForm
from crm_desktop.views.forms.contact_form import ContactForm
from crm_desktop.views.forms.deal_form import DealForm
from crm_desktop.views.forms.lead_form import LeadForm

FORMS: dict[str, type[RecordForm]] = {
    "leads": LeadForm,
    "contacts": ContactForm,
    "companies": CompanyForm,
    "deals": DealForm,
}


def form_for(
    kind: str, sessions: sessionmaker[Session], prompts: Prompts | None = None
) -> RecordForm:
    return FORMS[kind](sessions, prompts)


__all__ = ["FORMS", "CompanyForm", "ContactForm", "DealForm", "LeadForm", "RecordForm", "form_for"]
