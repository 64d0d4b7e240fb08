"""A small CRM whose report numbers were worked out by hand (see the table below).

Today is 2026-06-15. Default currency USD. Rates: EUR→USD 1.10 from 2026-01-01 and
1.20 from 2026-05-01; USD→CNY 8 from 2026-01-01 (so 1 CNY = 0.125 USD, an inverted
rate); GBP has no rate. Stages of "Sales": Qualification 10 %, Needs analysis 25 %,
Proposal 50 %, Negotiation 75 %, Won, Lost. Times are noon UTC.

Open deals (converted at today's rates):

=======  ==========  ==============  ====  =====  ==========  ==========  ===========
deal     amount      stage           own   owner  created     expected    source/event
=======  ==========  ==============  ====  =====  ==========  ==========  ===========
Alpha    1,000 USD   Qualification   -     Anna   2026-02-10  2026-07-15  Website
Beta     2,000 EUR   Proposal        80 %  Anna   2026-03-12  2026-07-20  Trade show/Expo A, lead 4
Gamma    4,000 CNY   Proposal        -     Bo     2026-04-22  2026-08-05  Trade show/Fair B
Delta    300 GBP     Negotiation     -     Bo     2026-05-02  2026-07-01  Referral
Epsilon  500 USD     Negotiation     20 %  -      2026-05-20  -           -/Show C (deleted)
Eta      (none) USD  Qualification   -     Me     2026-06-01  2026-09-10  Old list (deleted)
Zeta     9,999 USD   Proposal        -     Anna   2026-03-01  2026-07-10  deleted deal, lead 1
=======  ==========  ==============  ====  =====  ==========  ==========  ===========

Closed deals (converted at the rate at the end of the close month):

=======  ==========  =====  =====  ==========  ==========  ================
deal     amount      stage  owner  created     closed      source/event
=======  ==========  =====  =====  ==========  ==========  ================
Won-1    1,000 EUR   Won    Anna   2026-01-05  2026-02-04  Website
Won-2    3,000 USD   Won    Anna   2026-03-15  2026-04-14  Trade show/Expo A
Won-3    8,000 CNY   Won    Bo     2026-04-25  2026-05-15  Trade show/Fair B, lead 3
Won-4    2,000 EUR   Won    Bo     2026-04-01  2026-05-10  Referral
Won-5    100 GBP     Won    Anna   2026-05-01  2026-05-21  Website
Won-6    5,000 USD   Won    Anna   2026-03-01  2026-04-01  deleted deal
Lost-1   1,500 USD   Lost   Anna   2026-02-01  2026-04-05  Cold call; history Q→NA→P→Lost
Lost-2   700 USD     Lost   Bo     2026-03-20  2026-04-25  Trade show/Expo A; no history
Lost-3   400 EUR     Lost   Bo     2026-01-20  2026-02-10  -; history only Negotiation→Lost
=======  ==========  =====  =====  ==========  ==========  ================

Alpha's history goes Qualification→Needs analysis→Qualification (it reached Needs
analysis); Won-2 has a full history; Eta has a move into a stage of another pipeline.
A deal "Elsewhere" (1,000 USD, open) sits in the pipeline "Partners".

Leads: 1 new (Trade show, Expo A, Anna, 03-11), 2 qualified (same), 3 converted
(Trade show, Fair B, Bo, 04-21), 4 contacted but Beta came from it (Trade show, Expo A,
Anna, 03-11), 5 disqualified (Website, Me, 05-05), 6 qualified but deleted (Trade show,
Expo A), 7 new (Old list, Summit D, Bo, 06-01).

Events: Expo A (2026-03-10, costs 1,000 EUR), Fair B (2026-04-20, 5,000 in the default
currency), Summit D (2026-08-01, 800 GBP), Show C (deleted).
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_desktop.models import (
    Company,
    Deal,
    DealStageChange,
    Event,
    ExchangeRate,
    Lead,
    LeadSource,
    Pipeline,
    Stage,
    User,
)
from crm_desktop.models.database import Database

TODAY = dt.date(2026, 6, 15)


def noon(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(12, tzinfo=dt.UTC))


@dataclass(frozen=True)
class Crm:
    stages: dict[str, uuid.UUID]
    users: dict[str, uuid.UUID]
    sources: dict[str, uuid.UUID]
    events: dict[str, uuid.UUID]
    deals: dict[str, uuid.UUID]
    other_pipeline: uuid.UUID


def build_crm(db: Database) -> Crm:
    with db.sessions.begin() as session:
        return _build(session)


def _build(session: Session) -> Crm:
    pipeline = session.scalar(select(Pipeline).where(Pipeline.is_default.is_(True)))
    assert pipeline is not None
    stages = {
        s.name: s for s in session.scalars(select(Stage).where(Stage.pipeline_id == pipeline.id))
    }
    partners = Pipeline(name="Partners", position=1)
    session.add(partners)
    session.flush()
    talks = Stage(pipeline_id=partners.id, name="Talks", position=0, probability=40)
    session.add(talks)

    session.add_all(
        [
            ExchangeRate(
                currency="EUR", base="USD", rate=Decimal("1.10"), valid_from=_d("2026-01-01")
            ),
            ExchangeRate(
                currency="EUR", base="USD", rate=Decimal("1.20"), valid_from=_d("2026-05-01")
            ),
            ExchangeRate(
                currency="USD", base="CNY", rate=Decimal("8"), valid_from=_d("2026-01-01")
            ),
            # deleted: would make GBP convertible if it counted
            ExchangeRate(
                currency="GBP",
                base="USD",
                rate=Decimal("1.3"),
                valid_from=_d("2026-01-01"),
                deleted_at=noon("2026-01-02"),
            ),
        ]
    )
    me = session.scalar(select(User).where(User.is_local.is_(True)))
    assert me is not None
    anna, bo = User(name="Anna"), User(name="Bo")
    acme = Company(name="Acme Ltd")
    old_list = LeadSource(name="Old list", deleted_at=noon("2026-01-01"))
    expo = Event(name="Expo A", starts_on=_d("2026-03-10"), cost=Decimal("1000"), currency="EUR")
    fair = Event(name="Fair B", starts_on=_d("2026-04-20"), cost=Decimal("5000"))
    summit = Event(name="Summit D", starts_on=_d("2026-08-01"), cost=Decimal("800"), currency="GBP")
    show = Event(name="Show C", starts_on=_d("2026-05-05"), deleted_at=noon("2026-05-06"))
    session.add_all([anna, bo, acme, old_list, expo, fair, summit, show])
    session.flush()
    sources = {s.name: s.id for s in session.scalars(select(LeadSource))}
    users = {"Me": me.id, "Anna": anna.id, "Bo": bo.id}

    def lead(n: int, status: str, source: str | None, event: Event | None, **kw: Any) -> Lead:
        row = Lead(
            person_name=f"Lead {n}",
            status=status,
            source_id=sources[source] if source else None,
            event_id=event.id if event else None,
            **kw,
        )
        session.add(row)
        return row

    leads = {
        1: lead(1, "new", "Trade show", expo, owner_id=anna.id, created_at=noon("2026-03-11")),
        2: lead(
            2, "qualified", "Trade show", expo, owner_id=anna.id, created_at=noon("2026-03-11")
        ),
        3: lead(3, "converted", "Trade show", fair, owner_id=bo.id, created_at=noon("2026-04-21")),
        4: lead(
            4, "contacted", "Trade show", expo, owner_id=anna.id, created_at=noon("2026-03-11")
        ),
        5: lead(5, "disqualified", "Website", None, owner_id=me.id, created_at=noon("2026-05-05")),
        6: lead(
            6,
            "qualified",
            "Trade show",
            expo,
            owner_id=anna.id,
            created_at=noon("2026-03-11"),
            deleted_at=noon("2026-03-12"),
        ),
        7: lead(7, "new", "Old list", summit, owner_id=bo.id, created_at=noon("2026-06-01")),
    }
    session.flush()

    def deal(title: str, amount: str | None, currency: str, stage: str, **kw: Any) -> Deal:
        closed = kw.pop("closed", None)
        source = kw.pop("source", None)
        event = kw.pop("event", None)
        row = Deal(
            title=title,
            amount=Decimal(amount) if amount else None,
            currency=currency,
            pipeline_id=pipeline.id,
            stage_id=stages[stage].id,
            company_id=acme.id,
            closed_at=noon(closed) if closed else None,
            source_id=sources[source] if source else None,
            event_id=event.id if event else None,
            created_at=noon(kw.pop("created")),
            **kw,
        )
        session.add(row)
        return row

    expected = _d
    made = {
        "Alpha": deal(
            "Alpha",
            "1000",
            "USD",
            "Qualification",
            owner_id=anna.id,
            created="2026-02-10",
            expected_close=expected("2026-07-15"),
            source="Website",
        ),
        "Beta": deal(
            "Beta",
            "2000",
            "EUR",
            "Proposal",
            probability=80,
            owner_id=anna.id,
            created="2026-03-12",
            expected_close=expected("2026-07-20"),
            source="Trade show",
            event=expo,
            lead_id=leads[4].id,
        ),
        "Gamma": deal(
            "Gamma",
            "4000",
            "CNY",
            "Proposal",
            owner_id=bo.id,
            created="2026-04-22",
            expected_close=expected("2026-08-05"),
            source="Trade show",
            event=fair,
        ),
        "Delta": deal(
            "Delta",
            "300",
            "GBP",
            "Negotiation",
            owner_id=bo.id,
            created="2026-05-02",
            expected_close=expected("2026-07-01"),
            source="Referral",
        ),
        "Epsilon": deal(
            "Epsilon", "500", "USD", "Negotiation", probability=20, created="2026-05-20", event=show
        ),
        "Eta": deal(
            "Eta",
            None,
            "USD",
            "Qualification",
            owner_id=me.id,
            created="2026-06-01",
            expected_close=expected("2026-09-10"),
            source="Old list",
        ),
        "Zeta": deal(
            "Zeta",
            "9999",
            "USD",
            "Proposal",
            owner_id=anna.id,
            created="2026-03-01",
            expected_close=expected("2026-07-10"),
            lead_id=leads[1].id,
            deleted_at=noon("2026-03-02"),
        ),
        "Won-1": deal(
            "Won-1",
            "1000",
            "EUR",
            "Won",
            owner_id=anna.id,
            created="2026-01-05",
            closed="2026-02-04",
            source="Website",
        ),
        "Won-2": deal(
            "Won-2",
            "3000",
            "USD",
            "Won",
            owner_id=anna.id,
            created="2026-03-15",
            closed="2026-04-14",
            source="Trade show",
            event=expo,
        ),
        "Won-3": deal(
            "Won-3",
            "8000",
            "CNY",
            "Won",
            owner_id=bo.id,
            created="2026-04-25",
            closed="2026-05-15",
            source="Trade show",
            event=fair,
            lead_id=leads[3].id,
        ),
        "Won-4": deal(
            "Won-4",
            "2000",
            "EUR",
            "Won",
            owner_id=bo.id,
            created="2026-04-01",
            closed="2026-05-10",
            source="Referral",
        ),
        "Won-5": deal(
            "Won-5",
            "100",
            "GBP",
            "Won",
            owner_id=anna.id,
            created="2026-05-01",
            closed="2026-05-21",
            source="Website",
        ),
        "Won-6": deal(
            "Won-6",
            "5000",
            "USD",
            "Won",
            owner_id=anna.id,
            created="2026-03-01",
            closed="2026-04-01",
            deleted_at=noon("2026-04-02"),
        ),
        "Lost-1": deal(
            "Lost-1",
            "1500",
            "USD",
            "Lost",
            owner_id=anna.id,
            created="2026-02-01",
            closed="2026-04-05",
            source="Cold call",
        ),
        "Lost-2": deal(
            "Lost-2",
            "700",
            "USD",
            "Lost",
            owner_id=bo.id,
            created="2026-03-20",
            closed="2026-04-25",
            source="Trade show",
            event=expo,
        ),
        "Lost-3": deal(
            "Lost-3",
            "400",
            "EUR",
            "Lost",
            owner_id=bo.id,
            created="2026-01-20",
            closed="2026-02-10",
        ),
    }
    elsewhere = Deal(
        title="Elsewhere",
        amount=Decimal("1000"),
        currency="USD",
        pipeline_id=partners.id,
        stage_id=talks.id,
        owner_id=anna.id,
        created_at=noon("2026-03-01"),
        expected_close=expected("2026-07-01"),
    )
    session.add(elsewhere)
    session.flush()

    def moves(title: str, *path: str | None) -> None:
        for i, (old, new) in enumerate(itertools.pairwise(path)):
            assert new is not None
            session.add(
                DealStageChange(
                    deal_id=made[title].id,
                    from_stage_id=stages[old].id if old else None,
                    from_stage_name=old,
                    to_stage_id=stages[new].id,
                    to_stage_name=new,
                    changed_at=noon("2026-01-01") + dt.timedelta(days=i),
                )
            )

    moves("Alpha", None, "Qualification", "Needs analysis", "Qualification")
    moves("Lost-1", None, "Qualification", "Needs analysis", "Proposal", "Lost")
    moves("Lost-3", "Negotiation", "Lost")
    moves("Won-2", None, "Qualification", "Proposal", "Won")
    session.add(
        DealStageChange(
            deal_id=made["Eta"].id,
            from_stage_id=stages["Qualification"].id,
            from_stage_name="Qualification",
            to_stage_id=talks.id,
            to_stage_name="Talks",
            changed_at=noon("2026-06-02"),
        )
    )
    # a deleted history row that would carry Lost-2 to Negotiation if it counted
    session.add(
        DealStageChange(
            deal_id=made["Lost-2"].id,
            to_stage_id=stages["Negotiation"].id,
            to_stage_name="Negotiation",
            deleted_at=noon("2026-04-01"),
        )
    )
    session.flush()
    return Crm(
        stages={name: s.id for name, s in stages.items()},
        users=users,
        sources=sources,
        events={"Expo A": expo.id, "Fair B": fair.id, "Summit D": summit.id, "Show C": show.id},
        deals={title: d.id for title, d in made.items()},
        other_pipeline=partners.id,
    )


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
