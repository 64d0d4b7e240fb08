"""E-mail addresses, phone numbers and websites as links the system opens.

mailto: goes to the mail program, tel: to the dialer (a softphone, Teams, FaceTime,
or a phone linked to the computer), https: to the browser. Tests replace the
handlers with QDesktopServices.setUrlHandler and see which URL was opened.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QDesktopServices

from crm_desktop.models import MethodKind


def _tr(text: str) -> str:
    return QCoreApplication.translate("ContactLinks", text)


def contact_url(kind: str, value: str, normalized: str | None = None) -> QUrl | None:
    """The URL that opens `value` in the right program, or None when nothing opens it."""
    text = (value or "").strip()
    if not text:
        return None
    if kind == MethodKind.EMAIL.value:
        address = (normalized or text).strip()
        return QUrl(f"mailto:{address}") if "@" in address else None
    if kind in (MethodKind.PHONE.value, MethodKind.MOBILE.value):
        # E.164 when the number is valid, else the digits as typed (with a leading +); a key
        # of a number kept as written is its bare digits, which would dial as a local number.
        e164 = normalized if normalized and normalized.startswith("+") else None
        number = e164 or re.sub(r"[^\d+]", "", text)
        return QUrl(f"tel:{number}") if re.search(r"\d", number) else None
    if kind == MethodKind.WEBSITE.value:
        site = text if re.match(r"(?i)https?://", text) else f"https://{text}"
        url = QUrl(site)
        return url if url.isValid() and url.host() else None
    return None


def action_text(kind: str) -> str:
    if kind == MethodKind.EMAIL.value:
        return _tr("Write an e-mail (opens your mail program)")
    if kind in (MethodKind.PHONE.value, MethodKind.MOBILE.value):
        return _tr("Call (opens your phone or softphone app)")
    return _tr("Open the website")


def open_contact_url(url: QUrl) -> bool:
    """Open it; False if the system has no program for it."""
    return QDesktopServices.openUrl(url)
