"""E-mails saved as files (.eml, Outlook .msg): read, matched to contacts, logged as activities.

`read_email_file` turns a file into an `EmailFile` (headers decoded, a plain-text body, the
attachment names); `contacts_for_addresses` finds the contacts its addresses belong to (the
database's own users left out, so a rep's address matches nobody); `log_email` files it as a
done e-mail activity on a record, once: the same Message-ID on the same record is not
logged again.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import sys
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.parser import BytesParser
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Final, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import (
    Activity,
    ActivityKind,
    Company,
    Contact,
    ContactMethod,
    Deal,
    Lead,
    MethodKind,
    User,
)
from crm_desktop.models.sqlite_files import refuse_database_file
from crm_desktop.services.activities.follow_up import refresh_for
from crm_desktop.services.changes import Changes
from crm_desktop.services.users import current_user_id

__all__ = [
    "EMAIL_SUFFIXES",
    "ContactMatch",
    "EmailFile",
    "EmailFileError",
    "LoggedEmail",
    "RecordGoneError",
    "contacts_for_addresses",
    "html_to_text",
    "log_email",
    "read_email_file",
]

EMAIL_SUFFIXES: Final = frozenset({".eml", ".msg"})
MAX_EMAIL_BYTES: Final = 50 * 1024 * 1024
# The optional .msg reader, as pyproject.toml's `outlook` extra names it (a test checks).
MSG_REQUIREMENT: Final = "extract-msg>=0.50,<1"
NO_SUBJECT: Final = "(no subject)"
# Mail labelled gb2312 or gbk often holds characters only their superset GB 18030 has.
_CHARSET_ALIASES: Final = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030"}


class EmailFileError(Exception):
    """A file that cannot be read as an e-mail; the message names the file and the reason."""


@dataclass(frozen=True)
class EmailFile:
    """One e-mail as read from its file."""

    file_name: str
    subject: str
    from_address: str
    from_name: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    date: dt.datetime  # aware, UTC
    body: str
    attachment_names: tuple[str, ...] = ()
    message_id: str | None = None
    notes: tuple[str, ...] = ()  # what was guessed (a date taken from the file's time)

    @property
    def addresses(self) -> tuple[str, ...]:
        """The sender, then every recipient: what contact matching looks at."""
        return tuple(a for a in (self.from_address, *self.to, *self.cc) if a)

    @property
    def sender(self) -> str:
        """ "Name <address>", or whichever of the two there is."""
        if self.from_name and self.from_address:
            return f"{self.from_name} <{self.from_address}>"
        return self.from_name or self.from_address


@dataclass(frozen=True)
class ContactMatch:
    contact_id: uuid.UUID
    full_name: str
    company_name: str | None
    address: str  # the e-mail address that matched


@dataclass(frozen=True)
class LoggedEmail:
    activity_id: uuid.UUID
    duplicate: bool  # already logged on that record: nothing was created
    record_name: str  # the record it is filed under (or was found on): a name, a deal's title
    changes: Changes = field(default_factory=Changes)


# --- reading --------------------------------------------------------------------------------


def read_email_file(path: Path) -> EmailFile:
    """Read an .eml (RFC 5322) or Outlook .msg file; raise EmailFileError if it cannot be."""
    try:
        refuse_database_file(path)  # opening it would drop SQLite's locks (sqlite_files.py)
        if path.stat().st_size > MAX_EMAIL_BYTES:
            raise EmailFileError(f"{path.name}: the file is too large")
        mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
        if path.suffix.lower() == ".msg":
            return _read_msg(path, mtime)
        return _read_eml(path, path.read_bytes(), mtime)
    except OSError as exc:
        raise EmailFileError(f"{path.name}: cannot read the file ({exc.strerror or exc})") from exc


def _read_eml(path: Path, data: bytes, mtime: dt.datetime) -> EmailFile:
    if not data.strip():
        raise EmailFileError(f"{path.name}: the file is empty")
    try:
        message = BytesParser(policy=policy.default).parsebytes(data)
    except Exception as exc:  # the parser is lenient; anything else is a bad file
        raise EmailFileError(f"{path.name}: not an e-mail ({exc})") from exc
    assert isinstance(message, EmailMessage)
    if not any(message.get(name) for name in ("from", "to", "subject", "date", "message-id")):
        raise EmailFileError(f"{path.name}: not an e-mail (no From, To, Subject or Date header)")
    from_name, from_address = _first_address(message, "from")
    date, notes = _eml_date(message, mtime)
    body_part = _body_part(message)
    return EmailFile(
        file_name=path.name,
        subject=_header_text(message, "subject"),
        from_address=from_address,
        from_name=from_name,
        to=_addresses(message, "to"),
        cc=_addresses(message, "cc"),
        date=date,
        body=_part_text(body_part) if body_part is not None else "",
        attachment_names=tuple(_attachment_names(message, body_part)),
        message_id=_header_text(message, "message-id") or None,
        notes=notes,
    )


def _header_text(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # noqa: BLE001 - a header the parser chokes on is left out, not fatal
        return ""
    return _decode_words(" ".join(str(value or "").split()))


def _decode_words(text: str) -> str:
    """RFC 2047 words the parser left encoded (some mailers put them where they do not belong)."""
    if "=?" not in text:
        return text
    try:
        return str(make_header(decode_header(text)))
    except Exception:  # noqa: BLE001 - a broken encoded word stays as written
        return text


def _address_pairs(message: EmailMessage, name: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for value in message.get_all(name) or []:
        try:
            pairs.extend((a.display_name, a.addr_spec) for a in value.addresses)
        except Exception:  # noqa: BLE001 - fall back on the lenient parser of old
            pairs.extend(email.utils.getaddresses([str(value)]))
    return [(_decode_words(n), a.strip().strip("<>")) for n, a in pairs if a.strip()]


def _first_address(message: EmailMessage, name: str) -> tuple[str, str]:
    pairs = _address_pairs(message, name)
    return pairs[0] if pairs else ("", "")


def _addresses(message: EmailMessage, name: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(address for _, address in _address_pairs(message, name)))


def _eml_date(message: EmailMessage, mtime: dt.datetime) -> tuple[dt.datetime, tuple[str, ...]]:
    raw = _header_text(message, "date")
    parsed: dt.datetime | None = None
    if raw:
        try:
            parsed = email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            parsed = None
    if parsed is None:
        reason = "has no Date" if not raw else f"has an unreadable Date ({raw})"
        return mtime, (f"The e-mail {reason}; the file's time is used.",)
    if parsed.tzinfo is None:  # "-0000": the time is UTC, its zone unknown
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC), ()


def _children(part: EmailMessage) -> Iterator[EmailMessage]:
    """Parts below `part`, not descending into attached e-mails (those are attachments)."""
    if part.get_content_type() == "message/rfc822" or not part.is_multipart():
        return
    for child in part.iter_parts():
        if isinstance(child, EmailMessage):
            yield child
            yield from _children(child)


def _is_attachment(part: EmailMessage) -> bool:
    disposition = part.get_content_disposition()
    if disposition == "attachment":
        return True
    if part.get_content_maintype() == "multipart":
        return False
    return disposition != "inline" and bool(part.get_filename())


def _body_part(message: EmailMessage) -> EmailMessage | None:
    for preference in (("plain",), ("html",)):
        try:
            part = message.get_body(preferencelist=preference)
        except Exception:  # noqa: BLE001 - malformed structure: search by hand below
            part = None
        if isinstance(part, EmailMessage):
            return part
    for part in (message, *_children(message)):
        if part.get_content_maintype() == "text" and not _is_attachment(part):
            return part
    return None


def _part_text(part: EmailMessage) -> str:
    payload = part.get_payload(decode=True)
    raw = payload if isinstance(payload, bytes) else str(part.get_payload()).encode()
    charset = (part.get_content_charset() or "utf-8").lower()
    text = _decode(raw, _CHARSET_ALIASES.get(charset, charset))
    if part.get_content_subtype() == "html":
        return html_to_text(text)
    return _tidy(text)


def _decode(raw: bytes, charset: str) -> str:
    try:
        return raw.decode(charset)
    except LookupError:  # an unknown charset: most mail today is UTF-8
        return raw.decode("utf-8", errors="replace")
    except UnicodeDecodeError:
        return raw.decode(charset, errors="replace")


def _attachment_names(message: EmailMessage, body: EmailMessage | None) -> Iterator[str]:
    for part in _children(message):
        if part is body or not _is_attachment(part):
            continue
        name = _decode_words(part.get_filename() or "")
        if not name and part.get_content_type() == "message/rfc822":
            inner = part.get_payload()
            inner_message = inner[0] if isinstance(inner, list) and inner else None
            subject = (
                _header_text(inner_message, "subject")
                if isinstance(inner_message, EmailMessage)
                else ""
            )
            name = f"{subject or 'message'}.eml"
        yield name or "(unnamed attachment)"


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class _TextExtractor(HTMLParser):
    """HTML as readable text: tags and scripts dropped, block elements on lines of their own."""

    _SKIP: Final = frozenset({"script", "style", "head", "title", "noscript", "template"})
    _BLOCK: Final = frozenset(
        {"p", "div", "tr", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
         "blockquote", "pre", "hr", "section", "article", "header", "footer"}
    )  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag == "br":
            self.chunks.append("\n")
        elif tag == "li":
            self.chunks.append("\n• ")
        elif tag in ("td", "th"):
            self.chunks.append("\t")
        elif tag in self._BLOCK:
            self.chunks.append("\n\n" if tag == "p" else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BLOCK:
            self.chunks.append("\n\n" if tag == "p" else "\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.chunks.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """Readable plain text from an HTML body (stdlib parser; never raises on bad markup)."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.chunks).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def missing_msg_reader(name: str) -> str:
    """What to do when a .msg file arrives and the optional extract-msg is not installed."""
    python = sys.executable or "python3"
    return (
        f"{name}: Outlook .msg files need the optional extract-msg package, which is not "
        "installed (it is licensed GPL-3.0, so crm-desktop leaves it out by default). "
        f"To add it, run: {python} -m pip install '{MSG_REQUIREMENT}' and start crm-desktop "
        "again. Or save the e-mail as .eml and drop that."
    )


def _read_msg(path: Path, mtime: dt.datetime) -> EmailFile:
    try:
        import extract_msg  # loaded on first use: it pulls in a lot
    except ImportError:
        raise EmailFileError(missing_msg_reader(path.name)) from None

    try:
        opened: Any = extract_msg.openMsg(str(path), strict=False)
    except Exception as exc:  # extract_msg raises many kinds for bad files
        raise EmailFileError(f"{path.name}: not an Outlook e-mail ({exc})") from exc
    try:
        if not hasattr(opened, "recipients") or not hasattr(opened, "subject"):
            raise EmailFileError(f"{path.name}: an Outlook item that is not an e-mail")
        return _msg_email(path, opened, mtime)
    except EmailFileError:
        raise
    except Exception as exc:  # a damaged stream inside the file
        raise EmailFileError(f"{path.name}: cannot read the Outlook e-mail ({exc})") from exc
    finally:
        opened.close()


def _msg_email(path: Path, msg: Any, mtime: dt.datetime) -> EmailFile:
    from_name, from_address = email.utils.parseaddr(msg.sender or "")
    to: list[str] = []
    cc: list[str] = []
    for recipient in msg.recipients:
        address = (recipient.email or "").strip()
        kind = int(recipient.type) if recipient.type is not None else 1
        if address:
            (cc if kind == 2 else to if kind == 1 else []).append(address)
    notes: tuple[str, ...] = ()
    date = msg.date
    if isinstance(date, dt.datetime):
        date = (date if date.tzinfo else date.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    else:
        date, notes = mtime, ("The e-mail has no sent date; the file's time is used.",)
    body = msg.body
    if body:
        body = _tidy(str(body))
    elif msg.htmlBody:
        body = html_to_text(_decode(msg.htmlBody, "utf-8"))
    names = []
    for attachment in msg.attachments:
        name = getattr(attachment, "longFilename", None) or getattr(
            attachment, "shortFilename", None
        )
        names.append(str(name or getattr(attachment, "name", None) or "(unnamed attachment)"))
    return EmailFile(
        file_name=path.name,
        subject=" ".join((msg.subject or "").split()),
        from_address=from_address,
        from_name=from_name,
        to=tuple(dict.fromkeys(to)),
        cc=tuple(dict.fromkeys(cc)),
        date=date,
        body=body or "",
        attachment_names=tuple(names),
        message_id=(msg.messageId or "").strip() or None,
        notes=notes,
    )


# --- matching and logging -------------------------------------------------------------------


def contacts_for_addresses(
    sessions: sessionmaker[Session], addresses: Iterable[str]
) -> list[ContactMatch]:
    """Live contacts with one of these e-mail addresses (users' own addresses left out).

    In the order of the addresses (the sender first), then by name; each contact once.
    """
    wanted = list(dict.fromkeys(a.strip().lower() for a in addresses if a and a.strip()))
    if not wanted:
        return []
    with sessions() as session:
        own = set(
            session.scalars(
                select(func.lower(User.email)).where(
                    User.email.is_not(None), User.deleted_at.is_(None)
                )
            )
        )
        wanted = [address for address in wanted if address not in own]
        if not wanted:
            return []
        rows = session.execute(
            select(Contact.id, Contact.full_name, Company.name, ContactMethod.normalized)
            .join(ContactMethod, ContactMethod.contact_id == Contact.id)
            .outerjoin(Company, (Company.id == Contact.company_id) & Company.deleted_at.is_(None))
            .where(
                ContactMethod.kind == MethodKind.EMAIL.value,
                ContactMethod.normalized.in_(wanted),
                ContactMethod.deleted_at.is_(None),
                Contact.deleted_at.is_(None),
            )
        ).all()
    rank = {address: n for n, address in enumerate(wanted)}
    matches: dict[uuid.UUID, ContactMatch] = {}
    for contact_id, name, company, address in sorted(
        rows, key=lambda row: (rank[str(row[3])], row[1], str(row[0]))
    ):
        matches.setdefault(contact_id, ContactMatch(contact_id, name, company, str(address)))
    return list(matches.values())


class RecordGoneError(LookupError):
    """The record an e-mail was to be filed under was deleted meanwhile."""


def log_email(
    sessions: sessionmaker[Session],
    email_file: EmailFile,
    *,
    lead_id: uuid.UUID | None = None,
    contact_id: uuid.UUID | None = None,
    company_id: uuid.UUID | None = None,
    deal_id: uuid.UUID | None = None,
    owner_id: uuid.UUID | None = None,
) -> LoggedEmail:
    """File the e-mail as a done e-mail activity; once per Message-ID and record.

    A deal brings its contact and company, a contact its company, so the e-mail shows on
    each of their timelines. Without a Message-ID, the same sender, subject and date
    count as the same e-mail.
    """
    ids: dict[str, uuid.UUID | None] = {
        "lead_id": lead_id,
        "contact_id": contact_id,
        "company_id": company_id,
        "deal_id": deal_id,
    }
    if not any(ids.values()):
        raise ValueError("an e-mail is filed under a lead, contact, company or deal")
    # The record it was dropped on: where "already logged" is looked for.
    target = next(name for name in ("deal_id", "contact_id", "lead_id", "company_id") if ids[name])
    with sessions.begin() as session:
        name = _fill_links(session, ids)[target]
        existing = _existing(session, email_file, target, ids[target])
        if existing is not None:
            return LoggedEmail(existing, duplicate=True, record_name=name)
        activity = Activity(
            kind=ActivityKind.EMAIL.value,
            subject=(email_file.subject or NO_SUBJECT)[:500],
            body=email_file.body or None,
            occurs_at=email_file.date,
            done=True,
            done_at=email_file.date,
            email_from=email_file.sender[:500] or None,
            email_to=", ".join((*email_file.to, *email_file.cc)) or None,
            message_id=(email_file.message_id or "")[:500] or None,
            attachment_names=list(email_file.attachment_names) or None,
            owner_id=owner_id or current_user_id(session),
            **ids,
        )
        session.add(activity)
        session.flush()
        refresh_for(session, [activity])
        return LoggedEmail(activity.id, False, name, Changes(activities=True))


def _fill_links(session: Session, ids: dict[str, uuid.UUID | None]) -> dict[str, str]:
    """Check the given records are live; add a deal's contact and company, a contact's company.

    Returns the records' names by id field. A deleted record that was given is an error; a
    deleted one that a deal or contact brought is left out.
    """
    given = {key for key, value in ids.items() if value is not None}
    names: dict[str, str] = {}
    entities: dict[str, type[Lead | Contact | Company | Deal]] = {
        "deal_id": Deal,  # first: it brings a contact and a company
        "contact_id": Contact,  # then: it brings a company
        "lead_id": Lead,
        "company_id": Company,
    }
    for key, entity in entities.items():
        record_id = ids[key]
        if record_id is None:
            continue
        record = cast(Lead | Contact | Company | Deal | None, session.get(entity, record_id))
        if record is None or record.deleted_at is not None:
            if key in given:
                raise RecordGoneError("the record it was dropped on has been deleted")
            ids[key] = None
            continue
        names[key] = _record_name(record)
        if isinstance(record, Deal):
            ids["contact_id"] = ids["contact_id"] or record.contact_id
            ids["company_id"] = ids["company_id"] or record.company_id
        elif isinstance(record, Contact):
            ids["company_id"] = ids["company_id"] or record.company_id
    return names


def _record_name(record: Lead | Contact | Company | Deal) -> str:
    if isinstance(record, Lead):
        return record.person_name
    if isinstance(record, Contact):
        return record.full_name
    if isinstance(record, Company):
        return record.name
    return record.title


def _existing(
    session: Session, email_file: EmailFile, target: str, target_id: uuid.UUID | None
) -> uuid.UUID | None:
    query = select(Activity.id).where(
        getattr(Activity, target) == target_id,
        Activity.kind == ActivityKind.EMAIL.value,
        Activity.deleted_at.is_(None),
    )
    if email_file.message_id:
        query = query.where(Activity.message_id == email_file.message_id[:500])
    else:
        query = query.where(
            Activity.message_id.is_(None),
            Activity.email_from == email_file.sender[:500]
            if email_file.sender
            else Activity.email_from.is_(None),
            Activity.subject == (email_file.subject or NO_SUBJECT)[:500],
            Activity.occurs_at == email_file.date,
        )
    return session.scalar(query.limit(1))
