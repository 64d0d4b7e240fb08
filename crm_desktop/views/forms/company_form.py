"""The company form."""

from __future__ import annotations

from typing import ClassVar

from crm_desktop.services.listing import Kind
from crm_desktop.views.forms.base import RecordForm


class CompanyForm(RecordForm):
    KIND: ClassVar[Kind] = "companies"
    NEW_TITLE = "New company"
