"""Forms for organisations, workers and the catalogue.

Forms check input and show errors next to the field; the domain services
(:mod:`jingsai.organisations.domain.services`, :mod:`jingsai.people.domain.workers`)
do the change and the audit trail.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jingsai.access import policy
from jingsai.catalogue.models import Brand, Industry, ProgrammeYear, Zone
from jingsai.common.validators import normalise_phone, validate_phone
from jingsai.organisations.models import Organisation
from jingsai.organisations.validators import normalise_credit_code, validate_credit_code
from jingsai.people.models import Role, SkillLevel, Worker
from jingsai.people.validators import normalise_id_number, parse_id_number


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name", "kind", "credit_code", "industry", "zone",
            "address", "contact_name", "contact_phone", "is_active",
        ]  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["credit_code"].validators = []  # checked in clean_credit_code
        self.fields["contact_phone"].validators = []
        if not policy.can_change_organisation_kind(user):
            # Name, kind, credit code, zone and industry identify the enterprise and
            # decide who oversees it: only programme admins change them.
            for name in ("name", "kind", "credit_code", "industry", "zone", "is_active"):
                self.fields[name].disabled = True

    def clean_name(self):
        name = (self.cleaned_data.get("name") or "").strip()
        if self.fields["name"].disabled:
            return name
        kind = self.data.get("kind") or self.instance.kind
        if kind == Organisation.Kind.ENTERPRISE:
            clash = (
                Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE, name=name)
                .exclude(pk=self.instance.pk)
                .exists()
            )
            if clash:
                raise ValidationError(
                    _("An enterprise with this name is already registered."),
                    code="enterprise_name_duplicate",
                )
        return name

    def clean_credit_code(self):
        code = normalise_credit_code(self.cleaned_data.get("credit_code") or "")
        if code:
            validate_credit_code(code)
            clash = (
                Organisation.objects.filter(credit_code=code).exclude(pk=self.instance.pk).first()
            )
            if clash is not None:
                raise ValidationError(
                    _("This credit code is already registered to %(name)s."),
                    code="credit_code_duplicate",
                    params={"name": clash.name},
                )
        return code or None

    def clean_contact_phone(self):
        phone = normalise_phone(self.cleaned_data.get("contact_phone") or "")
        if phone:
            validate_phone(phone)
        return phone

    def clean(self):
        data = super().clean()
        if data.get("kind") == Organisation.Kind.ENTERPRISE:
            for field in ("credit_code", "industry", "zone"):
                if self.fields[field].disabled:  # not this user's to fill in
                    continue
                if not data.get(field) and field not in self.errors:
                    self.add_error(field, _("An enterprise needs this."))
        return data

    def _post_clean(self):
        # Model-level validation runs again in the domain service; the checks
        # above already give field-level messages, so skip the duplicate work.
        pass


class EmployerField(forms.CharField):
    """The employer, entered as its credit code or exact name, limited to allowed employers."""

    def __init__(self, *, queryset=None, **kwargs):
        self.queryset = queryset
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        code = normalise_credit_code(value)
        allowed = self.queryset
        match = allowed.filter(credit_code=code).first() if len(code) == 18 else None
        if match is None:
            matches = list(allowed.filter(name=value.strip())[:2])
            if len(matches) > 1:
                raise ValidationError(
                    _("Several organisations are called %(name)s; enter its credit code."),
                    params={"name": value},
                )
            match = matches[0] if matches else None
        if match is None:
            raise ValidationError(
                _("No organisation you may register workers for has this name or credit code."),
                code="employer_unknown",
            )
        return match


class WorkerForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "name"), max_length=50)
    id_number = forms.CharField(
        label=_("resident ID number"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    employer = EmployerField(
        label=_("employer"),
        help_text=_("The employer's unified social credit code or exact name."),
    )
    trade = forms.CharField(label=_("trade"), max_length=50, required=False)
    skill_level = forms.TypedChoiceField(
        label=_("skill level"),
        choices=[("", "—"), *SkillLevel.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    phone = forms.CharField(
        label=_("phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )

    def __init__(self, *args, user, worker: Worker | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.worker = worker
        employers = policy.employers_for_new_workers(user)
        self.fields["employer"].queryset = employers
        own = list(employers[:2]) if not policy.is_programme_admin(user) else []
        if len(own) == 1:
            self.fields["employer"].initial = own[0].credit_code or own[0].name
            self.fields["employer"].disabled = True
        if worker is not None:
            # Personal data is never put back into the page: blank keeps the stored value.
            self.fields["id_number"].required = False
            self.fields["id_number"].widget.attrs["placeholder"] = worker.masked_id_number
            self.fields["id_number"].help_text = _("Leave blank to keep the number on record.")
            self.fields["phone"].widget.attrs["placeholder"] = worker.masked_phone
            self.fields["phone"].help_text = _("Leave blank to keep the number on record.")
            if not self.is_bound:
                self.initial.update(
                    name=worker.name,
                    employer=worker.employer.credit_code or worker.employer.name,
                    trade=worker.trade,
                    skill_level=worker.skill_level,
                )
            if self.fields["employer"].disabled:
                self.fields["employer"].initial = (
                    worker.employer.credit_code or worker.employer.name
                )

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_id_number(self):
        value = normalise_id_number(self.cleaned_data.get("id_number") or "")
        if not value:
            return None
        return parse_id_number(value).number

    def clean_phone(self):
        phone = normalise_phone(self.cleaned_data.get("phone") or "")
        if phone:
            validate_phone(phone)
        return phone or None

    def changes(self) -> dict:
        """The fields to store: blank personal data on an edit keeps what is on record."""
        data = dict(self.cleaned_data)
        if self.worker is not None:
            for field in ("id_number", "phone"):
                if data.get(field) is None:
                    data.pop(field)
        else:
            data["phone"] = data.get("phone") or ""
        return data


class WorkerSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    zone = forms.ModelChoiceField(
        Zone.objects.all(), label=_("zone"), required=False, empty_label=_("all zones")
    )
    industry = forms.ModelChoiceField(
        Industry.objects.all(), label=_("industry"), required=False, empty_label=_("all industries")
    )
    skill_level = forms.TypedChoiceField(
        label=_("skill level"),
        choices=[("", _("all levels")), *SkillLevel.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    employer = forms.IntegerField(required=False, widget=forms.HiddenInput)


class OrganisationSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    kind = forms.ChoiceField(
        label=_("kind"), choices=[("", _("all kinds")), *Organisation.Kind.choices], required=False
    )
    zone = forms.ModelChoiceField(
        Zone.objects.all(), label=_("zone"), required=False, empty_label=_("all zones")
    )
    industry = forms.ModelChoiceField(
        Industry.objects.all(), label=_("industry"), required=False, empty_label=_("all industries")
    )


class BrandForm(forms.ModelForm):
    class Meta:
        model = Brand
        fields = ["name", "name_en", "is_placeholder"]


class ProgrammeYearForm(forms.ModelForm):
    class Meta:
        model = ProgrammeYear
        fields = ["title", "theme", "target_enterprises", "target_workers"]


class OrganisationField(EmployerField):
    """Any organisation, entered as its credit code or exact name."""


class GrantForm(forms.Form):
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)
    organisation = OrganisationField(
        label=_("organisation"),
        queryset=Organisation.objects.all(),
        help_text=_("The organisation's unified social credit code or exact name."),
    )
    worker_id_number = forms.CharField(
        label=_("worker's ID number"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Only for the worker role: the login is linked to this worker."),
    )

    def clean_worker_id_number(self):
        value = normalise_id_number(self.cleaned_data.get("worker_id_number") or "")
        if not value:
            return None
        number = parse_id_number(value).number
        worker = Worker.objects.filter(id_number=number).first()
        if worker is None:
            raise ValidationError(_("No worker is registered with this ID number."))
        return worker

    def clean(self):
        data = super().clean()
        needs_worker = data.get("role") == Role.WORKER and not data.get("worker_id_number")
        if needs_worker and "worker_id_number" not in self.errors:
            self.add_error(
                "worker_id_number", _("A worker login must be linked to a worker record.")
            )
        return data


class AccountForm(GrantForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    display_name = forms.CharField(label=_("display name"), max_length=50, required=False)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    field_order = [
        "username",
        "display_name",
        "password",
        "role",
        "organisation",
        "worker_id_number",
    ]
