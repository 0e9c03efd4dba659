"""Roster import: every row or none, and a report that says sheet, row, column and why."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from python_calamine import CalamineWorkbook

from jingsai.common.spreadsheet_import import SpreadsheetRefused
from jingsai.competitions.domain.roster import import_roster
from jingsai.competitions.models import Entry, EntryMember
from jingsai.people.models import Worker
from tests.factories import OrganisationFactory, WorkerFactory
from tests.xlsx import xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


HEADER = ["姓名", "身份证号码", "手机号码", "工种", "技能等级"]


@pytest.fixture
def enterprise():
    return OrganisationFactory(name="上海丙精密机械有限公司")


def run(competition, enterprise, rows, **kw):
    data = xlsx_bytes([HEADER, *rows], **kw)
    return import_roster(
        actor=None, competition=competition, source=io.BytesIO(data), enterprises=[enterprise]
    )


def report_rows(result):
    book = CalamineWorkbook.from_filelike(io.BytesIO(result.errors.report_xlsx()))
    return book.get_sheet_by_index(0).to_python()[1:]


def test_rows_become_entries_and_unknown_workers_are_created(make_competition, enterprise):
    competition = make_competition()
    known = WorkerFactory(employer=enterprise, name="钱二", id_number="310115198001011238")
    result = run(
        competition,
        enterprise,
        [
            ["钱二", "310115198001011238", "", "", ""],
            ["孙三", "310115196503150028", "13900001111", "数控车工", "高级工"],
            ["李四", "11010519491231002X", "", "钳工", "2"],
        ],
    )
    assert result.ok
    assert (result.rows, result.entries, result.new_workers) == (3, 3, 2)
    created = Worker.objects.get(id_number="310115196503150028")
    assert (created.name, created.employer, created.skill_level, created.trade) == (
        "孙三", enterprise, 3, "数控车工",
    )  # fmt: skip
    assert created.name_initials == "ss"
    assert created.gender == "F"
    assert Worker.objects.get(id_number="11010519491231002X").skill_level == 2
    assert set(EntryMember.objects.values_list("worker_id", flat=True)) == {
        known.pk, created.pk, Worker.objects.get(id_number="11010519491231002X").pk,
    }  # fmt: skip
    assert set(Entry.objects.values_list("status", flat=True)) == {"submitted"}


def test_one_bad_row_at_the_end_leaves_the_database_unchanged(make_competition, enterprise):
    competition = make_competition()
    good = [[f"周{i}", f"3101151980010{i:04d}"[:17], "", "", ""] for i in range(0)]
    rows = [
        ["孙三", "310115196503150028", "", "", ""],
        ["李四", "11010519491231002X", "", "", ""],
        ["王五", "110105194912310021", "", "", ""],  # wrong check character
    ]
    workers_before = Worker.objects.count()
    result = run(competition, enterprise, good + rows)
    assert not result.ok
    assert Worker.objects.count() == workers_before
    assert not Entry.objects.exists()
    assert [(e.sheet, e.row, e.column) for e in result.errors.errors] == [
        ("报名名单", 4, "B（身份证号码）")
    ]
    sheet, row, column, reason, value = report_rows(result)[0]
    assert (sheet, int(row), column, value) == (
        "报名名单",
        4,
        "B（身份证号码）",
        "110105194912310021",
    )
    assert "check character" in reason


def test_each_row_problem_is_reported(make_competition, enterprise, zhangjiang):
    competition = make_competition(skill_level_from=1, skill_level_to=4)
    other = OrganisationFactory()
    WorkerFactory(employer=enterprise, name="钱二", id_number="310115198001011238")
    WorkerFactory(employer=other, name="赵六", id_number="440304199912315676")
    entered = WorkerFactory(
        employer=enterprise, name="吴七", id_number="310115200002290048", skill_level=3
    )
    from jingsai.competitions.domain.registration import register

    register(actor=None, competition=competition, enterprise=enterprise, workers=[entered])
    result = run(
        competition,
        enterprise,
        [
            ["钱三", "310115198001011238", "", "", ""],  # 2: name differs from the known worker
            ["孙三", "310115196503150028", "", "", "高级工"],  # 3: fine …
            ["孙三", "310115196503150028", "", "", "高级工"],  # 4: … but twice in the file
            ["赵六", "440304199912315676", "", "", ""],  # 5: works for another enterprise
            ["吴七", "310115200002290048", "", "", ""],  # 6: already entered
            ["郑八", "11010519491231002X", "", "", "初级工"],  # 7: level 5 not allowed
            ["", "310115196503150028", "", "", ""],  # 8: no name (and duplicate)
            ["冯九", "", "", "", ""],  # 9: no ID number
            ["陈十", "3101151980010112", "", "", ""],  # 10: too short
            ["褚一", "310115196503150044", "1391234", "", ""],  # 11: bad phone
            ["卫二", "310115196503150060", "", "", "大师"],  # 12: unknown level
        ],
    )
    by_row = {}
    for error in result.errors.errors:
        by_row.setdefault(error.row, []).append((error.column, error.message))
    assert sorted(by_row) == [2, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert "does not match" in by_row[2][0][1]
    assert "钱*" in by_row[2][0][1]  # the known name is masked
    assert "row 3" in by_row[4][0][1]
    assert "another organisation" in by_row[5][0][1]
    assert "赵" not in by_row[5][0][1]  # nothing about a person of another enterprise
    assert "already entered" in by_row[6][0][1]
    assert by_row[7][0][0] == "E（技能等级）"
    assert "Skill level" in by_row[7][0][1]
    assert by_row[8][0] == ("A（姓名）", "The name is missing.")
    assert by_row[9][0][0] == "B（身份证号码）"
    assert "18 characters" in by_row[10][0][1]
    assert by_row[11][0][0] == "C（手机号码）"
    assert by_row[12][0][0] == "E（技能等级）"
    assert not Entry.objects.exclude(pk=entered.entries.get().entry_id).exists()


def test_id_number_typed_as_a_number_is_reported(make_competition, enterprise):
    result = run(make_competition(), enterprise, [["孙三", 310115196503150028, "", "", ""]])
    assert "stored as a number" in result.errors.errors[0].message


def test_capacity_is_checked_across_the_file(make_competition, enterprise):
    competition = make_competition(enterprise_quota=2)
    result = run(
        competition,
        enterprise,
        [
            ["孙三", "310115196503150028", "", "", ""],
            ["李四", "11010519491231002X", "", "", ""],
            ["王五", "310115198001011238", "", "", ""],
        ],
    )
    assert [e.row for e in result.errors.errors] == [4]
    assert not Entry.objects.exists()


def test_team_roster(make_competition, enterprise):
    competition = make_competition(participants="teams", team_min=2, team_max=2)
    data = xlsx_bytes(
        [
            [*HEADER, "团队名称"],
            ["孙三", "310115196503150028", "", "", "", "甲队"],
            ["李四", "11010519491231002X", "", "", "", "甲队"],
            ["王五", "310115198001011238", "", "", "", "乙队"],
        ]
    )
    result = import_roster(
        actor=None, competition=competition, source=io.BytesIO(data), enterprises=[enterprise]
    )
    assert [e.row for e in result.errors.errors] == [4]
    assert "at least 2" in result.errors.errors[0].message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"name,id\n", "not an Excel"),
        (xlsx_bytes([["姓名", "电话"], ["孙三", "1"]]), "missing: 身份证号码"),
        (xlsx_bytes([HEADER]), "no rows"),
        (xlsx_bytes([]), "empty"),
    ],
)
def test_malformed_files_are_refused_before_any_work(
    make_competition, enterprise, content, message
):
    with pytest.raises(SpreadsheetRefused) as error:
        import_roster(
            actor=None,
            competition=make_competition(),
            source=io.BytesIO(content),
            enterprises=[enterprise],
        )
    assert message in error.value.messages[0]


def test_size_and_row_limits(make_competition, enterprise, settings):
    competition = make_competition()
    rows = [HEADER] + [["孙三", "310115196503150028", "", "", ""]] * 5
    settings.JINGSAI_IMPORT_MAX_ROWS = 4
    with pytest.raises(SpreadsheetRefused) as error:
        import_roster(
            actor=None,
            competition=competition,
            source=io.BytesIO(xlsx_bytes(rows)),
            enterprises=[enterprise],
        )
    assert "at most 4 rows" in error.value.messages[0]
    settings.JINGSAI_IMPORT_MAX_ROWS = 200_000
    settings.JINGSAI_IMPORT_MAX_BYTES = 1000
    with pytest.raises(SpreadsheetRefused) as error:
        import_roster(
            actor=None,
            competition=competition,
            source=io.BytesIO(xlsx_bytes(rows)),
            enterprises=[enterprise],
        )
    assert "MB" in error.value.messages[0]


def test_closed_competition_refuses_the_file(make_competition, enterprise):
    with pytest.raises(SpreadsheetRefused):
        run(
            make_competition(status="closed"),
            enterprise,
            [["孙三", "310115196503150028", "", "", ""]],
        )


def test_staff_roster_names_each_rows_enterprise(make_competition, enterprise):
    other = OrganisationFactory()
    data = xlsx_bytes(
        [
            [*HEADER, "单位统一社会信用代码"],
            ["孙三", "310115196503150028", "", "", "", enterprise.credit_code],
            ["李四", "11010519491231002X", "", "", "", "91310000000000000X"],
        ]
    )
    result = import_roster(
        actor=None,
        competition=make_competition(),
        source=io.BytesIO(data),
        enterprises=[enterprise, other],
    )
    assert [(e.row, e.column) for e in result.errors.errors] == [(3, "F（单位统一社会信用代码）")]


def test_import_roster_command(make_competition, enterprise, tmp_path, capsys):
    competition = make_competition()
    path = tmp_path / "roster.xlsx"
    path.write_bytes(
        xlsx_bytes(
            [HEADER, ["孙三", "310115196503150028", "", "", ""], ["李四", "bad", "", "", ""]]
        )
    )
    with pytest.raises(CommandError):
        call_command(
            "import_roster", competition.code, str(path), "--enterprise", enterprise.credit_code
        )
    assert "row 3" in capsys.readouterr().err
    path.write_bytes(xlsx_bytes([HEADER, ["孙三", "310115196503150028", "", "", ""]]))
    call_command(
        "import_roster", competition.code, str(path), "--enterprise", enterprise.credit_code
    )
    assert "1 entries" in capsys.readouterr().out
    assert Entry.objects.count() == 1


def test_title_rows_above_the_headers_and_full_width_text(make_competition, enterprise):
    data = xlsx_bytes(
        [
            ["2026年浦东新区数控车工技能竞赛报名表"],
            [],
            ["序号", "姓 名", "身份证号码", "备注"],
            ["1", "孙三", "３１０１１５１９６５０３１５００２８", ""],
            ["2", "李 四", "11010519491231002x ", ""],
        ]
    )
    result = import_roster(
        actor=None,
        competition=make_competition(),
        source=io.BytesIO(data),
        enterprises=[enterprise],
    )
    assert result.ok, result.errors.errors
    assert set(Worker.objects.values_list("id_number", "name")) == {
        ("310115196503150028", "孙三"),
        ("11010519491231002X", "李四"),
    }


def test_a_roster_for_an_enterprise_competition_is_refused(make_competition, enterprise):
    with pytest.raises(SpreadsheetRefused):
        run(
            make_competition(participants="enterprises"),
            enterprise,
            [["孙三", "310115196503150028", "", "", ""]],
        )


def test_too_long_name_and_age_are_reported_on_their_columns(make_competition, enterprise):
    import datetime as dt

    competition = make_competition(min_age=30, age_on=dt.date(2026, 1, 1))
    result = run(
        competition,
        enterprise,
        [["张" * 51, "310115196503150028", "", "", ""], ["李四", "310115200002290048", "", "", ""]],
    )
    assert [(e.row, e.column) for e in result.errors.errors] == [
        (2, "A（姓名）"),
        (3, "B（身份证号码）"),
    ]
    assert "minimum age is 30" in result.errors.errors[1].message


@pytest.mark.parametrize(
    ("text", "level"),
    [("3", 3), ("高级工", 3), ("高级工（三级）", 3), ("三级/高级工", 3), ("技师", 2), ("", None)],
)
def test_skill_level_words(text, level):
    from jingsai.competitions.domain.roster import parse_skill_level

    assert parse_skill_level(text) == level


@pytest.mark.parametrize("text", ["初级工程师", "高级工程师", "二级建造师", "6", "高级工（二级）"])
def test_job_titles_are_not_skill_levels(text):
    from django.core.exceptions import ValidationError

    from jingsai.competitions.domain.roster import parse_skill_level

    with pytest.raises(ValidationError):
        parse_skill_level(text)


def test_columns_are_named_right_when_the_table_starts_in_column_b(make_competition, enterprise):
    data = xlsx_bytes([[None, *HEADER], [None, "孙三", "110105194912310021", "", "", ""]])
    result = run_bytes(make_competition(), enterprise, data)
    assert [(e.row, e.column) for e in result.errors.errors] == [(2, "C（身份证号码）")]


def run_bytes(competition, enterprise, data):
    return import_roster(
        actor=None, competition=competition, source=io.BytesIO(data), enterprises=[enterprise]
    )


def test_rows_are_written_a_few_per_statement(
    make_competition, enterprise, monkeypatch, zhangjiang
):
    from jingsai.competitions.domain import roster

    monkeypatch.setattr(roster, "ROWS_PER_STATEMENT", 2)  # 3 statements: 2, 2 and 1 rows
    enterprise.zone = zhangjiang
    enterprise.save()
    competition = make_competition()
    known = WorkerFactory(employer=enterprise, name="钱二", id_number="310115198001011238")
    rows = [
        ["孙三", "310115196503150028", "13900001111", "数控车工", "高级工"],
        ["钱二", "310115198001011238", "", "", ""],
        ["李四", "11010519491231002X", "", "钳工", "2"],
        ["周五", "440304199912315676", "", "", ""],
        ["吴六", "310115200002290048", "", "", ""],
    ]
    result = run(competition, enterprise, rows)
    assert result.ok, result.errors.errors
    assert (result.entries, result.new_workers) == (5, 4)
    entries = list(Entry.objects.filter(competition=competition).order_by("id"))
    assert [(e.enterprise_id, e.zone_id, e.status) for e in entries] == [
        (enterprise.pk, zhangjiang.pk, "submitted")
    ] * 5
    members = EntryMember.objects.filter(competition=competition).order_by("entry_id")
    assert [(m.entry_id, m.worker.id_number, m.is_captain, m.active) for m in members] == [
        (entry.pk, row[1], False, True) for entry, row in zip(entries, rows, strict=True)
    ]
    assert members[1].worker_id == known.pk
    assert Worker.objects.get(id_number="11010519491231002X").zone == zhangjiang


def test_team_roster_makes_one_entry_per_team_with_a_captain(make_competition, enterprise):
    competition = make_competition(participants="teams", team_min=1, team_max=2)
    data = xlsx_bytes(
        [
            [*HEADER, "团队名称"],
            ["孙三", "310115196503150028", "", "", "", "甲队"],
            ["王五", "310115198001011238", "", "", "", "乙队"],
            ["李四", "11010519491231002X", "", "", "", "甲队"],
        ]
    )
    result = run_bytes(competition, enterprise, data)
    assert result.ok, result.errors.errors
    assert result.entries == 2
    teams = {
        e.team_name: [
            (m.worker.name, m.is_captain) for m in e.members.order_by("id").select_related("worker")
        ]
        for e in Entry.objects.filter(competition=competition)
    }
    assert teams == {"甲队": [("孙三", True), ("李四", False)], "乙队": [("王五", True)]}


def test_staff_roster_writes_each_rows_enterprise(make_competition, enterprise, zhangjiang):
    other = OrganisationFactory(zone=zhangjiang)
    data = xlsx_bytes(
        [
            [*HEADER, "单位统一社会信用代码"],
            ["孙三", "310115196503150028", "", "", "", enterprise.credit_code],
            ["李四", "11010519491231002X", "", "", "", other.credit_code.lower()],
        ]
    )
    competition = make_competition()
    result = import_roster(
        actor=None,
        competition=competition,
        source=io.BytesIO(data),
        enterprises=[enterprise, other],
    )
    assert result.ok, result.errors.errors
    assert set(
        Entry.objects.filter(competition=competition).values_list(
            "members__worker__name", "enterprise", "zone"
        )
    ) == {("孙三", enterprise.pk, enterprise.zone_id), ("李四", other.pk, zhangjiang.pk)}
    assert Worker.objects.get(name="李四").employer == other


def test_the_garbage_collector_is_back_on_after_an_import(make_competition, enterprise):
    import gc

    run(make_competition(), enterprise, [["孙三", "310115196503150028", "", "", ""]])
    assert gc.isenabled()
    with pytest.raises(SpreadsheetRefused):
        run(make_competition(status="closed"), enterprise, [["孙三", "1", "", "", ""]])
    assert gc.isenabled()


def test_new_workers_are_numbered_in_the_order_of_their_names(make_competition, enterprise):
    competition = make_competition()
    known = WorkerFactory(employer=enterprise, name="钱二", id_number="310115198001011238")
    rows = [
        ["周五", "440304199912315676", "", "", ""],
        ["钱二", "310115198001011238", "", "", ""],
        ["孙三", "310115196503150028", "13900001111", "数控车工", "高级工"],
        ["李四", "11010519491231002X", "", "钳工", "2"],
    ]
    result = run(competition, enterprise, rows)
    assert result.ok, result.errors.errors
    assert result.new_workers == 3
    created = list(Worker.objects.exclude(pk=known.pk).order_by("id"))
    assert [w.name for w in created] == sorted(["周五", "孙三", "李四"])
    assert all(w.pk > known.pk for w in created)
    assert [(w.birth_date.isoformat(), w.gender) for w in created] == sorted(
        [("1999-12-31", "M"), ("1965-03-15", "F"), ("1949-12-31", "F")],
        key=lambda pair: {"1999-12-31": "周五", "1965-03-15": "孙三", "1949-12-31": "李四"}[
            pair[0]
        ],
    )
    # each row's entry has its own worker, in the order of the file
    members = EntryMember.objects.filter(competition=competition).order_by("entry_id")
    assert [m.worker.id_number for m in members] == [row[1] for row in rows]
