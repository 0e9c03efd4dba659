"""The demo's WorldSkills-standard competition: a web technologies selection marked with
a real CIS marking scheme (``data/wsuk-web-technologies-2024-national-final-cis.xlsx``,
MIT licence, © 2024 WorldSkills UK), imported as a user would upload it.

Twelve approved entries, a panel of three (the demo ``judge`` and two others); the two
others have marked eight entries, so the results by criterion and section have figures
once computed, and the demo ``judge`` has every entry still to mark on his phone.
Medals: one gold, one silver, one bronze, a Medallion for Excellence from 60.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from jingsai.organisations.models import Organisation
from jingsai.people.models import User

SCHEME = Path(__file__).parent / "data" / "wsuk-web-technologies-2024-national-final-cis.xlsx"
TITLE = "网站技术项目选拔赛（世界技能大赛标准）"
ENTRIES = 12
MARKED = 8
OTHER_JUDGES = (("W02", "周立新"), ("W03", "陈思远"))


def ensure_demo_worldskills(*, year: int, seed: int = 2026) -> int:
    """Add the competition once; returns 1 when it was added."""
    from jingsai.catalogue.models import Industry, ProgrammeYear, Series
    from jingsai.competitions.domain import lifecycle
    from jingsai.competitions.domain.registration import RegistrationRefused, approve, register
    from jingsai.competitions.domain.services import create_competition
    from jingsai.competitions.models import Competition
    from jingsai.judging.domain import panel
    from jingsai.presets.demo import _one_worker_per_enterprise
    from jingsai.worldskills.domain import cis_import, marking, medals

    title = f"{year} 年{TITLE}"
    if Competition.objects.filter(title=title).exists():
        return 0
    union = Organisation.objects.filter(kind=Organisation.Kind.UNION, parent=None).first()
    programme_year = ProgrammeYear.objects.filter(year=year).first()
    workers = _one_worker_per_enterprise(ENTRIES * 3)[-ENTRIES:]
    if union is None or programme_year is None or len(workers) < 3 or not SCHEME.exists():
        return 0
    rng = random.Random(seed + 10)
    now = timezone.now()
    with transaction.atomic():
        competition = create_competition(
            actor=None,
            year=programme_year,
            title=title,
            series=Series.objects.get(code="hard-core-industries"),
            industries=list(Industry.objects.filter(code="data-port")),
            participants="individuals",
            organiser=union,
            registration_opens=now - dt.timedelta(days=30),
            registration_closes=now + dt.timedelta(days=1),
            rules="按世界技能大赛网站技术项目评分方案（CIS）评分：测量分与评价分。",
            schedule="比赛：已完成\n评分：进行中",
        )
        lifecycle.move(actor=None, competition=competition, to=Competition.Status.OPEN)
        for worker in workers:
            with contextlib.suppress(RegistrationRefused):
                for entry in register(
                    actor=None, competition=competition, enterprise=worker.employer,
                    workers=[worker],
                ):  # fmt: skip
                    approve(actor=None, entry=entry)
        Competition.objects.filter(pk=competition.pk).update(registration_closes=now)
        lifecycle.move(actor=None, competition=competition, to=Competition.Status.CLOSED)
        competition = lifecycle.move(
            actor=None, competition=competition, to=Competition.Status.JUDGING
        )
        with SCHEME.open("rb") as source:
            imported = cis_import.import_scheme(
                actor=None, competition=competition, source=source, source_name=SCHEME.name
            )
        if not imported.ok:  # the sample is clean: tests/worldskills prove it
            raise RuntimeError("the demo's WorldSkills scheme did not import")
        medals.set_medals(
            actor=None, competition=competition, gold=1, silver=1, bronze=1,
            excellence_at=Decimal(60),
        )  # fmt: skip

        training = Organisation.objects.filter(name="浦东新区职工实训中心").first()
        judge_user = User.objects.filter(username="judge").first()
        judges = [
            panel.add_judge(
                actor=None, competition=competition, code="W01",
                name=judge_user.display_name if judge_user else "裁判员",
                user=judge_user, organisation=training,
            )
        ]  # fmt: skip
        for index, (code, name) in enumerate(OTHER_JUDGES):
            judges.append(
                panel.add_judge(
                    actor=None, competition=competition, code=code, name=name,
                    organisation=training, is_chief=index == 0,
                )
            )  # fmt: skip
        entries = list(competition.entries.filter(status="approved").order_by("number"))
        panel.assign_many(actor=None, judges=judges, entries=entries)

        fields = marking.marking_fields(competition)
        skill = {entry.pk: rng.uniform(0.45, 0.95) for entry in entries}
        for judge in judges[1:]:
            for entry in entries[:MARKED]:
                inputs = {f.code: _input(f, skill[entry.pk], rng) for f in fields}
                marking.submit(actor=None, judge=judge, entry=entry, inputs=inputs)
    return 1


def _input(field, skill: float, rng: random.Random) -> str:
    """What a judge of an entrant of this skill would give for one aspect."""
    from jingsai.worldskills.domain import deductions
    from jingsai.worldskills.models import Aspect

    if field.kind == Aspect.Kind.JUDGEMENT:
        return str(max(0, min(3, round(3 * skill + rng.uniform(-0.6, 0.6)))))
    rule = field.rule
    if isinstance(rule, deductions.ChoiceRule):
        # the better the entrant, the more often the first (least deducted) option
        return str(rule.choices[0 if rng.random() < skill else -1].number)
    if isinstance(rule, deductions.DifferenceRule):
        off = 0 if rng.random() < skill else rng.randint(1, 3)
        return str(rule.target + off * rule.difference)
    return str(field.max_mark) if rng.random() < skill else "0"
