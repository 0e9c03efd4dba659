"""Forms for a labour competition's league: settings, scheme, participants,
assessors, periods, bonuses and vetoes, corrections and check imports.

The rules (weights, locks, the conflict rule, reasons for corrections) live in
:mod:`jingsai.labour.domain.services`; these forms only read and shape the input.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jingsai.backoffice.competition_forms import DATE
from jingsai.backoffice.forms import OrganisationField
from jingsai.backoffice.judging_forms import AnyOrganisationField
from jingsai.judging.domain.awards import parse_awards
from jingsai.labour.models import (
    Assessor,
    Block,
    BonusItem,
    Indicator,
    League,
    Participant,
    Period,
    VetoItem,
    plain,
)
from jingsai.organisations.models import Organisation
from jingsai.people.models import User

REASON = forms.Textarea(attrs={"rows": 2})
DECIMAL = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})


def mark_field_name(indicator: Indicator) -> str:
    return f"mark_{indicator.code}"


class LeagueSettingsForm(forms.ModelForm):
    class Meta:
        model = League
        fields = [
            "self_weight",
            "mutual_weight",
            "spot_weight",
            "absent_kind",
            "flags_per_block",
            "bonus_cap",
            "cumulative",
            "missing_period",
            "awards",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            for name in ("self_weight", "mutual_weight", "spot_weight", "bonus_cap"):
                value = getattr(self.instance, name)
                if value is not None:
                    self.initial[name] = plain(value)

    def clean_awards(self):
        text = self.cleaned_data.get("awards", "")
        try:
            parse_awards(text)
        except ValueError:
            raise ValidationError(
                _("Write the awards as NAME:SHARE, e.g. 一等奖:10%,二等奖:20% (at most 100%).")
            ) from None
        return text


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["code", "name", "maximum", "weight", "guidance", "order"]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 3})}


class BonusItemForm(forms.ModelForm):
    class Meta:
        model = BonusItem
        fields = ["code", "name", "cap"]


class VetoItemForm(forms.ModelForm):
    class Meta:
        model = VetoItem
        fields = ["code", "name"]


class BlockForm(forms.ModelForm):
    class Meta:
        model = Block
        fields = ["name", "order"]


class PeriodForm(forms.ModelForm):
    class Meta:
        model = Period
        fields = ["code", "name", "starts_on", "ends_on", "weight"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("A period ends on or after the day it starts."))
        return data


class MonthlyPeriodsForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)


class EnterpriseField(OrganisationField):
    """An enterprise, by its credit code or exact name."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("enterprise (builder)"))
        kwargs.setdefault(
            "help_text", _("The enterprise's unified social credit code or exact name.")
        )
        super().__init__(
            queryset=Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE), **kwargs
        )

    def clean(self, value):
        try:
            return super().clean(value)
        except ValidationError as error:
            if error.code == "employer_unknown":
                raise ValidationError(
                    _("No enterprise has this name or credit code."), code="unknown"
                ) from None
            raise


PARTICIPANT_DETAILS = [
    "name",
    "block",
    "address",
    "contract_value",
    "starts_on",
    "ends_on",
    "manager",
    "description",
]


class ParticipantForm(forms.ModelForm):
    """A participant's details; the enterprise is asked only when it is added."""

    class Meta:
        model = Participant
        fields = PARTICIPANT_DETAILS
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, league, adding=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["block"].queryset = Block.objects.filter(league=league)
        if adding:
            self.fields = {"name": self.fields.pop("name"), "enterprise": EnterpriseField()} | dict(
                self.fields
            )

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The works end on or after the day they start."))
        return data

    def details(self) -> dict:
        return {name: self.cleaned_data[name] for name in PARTICIPANT_DETAILS}


class AssessorForm(forms.Form):
    username = forms.CharField(
        label=_("account"), max_length=150, help_text=_("The username of an existing login.")
    )
    name = forms.CharField(
        label=_("name"),
        max_length=50,
        required=False,
        help_text=_("Left empty, the account's name is used."),
    )
    organisation = AnyOrganisationField(required=False)
    kind = forms.ChoiceField(
        label=_("checks he enters"),
        choices=[("mutual", _("mutual check")), ("spot", _("spot check"))],
        initial="spot",
    )
    is_lead = forms.BooleanField(label=_("team leader"), required=False)

    def clean_username(self):
        user = User.objects.filter(username=self.cleaned_data["username"].strip()).first()
        if user is None or not user.is_active:
            raise ValidationError(_("No active login has this username."))
        return user


class ConflictForm(forms.Form):
    assessor = forms.ModelChoiceField(label=_("assessor"), queryset=Assessor.objects.none())
    participant = forms.ModelChoiceField(
        label=_("participant"), queryset=Participant.objects.none()
    )
    reason = forms.CharField(label=_("reason"), max_length=200)

    def __init__(self, *args, league, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = Assessor.objects.filter(league=league)
        self.fields["participant"].queryset = Participant.objects.filter(league=league).order_by(
            "name", "id"
        )


class CorrectionMixin:
    """A confirmed period changes only as a correction with its reason."""

    def add_correction(self, needed: bool) -> None:
        if needed:
            self.fields["correction"] = forms.CharField(
                label=_("reason for the correction"),
                max_length=300,
                widget=REASON,
                help_text=_("The period is confirmed: the change is a correction, audited."),
            )

    def correction(self) -> str:
        return self.cleaned_data.get("correction", "")


class BonusForm(CorrectionMixin, forms.Form):
    participant = forms.ModelChoiceField(
        label=_("participant"), queryset=Participant.objects.none()
    )
    item = forms.ModelChoiceField(label=_("bonus item"), queryset=BonusItem.objects.none())
    points = forms.CharField(label=_("points"), max_length=12, widget=DECIMAL)
    reason = forms.CharField(label=_("reason"), max_length=300)

    def __init__(self, *args, league, confirmed: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = Participant.objects.filter(league=league).order_by(
            "name", "id"
        )
        self.fields["item"].queryset = BonusItem.objects.filter(league=league)
        self.add_correction(confirmed)


class VetoForm(CorrectionMixin, forms.Form):
    participant = forms.ModelChoiceField(
        label=_("participant"), queryset=Participant.objects.none()
    )
    item = forms.ModelChoiceField(label=_("veto item"), queryset=VetoItem.objects.none())
    reason = forms.CharField(label=_("what happened"), max_length=300)

    def __init__(self, *args, league, confirmed: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = Participant.objects.filter(league=league).order_by(
            "name", "id"
        )
        self.fields["item"].queryset = VetoItem.objects.filter(league=league)
        self.add_correction(confirmed)


class RemovalForm(CorrectionMixin, forms.Form):
    """Removing a bonus or lifting a veto; a correction once the period is confirmed."""

    def __init__(self, *args, confirmed: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_correction(confirmed)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=REASON)


class CheckCorrectionForm(forms.Form):
    """New marks for every indicator and the reason; the domain parses the marks."""

    def __init__(self, *args, indicators, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        current = current or {}
        for indicator in self.indicators:
            self.fields[mark_field_name(indicator)] = forms.CharField(
                label=f"{indicator.code} {indicator.name} (0–{plain(indicator.maximum)})",
                max_length=20,
                widget=DECIMAL,
                initial=plain(current[indicator.code]) if indicator.code in current else "",
            )
        self.fields["reason"] = forms.CharField(label=_("reason for the correction"), widget=REASON)

    def mark_values(self) -> dict[str, str]:
        return {
            i.code: self.data.get(self.add_prefix(mark_field_name(i)), "") for i in self.indicators
        }

    def add_mark_error(self, code: str, message: str) -> None:
        by_code = {i.code: i for i in self.indicators}
        if code == "reason":
            self.add_error("reason", message)
        elif code in by_code:
            self.add_error(mark_field_name(by_code[code]), message)
        else:
            self.add_error(None, message)


class ChecksImportForm(forms.Form):
    file = forms.FileField(label=_("checks (.xlsx)"))
