"""A WorldSkills-marked competition through the competition workbook (export, read,
import): its 0–3 judgement scores, all-or-nothing measurements, medals and results
survive the round trip."""

from decimal import Decimal

import pytest
from python_calamine import CalamineWorkbook

from jingsai.judging.domain import compute
from jingsai.judging.domain.workbook import WorkbookRefused, read_workbook
from jingsai.judging.domain.workbook_export import write_workbook
from jingsai.judging.domain.workbook_import import import_competition
from jingsai.judging.models import Criterion, Judging, Mark
from jingsai.worldskills.domain import cis_export, cis_import, marking, medals
from tests.worldskills.conftest import small_scheme, workbook_from
from tests.xlsx import xlsx_sheets

pytestmark = pytest.mark.django_db


def _rows(content: bytes) -> dict[str, list[list]]:
    import io

    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {
        name: [list(r) for r in book.get_sheet_by_name(name).to_python()]
        for name in book.sheet_names
    }


def _hundred_mark_scheme():
    """The small scheme worth 100 (a competition workbook's stage weights add up to 100):
    A 60 = A1.J1 30 + A1.M1 20 (all or nothing) + A1.M2 6 (“Deduct .25”) + A1.M3 4
    (“Pick”: Full 0, Partly 0.25, No Marks 0.75 deducted); B 40 = B1.J1 40."""
    data = small_scheme()
    a, b = data.criteria
    for aspect, top in zip(a.aspects, (30, 20, 6, 4), strict=True):
        aspect.max_mark = Decimal(top)
    b.aspects[0].max_mark = Decimal(40)
    a.mark, b.mark = Decimal(60), Decimal(40)
    data.sections[0].target, data.sections[1].target = Decimal(36), Decimal(64)
    return data


# (entry, judge) → inputs; J1 enters the measurements
INPUTS = {
    ("E1", "J1"): {"A1-J1": "3", "B1-J1": "1", "A1-M1": "20", "A1-M2": "2", "A1-M3": "2"},
    ("E1", "J2"): {"A1-J1": "2", "B1-J1": "1"},
    ("E1", "J3"): {"A1-J1": "2", "B1-J1": "2"},
    ("E2", "J1"): {"A1-J1": "3", "B1-J1": "3", "A1-M1": "20", "A1-M2": "0", "A1-M3": "1"},
    ("E2", "J2"): {"A1-J1": "3", "B1-J1": "3"},
    ("E2", "J3"): {"A1-J1": "3", "B1-J1": "2"},
    ("E3", "J1"): {"A1-J1": "0", "B1-J1": "1", "A1-M1": "0", "A1-M2": "30", "A1-M3": "3"},
    ("E3", "J2"): {"A1-J1": "1", "B1-J1": "0"},
    ("E3", "J3"): {"A1-J1": "0", "B1-J1": "0"},
}


def test_a_worldskills_competition_survives_the_workbook_round_trip(marked):
    competition = marked["competition"]
    saved = cis_import.import_scheme(
        actor=None,
        competition=competition,
        source=cis_export.write_workbook(_hundred_mark_scheme()),
        source_name="hundred.xlsx",
    )
    assert saved.ok, saved.errors.errors
    entries = {e.number: e for e in marked["entries"]}
    judges = {j.code: j for j in marked["judges"]}
    for (entry, judge), inputs in INPUTS.items():
        marking.submit(actor=None, judge=judges[judge], entry=entries[entry], inputs=inputs)
    medals.set_medals(
        actor=None, competition=competition, gold=1, silver=0, bronze=0, excellence_at=Decimal(70)
    )
    rows = _rows(write_workbook(competition))
    criteria = {r[0]: r for r in rows["criteria"][1:]}
    # code, stage, name, max, kind, aggregation, spread, scale, all_or_nothing
    assert criteria["A1-J1"][3] == 30 and criteria["A1-J1"][7] == 3
    assert criteria["A1-M1"][8] == "yes" and criteria["A1-M2"][8] == ""
    assert ["E1", "J1", "A1-J1", 3] in [r[:4] for r in rows["marks"][1:]]  # a score, not 30
    rows["competition"][1][1] = "ws-copy"  # a new slug: the original still exists
    copy = import_competition(read_workbook(workbook_from(rows)))

    scaled = dict(Criterion.objects.filter(competition=copy).values_list("code", "scale"))
    assert scaled == {"A1-J1": 3, "B1-J1": 3, "A1-M1": None, "A1-M2": None, "A1-M3": None}
    whole = set(
        Criterion.objects.filter(competition=copy, all_or_nothing=True).values_list(
            "code", flat=True
        )
    )
    assert whole == {"A1-M1"}
    assert Judging.objects.get(pk=copy.pk).awards == Judging.objects.get(pk=competition.pk).awards

    def marks(c):
        return sorted(
            Mark.objects.filter(competition=c, counts=True).values_list(
                "entry__number", "sheet__judge__code", "criterion__code", "units"
            )
        )

    assert marks(copy) == marks(competition)

    def outcome(c):
        return [(r.rank, r.entry, r.exact_total, r.total, r.award) for r in compute.compute(c)]

    before = outcome(competition)
    assert outcome(copy) == before
    # E2: 30 + 20 + 6 (measured 0) + 4 (Full Marks) = 60; B 40 × 8/9 = 320/9: 95.56
    # E1: 30 × 7/9 = 70/3; 20; 6 − 2 × 0.25 = 5.5; 4 − 0.25 = 3.75; B 40 × 4/9 = 160/9: 70.36
    # E3: 30 × 1/9 = 10/3; 0; 30 off → 0 (not −1.5); No Marks 3.25; B 40 × 1/9: 11.03
    assert [(e, t, a) for _r, e, _x, t, a in before] == [
        ("E2", Decimal("95.56"), "Gold medal"),
        ("E1", Decimal("70.36"), "Medallion for Excellence"),
        ("E3", Decimal("11.03"), ""),
    ]


def test_the_workbook_refuses_a_score_beyond_the_scale_and_a_partial_all_or_nothing():
    base = {
        "competition": [["field", "value"], ["slug", "s"], ["title", "t"]],
        "stages": [["code", "name", "weight"], ["A", "A", 100]],
        "criteria": [
            [
                "code",
                "stage",
                "name",
                "max",
                "kind",
                "aggregation",
                "spread",
                "scale",
                "all_or_nothing",
            ],
            ["J", "A", "judged", 2, "judgement", "mean", 1, 3, ""],
            ["M", "A", "measured", 1, "measurement", "mean", None, None, "yes"],
            ["X", "A", "bad", 1, "measurement", "mean", None, 1.5, "maybe"],
        ],
        "entries": [["number", "name", "organisation"], ["E1", "e", "o"]],
        "judges": [["code", "name", "organisation"], ["J1", "j", "p"]],
        "marks": [
            ["entry", "judge", "criterion", "mark"],
            ["E1", "J1", "J", 4],
            ["E1", "J1", "M", 0.5],
        ],
    }
    with pytest.raises(WorkbookRefused) as refused:
        read_workbook(xlsx_sheets(base))
    found = {(e.sheet, e.row, e.column, e.message) for e in refused.value.errors}
    assert ("criteria", 4, "H", "the scale “1.5” is not a whole number from 1") in found
    assert ("criteria", 4, "I", "all_or_nothing “maybe” is not yes or no") in found
    assert ("marks", 2, "D", "the score 4 is not a whole number from 0 to 3") in found
    assert ("marks", 3, "D", "the mark 0.5 is neither 0 nor 1 (all or nothing)") in found
    assert len(found) == 4
