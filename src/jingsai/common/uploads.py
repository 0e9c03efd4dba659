"""Checking uploaded files by their content, not their name.

:func:`check_upload` reads the first bytes and decides the real type (PDF,
Office Open XML, PNG, JPEG); the name the browser sent is never trusted or
stored. Sizes are limited (``JINGSAI_UPLOAD_MAX_BYTES``, default 20 MB).
:func:`removed_on_failure` deletes a stored file again when the change that was to name
it fails.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

SIGNATURES = {
    b"%PDF-": "pdf",
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpg",
}


def sniff(upload) -> str | None:
    """The real type of an uploaded file: pdf, png, jpg, xlsx, docx, or None."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, kind in SIGNATURES.items():
        if head.startswith(signature):
            return kind
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names:
            return "docx"
    return None


def max_upload_bytes() -> int:
    return getattr(settings, "JINGSAI_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)


def check_upload(upload, *, allowed) -> str:
    """The file's real type if it is allowed and small enough; ValidationError otherwise."""
    limit = max_upload_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s MB; at most %(limit)s MB is accepted.")
            % {"size": f"{upload.size / 1048576:.1f}", "limit": f"{limit / 1048576:.0f}"}
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."))
    kind = sniff(upload)
    if kind not in allowed:
        raise ValidationError(
            _("This kind of file is not accepted here; accepted: %(kinds)s.")
            % {"kinds": ", ".join(sorted(allowed))}
        )
    return kind


@contextmanager
def removed_on_failure() -> Iterator:
    """Around a change that stores files: yields ``store(field_file, name, content)``, which
    writes the file at once (``FieldFile.save(…, save=False)``, before its row is saved).
    If the block ends with an error, its rows are rolled back, so every file stored is
    deleted again: otherwise it would stay on disk with nothing to serve or remove it. Put
    the block outside the transaction, so that it sees the error after the rollback."""
    stored: list = []

    def store(field_file, name: str, content) -> None:
        field_file.save(name, content, save=False)
        stored.append(field_file)

    try:
        yield store
    except BaseException:
        for field_file in stored:
            try:
                field_file.storage.delete(field_file.name)
            except OSError:  # the change's own error is the one to report
                logger.exception("an uploaded file could not be removed: %s", field_file.name)
        raise
