"""The contact form."""

from __future__ import annotations

from typing import ClassVar

from crm_desktop.services.listing import Kind
from crm_desktop.views.forms.base import RecordForm


class ContactForm(RecordForm):
    KIND: ClassVar[Kind] = "contacts"
    NEW_TITLE = "New contact"
