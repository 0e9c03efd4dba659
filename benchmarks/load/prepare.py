"""Data for the load test (issue 9): judges with sheets to mark, and pages for readers.

Usage: python benchmarks/load/prepare.py --judges 500 --out PLAN.json
Runs against DATABASE_URL, which must already hold the Pudong preset and the demo
data (``jingsai preset pudong``, ``jingsai demo-data``): the readers read its public
pages. It adds COMPETITIONS competitions in judging, each with its share of the
judges (user accounts with the judge role, seats on the panel) and ENTRIES approved
entries of demo workers, every judge assigned every entry of his competition, and
ten criteria in two stages. Each judge is signed in as a browser would be after
the login page: a session is created for him (the password hasher's cost is the
login page's, not what is measured). Chief judges, who must use two-factor
sign-in, are left out: every seat is an ordinary judge's.

The plan written to --out lists, per judge, his session key, competition, entries
and criteria; and the public addresses the readers visit (catalogue, competitions,
results, exhibition, honours, certificate verification).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jingsai.settings")

import django

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jingsai.catalogue.models import ProgrammeYear, Series
from jingsai.certification.models import Certificate
from jingsai.competitions.models import Competition, Entry, EntryMember
from jingsai.judging.domain import panel
from jingsai.judging.models import Criterion, Judging, Stage
from jingsai.organisations.models import Organisation
from jingsai.people.models import Role, RoleGrant, User, Worker
from jingsai.public.exhibition import PUBLIC_STATUSES, RESULT_STATUSES

CRITERIA = [
    ("theory", "理论", 30, [("T1", 25), ("T2", 25), ("T3", 25), ("T4", 25)]),
    ("practical", "实操", 70, [("P1", 20), ("P2", 20), ("P3", 15), ("P4", 15), ("P5", 15),
                               ("P6", 15)]),
]  # fmt: skip
BACKEND = "django.contrib.auth.backends.ModelBackend"


def competition_with_criteria(n: int, stamp: str) -> Competition:
    union = Organisation.objects.get(kind=Organisation.Kind.UNION)
    competition = Competition.objects.create(
        year=ProgrammeYear.objects.order_by("-year").first(),
        code=f"load-{stamp}-{n:02d}",
        title=f"压力测试：第{n}赛区数控车工技能竞赛",
        series=Series.objects.order_by("order").first(),
        organiser=union,
        status=Competition.Status.JUDGING,
    )
    Judging.objects.create(competition=competition, awards="一等奖:10%,二等奖:20%,三等奖:30%")
    for order, (code, name, weight, items) in enumerate(CRITERIA, start=1):
        stage = Stage.objects.create(
            competition=competition, code=code, name=name, weight=weight, order=order
        )
        for position, (criterion, maximum) in enumerate(items, start=1):
            Criterion.objects.create(
                competition=competition,
                stage=stage,
                code=criterion,
                name=f"{name}{position}",
                max_mark=maximum,
                kind="judgement",
                aggregation="mean",
                order=position,
            )
    return competition


def entries_for(competition: Competition, count: int, workers: list[Worker]) -> list[Entry]:
    entries = []
    for i, worker in enumerate(workers[:count], start=1):
        entry = Entry.objects.create(
            competition=competition,
            enterprise_id=worker.employer_id,
            status=Entry.Status.APPROVED,
            number=f"L{competition.pk:03d}{i:04d}",
        )
        EntryMember.objects.create(entry=entry, competition=competition, worker=worker)
        entries.append(entry)
    return entries


def signed_in(user: User) -> str:
    """A session as the login page would leave it."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def public_urls() -> list[str]:
    urls = [reverse("public:landing"), reverse("public:competition_list")]
    shown = Competition.objects.filter(status__in=PUBLIC_STATUSES).order_by("pk")
    years = sorted(set(shown.values_list("year__year", flat=True)))
    for year in years:
        urls.append(f"{reverse('public:competition_list')}?year={year}")
    for code in shown.values_list("code", flat=True)[:40]:
        urls.append(reverse("public:competition_detail", args=[code]))
    for code in shown.filter(status__in=RESULT_STATUSES).values_list("code", flat=True)[:40]:
        urls.append(reverse("public:competition_results", args=[code]))
    urls.append(reverse("public:exhibition"))
    urls.append("/verify/")
    for number in Certificate.objects.order_by("?").values_list("number", flat=True)[:60]:
        urls.append(f"/verify/{number}/")
    return urls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--judges", type=int, default=500)
    parser.add_argument("--competitions", type=int, default=10)
    parser.add_argument("--entries", type=int, default=30, help="entries per competition")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    stamp = timezone.now().strftime("%H%M%S")
    per_competition = -(-args.judges // args.competitions)
    workers = list(Worker.objects.order_by("pk")[: args.competitions * args.entries * 4])
    rng.shuffle(workers)
    centre = Organisation.objects.create(
        name=f"压力测试裁判员库{stamp}", kind=Organisation.Kind.TRAINING_BODY
    )
    judges = []
    with transaction.atomic():
        for c in range(args.competitions):
            competition = competition_with_criteria(c + 1, stamp)
            chunk = workers[c * args.entries : (c + 1) * args.entries]
            entries = entries_for(competition, args.entries, chunk)
            seats = []
            for n in range(per_competition):
                number = c * per_competition + n + 1
                if number > args.judges:
                    break
                user = User.objects.create_user(f"load_judge_{stamp}_{number}", password=None)
                RoleGrant.objects.create(user=user, role=Role.JUDGE, organisation=centre)
                seat = panel.add_judge(
                    actor=None,
                    competition=competition,
                    code=f"J{n + 1}",
                    name=f"裁判{number}",
                    user=user,
                    organisation=centre,
                )
                seats.append((seat, user))
            report = panel.assign_many(actor=None, judges=[s for s, _ in seats], entries=entries)
            if report.refused:
                sys.exit(f"assignments refused: {report.refused[:3]}")
            criteria = [
                [criterion.code, int(criterion.max_mark)]
                for criterion in Criterion.objects.filter(competition=competition).order_by(
                    "stage__order", "order"
                )
            ]
            for _seat, user in seats:
                order = [e.pk for e in entries]
                rng.shuffle(order)
                judges.append(
                    {
                        "user": user.username,
                        "session": None,
                        "competition": competition.pk,
                        "entries": order,
                        "criteria": criteria,
                    }
                )
    users = {
        u.username: u for u in User.objects.filter(username__startswith=f"load_judge_{stamp}_")
    }
    for judge in judges:
        judge["session"] = signed_in(users[judge["user"]])
    plan = {"judges": judges, "public_urls": public_urls(), "stamp": stamp}
    args.out.write_text(json.dumps(plan, ensure_ascii=False, indent=1))
    print(
        f"prepared {len(judges)} judges on {args.competitions} competitions "
        f"({args.entries} entries each), {len(plan['public_urls'])} public addresses"
    )


if __name__ == "__main__":
    main()
