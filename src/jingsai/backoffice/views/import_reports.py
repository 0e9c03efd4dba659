"""Error reports of imports: the .xlsx listing every bad row, for the uploader only.

A report holds what the user uploaded, so it is kept a day in a private folder and
named by a random token recorded in the uploader's session (his last ten).
"""

import io
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404

from jingsai.common.spreadsheet_import import XLSX_MIME_IMPORT, ErrorCollector

REPORT_LIFETIME_SECONDS = 24 * 60 * 60
SESSION_KEY = "import_reports"


def report_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "import-reports"
    path.mkdir(parents=True, exist_ok=True)
    expired = time.time() - REPORT_LIFETIME_SECONDS
    for old in path.glob("*.xlsx"):
        if old.stat().st_mtime < expired:
            old.unlink(missing_ok=True)
    return path


def keep(request, errors: ErrorCollector) -> str:
    """Write the report and remember it in the session; its token."""
    token = uuid.uuid4().hex
    (report_dir() / f"{token}.xlsx").write_bytes(errors.report_xlsx())
    request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, [])[-9:], token]
    return token


def download(request, token: str, filename: str) -> FileResponse:
    """The kept report, to the session that uploaded the file only (404 otherwise)."""
    if token not in request.session.get(SESSION_KEY, []):
        raise Http404
    path = report_dir() / f"{token}.xlsx"
    if not path.exists():
        raise Http404
    return FileResponse(
        io.BytesIO(path.read_bytes()),
        as_attachment=True,
        filename=filename,
        content_type=XLSX_MIME_IMPORT,
    )
