"""The shared real-world corpus through the whole import: every vCard person becomes a record,
every sheet is imported or refused with a reason naming the file."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from sqlalchemy import select

from crm_desktop.models import Contact, ContactMethod, Lead
from crm_desktop.models.database import Database
from crm_desktop.services.imports.plan import ImportPlan, PlanError
from crm_desktop.services.imports.prepare import prepare_import
from crm_desktop.services.imports.run import run_import
from crm_desktop.services.imports.source import ImportFileError

# The per-file counts written down by hand in tests/services/test_card_data_corpora.py.
_spec = importlib.util.spec_from_file_location(
    "card_corpus_counts", Path(__file__).parents[1] / "test_card_data_corpora.py"
)
assert _spec is not None and _spec.loader is not None
_counts = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_counts)
EXPECTED: dict[str, tuple[int, int, int]] = _counts.EXPECTED


def _vcf(corpora: Path, name: str, target: str = "contacts") -> ImportPlan:
    return ImportPlan(str(corpora / "vcf" / name), target, format="vcf", on_duplicate="create")  # type: ignore[arg-type]


def test_every_corpus_vcard_imports_one_record_per_person(db: Database, corpora: Path) -> None:
    created = 0
    for name, (people, groups, failed) in sorted(EXPECTED.items()):
        report = run_import(db.sessions, _vcf(corpora, name))
        assert (report.created, report.groups, report.failed) == (people, groups, failed), name
        assert report.accounted == report.rows == people + groups + failed, name
        created += people
    with db.sessions() as session:
        names = list(session.scalars(select(Contact.full_name)))
    assert len(names) == created
    assert all(name and "\ufffd" not in name and "Ã" not in name for name in names)


def _contact(db: Database, full_name: str) -> Contact:
    with db.sessions() as session:
        return session.scalars(select(Contact).where(Contact.full_name == full_name)).one()


def _methods(db: Database, contact: Contact) -> set[tuple[str, str, str | None]]:
    with db.sessions() as session:
        rows = session.execute(
            select(ContactMethod.kind, ContactMethod.value, ContactMethod.label).where(
                ContactMethod.contact_id == contact.id
            )
        )
        return {(kind, value, label) for kind, value, label in rows}


def test_tricky_corpus_cards_by_value(db: Database, corpora: Path) -> None:
    for name in (
        "KDE__kcontacts/vcard5.vcf",
        "KDE__kcontacts/vcard10.vcf",
        "gammu__gammu/quoted-printable-normal.vcf",
        "gammu__gammu/photo.vcf",
        "gammu__gammu/vcard3-utf-8.vcf",
        "Kozea__Radicale/broken-vcard.vcf",
    ):
        run_import(db.sessions, _vcf(corpora, name))
    heiko = _contact(db, "Mustermann, Heiko")
    assert (heiko.given_name, heiko.family_name, heiko.title) == (
        "Heiko",
        "Mustermann",
        "Developer",
    )
    assert (heiko.street, heiko.city, heiko.country) == (
        "Buehlauer Strasse 45",
        "Dresden",
        "Germany",
    )
    assert str(heiko.birthday) == "1955-07-19"
    assert {("phone", "0351 223344", "Home"), ("mobile", "0173 223344", None)} <= _methods(
        db, heiko
    )
    bike = _contact(db, "Bike Shop")  # a card with only ORG: the company names it
    assert bike.street == "DDDDDDDDDDDDDDD-Staße 2\n00000 DDDDDDDDDD"
    zak = _contact(db, "Bc. Zdeněk Žák")
    assert ("email", "zdenek.zak@dicr.cz", None) in _methods(db, zak)
    amore = _contact(db, "Amore")
    with db.sessions() as session:
        photo = session.scalar(select(Contact.photo).where(Contact.id == amore.id))
    assert photo is not None and photo.startswith(b"\xff\xd8\xff") and len(photo) == 11112
    bodo = _contact(db, "Bodø likningskontor")
    assert bodo.city == "Bodø" and ("fax", "+4775546805", "Work") in _methods(db, bodo)
    with db.sessions() as session:
        email_only = session.scalars(
            select(Contact.full_name).where(Contact.full_name.like("%@%"))
        ).all()
    assert email_only, "a card with only an e-mail is imported, named by the address"


def test_corpus_vcards_as_leads(db: Database, corpora: Path) -> None:
    report = run_import(db.sessions, _vcf(corpora, "KDE__kcontacts/vcard5.vcf", "leads"))
    assert report.created == 1
    with db.sessions() as session:
        lead = session.scalars(select(Lead)).one()
    assert (lead.person_name, lead.company_name) == ("Mustermann, Heiko", "KDE")


def test_every_corpus_sheet_imports_or_is_refused_by_name(db: Database, corpora: Path) -> None:
    files = sorted(p for p in (corpora / "sheets").rglob("*") if p.is_file())
    assert len(files) >= 60
    imported = refused = 0
    for path in files:
        try:
            prepared = prepare_import(db.sessions, path, "contacts")
            report = run_import(db.sessions, prepared.plan)
        except (ImportFileError, PlanError) as exc:
            message = str(exc)
            assert path.name in message and "\n" not in message, message
            refused += 1
            continue
        assert report.accounted == report.rows, path
        imported += 1
    assert imported >= 10 and refused >= 10, (imported, refused)
