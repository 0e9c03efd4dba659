"""The worker's record (职工技能档案): what it gathers, who sees it, and its PDF."""

import datetime as dt
from decimal import Decimal

import pypdfium2 as pdfium
import pytest
from django.apps import apps
from django.urls import reverse

from jingsai.competitions.models import Competition, Entry, EntryMember
from jingsai.judging.models import Result
from jingsai.skills.domain import records
from jingsai.skills.domain.career import career_of
from jingsai.skills.domain.career_pdf import render

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    return "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


def enter(competition, worker, *, number, rank=None, award="", total="90"):
    entry = Entry.objects.create(
        competition=competition,
        enterprise=worker.employer,
        status=Entry.Status.APPROVED,
        number=number,
    )
    EntryMember.objects.create(entry=entry, competition=competition, worker=worker)
    if rank is not None:
        Result.objects.create(
            competition=competition,
            entry=entry,
            rank=rank,
            total=Decimal(total),
            award=award,
            position=rank,
        )
    return entry


@pytest.fixture
def career_world(world, make_competition):
    ours = world["our_worker"]
    published = make_competition(status=Competition.Status.PUBLISHED, title="数控车工技能竞赛")
    judging = make_competition(status=Competition.Status.JUDGING, title="电工技能竞赛")
    entry = enter(published, ours, number="A001", rank=1, award="一等奖", total="95.5")
    enter(judging, ours, number="B001", rank=2, award="二等奖")  # not published yet
    enter(published, world["their_worker"], number="A002", rank=2, award="保密奖项")
    records.record_level(
        actor=None, worker=ours, level=2, source="competition", competition=published
    )
    return {"published": published, "judging": judging, "entry": entry}


def test_the_record_gathers_entries_published_results_and_levels(world, career_world):
    career = career_of(world["our_worker"])
    assert [e.entry_number for e in career.entries] == ["B001", "A001"]  # the latest first
    assert [(r.competition, r.rank, r.award) for r in career.results] == [
        ("数控车工技能竞赛", 1, "一等奖")
    ]
    assert [lv.source for lv in career.levels] == ["competition", "initial"]
    assert career.certificates == []  # the certification app is there: nothing issued yet
    assert career.years == [2026]


def test_certificates_valid_and_revoked_are_listed(world, career_world):
    if not apps.is_installed("jingsai.certification"):
        pytest.skip("certification is not installed")
    from jingsai.certification.models import Certificate

    common = {
        "competition": career_world["published"],
        "entry": career_world["entry"],
        "worker": world["our_worker"],
        "issued_on": dt.date(2026, 6, 1),
        "issuer": world["union"],
        "basis": "一等奖",
    }
    Certificate.objects.create(number="ZS-OK-1", title="一等奖证书", award="一等奖", **common)
    Certificate.objects.create(
        number="ZS-OLD-1",
        title="合格证书",
        status=Certificate.Status.REVOKED,
        revoked_at=dt.datetime(2026, 6, 2, tzinfo=dt.UTC),
        revoke_reason="成绩更正",
        **common,
    )
    lines = {c.number: c for c in career_of(world["our_worker"]).certificates}
    assert lines["ZS-OK-1"].valid and not lines["ZS-OLD-1"].valid
    assert lines["ZS-OLD-1"].revoke_reason == "成绩更正"


def test_training_hours_per_course(world, career_world):
    if not apps.is_installed("jingsai.training"):
        pytest.skip("training is not installed")
    from jingsai.training.models import Attendance, Course, Session

    course = Course.objects.create(title="数控车工集训", year=2026, organiser=world["union"])
    for day in (1, 2):
        session = Session.objects.create(
            course=course,
            date=dt.date(2026, 5, day),
            starts_at=dt.time(9),
            ends_at=dt.time(12),
            hours=Decimal("3"),
        )
        Attendance.objects.create(
            session=session, worker=world["our_worker"], present=True, hours=Decimal("3")
        )
    career = career_of(world["our_worker"])
    assert [(t.course, t.hours) for t in career.training] == [("数控车工集训", Decimal("6"))]
    assert career.training_hours == Decimal("6")


# --- who sees which record -----------------------------------------------------------


def test_a_worker_sees_his_own_record_only(client_for, world, career_world):
    page = client_for("worker").get(reverse("portal:record"))
    assert page.status_code == 200
    text = page.content.decode()
    assert world["our_worker"].name in text and "一等奖" in text
    assert "二等奖" not in text  # not published
    assert world["their_worker"].name not in text and "保密奖项" not in text
    assert world["our_worker"].id_number not in text
    home = client_for("worker").get(reverse("portal:home"))
    assert reverse("portal:record") in home.content.decode()


def test_the_worker_downloads_his_record_as_pdf(client_for, world, career_world):
    response = client_for("worker").get(reverse("portal:record_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert world["our_worker"].id_number not in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert world["our_worker"].name in text
    assert "数控车工技能竞赛" in text and "一等奖" in text
    assert world["our_worker"].id_number not in text
    assert world["our_worker"].masked_id_number in text


@pytest.mark.parametrize("role", ["officer", "coorganiser", "judge", "nobody"])
def test_the_portal_record_is_for_workers(client_for, world, role):
    assert client_for(role).get(reverse("portal:record")).status_code == 403
    assert client_for(role).get(reverse("portal:record_pdf")).status_code == 403


def test_the_officer_sees_his_enterprises_workers_records_only(client_for, world, career_world):
    officer = client_for("officer")
    ours, theirs = world["our_worker"], world["their_worker"]
    page = officer.get(reverse("backoffice:worker_record", args=[ours.pk]))
    assert page.status_code == 200 and "一等奖" in page.content.decode()
    assert ours.id_number not in page.content.decode()
    assert officer.get(reverse("backoffice:worker_record", args=[theirs.pk])).status_code == 404
    pdf = officer.get(reverse("backoffice:worker_record_pdf", args=[theirs.pk]))
    assert pdf.status_code == 404
    pdf = officer.get(reverse("backoffice:worker_record_pdf", args=[ours.pk]))
    assert pdf.status_code == 200
    text = pdf_text(pdf.content)
    assert ours.name in text and ours.id_number not in text


@pytest.mark.parametrize("role", ["worker", "judge", "coorganiser", "nobody"])
def test_others_may_not_read_records_in_the_office(client_for, world, role):
    ours = world["our_worker"]
    client = client_for(role)
    assert client.get(reverse("backoffice:worker_record", args=[ours.pk])).status_code == 403
    assert client.get(reverse("backoffice:worker_record_pdf", args=[ours.pk])).status_code == 403


def test_staff_entitled_to_personal_data_get_the_full_id_number(client_for, world):
    ours = world["our_worker"]
    pdf = client_for("admin").get(reverse("backoffice:worker_record_pdf", args=[ours.pk]))
    assert ours.id_number in pdf_text(pdf.content)
    leader = client_for("leader").get(reverse("backoffice:worker_record_pdf", args=[ours.pk]))
    assert leader.status_code == 200 and ours.id_number not in pdf_text(leader.content)


def test_a_long_record_runs_over_several_pages(world):
    ours = world["our_worker"]
    records.record_levels(
        actor=None,
        grants=[
            records.LevelGrant(ours.pk, 1 + i % 5, dt.date(2020, 1, 1) + dt.timedelta(days=i))
            for i in range(120)
        ],
        source="import",
    )
    data = render(career_of(ours))
    assert len(pdfium.PdfDocument(data)) > 1
    assert ours.name in pdf_text(data)
