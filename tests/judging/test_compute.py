"""Results from the database: the SQL path gives exactly what the reference rules give."""

import random
from decimal import Decimal

import pytest
from django.core.management import call_command

from jingsai.judging.domain import aggregation, awards, compute
from jingsai.judging.domain.results import CriterionSpec, EntrySpec, Scheme, StageSpec
from jingsai.judging.domain.totals import round_half_up
from jingsai.judging.domain.workbook import CompetitionWorkbook, JudgeSpec, read_workbook
from jingsai.judging.domain.workbook_import import import_competition
from jingsai.judging.models import Result
from tests.judging.test_workbook import book

pytestmark = pytest.mark.django_db

ORGS = ["甲公司", "乙公司", "丙公司", "实训中心", "丁公司"]


def random_workbook(seed: int) -> CompetitionWorkbook:
    rng = random.Random(seed)
    stage_count = rng.choice([1, 2, 3])
    weights = {1: ["100"], 2: ["30", "70"], 3: ["33.3333", "33.3333", "33.3334"]}[stage_count]
    stages = [StageSpec(f"s{i}", f"阶段{i}", Decimal(w)) for i, w in enumerate(weights)]
    criteria = []
    for i in range(rng.randint(stage_count, 6)):
        stage = stages[i % stage_count].code
        kind = rng.choice([aggregation.JUDGEMENT, aggregation.JUDGEMENT, aggregation.MEASUREMENT])
        criteria.append(
            CriterionSpec(
                f"c{i}",
                stage,
                f"指标{i}",
                Decimal(rng.choice(["10", "20", "7.5", "100"])),
                kind,
                rng.choice(aggregation.AGGREGATIONS),
                rng.choice([None, Decimal("1"), Decimal("2.5")]),
            )
        )
    entries = [
        EntrySpec(
            f"E{n}",
            f"选手{n}",
            rng.choice(ORGS),
            rng.choice([None, Decimal(rng.randint(100, 105))]),
        )
        for n in range(1, rng.randint(5, 40))
    ]
    judges = [JudgeSpec(f"J{n}", f"裁判{n}", rng.choice(ORGS)) for n in range(rng.randint(3, 7))]
    assigned = {
        e.number: [j.code for j in judges if j.organisation != e.organisation] for e in entries
    }
    marks = {}
    for e in entries:
        for c in criteria:
            step = rng.choice([Decimal("0.5"), Decimal("0.25"), Decimal("0.0001"), Decimal(1)])
            top = int(c.max_mark / step)
            markers = assigned[e.number]
            if c.kind == aggregation.MEASUREMENT:
                markers = rng.sample(markers, min(len(markers), rng.choice([0, 1, 1, 1, 2])))
            for j in markers:
                if rng.random() < 0.05:
                    continue  # a missing mark
                marks[(e.number, j, c.code)] = step * rng.randint(max(0, top - 4), top)
    scheme = Scheme(
        stages,
        criteria,
        awards.parse_awards("一等奖:10%,二等奖:20%,三等奖:30%"),
        Decimal(rng.choice([0, 50])),
        rng.choice([[], ["s0"], ["time"], ["s0", "time"]]),
    )
    return CompetitionWorkbook(f"r{seed}", f"随机{seed}", scheme, entries, judges, marks, assigned)


def as_tuples(rows):
    return [
        (r.rank, r.entry, r.name, r.organisation, r.total, r.exact_total, r.award, r.flags)
        for r in rows
    ]


@pytest.mark.parametrize("seed", range(30))
def test_the_sql_path_equals_the_reference(seed):
    workbook = random_workbook(seed)
    competition = import_competition(workbook)
    fast = compute.compute(competition)
    reference = compute.compute(competition, force_reference=True)
    assert as_tuples(fast) == as_tuples(reference)
    from jingsai.judging.domain.results import compute as pure

    straight = pure(
        workbook.scheme, workbook.entries, assigned=workbook.assigned, marks=workbook.marks
    )
    assert [(r.entry, r.total, r.rank, r.award, r.flags) for r in fast] == [
        (r.entry, r.total, r.rank, r.award, r.flags) for r in straight
    ]
    # the stored results carry the same figures, stage scores to 4 decimals
    compute.store(actor=None, competition=competition)
    stored = {
        r.entry.number: (r.rank, r.total, r.award, r.flags, r.stage_scores)
        for r in Result.objects.filter(competition=competition).select_related("entry")
    }
    assert stored == {
        r.entry: (
            r.rank,
            r.total,
            r.award,
            ";".join(r.flags),
            {k: str(round_half_up(v, Decimal("0.0001"))) for k, v in r.stage_scores.items()},
        )
        for r in reference
    }


def test_import_competition_then_results_equals_the_workbook_command(tmp_path, capsys):
    path = tmp_path / "cnc.xlsx"
    path.write_bytes(book())
    call_command("results_workbook", str(path), format="csv")
    expected = capsys.readouterr().out
    call_command("import_competition", str(path))
    capsys.readouterr()
    call_command("results", "cnc-2026", format="csv")
    assert capsys.readouterr().out == expected
    assert expected.splitlines()[0] == "rank,entry,name,organisation,total,award,flags"


def test_importing_the_same_slug_twice_is_refused(tmp_path):
    from jingsai.judging.domain.workbook import WorkbookRefused

    workbook = read_workbook(book())
    import_competition(workbook)
    with pytest.raises(WorkbookRefused, match="already exists"):
        import_competition(workbook)


def test_values_too_long_for_the_database_are_refused_not_crashed():
    from jingsai.competitions.models import Competition
    from jingsai.judging.domain.workbook import WorkbookRefused

    workbook = read_workbook(book())
    workbook.slug = "x" * 31
    with pytest.raises(WorkbookRefused, match="longer than 30"):
        import_competition(workbook)
    assert not Competition.objects.exists()
