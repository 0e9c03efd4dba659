"""Forms for marking follow-up, paper sheets, mark imports, results, notice and appeals."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jingsai.backoffice.competition_forms import DATE
from jingsai.judging.models import Criterion, PanelJudge

REASON = forms.Textarea(attrs={"rows": 2})


def mark_field_name(criterion: Criterion) -> str:
    return f"mark_{criterion.code}"


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=REASON)


class CorrectionForm(forms.Form):
    """The chief judge corrects one locked mark; the reason goes to the audit trail."""

    criterion = forms.ModelChoiceField(Criterion.objects.none(), label=_("criterion"))
    value = forms.CharField(
        label=_("corrected mark"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    reason = forms.CharField(label=_("reason for the correction"), widget=REASON)

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = Criterion.objects.filter(
            pk__in=[c.pk for c in criteria]
        ).order_by("stage__order", "order", "id")


class MarksFieldsMixin:
    """One input per criterion, labelled with its code, name and maximum."""

    def add_mark_fields(self, criteria):
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[mark_field_name(criterion)] = forms.CharField(
                label=f"{criterion.code} {criterion.name} (0–{criterion.max_mark.normalize()})",
                max_length=20,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )

    def mark_values(self) -> dict[str, str]:
        """Criterion code → the typed text (the domain parses and checks it)."""
        return {
            c.code: self.data.get(self.add_prefix(mark_field_name(c)), "") for c in self.criteria
        }

    def add_mark_errors(self, field_errors) -> None:
        by_code = {c.code: c for c in self.criteria}
        for code, message in field_errors.items():
            criterion = by_code.get(code)
            self.add_error(mark_field_name(criterion) if criterion else None, message)


class PaperSheetForm(MarksFieldsMixin, forms.Form):
    """Staff type a paper sheet: the judge, the entry (number or anonymous code), the marks."""

    judge = forms.ModelChoiceField(PanelJudge.objects.none(), label=_("judge"))
    entry = forms.CharField(
        label=_("entry number"),
        max_length=40,
        help_text=_("As written on the paper sheet: the entry number or the anonymous code."),
    )

    def __init__(self, *args, competition, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["judge"].queryset = PanelJudge.objects.filter(competition=competition)
        self.add_mark_fields(criteria)


class PaperCheckForm(MarksFieldsMixin, forms.Form):
    """A second person types the same paper sheet again."""

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_mark_fields(criteria)


class MarksImportForm(forms.Form):
    file = forms.FileField(label=_("marks (.xlsx)"))


class NoticeForm(forms.Form):
    starts = forms.DateField(label=_("public notice from"), widget=DATE)
    ends = forms.DateField(label=_("public notice until"), widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("starts") and data.get("ends") and data["ends"] < data["starts"]:
            self.add_error("ends", _("The notice must end on or after the day it starts."))
        return data


class AppealForm(forms.Form):
    entry = forms.ModelChoiceField(None, label=_("entry"))
    grounds = forms.CharField(
        label=_("grounds"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("Say which result you contest and why."),
    )

    def __init__(self, *args, entries, labels=None, **kwargs):
        super().__init__(*args, **kwargs)
        labels = labels or {}
        self.fields["entry"].queryset = entries
        self.fields["entry"].label_from_instance = lambda e: (
            labels.get(e.pk) or (e.number or f"#{e.pk}")
        )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[("uphold", _("uphold the appeal")), ("dismiss", _("dismiss the appeal"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 4}))

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("A decision needs its reason."))
        return reason
