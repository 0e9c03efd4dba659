"""Forms for competitions, levels, entries, rosters and preliminary reports."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jingsai.access import policy
from jingsai.catalogue.models import Brand, Industry, ProgrammeYear, Series, Zone
from jingsai.competitions.domain.registration import RETURN_FIELDS
from jingsai.competitions.models import Competition, CompetitionLevel
from jingsai.organisations.models import Organisation

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CompetitionForm(forms.ModelForm):
    class Meta:
        model = Competition
        fields = [
            "year", "title", "series", "brand", "industries", "kind", "participants",
            "team_min", "team_max", "organiser", "co_organisers",
            "registration_opens", "registration_closes", "capacity", "enterprise_quota",
            "eligible_zones", "eligible_industries", "skill_level_from", "skill_level_to",
            "min_age", "max_age", "age_on", "required_training_hours", "rules", "schedule",
        ]  # fmt: skip
        widgets = {
            "industries": forms.CheckboxSelectMultiple,
            "eligible_zones": forms.CheckboxSelectMultiple,
            "eligible_industries": forms.CheckboxSelectMultiple,
            "co_organisers": forms.SelectMultiple(attrs={"size": 6}),
            "registration_opens": DATETIME,
            "registration_closes": DATETIME,
            "age_on": DATE,
            "rules": forms.Textarea(attrs={"rows": 6}),
            "schedule": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].queryset = ProgrammeYear.objects.all()
        self.fields["series"].queryset = Series.objects.all()
        self.fields["brand"].queryset = Brand.objects.all()
        self.fields["industries"].queryset = Industry.objects.all()
        self.fields["eligible_zones"].queryset = Zone.objects.all()
        self.fields["eligible_industries"].queryset = Industry.objects.all()
        organisers = Organisation.objects.exclude(kind=Organisation.Kind.ENTERPRISE)
        if not policy.is_programme_admin(user):
            organisers = organisers.filter(pk__in=policy.co_organiser_org_ids(user))
        self.fields["organiser"].queryset = organisers
        self.fields["co_organisers"].queryset = Organisation.objects.exclude(
            kind=Organisation.Kind.ENTERPRISE
        )
        self.fields["co_organisers"].required = False
        for name in ("registration_opens", "registration_closes"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        if self.instance.pk and not policy.is_programme_admin(user):
            # Who organises a competition is settled by its application, not changed later.
            self.fields["organiser"].queryset = Organisation.objects.filter(
                pk=self.instance.organiser_id
            )
            for name in ("organiser", "co_organisers", "year"):
                self.fields[name].disabled = True

    def clean(self):
        data = super().clean()
        opens, closes = data.get("registration_opens"), data.get("registration_closes")
        if opens and closes and opens >= closes:
            self.add_error("registration_closes", _("Registration must close after it opens."))
        if data.get("participants") == Competition.Participants.TEAMS:
            for name in ("team_min", "team_max"):
                if not data.get(name):
                    self.add_error(name, _("A team competition needs its team size."))
        for low, high in (
            ("team_min", "team_max"),
            ("skill_level_from", "skill_level_to"),
            ("min_age", "max_age"),
        ):
            if data.get(low) and data.get(high) and data[low] > data[high]:
                self.add_error(high, _("This must not be below the value before it."))
        return data


class LevelForm(forms.ModelForm):
    class Meta:
        model = CompetitionLevel
        fields = ["order", "name", "scope", "promoted", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE, "ends_on": DATE}


class MoveForm(forms.Form):
    to = forms.ChoiceField(choices=Competition.Status.choices)
    note = forms.CharField(required=False, max_length=500)


class ReturnEntryForm(forms.Form):
    field = forms.ChoiceField(label=_("field to correct"), choices=list(RETURN_FIELDS.items()))
    comment = forms.CharField(label=_("what to correct"), widget=forms.Textarea(attrs={"rows": 3}))


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200, required=False)
    file = forms.FileField(
        label=_("file"), help_text=_("PDF, Word, Excel, PNG or JPEG; 20 MB at most.")
    )


class RosterForm(forms.Form):
    file = forms.FileField(label=_("roster (.xlsx)"))


class PreliminaryForm(forms.Form):
    participants = forms.IntegerField(label=_("workers who took part"), min_value=0)
    held_on = forms.DateField(label=_("held on"), required=False, widget=DATE)
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class EnterpriseChoiceForm(forms.Form):
    """Staff registering on behalf of an enterprise name it by credit code."""

    enterprise = forms.CharField(label=_("enterprise's credit code"), max_length=30)

    def clean_enterprise(self):
        code = self.cleaned_data["enterprise"].strip().upper()
        enterprise = Organisation.objects.filter(
            kind=Organisation.Kind.ENTERPRISE, credit_code=code
        ).first()
        if enterprise is None:
            raise ValidationError(_("No enterprise has this credit code."))
        return enterprise
