"""When two records are the same person: the one rule of card entry, imports and the finder.

A person is identified by the e-mails and mobiles they have (normalized keys). Office
phones and faxes are shared by colleagues, so they never make two people one (they may
still identify a company). Two sets are compared only when both sides have one, and a
record with several e-mails (or mobiles) conflicts with another only when the two sets
share none.

- The same e-mail, and no conflicting mobile: a duplicate ("email").
- The same mobile, and no conflicting e-mail: a duplicate ("mobile").
- The same e-mail but conflicting mobiles, or the same mobile but conflicting e-mails: a
  *possible* duplicate ("email_other_mobile", "mobile_other_email"). Both happen: a shared
  address (info@, sales@; in the shared corpus a Roundcube CSV and a CardDAV vCard give two
  different people the same home@, work@ and other@example.com with different numbers) as
  well as one person with a new phone or a new employer. Something contradicts the match,
  so it is never taken as certain: a person decides (the import creates the record unless
  told otherwise, and lists the pair).
- A close name at the same company and nothing conflicting: a possible duplicate ("name").
- A close name with a conflicting e-mail or mobile: different people, no match at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

Category = Literal["email", "mobile", "name", "email_other_mobile", "mobile_other_email"]
# Every category, certain ones first: the order summaries list them in.
CATEGORIES: Final[tuple[Category, ...]] = (
    "email",
    "mobile",
    "name",
    "email_other_mobile",
    "mobile_other_email",
)
POSSIBLE: Final[frozenset[str]] = frozenset(("name", "email_other_mobile", "mobile_other_email"))
LABELS: Final[dict[str, str]] = {
    "email": "same e-mail",
    "mobile": "same mobile",
    "name": "same name at the same company, no conflicting e-mail or mobile",
    "email_other_mobile": "same e-mail but another mobile",
    "mobile_other_email": "same mobile but another e-mail",
}
EMAIL_KINDS: Final = frozenset(("email",))
MOBILE_KINDS: Final = frozenset(("mobile", "whatsapp"))  # a WhatsApp number is a mobile


@dataclass(frozen=True, slots=True)
class PersonKeys:
    """The normalized e-mails and mobiles of a record (or of a row, or a typed card)."""

    emails: frozenset[str] = frozenset()
    mobiles: frozenset[str] = frozenset()

    def __or__(self, other: PersonKeys) -> PersonKeys:
        return PersonKeys(self.emails | other.emails, self.mobiles | other.mobiles)

    def __bool__(self) -> bool:
        return bool(self.emails or self.mobiles)


NO_KEYS: Final = PersonKeys()


def person_keys(methods: Iterable[tuple[str, str | None]]) -> PersonKeys:
    """The keys among (kind, normalized) contact methods: e-mails and mobiles only."""
    emails: set[str] = set()
    mobiles: set[str] = set()
    for kind, normalized in methods:
        if not normalized:
            continue
        if kind in EMAIL_KINDS:
            emails.add(normalized)
        elif kind in MOBILE_KINDS:
            mobiles.add(normalized)
    return PersonKeys(frozenset(emails), frozenset(mobiles))


@dataclass(frozen=True, slots=True)
class Verdict:
    """Why two records are, or may be, one person."""

    category: Category
    email: str | None = None  # the e-mail key they share, if any
    mobile: str | None = None  # the mobile key they share, if any

    @property
    def possible(self) -> bool:
        """Only possibly the same person: a person decides."""
        return self.category in POSSIBLE


def _conflict(mine: frozenset[str], theirs: frozenset[str]) -> bool:
    return bool(mine) and bool(theirs) and mine.isdisjoint(theirs)


def judge(mine: PersonKeys, theirs: PersonKeys, name_match: bool = False) -> Verdict | None:
    """The verdict on two people: their keys, and whether their names match at one company.

    None: nothing says they are one person, or something says they are two.
    """
    emails = mine.emails & theirs.emails
    mobiles = mine.mobiles & theirs.mobiles
    email = min(emails) if emails else None
    mobile = min(mobiles) if mobiles else None
    if email is not None:
        if _conflict(mine.mobiles, theirs.mobiles):
            return Verdict("email_other_mobile", email)
        return Verdict("email", email, mobile)
    if mobile is not None:
        if _conflict(mine.emails, theirs.emails):
            return Verdict("mobile_other_email", None, mobile)
        return Verdict("mobile", None, mobile)
    if name_match and not (
        _conflict(mine.emails, theirs.emails) or _conflict(mine.mobiles, theirs.mobiles)
    ):
        return Verdict("name")
    return None
