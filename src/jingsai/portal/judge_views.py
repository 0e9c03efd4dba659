"""A judge's pages (评分), made for a phone: his seats and assigned entries, and one
mark sheet per entry, saved as a draft as he goes, then submitted and locked.

Every page asks :mod:`jingsai.access.policy`: the user must sit on a panel
(403 otherwise), and the competition and the entry in the URL must be one of
his seats and one of the entries assigned to him there (404 otherwise, so a
changed id shows nothing). Under blind marking only the drawn code is shown,
never the entry number, names or enterprise. A judge sees his own sheets only.

A competition marked with a WorldSkills scheme (:mod:`jingsai.worldskills`) gets
its own sheet, same flow (draft as he goes, check, submit and lock): a
judgement aspect shows the descriptors of the scores 0–3, one big button per
score; a measurement aspect a yes/no (all or nothing), its labelled choices, or
a measured-value input with its deduction rule explained
(:mod:`jingsai.worldskills.domain.marking` turns them into the engine's marks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.db import connection
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jingsai.access import policy
from jingsai.access.decorators import get_visible_or_404, requires
from jingsai.competitions.models import Competition, Entry, EntryMember
from jingsai.judging.domain import panel, sheets
from jingsai.judging.models import BlindCode, Criterion, PanelJudge, Sheet, Stage
from jingsai.worldskills.domain import deductions, marking
from jingsai.worldskills.models import MeasurementInput

FIELD_PREFIX = "mark-"


def plain(value: Decimal) -> Decimal:
    """30.0000 → 30, 7.5000 → 7.5 (never 3E+1)."""
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


# --- what the judge may see of an entry -------------------------------------------


def _members():
    return Prefetch(
        "members",
        queryset=EntryMember.objects.filter(active=True)
        .select_related("worker")
        .only("entry", "is_captain", "worker__name")  # a label: names only, of 30 entries
        .order_by("-is_captain", "id"),
        to_attr="active_members",
    )


def _blind_code(entry: Entry) -> str:
    try:
        return entry.blind_code.code
    except BlindCode.DoesNotExist:
        return ""


def entry_label(entry: Entry, *, hidden: bool) -> str:
    """The drawn code under blind marking (nothing else); otherwise number and name."""
    if hidden:
        return _blind_code(entry) or _("Anonymous entry (no code drawn yet)")
    members = getattr(entry, "active_members", None) or []
    name = entry.team_name or entry.project_name or "、".join(m.worker.name for m in members)
    return " · ".join(part for part in (entry.number or "", name) if part) or f"#{entry.pk}"


def _assigned(user, competition: Competition, *, hidden: bool, labels: bool = True):
    """The entries assigned to the user on ``competition``; ``labels``: with what
    :func:`entry_label` shows (the drawn code, or the members' names)."""
    entries = policy.entries_assigned_to(user, competition)
    if not labels:
        return entries
    entries = entries.select_related("blind_code")
    return entries if hidden else entries.prefetch_related(_members())


@dataclass(frozen=True)
class Marking:
    """What every judge's page asks of the competition: are identities hidden
    (:func:`panel.identities_hidden`: blind marking, marks not yet confirmed), is it
    marked on a WorldSkills scheme. Read in one query, once per request."""

    hidden: bool
    worldskills: bool


def _marking(competition: Competition) -> Marking:
    known = getattr(competition, "_jingsai_marking", None)
    if known is None:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT EXISTS (SELECT 1 FROM judging_judging WHERE competition_id = %s
                               AND blind AND marks_confirmed_at IS NULL),
                       EXISTS (SELECT 1 FROM worldskills_scheme WHERE competition_id = %s)
                """,
                [competition.pk, competition.pk],
            )
            hidden, worldskills = cursor.fetchone()
        known = competition._jingsai_marking = Marking(bool(hidden), bool(worldskills))
    return known


def _hidden(competition: Competition) -> bool:
    return _marking(competition).hidden


def _place(
    request, pk: int, entry_pk: int, *, labels: bool = True
) -> tuple[PanelJudge, Entry, bool]:
    """The user's seat on competition ``pk`` and the entry assigned to him there, or 404.
    ``labels=False`` when the answer does not name the entry (a saved draft)."""
    seat = policy.seat_in(request.user, pk)
    if seat is None:
        raise Http404
    hidden = _hidden(seat.competition)
    entry = get_visible_or_404(
        _assigned(request.user, seat.competition, hidden=hidden, labels=labels), pk=entry_pk
    )
    entry.competition = seat.competition  # one object: what is read of it is read once
    return seat, entry, hidden


def _refusal(seat: PanelJudge, entry: Entry, *, hidden: bool) -> str:
    """Why this judge may not mark this entry now ("" when he may)."""
    facts = panel.marking_facts(seat, entry)
    try:
        sheets.check_marking_open(entry.competition, confirmed=facts.confirmed)
    except sheets.SheetRefused as refused:
        return str(refused)
    reason = panel.marking_refusal(seat, entry, facts)
    if reason and hidden:
        # the domain's reason names the entry and its organisation: not under blind marking
        return _("You may not mark this entry: you have a conflict of interest with it.")
    return reason


def _own_sheet(user, seat: PanelJudge, entry: Entry) -> Sheet | None:
    return policy.sheets_visible_to(user, seat.competition).filter(judge=seat, entry=entry).first()


# --- the list of seats and entries --------------------------------------------------


@dataclass
class Row:
    url: str
    label: str
    state: str  # new | draft | submitted | returned
    marks: int
    return_reason: str = ""


@dataclass
class SeatView:
    seat: PanelJudge
    marking: bool
    hidden: bool = False
    criteria: int = 0
    rows: list[Row] = field(default_factory=list)

    @property
    def submitted(self) -> int:
        return sum(1 for row in self.rows if row.state == "submitted")


def _state(sheet: Sheet | None, marks: int) -> str:
    if sheet is None:
        return "new"
    if sheet.status == Sheet.Status.SUBMITTED:
        return "submitted"
    if sheet.status == Sheet.Status.RETURNED:
        return "returned"
    return "draft" if marks else "new"


def _seat_view(user, seat: PanelJudge) -> SeatView:
    competition = seat.competition
    if competition.status != Competition.Status.JUDGING:
        return SeatView(seat, marking=False)
    hidden = _hidden(competition)
    own = {
        sheet.entry_id: sheet
        for sheet in policy.sheets_visible_to(user, competition)
        .filter(judge=seat)
        .annotate(mark_count=Count("marks"))
    }
    rows = []
    for entry in _assigned(user, competition, hidden=hidden):
        sheet = own.get(entry.pk)
        marks = sheet.mark_count if sheet else 0
        rows.append(
            Row(
                url=reverse("portal:judge_sheet", args=[competition.pk, entry.pk]),
                label=entry_label(entry, hidden=hidden),
                state=_state(sheet, marks),
                marks=marks,
                return_reason=sheet.return_reason if sheet else "",
            )
        )
    rows.sort(key=lambda row: row.label)  # by code when blind: never in registration order
    criteria = Criterion.objects.filter(competition=competition).count()
    return SeatView(seat, marking=True, hidden=hidden, criteria=criteria, rows=rows)


@requires(policy.is_judge)
def judging(request):
    def newest_first(seat):  # registration closing latest first; none set: last
        closes = seat.competition.registration_closes
        return (closes is not None, closes or 0, seat.pk)

    seats = sorted(policy.seats_of(request.user), key=newest_first, reverse=True)
    views = [_seat_view(request.user, seat) for seat in seats]
    views.sort(key=lambda v: not v.marking)  # competitions being judged first
    return render(request, "portal/judging/list.html", {"seats": views})


# --- one mark sheet ------------------------------------------------------------------


@dataclass
class MarkField:
    code: str
    name: str
    max_mark: Decimal
    value: str
    error: str = ""

    @property
    def html_name(self) -> str:
        return FIELD_PREFIX + self.code


@dataclass
class StageGroup:
    stage: Stage
    fields: list[MarkField]

    @property
    def subtotal(self) -> Decimal | None:
        try:
            return plain(sum((Decimal(f.value) for f in self.fields), Decimal(0)))
        except ArithmeticError:
            return None

    @property
    def max_total(self) -> Decimal:
        return plain(sum((f.max_mark for f in self.fields), Decimal(0)))

    @property
    def weight(self) -> Decimal:
        return plain(self.stage.weight)


def _typed(post, criteria: list[Criterion]) -> dict[str, str]:
    return {c.code: post.get(FIELD_PREFIX + c.code, "").strip() for c in criteria}


def _groups(
    criteria: list[Criterion], values: dict[str, str], errors: dict[str, str]
) -> list[StageGroup]:
    groups: list[StageGroup] = []
    for criterion in criteria:
        if not groups or groups[-1].stage.pk != criterion.stage_id:
            groups.append(StageGroup(criterion.stage, []))
        groups[-1].fields.append(
            MarkField(
                code=criterion.code,
                name=criterion.name,
                max_mark=plain(criterion.max_mark),
                value=values.get(criterion.code, ""),
                error=errors.get(criterion.code, ""),
            )
        )
    return groups


def _stored(sheet: Sheet | None) -> dict[str, str]:
    return {code: str(value) for code, value in sheets.marks_of(sheet).items()} if sheet else {}


def _urls(seat: PanelJudge, entry: Entry) -> dict[str, str]:
    args = [seat.competition_id, entry.pk]
    return {
        "list_url": reverse("portal:judging"),
        "sheet_url": reverse("portal:judge_sheet", args=args),
        "draft_url": reverse("portal:judge_sheet_draft", args=args),
        "submit_url": reverse("portal:judge_sheet_submit", args=args),
    }


def _render_sheet(
    request,
    seat: PanelJudge,
    entry: Entry,
    hidden: bool,
    *,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str = "",
):
    """The sheet; ``typed`` (what was just posted) wins over the stored marks, so
    nothing typed is lost when something is refused."""
    criteria = sheets.criteria_of(entry.competition)
    sheet = _own_sheet(request.user, seat, entry)
    stored = _stored(sheet)
    values = stored | {code: v for code, v in (typed or {}).items() if v}
    state = _state(sheet, len(stored))
    refusal = _refusal(seat, entry, hidden=hidden)
    editable = not refusal and state != "submitted"
    return render(
        request,
        "portal/judging/sheet.html",
        {
            "competition": entry.competition,
            "seat": seat,
            "label": entry_label(entry, hidden=hidden),
            "hidden": hidden,
            "sheet": sheet,
            "state": state,
            "refusal": refusal,
            "editable": editable,
            "message": message,
            "groups": _groups(criteria, values, errors or {}),
            "saved_at": sheet.updated_at if sheet and stored else None,
            **_urls(seat, entry),
        },
    )


@requires(policy.is_judge)
def sheet(request, pk, entry_pk):
    seat, entry, hidden = _place(request, pk, entry_pk)
    if _worldskills(entry.competition):
        return _ws_render_sheet(request, seat, entry, hidden)
    return _render_sheet(request, seat, entry, hidden)


def _save(seat: PanelJudge, entry: Entry, values: dict[str, str], *, hidden: bool, criteria=None):
    """Save what is valid; returns (sheet or None, field errors, refusal). The domain checks
    that the judge may mark the entry now; a refusal is worded as :func:`_refusal` words it
    (nothing of the entry named under blind marking)."""

    def draft(typed):
        return sheets.save_draft(judge=seat, entry=entry, values=typed, criteria=criteria)

    try:
        return draft(values), {}, ""
    except sheets.SheetRefused as refused:
        errors = refused.field_errors
        if not errors:
            return None, {}, _refusal(seat, entry, hidden=hidden) or str(refused)
    # keep the valid marks; the wrong ones stay on the page with their error
    valid = {code: v for code, v in values.items() if code not in errors}
    if not any(valid.values()):
        return None, errors, ""
    try:
        return draft(valid), errors, ""
    except sheets.SheetRefused as refused:
        return None, errors | refused.field_errors, str(refused)


@requires(policy.is_judge)
def sheet_draft(request, pk, entry_pk):
    """Save the draft: answers htmx with a small fragment, a plain post with the page."""
    if request.method != "POST":
        _place(request, pk, entry_pk, labels=False)  # 404 for an entry not his
        return redirect("portal:judge_sheet", pk=pk, entry_pk=entry_pk)
    seat, entry, hidden = _place(request, pk, entry_pk, labels=not request.htmx)
    if _worldskills(entry.competition):
        return _ws_draft(request, seat, entry, hidden)
    criteria = sheets.criteria_of(entry.competition)
    values = _typed(request.POST, criteria)
    saved, errors, refusal = _save(seat, entry, values, hidden=hidden, criteria=criteria)
    answer = _draft_saved(request, entry, saved, errors, refusal, [c.code for c in criteria])
    if answer is not None:
        return answer
    return _render_sheet(request, seat, entry, hidden, typed=values, errors=errors, message=refusal)


def _draft_saved(request, entry, saved, errors, refusal, codes):
    """The answer to a saved draft, shared by both sheets: the htmx fragment, or back to
    the sheet with a message; None when the sheet must be shown again with its errors."""
    if request.htmx:
        return render(
            request,
            "portal/judging/_saved.html",
            {
                "saved_at": saved.updated_at if saved else None,
                "errors": errors,
                "refusal": refusal,
                "fields": [(code, errors.get(code, "")) for code in codes],
            },
        )
    if saved is not None and not errors:
        time = timezone.localtime(saved.updated_at).strftime("%H:%M")
        messages.success(request, _("Draft saved at %(time)s.") % {"time": time})
        return redirect("portal:judge_sheet", pk=entry.competition_id, entry_pk=entry.pk)
    return None


@requires(policy.is_judge)
def sheet_submit(request, pk, entry_pk):
    """Submit in two steps: the typed marks are kept and shown for a check, then a
    second post locks them. A repeated post (a double tap) changes nothing."""
    seat, entry, hidden = _place(request, pk, entry_pk)
    if request.method != "POST":
        return redirect("portal:judge_sheet", pk=pk, entry_pk=entry_pk)
    if _worldskills(entry.competition):
        return _ws_submit(request, seat, entry, hidden)
    criteria = sheets.criteria_of(entry.competition)
    values = _typed(request.POST, criteria)
    refusal = _refusal(seat, entry, hidden=hidden)
    if refusal:
        messages.error(request, refusal)
        return redirect("portal:judge_sheet", pk=pk, entry_pk=entry_pk)
    if request.POST.get("confirm") != "1":
        return _check_before_submitting(request, seat, entry, hidden, criteria, values)
    try:
        sheets.submit(actor=request.user, judge=seat, entry=entry, values=values, criteria=criteria)
    except sheets.SheetRefused as refused:
        if refused.field_errors:
            return _render_sheet(
                request,
                seat,
                entry,
                hidden,
                typed=values,
                errors=refused.field_errors,
                message=str(refused),
            )
        messages.warning(request, str(refused))
    else:
        messages.success(request, _("Sheet submitted and locked."))
    return redirect("portal:judge_sheet", pk=pk, entry_pk=entry_pk)


def _check_before_submitting(request, seat, entry, hidden, criteria, values):
    current = _own_sheet(request.user, seat, entry)
    if current is not None and current.status == Sheet.Status.SUBMITTED:
        messages.warning(request, _("This sheet is already submitted and locked."))
        return redirect("portal:judge_sheet", pk=seat.competition_id, entry_pk=entry.pk)
    saved, errors, refusal = (
        _save(seat, entry, values, hidden=hidden, criteria=criteria)
        if any(values.values())
        else (None, {}, "")
    )
    stored = _stored(saved or _own_sheet(request.user, seat, entry))
    for criterion in criteria:
        if (
            criterion.code not in stored
            and criterion.code not in errors
            and sheets.required(criterion)
        ):
            errors[criterion.code] = _("Enter a mark.")
    if errors or refusal:
        return _render_sheet(
            request,
            seat,
            entry,
            hidden,
            typed=values,
            errors=errors,
            message=refusal or _("Some marks are missing or not valid."),
        )
    return render(
        request,
        "portal/judging/confirm.html",
        {
            "competition": entry.competition,
            "label": entry_label(entry, hidden=hidden),
            "groups": _groups(criteria, stored, {}),
            **_urls(seat, entry),
        },
    )


# --- a WorldSkills mark sheet ----------------------------------------------------------


def _worldskills(competition: Competition) -> bool:
    return _marking(competition).worldskills


@dataclass
class Option:
    value: str
    label: str
    detail: str = ""
    checked: bool = False


@dataclass
class AspectInput:
    """One aspect on the judge's phone: how it is entered and what it holds."""

    aspect: marking.AspectField
    mode: str  # score | yesno | choice | measure
    value: str
    error: str = ""
    options: list[Option] = field(default_factory=list)
    rule_text: str = ""

    @property
    def code(self) -> str:
        return self.aspect.code

    @property
    def html_name(self) -> str:
        return FIELD_PREFIX + self.aspect.code

    @property
    def max_text(self) -> Decimal:
        return plain(self.aspect.max_mark)

    @property
    def shown(self) -> str:
        """What was entered, as the check page shows it."""
        if not self.value:
            return ""
        if self.mode == "measure":
            return self.value
        for option in self.options:
            if option.checked:
                return f"{option.label} {option.detail}".strip()
        return self.value


@dataclass
class AspectGroup:
    stage: Stage
    aspects: list[AspectInput]


def _same_number(a: str, b: str) -> bool:
    try:
        return Decimal(a) == Decimal(b)
    except ArithmeticError:
        return a == b


def _rule_text(f: marking.AspectField) -> str:
    rule = f.rule
    if not isinstance(rule, deductions.DifferenceRule):
        return ""
    unit = "%" if rule.difference_type == deductions.PERCENT else ""  # of the target
    deduction = (
        _("%(d)s%% of the maximum") % {"d": plain(rule.deduction)}
        if rule.deduction_type == deductions.PERCENT
        else _("%(d)s marks") % {"d": plain(rule.deduction)}
    )
    return _(
        "Type the measured value. Target %(target)s; every full %(step)s%(unit)s of "
        "difference from it deducts %(deduction)s, never below 0 (max %(max)s)."
    ) % {
        "target": plain(rule.target),
        "step": plain(rule.difference),
        "unit": f" {unit}" if unit else "",
        "deduction": deduction,
        "max": plain(f.max_mark),
    }


def _aspect_input(f: marking.AspectField, value: str, error: str) -> AspectInput:
    if f.kind == "J":
        texts = dict(f.descriptors)
        options = [
            Option(str(score), str(score), texts.get(score, ""), _same_number(value, str(score)))
            for score in range(4)
        ]
        return AspectInput(f, "score", value, error, options)
    if f.rule is None:
        top = str(plain(f.max_mark))
        options = [
            Option(top, _("Yes"), _("mark: %(mark)s") % {"mark": top}, _same_number(value, top)),
            Option(
                "0",
                _("No"),
                _("mark: %(mark)s") % {"mark": 0},
                bool(value) and _same_number(value, "0"),
            ),
        ]
        return AspectInput(f, "yesno", value, error, options)
    if isinstance(f.rule, deductions.ChoiceRule):
        try:
            choices = f.choices
        except deductions.RuleProblem as problem:
            return AspectInput(f, "choice", value, error or str(problem))
        options = [
            Option(
                str(number),
                label,
                _("mark: %(mark)s") % {"mark": plain(mark)},
                value == str(number),
            )
            for number, label, mark in choices
        ]
        return AspectInput(f, "choice", value, error, options)
    return AspectInput(f, "measure", value, error, rule_text=_rule_text(f))


def _ws_stored(sheet: Sheet | None, fields: list[marking.AspectField]) -> dict[str, str]:
    """What the judge entered on his sheet: the score or mark, or for an aspect with a
    deduction rule what he chose or measured."""
    if sheet is None:
        return {}
    values = {code: str(plain(v)) for code, v in sheets.marks_of(sheet).items()}
    code_of = {f.aspect_id: f.code for f in fields}
    for aspect_id, choice, measured in MeasurementInput.objects.filter(sheet=sheet).values_list(
        "aspect_id", "choice", "measured"
    ):
        if aspect_id not in code_of:
            continue
        if choice is not None:
            values[code_of[aspect_id]] = str(choice)
        elif measured is not None:
            values[code_of[aspect_id]] = str(plain(measured))
    return values


def _ws_groups(competition, fields, values, errors) -> list[AspectGroup]:
    stage_of = {c.code: c.stage for c in sheets.criteria_of(competition)}
    groups: list[AspectGroup] = []
    for f in fields:
        stage = stage_of.get(f.code)
        if stage is None:
            continue
        if not groups or groups[-1].stage.pk != stage.pk:
            groups.append(AspectGroup(stage, []))
        groups[-1].aspects.append(_aspect_input(f, values.get(f.code, ""), errors.get(f.code, "")))
    return groups


def _ws_typed(post, fields: list[marking.AspectField]) -> dict[str, str]:
    return {f.code: post.get(FIELD_PREFIX + f.code, "").strip() for f in fields}


def _ws_render_sheet(request, seat, entry, hidden, *, typed=None, errors=None, message=""):
    competition = entry.competition
    fields = marking.marking_fields(competition)
    sheet = _own_sheet(request.user, seat, entry)
    stored = _ws_stored(sheet, fields)
    values = stored | {code: v for code, v in (typed or {}).items() if v}
    state = _state(sheet, len(stored))
    refusal = _refusal(seat, entry, hidden=hidden)
    return render(
        request,
        "portal/judging/ws_sheet.html",
        {
            "competition": competition,
            "seat": seat,
            "label": entry_label(entry, hidden=hidden),
            "hidden": hidden,
            "sheet": sheet,
            "state": state,
            "refusal": refusal,
            "editable": not refusal and state != "submitted",
            "message": message,
            "groups": _ws_groups(competition, fields, values, errors or {}),
            "saved_at": sheet.updated_at if sheet and stored else None,
            **_urls(seat, entry),
        },
    )


def _ws_save(seat, entry, inputs: dict[str, str]):
    """Save what is valid; returns (sheet or None, field errors, refusal)."""
    try:
        return marking.save_draft(judge=seat, entry=entry, inputs=inputs), {}, ""
    except sheets.SheetRefused as refused:
        errors = refused.field_errors
        if not errors:
            return None, {}, str(refused)
    valid = {code: v for code, v in inputs.items() if code not in errors}
    if not any(valid.values()):
        return None, errors, ""
    try:
        return marking.save_draft(judge=seat, entry=entry, inputs=valid), errors, ""
    except sheets.SheetRefused as refused:
        return None, errors | refused.field_errors, str(refused)


def _ws_draft(request, seat, entry, hidden):
    fields = marking.marking_fields(entry.competition)
    inputs = _ws_typed(request.POST, fields)
    refusal = _refusal(seat, entry, hidden=hidden)
    saved, errors = None, {}
    if not refusal:
        saved, errors, refusal = _ws_save(seat, entry, inputs)
    answer = _draft_saved(request, entry, saved, errors, refusal, [f.code for f in fields])
    if answer is not None:
        return answer
    return _ws_render_sheet(
        request, seat, entry, hidden, typed=inputs, errors=errors, message=refusal
    )


def _ws_submit(request, seat, entry, hidden):
    fields = marking.marking_fields(entry.competition)
    inputs = _ws_typed(request.POST, fields)
    refusal = _refusal(seat, entry, hidden=hidden)
    back = redirect("portal:judge_sheet", pk=seat.competition_id, entry_pk=entry.pk)
    if refusal:
        messages.error(request, refusal)
        return back
    if request.POST.get("confirm") != "1":
        return _ws_check(request, seat, entry, hidden, fields, inputs)
    try:
        marking.submit(actor=request.user, judge=seat, entry=entry, inputs=inputs)
    except sheets.SheetRefused as refused:
        if refused.field_errors:
            return _ws_render_sheet(
                request,
                seat,
                entry,
                hidden,
                typed=inputs,
                errors=refused.field_errors,
                message=str(refused),
            )
        messages.warning(request, str(refused))
    else:
        messages.success(request, _("Sheet submitted and locked."))
    return back


def _ws_check(request, seat, entry, hidden, fields, inputs):
    current = _own_sheet(request.user, seat, entry)
    if current is not None and current.status == Sheet.Status.SUBMITTED:
        messages.warning(request, _("This sheet is already submitted and locked."))
        return redirect("portal:judge_sheet", pk=seat.competition_id, entry_pk=entry.pk)
    saved, errors, refusal = (
        _ws_save(seat, entry, inputs) if any(inputs.values()) else (None, {}, "")
    )
    stored = _ws_stored(saved or _own_sheet(request.user, seat, entry), fields)
    required = {c.code for c in sheets.criteria_of(entry.competition) if sheets.required(c)}
    for f in fields:
        if f.code not in stored and f.code not in errors and f.code in required:
            errors[f.code] = _("Give a score.")
    if errors or refusal:
        return _ws_render_sheet(
            request,
            seat,
            entry,
            hidden,
            typed=inputs,
            errors=errors,
            message=refusal or _("Some marks are missing or not valid."),
        )
    return render(
        request,
        "portal/judging/ws_confirm.html",
        {
            "competition": entry.competition,
            "label": entry_label(entry, hidden=hidden),
            "groups": _ws_groups(entry.competition, fields, stored, {}),
            **_urls(seat, entry),
        },
    )
