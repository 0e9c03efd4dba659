"""Every way a file comes into the platform, through its page, held to the rules of
uploads: the type is read from the content (a name that lies is refused, with the
reason, and nothing is saved), the size is limited (the settings' limit), and the
name the browser sends never becomes a stored path.

Each upload path is one :class:`Target`, made by a function that sets up what its page
needs (with the fixtures of the app's own tests). The requests are encoded by hand so
that the file name reaches the server exactly as written (the test client would cut
``../../`` off itself).
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from jingsai.common.domain import audit
from jingsai.competitions.domain import roster
from jingsai.competitions.models import Attachment, Competition
from jingsai.honours.domain import nominations
from jingsai.honours.models import NominationFile
from jingsai.innovation.models import ResultFile
from jingsai.judging.domain import marks_import
from jingsai.labour.domain import checks_import
from jingsai.labour.domain import services as labour
from jingsai.labour.models import Photo
from jingsai.organisations.models import Organisation
from jingsai.skills.domain import evaluation_import
from jingsai.training.domain import attendance
from jingsai.worldskills.models import Scheme
from tests.access.matrix import table_counts
from tests.factories import WorkerFactory
from tests.honours.conftest import rc, round_, years  # noqa: F401 (fixtures)
from tests.innovation.conftest import make_result, ours, year  # noqa: F401 (fixtures)
from tests.judging.conftest import judged  # noqa: F401 (the fixture)
from tests.labour.conftest import league  # noqa: F401 (the fixture)
from tests.training.conftest import centre, competition, course, sessions  # noqa: F401
from tests.worldskills.conftest import SAMPLE
from tests.xlsx import xlsx_bytes

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TEXT = b"just some text, not what the name says\n"
LIMIT = 1024 * 1024  # the limit the size test sets: 1 MB
NOT_XLSX = "This is not an Excel .xlsx file."
NOT_ACCEPTED = "This kind of file is not accepted here"
TOO_BIG = "The file is 1.5 MB; at most 1 MB is accepted."
REPORT = r"import-reports/[0-9a-f]{32}\.xlsx"


@dataclass
class Target:
    """One upload path: who posts what to which page."""

    client: Client
    url: str
    field: str  # the form's file field
    kind: str  # what the good file is: xlsx, pdf or png
    lie: tuple[str, bytes]  # a file whose name lies about its content
    refusal: str  # what the page says to it
    good: bytes  # a file the path takes
    data: dict | None = None  # the form's other fields
    stored: Callable | None = None  # a queryset of the rows holding stored files
    pattern: str = ""  # a stored file's name (a regular expression)
    download: Callable | None = None  # a stored row → the view that serves it
    taken: Callable | None = None  # the response → whether the good file was taken in


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def sheet(columns) -> bytes:
    """A workbook with the importer's headers and one row that is wrong everywhere."""
    return xlsx_bytes([[c.header for c in columns], ["?"] * len(columns)])


def report_kept(response) -> bool:
    return bool(response.context and response.context.get("report_token"))


# --- the upload paths ----------------------------------------------------------------


def competition_attachment(request) -> Target:
    world = request.getfixturevalue("world")
    comp = request.getfixturevalue("make_competition")()
    return Target(
        client=signed_in(world["users"]["admin"]),
        url=reverse("backoffice:attachment_add", args=[comp.pk]),
        data={"title": "竞赛规程"},
        field="file",
        kind="pdf",
        lie=("rules.pdf", TEXT),
        refusal=NOT_ACCEPTED,
        good=PDF,
        stored=lambda: Attachment.objects.filter(competition=comp),
        pattern=rf"competitions/{comp.pk}/[0-9a-f]{{32}}\.pdf",
        download=lambda a: reverse("backoffice:attachment_download", args=[comp.pk, a.pk]),
    )


def roster_import(request) -> Target:
    world = request.getfixturevalue("world")
    comp = request.getfixturevalue("make_competition")()
    return Target(
        client=signed_in(world["users"]["officer"]),
        url=reverse("backoffice:roster_upload", args=[comp.pk]),
        field="file",
        kind="xlsx",
        lie=("roster.xlsx", PNG),
        refusal=NOT_XLSX,
        good=sheet(roster.roster_columns(comp, several_enterprises=False)),
        taken=report_kept,
    )


def marks_upload(request) -> Target:
    world, judged_ = request.getfixturevalue("world"), request.getfixturevalue("judged")
    return Target(
        client=signed_in(world["users"]["admin"]),
        url=reverse("backoffice:marking_import", args=[judged_["competition"].pk]),
        field="file",
        kind="xlsx",
        lie=("marks.xlsx", PNG),
        refusal=NOT_XLSX,
        good=sheet(marks_import.COLUMNS),
        taken=report_kept,
    )


def worldskills_scheme(request) -> Target:
    world = request.getfixturevalue("world")
    comp = request.getfixturevalue("make_competition")(status=Competition.Status.JUDGING)
    return Target(
        client=signed_in(world["users"]["admin"]),
        url=reverse("backoffice:worldskills_upload", args=[comp.pk]),
        field="file",
        kind="xlsx",
        lie=("scheme.xlsx", PDF),
        refusal=NOT_XLSX,
        good=SAMPLE.read_bytes(),
        # the scheme is imported; the name the browser sent is kept as a label only
        taken=lambda response: Scheme.objects.filter(
            competition=comp, source_name="evil.xlsx"
        ).exists(),
    )


def attendance_import(request) -> Target:
    world, course_ = request.getfixturevalue("world"), request.getfixturevalue("course")
    session = request.getfixturevalue("sessions")[0]
    return Target(
        client=signed_in(world["users"]["admin"]),
        url=reverse("backoffice:training_attendance_import", args=[course_.pk, session.pk]),
        field="file",
        kind="xlsx",
        lie=("attendance.xlsx", TEXT),
        refusal=NOT_XLSX,
        good=sheet(attendance.COLUMNS),
        taken=report_kept,
    )


def league_checks_import(request) -> Target:
    world, league_ = request.getfixturevalue("world"), request.getfixturevalue("league")
    url = reverse(
        "backoffice:league_import",
        kwargs={"pk": league_["competition"].pk, "period_pk": league_["periods"][0].pk},
    )
    return Target(
        client=signed_in(world["users"]["admin"]),
        url=url,
        field="file",
        kind="xlsx",
        lie=("checks.xlsx", PNG),
        refusal=NOT_XLSX,
        good=sheet(checks_import.columns(league_["league"])),
        taken=report_kept,
    )


def skills_evaluations(request) -> Target:
    world = request.getfixturevalue("world")
    training = Organisation.objects.get(kind=Organisation.Kind.TRAINING_BODY)
    return Target(
        client=signed_in(world["users"]["admin"]),
        url=reverse("backoffice:skills_import"),
        data={"evaluator": training.pk},
        field="file",
        kind="xlsx",
        lie=("results.xlsx", PDF),
        refusal=NOT_XLSX,
        good=sheet(evaluation_import.COLUMNS),
        taken=report_kept,
    )


def _innovation_files(request, role: str, namespace: str) -> Target:
    world, result = request.getfixturevalue("world"), request.getfixturevalue("make_result")()
    return Target(
        client=signed_in(world["users"][role]),
        url=reverse(f"{namespace}:innovation_file_add", args=[result.pk]),
        data={"title": "说明书"},
        field="file",
        kind="pdf",
        lie=("drawing.pdf", TEXT),
        refusal=NOT_ACCEPTED,
        good=PDF,
        stored=lambda: ResultFile.objects.filter(result=result),
        pattern=rf"innovation/{result.pk}/[0-9a-f]{{32}}\.pdf",
        download=lambda f: reverse(f"{namespace}:innovation_file", args=[result.pk, f.pk]),
    )


def innovation_file_office(request) -> Target:
    return _innovation_files(request, "officer", "backoffice")


def innovation_file_portal(request) -> Target:
    return _innovation_files(request, "worker", "portal")


def _nomination_files(nomination_of) -> Callable:
    def stored():
        return NominationFile.objects.filter(nomination__in=nomination_of())

    return stored


def honours_nominate(request) -> Target:
    world = request.getfixturevalue("world")
    craftsman = request.getfixturevalue("rc")("pudong-craftsman")
    worker = WorkerFactory(employer=world["ours"], skill_level=2, name="陈工匠")
    nominated = craftsman.nominations.filter(worker=worker)
    return Target(
        client=signed_in(world["users"]["officer"]),
        url=reverse("backoffice:honours_nominate_subject", args=[craftsman.pk, worker.pk]),
        data={"nominator": world["ours"].pk, "narrative": "扎根一线三十年"},
        field="files",
        kind="pdf",
        lie=("story.pdf", TEXT),
        refusal=NOT_ACCEPTED,
        good=PDF,
        stored=_nomination_files(lambda: nominated.all()),
        pattern=r"honours/\d+/[0-9a-f]{32}\.pdf",
        download=lambda f: reverse(
            "backoffice:honours_nomination_file", args=[f.nomination_id, f.pk]
        ),
    )


def honours_edit(request) -> Target:
    world = request.getfixturevalue("world")
    craftsman = request.getfixturevalue("rc")("pudong-craftsman")
    nomination = nominations.nominate(
        actor=world["users"]["officer"],
        round_category=craftsman,
        subject=WorkerFactory(employer=world["ours"], skill_level=2, name="陈工匠"),
        nominator=world["ours"],
        narrative="扎根一线三十年",
    )
    return Target(
        client=signed_in(world["users"]["officer"]),
        url=reverse("backoffice:honours_nomination_edit", args=[nomination.pk]),
        data={"narrative": "扎根一线三十年，带徒二十人"},
        field="files",
        kind="pdf",
        lie=("story.pdf", TEXT),
        refusal=NOT_ACCEPTED,
        good=PDF,
        stored=lambda: NominationFile.objects.filter(nomination=nomination),
        pattern=rf"honours/{nomination.pk}/[0-9a-f]{{32}}\.pdf",
        download=lambda f: reverse(
            "backoffice:honours_nomination_file", args=[nomination.pk, f.pk]
        ),
    )


def _check_photos(request, *, site: str, self_check: bool) -> Target:
    league_ = request.getfixturevalue("league")
    period, participant = league_["periods"][0], league_["sites"][site]
    user = league_["users"]["officer" if self_check else "judge"]
    # the check is begun already, so a refused photo leaves every table as it was
    check = labour.save_check(
        actor=user,
        period=period,
        participant=participant,
        kind="self" if self_check else "spot",
        assessor=None if self_check else league_["spot"],
        values={},
    )
    name = "portal:assess_self_photos" if self_check else "portal:assess_check_photos"
    return Target(
        client=signed_in(user),
        url=reverse(name, args=[league_["league"].pk, period.pk, participant.pk]),
        data={"caption": "脚手架"},
        field="photo",
        kind="png",
        lie=("site.jpg", TEXT),
        refusal=NOT_ACCEPTED,
        good=PNG,
        stored=lambda: Photo.objects.filter(check_ref=check),
        pattern=r"labour/[0-9a-f]{32}\.png",
        download=lambda p: reverse("portal:assess_photo", args=[p.pk]),
    )


def assessor_photos(request) -> Target:
    return _check_photos(request, site="B", self_check=False)


def self_check_photos(request) -> Target:
    return _check_photos(request, site="A", self_check=True)


PATHS = {
    "backoffice:attachment_add": competition_attachment,
    "backoffice:roster_upload": roster_import,
    "backoffice:marking_import": marks_upload,
    "backoffice:worldskills_upload": worldskills_scheme,
    "backoffice:training_attendance_import": attendance_import,
    "backoffice:league_import": league_checks_import,
    "backoffice:skills_import": skills_evaluations,
    "backoffice:innovation_file_add": innovation_file_office,
    "portal:innovation_file_add": innovation_file_portal,
    "backoffice:honours_nominate_subject": honours_nominate,
    "backoffice:honours_nomination_edit": honours_edit,
    "portal:assess_check_photos": assessor_photos,
    "portal:assess_self_photos": self_check_photos,
}


@pytest.fixture(params=sorted(PATHS))
def target(request, settings, media) -> Target:
    return PATHS[request.param](request)


# the paths that keep the file itself (the others read a workbook and keep a report)
STORING = sorted(set(PATHS) - {
    "backoffice:roster_upload", "backoffice:marking_import", "backoffice:worldskills_upload",
    "backoffice:training_attendance_import", "backoffice:league_import",
    "backoffice:skills_import",
})  # fmt: skip


@pytest.fixture(params=STORING)
def storing_target(request) -> Target:
    return PATHS[request.param](request)


@pytest.fixture
def media(settings, tmp_path) -> Path:
    """MEDIA_ROOT two folders below the test's own folder, so that a name climbing out of
    it (``../../``) would land where the test looks."""
    root = tmp_path / "srv" / "data" / "media"
    root.mkdir(parents=True)
    settings.MEDIA_ROOT = root
    return root


# --- helpers -------------------------------------------------------------------------


def multipart(data: dict | None, field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    """A multipart body with ``filename`` exactly as given."""
    boundary = "jingsai-upload-test-boundary"
    parts = []
    for key, value in (data or {}).items():
        parts += [
            f"--{boundary}".encode(),
            f'Content-Disposition: form-data; name="{key}"'.encode(),
            b"",
            str(value).encode(),
        ]
    parts += [
        f"--{boundary}".encode(),
        f'Content-Disposition: form-data; name="{field}"; filename="{filename}"'.encode(),
        b"Content-Type: application/octet-stream",
        b"",
        content,
        f"--{boundary}--".encode(),
        b"",
    ]
    return b"\r\n".join(parts), f"multipart/form-data; boundary={boundary}"


def post(target: Target, filename: str, content: bytes, **extra):
    body, content_type = multipart(target.data, target.field, filename, content)
    return target.client.post(target.url, body, content_type=content_type, **extra)


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def shown(response) -> str:
    return html.unescape(response.content.decode())


def padded(kind: str, size: int) -> bytes:
    """A file of ``kind`` that is what it says, ``size`` bytes long."""
    if kind == "pdf":
        return PDF + b"\n%" + b"0" * (size - len(PDF) - 2)
    if kind == "png":
        return PNG + b"\x00" * (size - len(PNG))
    buffer = io.BytesIO(xlsx_bytes([["身份证号码"], ["x"]]))
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/media/padding.bin", b"\x00" * size)
    return buffer.getvalue()


# --- the rules -----------------------------------------------------------------------


def test_a_file_whose_name_lies_about_its_content_is_refused_and_nothing_is_saved(target, media):
    before, files = table_counts(), files_under(media)
    name, content = target.lie
    response = post(target, name, content, follow=True)
    assert response.status_code == 200
    assert target.refusal in shown(response)
    assert table_counts() == before
    assert files_under(media) == files


def test_a_file_over_the_size_limit_is_refused_and_nothing_is_saved(target, media, settings):
    settings.JINGSAI_UPLOAD_MAX_BYTES = settings.JINGSAI_IMPORT_MAX_BYTES = LIMIT
    before, files = table_counts(), files_under(media)
    response = post(target, f"big.{target.kind}", padded(target.kind, LIMIT * 3 // 2), follow=True)
    assert response.status_code == 200
    assert TOO_BIG in shown(response)
    assert table_counts() == before
    assert files_under(media) == files


def test_the_name_sent_by_the_browser_never_becomes_a_stored_path(target, media, tmp_path):
    files = files_under(media)
    stored = set(target.stored().values_list("pk", flat=True)) if target.stored else set()
    response = post(target, f"../../evil.{target.kind}", target.good)
    assert response.status_code in (200, 302)
    # the file was taken in (stored, or read and reported on), not refused
    new = [] if target.stored is None else list(target.stored().exclude(pk__in=stored))
    if target.stored is None:
        assert target.taken(response)
    else:
        assert len(new) == 1
    # nothing anywhere under the test's folder is named after what the browser sent
    assert not [p for p in tmp_path.rglob("*") if "evil" in p.name]
    allowed = f"(?:{target.pattern or REPORT}|{REPORT})"
    for name in files_under(media) - files:
        assert re.fullmatch(allowed, name), name
    for row in new:
        name = row.file.name
        assert re.fullmatch(target.pattern, name) and "evil" not in name, name
        assert (media / name).read_bytes() == target.good
        # served by a view that checks who asks, to the uploader ...
        answer = target.client.get(target.download(row))
        assert answer.status_code == 200
        assert b"".join(answer.streaming_content) == target.good
        # ... and to nobody from the outside
        assert Client().get(target.download(row)).status_code in (302, 404)
        assert Client().get(f"/media/{name}").status_code in (302, 404)


def test_a_file_stored_for_a_change_that_fails_is_removed_again(storing_target, media, monkeypatch):
    """The file is written before the row that names it; when the change then fails (here
    the audit trail cannot be written) and its rows are rolled back, the file goes too:
    nothing would ever serve or remove it."""
    target = storing_target
    before, files = table_counts(), files_under(media)
    on_disk_when_it_failed = []

    def fail(**kwargs):
        on_disk_when_it_failed.append(files_under(media) - files)
        raise RuntimeError("the audit trail cannot be written")

    monkeypatch.setattr(audit, "record", fail)
    with pytest.raises(RuntimeError, match="audit trail"):
        post(target, f"good.{target.kind}", target.good)
    assert len(on_disk_when_it_failed) == 1 and len(on_disk_when_it_failed[0]) == 1
    assert table_counts() == before
    assert files_under(media) == files


def test_a_file_that_cannot_be_removed_does_not_hide_why_the_change_failed(media, caplog):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from jingsai.common.uploads import removed_on_failure

    class Field:  # what the clean-up uses of a FieldFile
        def __init__(self, storage):
            self.name, self.storage = "", storage

        def save(self, name, content, save):
            assert save is False  # the row is saved by the change, after
            self.name = self.storage.save(name, content)

    class Refusing:  # a storage that writes, but cannot remove
        save = staticmethod(default_storage.save)

        @staticmethod
        def delete(name):
            raise PermissionError(f"cannot remove {name}")

    stuck = Field(Refusing())

    def change():
        with removed_on_failure() as store:
            store(Field(default_storage), "labour/kept.png", ContentFile(PNG))
            store(stuck, "labour/stuck.png", ContentFile(PNG))
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError, match="the change failed"):
        change()
    assert files_under(media) == {stuck.name}  # the other one is gone
    assert f"an uploaded file could not be removed: {stuck.name}" in caplog.text
