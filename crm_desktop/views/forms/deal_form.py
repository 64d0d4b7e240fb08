"""The deal form (deals have no contact methods of their own)."""

from __future__ import annotations

from typing import ClassVar

from crm_desktop.services.listing import Kind
from crm_desktop.views.forms.base import RecordForm


class DealForm(RecordForm):
    KIND: ClassVar[Kind] = "deals"
    NEW_TITLE = "New deal"
    HAS_METHODS = False
