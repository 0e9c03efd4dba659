"""Skill evaluation (赛评合一) and the worker's record (职工技能档案) in the back office.

- the evaluation import: an evaluating body's staff (or a programme admin, for
  any evaluating body) upload results from ``.xlsx``, all or nothing, with the
  error table and a downloadable report (the marks import's mechanism);
- on a worker's page, the skill-level history with a form to record a level by
  hand and a form to revoke one with a reason (:func:`worker_section`);
- a worker's record page and its PDF, for whoever may see the worker.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jingsai.access import policy
from jingsai.access.decorators import get_visible_or_404, requires
from jingsai.backoffice.views import import_reports
from jingsai.common.spreadsheet_import import XLSX_MIME_IMPORT
from jingsai.common.spreadsheets import record_export
from jingsai.people.models import SkillLevel, Worker
from jingsai.skills.domain import career_pdf, evaluation_import, records
from jingsai.skills.domain.career import career_of
from jingsai.skills.models import SkillRecord

IMPORT_ERRORS_SHOWN = 50
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EvaluationImportForm(forms.Form):
    evaluator = forms.ModelChoiceField(
        label=gettext_lazy("evaluated by"), queryset=None, empty_label=None
    )
    file = forms.FileField(label=gettext_lazy("evaluation results (.xlsx)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].queryset = policy.evaluators_for(user).order_by("name")


class RecordLevelForm(forms.Form):
    level = forms.TypedChoiceField(
        label=gettext_lazy("skill level"), choices=SkillLevel.choices, coerce=int
    )
    trade = forms.CharField(label=gettext_lazy("trade"), max_length=50)
    awarded_on = forms.DateField(label=gettext_lazy("date"), widget=DATE)
    evaluator = forms.ModelChoiceField(
        label=gettext_lazy("evaluated by"), queryset=None, empty_label=None
    )
    certificate_number = forms.CharField(
        label=gettext_lazy("certificate number"), max_length=40, required=False
    )
    evidence = forms.CharField(label=gettext_lazy("evidence"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].queryset = policy.evaluators_for(user).order_by("name")

    def clean_awarded_on(self):
        day = self.cleaned_data["awarded_on"]
        if day > timezone.localdate():
            raise ValidationError(_("The date is in the future."))
        return day


class RevokeForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("reason"), max_length=300)


# --- the evaluation import -----------------------------------------------------------


@requires(policy.can_record_evaluations)
def import_template(request):
    response = HttpResponse(evaluation_import.template(), content_type=XLSX_MIME_IMPORT)
    response["Content-Disposition"] = 'attachment; filename="skill-evaluations-template.xlsx"'
    return response


@requires(policy.can_record_evaluations)
def import_evaluations(request):
    form = EvaluationImportForm(request.POST or None, request.FILES or None, user=request.user)
    result = None
    report_token = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = evaluation_import.import_evaluations(
                actor=request.user,
                evaluator=form.cleaned_data["evaluator"],
                source=upload,
                size=upload.size,
                filename=upload.name,
            )
        except ValidationError as error:  # SpreadsheetRefused: the file as a whole
            form.add_error("file", error.messages)
        else:
            if not result.errors:
                messages.success(
                    request,
                    _("%(records)d skill-level records imported from %(rows)d rows.")
                    % {"records": result.records, "rows": result.rows},
                )
                return redirect("backoffice:skills_import")
            report_token = import_reports.keep(request, result.errors)
    return render(
        request,
        "backoffice/skills/import.html",
        {
            "form": form,
            "result": result,
            "errors_shown": result.errors.errors[:IMPORT_ERRORS_SHOWN] if result else [],
            "report_token": report_token,
        },
    )


@requires(policy.can_record_evaluations)
def import_report(request, token):
    return import_reports.download(request, token, "skill-evaluation-errors.xlsx")


# --- a worker's skill levels: the section on the worker's page ----------------------


def worker_section(user, worker: Worker) -> dict:
    """Context for ``backoffice/skills/_levels.html`` on the worker's page."""
    levels = list(records.history(worker))
    form = None
    if policy.can_record_level_for(user, worker):
        initial = {"trade": worker.trade, "awarded_on": timezone.localdate()}
        form = RecordLevelForm(user=user, initial=initial)
    return {
        "skill_records": [(r, policy.can_revoke_skill_record(user, r)) for r in levels],
        "record_level_form": form,
        "may_read_record": policy.can_read_worker_records(user),
    }


def _refusal(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@requires(policy.can_record_evaluations)
@require_POST
def record_level(request, pk):
    worker = get_visible_or_404(policy.workers_visible_to(request.user), pk=pk)
    if not policy.can_record_level_for(request.user, worker):
        raise PermissionDenied
    form = RecordLevelForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Nothing was recorded: %(why)s") % {"why": _refusal(form)})
        return redirect("backoffice:worker_detail", pk=worker.pk)
    data = form.cleaned_data
    records.record_level(
        actor=request.user,
        worker=worker,
        level=data["level"],
        source=SkillRecord.Source.EVALUATION,
        awarded_on=data["awarded_on"],
        trade=data["trade"],
        evidence=data["evidence"],
        evaluator=data["evaluator"],
        certificate_number=data["certificate_number"],
    )
    messages.success(request, _("Skill level recorded."))
    return redirect("backoffice:worker_detail", pk=worker.pk)


@requires(policy.can_record_evaluations)
@require_POST
def revoke(request, pk):
    user = request.user
    visible = policy.workers_visible_to(user).values("pk")
    scope = SkillRecord.objects.filter(
        Q(worker_id__in=visible) | Q(evaluator__in=policy.evaluators_for(user))
    )
    record = get_object_or_404(scope.select_related("worker"), pk=pk)
    if not policy.can_revoke_skill_record(user, record):
        raise PermissionDenied
    form = RevokeForm(request.POST)
    shows_worker = policy.workers_visible_to(user).filter(pk=record.worker_id).exists()
    if not form.is_valid():
        messages.error(request, _("Give the reason for revoking."))
    else:
        records.revoke_record(actor=user, record=record, reason=form.cleaned_data["reason"])
        messages.success(request, _("Skill-level record revoked."))
    if shows_worker:
        return redirect("backoffice:worker_detail", pk=record.worker_id)
    return redirect("backoffice:skills_import")


# --- the worker's record (职工技能档案) ------------------------------------------------


def _visible_worker(request, pk) -> Worker:
    return get_visible_or_404(
        policy.workers_visible_to(request.user).select_related("employer"), pk=pk
    )


@requires(policy.can_read_worker_records)
def worker_record(request, pk):
    worker = _visible_worker(request, pk)
    return render(
        request,
        "backoffice/skills/record.html",
        {
            "career": career_of(worker),
            "show_personal_data": policy.can_see_personal_data(request.user, worker),
        },
    )


def record_pdf_response(request, worker: Worker) -> HttpResponse:
    unmasked = policy.can_see_personal_data(request.user, worker)
    data = career_pdf.render(career_of(worker), show_id_number=unmasked)
    record_export(
        request,
        filename=f"skills-record-{worker.pk}.pdf",
        rows=1,
        personal_data="a worker's record"
        + (" with his ID number" if unmasked else " (ID number masked)"),
    )
    response = HttpResponse(data, content_type="application/pdf")
    # the file name never carries the name or ID number (it ends up in logs and folders)
    response["Content-Disposition"] = f'attachment; filename="skills-record-{worker.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@requires(policy.can_read_worker_records)
def worker_record_pdf(request, pk):
    return record_pdf_response(request, _visible_worker(request, pk))
