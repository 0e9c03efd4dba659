"""Forms for setting up judging: settings, stages, criteria, the panel, assignments.

The rules (codes unique, awards readable, the scheme locked after judging, the
conflict rule) live in :mod:`jingsai.judging.domain.scheme` and
:mod:`jingsai.judging.domain.panel`; these forms only read and shape the input.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jingsai.backoffice.forms import OrganisationField
from jingsai.competitions.models import Entry
from jingsai.judging.models import Criterion, Judging, PanelJudge, Stage, plain
from jingsai.organisations.models import Organisation
from jingsai.people.models import Role, User

MAX_SELECTED_ENTRIES = 500


class JudgingSettingsForm(forms.ModelForm):
    class Meta:
        model = Judging
        fields = ["awards", "min_total", "tiebreak", "blind", "appeal_days", "arbitrators"]
        widgets = {"arbitrators": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Judges and organisers' staff (programme admins decide appeals anyway);
        # a member who has since lost his role stays listed until removed.
        members = Q(is_active=True, grants__role__in=[Role.CO_ORGANISER, Role.JUDGE])
        if not self.instance._state.adding:
            members |= Q(arbitrating=self.instance)
        self.fields["arbitrators"].queryset = (
            User.objects.filter(members).distinct().order_by("username")
        )
        if not self.is_bound:
            self.initial["min_total"] = plain(self.instance.min_total)


class StageForm(forms.ModelForm):
    class Meta:
        model = Stage
        fields = ["code", "name", "weight", "order"]


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = [
            "stage",
            "code",
            "name",
            "max_mark",
            "kind",
            "aggregation",
            "spread_limit",
            "order",
        ]

    def __init__(self, *args, competition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = Stage.objects.filter(competition=competition)
        self.fields["stage"].empty_label = None


class AnyOrganisationField(OrganisationField):
    """An organisation of any kind, by its credit code or exact name."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("organisation"))
        kwargs.setdefault(
            "help_text", _("The organisation's unified social credit code or exact name.")
        )
        super().__init__(queryset=Organisation.objects.all(), **kwargs)

    def clean(self, value):
        try:
            return super().clean(value)
        except ValidationError as error:
            if error.code == "employer_unknown":
                raise ValidationError(
                    _("No organisation has this name or credit code."), code="unknown"
                ) from None
            raise


def judge_accounts():
    """Logins that may sit on a panel: those holding the judge role."""
    return (
        User.objects.filter(is_active=True, grants__role=Role.JUDGE).distinct().order_by("username")
    )


class JudgeForm(forms.Form):
    code = forms.CharField(label=_("judge code"), max_length=30)
    name = forms.CharField(
        label=_("name"),
        max_length=100,
        required=False,
        help_text=_("Left empty, the account's name is used."),
    )
    user = forms.ModelChoiceField(
        label=_("account"),
        queryset=User.objects.none(),
        required=False,
        help_text=_(
            "A login holding the judge role; without one, his marks are typed in by staff."
        ),
    )
    organisation = AnyOrganisationField(required=False)
    is_chief = forms.BooleanField(label=_("chief judge"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = judge_accounts()

    def clean(self):
        data = super().clean()
        if not data.get("name") and not data.get("user") and "name" not in self.errors:
            self.add_error("name", _("Give the judge's name or choose his account."))
        return data


class ConflictForm(forms.Form):
    judge = forms.ModelChoiceField(label=_("judge"), queryset=PanelJudge.objects.none())
    organisation = AnyOrganisationField()
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)

    def __init__(self, *args, competition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["judge"].queryset = PanelJudge.objects.filter(competition=competition)


def approved_entries(competition):
    return Entry.objects.filter(
        competition=competition, status=Entry.Status.APPROVED, number__isnull=False
    )


class GroupAssignmentForm(forms.Form):
    ALL, PREFIX, SELECTED = "all", "prefix", "selected"

    judges = forms.ModelMultipleChoiceField(
        label=_("judges"),
        queryset=PanelJudge.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    group = forms.ChoiceField(
        label=_("entries"),
        choices=[
            (ALL, _("all approved entries")),
            (PREFIX, _("entries whose number starts with")),
            (SELECTED, _("the entries ticked in the table below")),
        ],
        initial=ALL,
        widget=forms.RadioSelect,
    )
    prefix = forms.CharField(label=_("entry number starts with"), max_length=40, required=False)
    entries = forms.ModelMultipleChoiceField(
        queryset=Entry.objects.none(), required=False, widget=forms.MultipleHiddenInput
    )

    def __init__(self, *args, competition, **kwargs):
        super().__init__(*args, **kwargs)
        self.competition = competition
        self.fields["judges"].queryset = PanelJudge.objects.filter(competition=competition)
        self.fields["entries"].queryset = approved_entries(competition)

    def clean_entries(self):
        entries = self.cleaned_data["entries"]
        if len(entries) > MAX_SELECTED_ENTRIES:
            raise ValidationError(
                _("Tick at most %(n)s entries; for more, use a number prefix."),
                params={"n": MAX_SELECTED_ENTRIES},
            )
        return entries

    def clean(self):
        data = super().clean()
        group = data.get("group")
        if group == self.PREFIX and not (data.get("prefix") or "").strip():
            self.add_error("prefix", _("Give the start of the entry numbers."))
        if group == self.SELECTED and not data.get("entries") and "entries" not in self.errors:
            self.add_error("group", _("Tick the entries to assign in the table below."))
        return data

    def chosen_entries(self):
        """The group's approved entries, with what the conflict rule reads."""
        entries = (
            approved_entries(self.competition)
            .select_related("enterprise")
            .only(  # what the conflict rule and its reasons read, for 100,000 entries
                "id", "number", "status", "competition_id", "enterprise__id", "enterprise__name"
            )
            .order_by("number")
        )
        group = self.cleaned_data["group"]
        if group == self.PREFIX:
            return entries.filter(number__istartswith=self.cleaned_data["prefix"].strip())
        if group == self.SELECTED:
            return entries.filter(pk__in=[e.pk for e in self.cleaned_data["entries"]])
        return entries


class AssignmentForm(forms.Form):
    judge = forms.ModelChoiceField(label=_("judge"), queryset=PanelJudge.objects.none())
    number = forms.CharField(label=_("entry number"), max_length=40)

    def __init__(self, *args, competition, **kwargs):
        super().__init__(*args, **kwargs)
        self.competition = competition
        self.fields["judge"].queryset = PanelJudge.objects.filter(competition=competition)

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        entries = Entry.objects.filter(competition=self.competition).select_related("enterprise")
        entry = (
            entries.filter(number=number).first() or entries.filter(number=number.upper()).first()
        )
        if entry is None:
            raise ValidationError(_("No entry of this competition has this number."))
        return entry
