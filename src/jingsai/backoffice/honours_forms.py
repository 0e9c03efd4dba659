"""Forms of the 830 round pages: round settings, category rules and quota, review
criteria, and nominations (nominator, evidence, narrative, files)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jingsai.catalogue.models import HonourCategory
from jingsai.honours.domain.nominations import FILE_TYPES, MAX_FILES, NARRATIVE_MAX
from jingsai.honours.domain.settings import ROUND_FIELDS
from jingsai.honours.models import ReviewCriterion, Round, RoundCategory
from jingsai.organisations.models import Organisation

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
ACCEPT = ",".join(f".{kind}" for kind in FILE_TYPES) + ",.jpeg"

EVIDENCE_GROUPS = {
    "result": _("Competition results"),
    "certificate": _("Certificates"),
    "skill": _("Skill levels"),
    "training": _("Training"),
    "course": _("Training courses"),
    "innovation": _("Innovation results with verified benefit"),
    "verification": _("Verified benefit"),
    "competition": _("Competition"),
}


class RoundSettingsForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = list(ROUND_FIELDS)
        widgets = {"nomination_opens": DATETIME, "nomination_closes": DATETIME}

    def clean(self):
        data = super().clean()
        opens, closes = data.get("nomination_opens"), data.get("nomination_closes")
        if opens and closes and closes <= opens:
            self.add_error("nomination_closes", _("Nominations must close after they open."))
        return data


PEOPLE_RULES = ["max_skill_level", "top_rank", "rank_scope", "rank_years", "by_innovation"]
RESULTS_RULES = ["innovation_kind", "requires_verified_benefit"]
PLACES_RULES = ["organisation_kinds"]


class CategoryRulesForm(forms.ModelForm):
    """The rules that apply to the category's kind, and the year's quota."""

    quota = forms.IntegerField(label=_("quota"), min_value=0, max_value=1000)
    organisation_kinds = forms.MultipleChoiceField(
        label=_("organisation kinds"),
        choices=Organisation.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any kind of organisation."),
    )

    class Meta:
        model = RoundCategory
        fields = PEOPLE_RULES + RESULTS_RULES + PLACES_RULES

    def __init__(self, *args, quota: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quota"].initial = quota
        keep = {
            HonourCategory.Kind.PEOPLE: PEOPLE_RULES,
            HonourCategory.Kind.RESULTS: RESULTS_RULES,
            HonourCategory.Kind.PLACES: PLACES_RULES,
        }[self.instance.category.kind]
        for name in list(self.fields):
            if name != "quota" and name not in keep:
                del self.fields[name]
        # the quota first
        self.order_fields(["quota", *keep])

    @property
    def rules(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "quota"}


class CriterionForm(forms.ModelForm):
    class Meta:
        model = ReviewCriterion
        fields = ["name", "max_mark", "spread_limit", "order"]

    def clean(self):
        data = super().clean()
        top, spread = data.get("max_mark"), data.get("spread_limit")
        if top is not None and spread is not None and spread > top:
            self.add_error("spread_limit", _("The spread limit cannot exceed the maximum mark."))
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (checked by content in the domain)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items if item]


def evidence_choices(items) -> list:
    """Checkbox choices grouped by kind, newest first within each."""
    groups: dict[str, list] = {}
    for item in items:
        label = f"{item.label} ({item.date:%Y-%m-%d})" if item.date else item.label
        groups.setdefault(item.kind, []).append((item.key, label))
    return [(EVIDENCE_GROUPS.get(kind, kind), choices) for kind, choices in groups.items()]


class NominationForm(forms.Form):
    nominator = forms.ModelChoiceField(label=_("nominated by"), queryset=Organisation.objects)
    evidence = forms.MultipleChoiceField(
        label=_("evidence from the platform"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    narrative = forms.CharField(
        label=_("narrative"),
        max_length=NARRATIVE_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the nominee did and achieved, in your own words."),
    )
    files = MultipleFileField(label=_("files"))

    def __init__(self, *args, nominators, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = gettext(
            "PDF, JPEG, PNG or Word (.docx); at most %(n)d files."
        ) % {"n": MAX_FILES}
        self.fields["nominator"].queryset = nominators.order_by("name")
        if not self.is_bound and "nominator" not in self.initial:
            only = list(nominators.order_by("name")[:2])
            if len(only) == 1:
                self.initial["nominator"] = only[0].pk
        self.fields["evidence"].choices = evidence_choices(candidates)
        if not candidates:
            self.fields["evidence"].help_text = _(
                "The platform holds nothing yet to cite for this nominee."
            )


class NominationEditForm(forms.Form):
    evidence = forms.MultipleChoiceField(
        label=_("evidence from the platform"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    narrative = forms.CharField(
        label=_("narrative"), max_length=NARRATIVE_MAX, widget=forms.Textarea(attrs={"rows": 8})
    )
    files = MultipleFileField(label=_("more files"))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = gettext(
            "PDF, JPEG, PNG or Word (.docx); at most %(n)d files in all."
        ) % {"n": MAX_FILES}
        self.fields["evidence"].choices = evidence_choices(candidates)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for withdrawing"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
