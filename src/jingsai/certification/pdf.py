"""Certificates as PDF (A4 landscape), drawn with ReportLab.

The Chinese font (WenQuanYi Micro Hei, TrueType, from the
``paperang_p2_fonts_cjk`` package) is registered once per process and embedded
(subset) in every file, so a certificate prints the same everywhere. The QR
code (segno) is drawn as vector squares and holds the absolute address of the
public verification page (``JINGSAI_PUBLIC_URL`` + ``/verify/<number>/``).

:func:`render` gives one certificate's bytes; :func:`render_many` writes any
number of certificates as one multi-page file into a binary file object (one
font subset for the whole batch; pages are drawn one at a time from an
iterator, so the caller can stream certificates from the database in chunks).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab import rl_config
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from jingsai.certification.models import Certificate

FONT = "WenQuanYiMicroHei"
PAGE = landscape(A4)  # 841.9 × 595.3 pt
RED = HexColor("#b22222")
GOLD = HexColor("#c8a040")
INK = HexColor("#222222")
GREY = HexColor("#666666")
QR_MASK = 0
QUIET = 4  # modules of white around a QR code
_lock = threading.Lock()
_registered = False


def font_path() -> Path:
    import paperang_p2_fonts_cjk

    return Path(paperang_p2_fonts_cjk.__file__).resolve().parent / "fonts" / "wqy-microhei.ttc"


def register_font() -> str:
    """Register the CJK font once (parsing the .ttc takes a while); returns its name."""
    global _registered
    if not _registered:
        with _lock:
            if not _registered:
                pdfmetrics.registerFont(TTFont(FONT, str(font_path()), subfontIndex=0))
                # streams compressed without an ASCII85 layer: smaller and faster files
                rl_config.useA85 = 0
                _registered = True
    return FONT


def verification_url(number: str) -> str:
    base = settings.JINGSAI_PUBLIC_URL.rstrip("/")
    return base + reverse("certification:verify", args=[number])


def _wrap(text: str, size: float, width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (character by character: CJK)."""
    lines, line = [], ""
    for char in text:
        if line and pdfmetrics.stringWidth(line + char, FONT, size) > width:
            lines.append(line)
            line = char
        else:
            line += char
    if line:
        lines.append(line)
    return lines


def _qr_operators(content: str) -> tuple[int, str]:
    """The QR code's size in modules (quiet zone included) and its dark modules as PDF
    rectangle operators in module units, one per run of dark modules in a row.

    A fixed mask skips segno's search for the best of eight (any mask decodes), and
    whole-number operators skip ReportLab's float formatting: together they make the
    code a small part of a page's time.
    """
    qr = segno.make(content, error="m", micro=False, mask=QR_MASK)
    rows = qr.matrix  # dark 1, light 0; the quiet zone (4 modules) is added around it
    width = len(rows)
    size = width + 2 * QUIET
    ops = []
    for r, row in enumerate(rows):
        y = size - QUIET - r - 1
        c = 0
        while c < width:
            if row[c]:
                start = c
                while c < width and row[c]:
                    c += 1
                ops.append(f"{start + QUIET} {y} {c - start} 1 re")
            else:
                c += 1
    return size, "\n".join(ops)


def _draw_qr(canvas: Canvas, content: str, x: float, y: float, size: float) -> None:
    """The QR code as filled vector squares on a white square, quiet zone included."""
    modules, operators = _qr_operators(content)
    canvas.setFillColor(Color(1, 1, 1))
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(size / modules, size / modules)
    canvas.setFillColor(Color(0, 0, 0))
    canvas.addLiteral(operators + "\nf")
    canvas.restoreState()


def _date(value) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""


def honour_line(certificate: Certificate) -> str:
    """What an honour certificate (830) states: "was named <category> of <year>"."""
    honour = certificate.honour
    return _("was named %(category)s of %(year)s.") % {
        "category": honour.category.display_name,
        "year": honour.round.year.year,
    }


def draw(canvas: Canvas, certificate: Certificate) -> None:
    """One certificate on the current page (the caller calls ``showPage``).

    A competition's certificate says in which competition the holder earned it; an
    honour certificate (no competition; its holder a worker or an organisation) says
    which title of which year the holder was named to."""
    width, height = PAGE
    competition = certificate.competition
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(6)
    canvas.rect(24, 24, width - 48, height - 48, stroke=1, fill=0)
    canvas.setLineWidth(1.5)
    canvas.rect(36, 36, width - 72, height - 72, stroke=1, fill=0)

    canvas.setFillColor(RED)
    canvas.setFont(FONT, 40)
    canvas.drawCentredString(width / 2, height - 112, certificate.title)

    canvas.setFillColor(INK)
    canvas.setFont(FONT, 26)
    canvas.drawCentredString(width / 2, height - 180, certificate.holder_name)

    text_width = width - 220
    y = height - 232
    if competition is not None:
        lines = [_("In %(competition)s") % {"competition": competition.title}]
        if certificate.award:
            achievement = _("was awarded %(award)s.") % {"award": certificate.award}
        else:
            achievement = _("earned the %(title)s.") % {"title": certificate.title}
    else:
        lines = []
        honour = certificate.honour
        if honour is not None and honour.innovation_id:
            title = f"《{honour.innovation.title}》"
            lines.append(_("for the result %(title)s") % {"title": title})
        achievement = (
            honour_line(certificate)
            if honour is not None
            else _("earned the %(title)s.") % {"title": certificate.title}
        )
    for line in lines:
        for part in _wrap(line, 17, text_width):
            canvas.setFont(FONT, 17)
            canvas.drawCentredString(width / 2, y, part)
            y -= 26
    for part in _wrap(achievement, 20, text_width):
        canvas.setFont(FONT, 20)
        canvas.drawCentredString(width / 2, y - 6, part)
        y -= 28
    y -= 12
    details = []
    if competition is not None and certificate.rank:
        details.append(_("rank %(rank)s") % {"rank": certificate.rank})
    if competition is not None and certificate.total is not None:
        details.append(_("total %(total)s") % {"total": certificate.total})
    if certificate.level:
        details.append(_("skill level: %(level)s") % {"level": certificate.get_level_display()})
    if details:
        canvas.setFillColor(GREY)
        canvas.setFont(FONT, 13)
        canvas.drawCentredString(width / 2, y, " · ".join(details))

    # issuer and date, bottom right
    canvas.setFillColor(INK)
    canvas.setFont(FONT, 16)
    canvas.drawRightString(width - 90, 132, str(certificate.issuer.name))
    canvas.setFont(FONT, 14)
    canvas.drawRightString(width - 90, 106, _date(certificate.issued_on))

    # QR code and number, bottom left
    _draw_qr(canvas, verification_url(certificate.number), 70, 66, 104)
    canvas.setFillColor(GREY)
    canvas.setFont(FONT, 10)
    canvas.drawString(184, 94, _("Certificate number: %(number)s") % {"number": certificate.number})
    canvas.drawString(184, 78, _("Scan the code to verify this certificate."))

    if certificate.status == Certificate.Status.REVOKED:
        canvas.saveState()
        canvas.setFillColor(Color(0.8, 0, 0, alpha=0.35))
        canvas.setFont(FONT, 96)
        canvas.translate(width / 2, height / 2)
        canvas.rotate(20)
        canvas.drawCentredString(0, -30, _("REVOKED"))
        canvas.restoreState()


def _canvas(target: BinaryIO, title: str) -> Canvas:
    register_font()
    canvas = Canvas(
        target, pagesize=PAGE, pageCompression=1, initialFontName=FONT, initialFontSize=12
    )
    canvas.setTitle(title)
    canvas.setAuthor(str(settings.VERBOSE_NAME))
    return canvas


def render(certificate: Certificate) -> bytes:
    """One certificate as PDF bytes, in the platform's default language."""
    buffer = io.BytesIO()
    with translation.override(settings.LANGUAGE_CODE):
        canvas = _canvas(buffer, certificate.number)
        draw(canvas, certificate)
        canvas.showPage()
        canvas.save()
    return buffer.getvalue()


def render_many(certificates: Iterable[Certificate], target: BinaryIO, title: str = "") -> int:
    """All ``certificates`` as one multi-page PDF written to ``target``; returns the page count."""
    pages = 0
    with translation.override(settings.LANGUAGE_CODE):
        canvas = _canvas(target, title)
        for certificate in certificates:
            draw(canvas, certificate)
            canvas.showPage()
            pages += 1
        if not pages:
            canvas.setFont(FONT, 14)
            canvas.drawString(72, PAGE[1] - 72, _("No certificates."))
            canvas.showPage()
        canvas.save()
    return pages
