"""The worker's record (职工技能档案) as a PDF (A4 portrait, as many pages as it takes).

Drawn with ReportLab's flowables (paragraphs and tables that break across
pages), with the Chinese font embedded (subset) so it prints the same
everywhere. The ID number is masked unless the caller says the reader may see
it; no phone number is printed.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from jingsai.common.masking import mask_id_number
from jingsai.skills.domain.career import Career

FONT = "WenQuanYiMicroHei"
_lock = threading.Lock()


def register_font() -> str:
    """The CJK font: the certificates' registration when that app has it, else our own."""
    try:
        from jingsai.certification.pdf import register_font as certification_font
    except ImportError:
        certification_font = None
    if certification_font is not None:
        return certification_font()
    with _lock:
        if FONT not in pdfmetrics.getRegisteredFontNames():
            import paperang_p2_fonts_cjk

            path = Path(paperang_p2_fonts_cjk.__file__).resolve().parent / "fonts"
            pdfmetrics.registerFont(TTFont(FONT, str(path / "wqy-microhei.ttc"), subfontIndex=0))
    return FONT


def _date(value) -> str:
    return formats.date_format(value, "Y-m-d") if value else ""


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    return {
        "title": ParagraphStyle(
            "title", parent=base, fontSize=18, leading=24, alignment=TA_CENTER, spaceAfter=6
        ),
        "h2": ParagraphStyle(
            "h2", parent=base, fontSize=12, leading=16, spaceBefore=10, spaceAfter=4
        ),
        "cell": base,
        "head": ParagraphStyle("head", parent=base, textColor=colors.HexColor("#333333")),
        "muted": ParagraphStyle("muted", parent=base, textColor=colors.HexColor("#777777")),
    }


def _table(rows: list[list[str]], headers: list[str], widths: list[float], styles) -> Table:
    def para(text, style="cell"):
        return Paragraph(escape(str(text)), styles[style])

    data = [[para(h, "head") for h in headers]] + [[para(c) for c in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#b0b8c4")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def render(career: Career, *, show_id_number: bool = False) -> bytes:
    """The record as PDF bytes, in the platform's default language."""
    with translation.override(settings.LANGUAGE_CODE):
        return _render(career, show_id_number=show_id_number)


def _render(career: Career, *, show_id_number: bool) -> bytes:
    font = register_font()
    styles = _styles(font)
    worker = career.worker
    buffer = io.BytesIO()
    width = A4[0] - 30 * mm
    title = _("Worker's skills record")
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=16 * mm,
        title=f"{title} · {worker.name}",
        author=str(getattr(settings, "VERBOSE_NAME", "")),
    )
    story: list = [Paragraph(escape(title), styles["title"])]
    id_number = worker.id_number if show_id_number else mask_id_number(worker.id_number)
    facts = [
        [pgettext("person", "name"), worker.name, _("resident ID number"), id_number],
        [_("employer"), worker.employer.name, _("trade"), worker.trade or "—"],
        [
            _("skill level"),
            worker.get_skill_level_display() or "—",
            _("training hours"),
            _hours(career.training_hours) if career.training is not None else "—",
        ],
    ]
    story.append(_table(facts[1:], facts[0], [width * w for w in (0.15, 0.35, 0.18, 0.32)], styles))

    def section(heading: str, headers, rows, fractions, empty: str):
        story.append(Paragraph(escape(heading), styles["h2"]))
        if rows:
            story.append(_table(rows, headers, [width * f for f in fractions], styles))
        else:
            story.append(Paragraph(escape(empty), styles["muted"]))

    section(
        _("Competitions entered"),
        [_("year"), _("competition"), _("entry number"), _("enterprise"), _("status")],
        [
            [e.year, e.competition, e.entry_number or "—", e.enterprise, e.status]
            for e in career.entries
        ],
        (0.08, 0.4, 0.14, 0.24, 0.14),
        _("No competitions entered yet."),
    )
    section(
        _("Results"),
        [_("year"), _("competition"), _("rank"), _("total"), _("award")],
        [[r.year, r.competition, r.rank, r.total, r.award or "—"] for r in career.results],
        (0.08, 0.48, 0.1, 0.12, 0.22),
        _("No published results yet."),
    )
    if career.certificates is not None:
        section(
            _("Certificates"),
            [
                _("certificate number"),
                _("certificate"),
                _("competition or honour"),
                _("date"),
                _("status"),
            ],
            [
                [
                    c.number,
                    c.title + (f"（{c.award}）" if c.award else ""),
                    c.competition or c.honour or "—",
                    _date(c.issued_on),
                    c.status + (f" {_date(c.revoked_on)} {c.revoke_reason}" if not c.valid else ""),
                ]
                for c in career.certificates
            ],
            (0.2, 0.22, 0.3, 0.12, 0.16),
            _("No certificates yet."),
        )
    if career.honours is not None:
        section(
            _("Honours"),
            [_("year"), _("honour"), _("granted on"), _("status")],
            [
                [
                    h.year,
                    h.category + (f"：《{h.result}》" if h.result else ""),
                    _date(h.granted_on),
                    h.status
                    if h.held
                    else _("lost %(date)s: %(reason)s")
                    % {"date": _date(h.lost_on), "reason": h.lost_reason},
                ]
                for h in career.honours
            ],
            (0.08, 0.46, 0.14, 0.32),
            _("No honours yet."),
        )
    if career.innovations is not None:
        section(
            _("Innovation results"),
            [_("year"), _("result"), _("kind"), _("status"), _("reward tier")],
            [[i.year, i.title, i.kind, i.status, i.tier or "—"] for i in career.innovations],
            (0.08, 0.36, 0.26, 0.16, 0.14),
            _("No innovation results yet."),
        )
    if career.training is not None:
        section(
            _("Training hours"),
            [_("year"), _("course"), _("competition"), _("hours")],
            [[t.year, t.course, t.competition or "—", _hours(t.hours)] for t in career.training],
            (0.08, 0.44, 0.36, 0.12),
            _("No training hours yet."),
        )
    section(
        _("Skill-level history"),
        [_("date"), _("skill level"), _("trade"), _("source"), _("evidence"), _("status")],
        [
            [
                _date(lv.awarded_on),
                lv.level_name,
                lv.trade or "—",
                lv.source_name,
                "；".join(
                    x
                    for x in (lv.evaluator, lv.competition, lv.certificate_number, lv.evidence)
                    if x
                )
                or "—",
                _("in force")
                if lv.in_force
                else _("revoked %(date)s: %(reason)s")
                % {"date": _date(lv.revoked_on), "reason": lv.revoke_reason},
            ]
            for lv in career.levels
        ],
        (0.13, 0.17, 0.1, 0.16, 0.29, 0.15),
        _("No skill-level records yet."),
    )
    story.append(Spacer(1, 8))
    generated = _("Generated %(when)s by %(platform)s.") % {
        "when": formats.date_format(career.generated_at, "Y-m-d H:i"),
        "platform": str(getattr(settings, "VERBOSE_NAME", "")),
    }
    story.append(Paragraph(escape(generated), styles["muted"]))

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(colors.HexColor("#777777"))
        canvas.drawString(15 * mm, 9 * mm, f"{worker.name} · {title}")
        canvas.drawRightString(A4[0] - 15 * mm, 9 * mm, _("page %(n)d") % {"n": doc.page})
        canvas.restoreState()

    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _hours(value) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
