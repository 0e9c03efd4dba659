"""``jingsai import-marking-scheme`` and ``export-marking-scheme``."""

import io

import pytest
from django.core.management import CommandError, call_command

from jingsai.worldskills.domain import cis_import
from jingsai.worldskills.domain.layout import canonical
from jingsai.worldskills.models import Scheme
from tests.worldskills.conftest import SAMPLE, sample_rows, set_cell, workbook_from

pytestmark = pytest.mark.django_db


def test_the_command_imports_the_sample_and_prints_the_summary(judging_competition):
    out = io.StringIO()
    call_command("import_marking_scheme", judging_competition.code, str(SAMPLE), stdout=out)
    text = out.getvalue()
    assert "A Design Implementation: 30 (60 M, 8 J)" in text
    assert "total 100; 220 aspects: 201 measurement, 19 judgement" in text
    assert "      4      25       60         35  23" in text
    assert text.count("warning: Section") == 5
    assert Scheme.objects.filter(competition=judging_competition).exists()


def test_the_command_prints_every_error_with_its_location(judging_competition, tmp_path):
    rows = sample_rows()
    set_cell(rows, "CIS Marking Scheme Import", 16, "K", 29)
    set_cell(rows, "CIS Marking Scheme Import", 42, "I", 7)
    path = tmp_path / "broken.xlsx"
    path.write_bytes(workbook_from(rows))
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_marking_scheme", judging_competition.code, str(path), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines == [
        "sheet CIS Marking Scheme Import, row 42, column I（WSOS Section）: "
        "Section 7 is not in the occupational standards table. [7]",
        "sheet CIS Marking Scheme Import, row 16, column K（Mark）: "
        "Criterion B is worth 29 but its aspects add up to 30. [29]",
    ]
    assert not Scheme.objects.exists()


def test_the_export_command_writes_the_scheme_back(sample_competition, tmp_path):
    path = tmp_path / "out.xlsx"
    call_command("export_marking_scheme", sample_competition.code, str(path), stdout=io.StringIO())
    assert canonical(cis_import.read_workbook(path).scheme) == canonical(
        cis_import.read_workbook(SAMPLE).scheme
    )
