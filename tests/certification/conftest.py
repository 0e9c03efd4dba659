"""A published competition with stored results, and the judged competition of tests/judging."""

from decimal import Decimal

import pytest

from jingsai.competitions.models import Competition, Entry, EntryMember
from jingsai.judging.models import Result
from tests.factories import OrganisationFactory, WorkerFactory
from tests.judging.conftest import english, judged  # noqa: F401 (fixtures used here too)

S = Competition.Status


def set_results(competition, rows):
    """Replace the stored results: rows of (entry, rank, total, award)."""
    Result.objects.filter(competition=competition).delete()
    for position, (entry, rank, total, award) in enumerate(rows, start=1):
        Result.objects.create(
            competition=competition,
            entry=entry,
            rank=rank,
            total=Decimal(str(total)),
            award=award,
            position=position,
        )


@pytest.fixture
def published(world, make_competition):
    """Five entries (E: a team of two) published with ranks 1, 2, 2, 4, 5.

    Workers' levels: A 3, B 1, C none, D 4, E1 3, E2 none.
    """
    competition = make_competition(status=S.PUBLISHED, title="2026年数控车工职业技能竞赛")
    enterprise = OrganisationFactory(name="上海丁精密机械有限公司")
    levels = {"A": 3, "B": 1, "C": None, "D": 4}
    entries, workers = {}, {}
    for n, (code, level) in enumerate(levels.items(), start=1):
        worker = WorkerFactory(
            employer=enterprise, name=f"陈{'甲乙丙丁'[n - 1]}明", skill_level=level
        )
        entry = Entry.objects.create(
            competition=competition,
            enterprise=enterprise,
            status=Entry.Status.APPROVED,
            number=f"B{n:02d}",
        )
        EntryMember.objects.create(entry=entry, competition=competition, worker=worker)
        entries[code], workers[code] = entry, worker
    team = Entry.objects.create(
        competition=competition,
        enterprise=enterprise,
        status=Entry.Status.APPROVED,
        number="B05",
        team_name="精工组",
    )
    for code, level in (("E1", 3), ("E2", None)):
        worker = WorkerFactory(employer=enterprise, name=f"周{code}", skill_level=level)
        EntryMember.objects.create(entry=team, competition=competition, worker=worker)
        workers[code] = worker
    gone = WorkerFactory(employer=enterprise, name="退出者")
    EntryMember.objects.create(entry=team, competition=competition, worker=gone, active=False)
    entries["E"] = team
    set_results(
        competition,
        [
            (entries["A"], 1, "95.00", "一等奖"),
            (entries["B"], 2, "85.00", "二等奖"),
            (entries["C"], 2, "85.00", "二等奖"),
            (entries["D"], 4, "70.00", "三等奖"),
            (entries["E"], 5, "55.00", ""),
        ],
    )
    return {"competition": competition, "entries": entries, "workers": workers, "gone": gone}
