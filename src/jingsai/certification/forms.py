"""Forms of the certification back office."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jingsai.certification.models import Certificate, CertificationRule
from jingsai.organisations.models import Organisation

REASON = forms.Textarea(attrs={"rows": 2})


class RuleForm(forms.ModelForm):
    class Meta:
        model = CertificationRule
        fields = [
            "order",
            "condition",
            "award",
            "max_rank",
            "min_total",
            "title",
            "level_action",
            "level",
            "issuer",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = Organisation.objects.exclude(
            kind=Organisation.Kind.ENTERPRISE
        ).order_by("name")
        self.fields["issuer"].empty_label = _("the competition's organiser")

    def clean(self):
        data = super().clean()
        condition = data.get("condition")
        # keep only the field the condition looks at
        if condition != CertificationRule.Condition.AWARD:
            data["award"] = ""
        if condition != CertificationRule.Condition.RANK:
            data["max_rank"] = None
        if condition != CertificationRule.Condition.TOTAL:
            data["min_total"] = None
        if not data.get("level_action"):
            data["level"] = None
        for name in ("award", "max_rank", "min_total", "level"):
            setattr(self.instance, name, data.get(name))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=REASON, max_length=300)


class ApplyForm(forms.Form):
    reason = forms.CharField(
        label=_("reason (for certificates revoked or reissued)"),
        widget=REASON,
        max_length=300,
        required=False,
    )


class CertificateFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("status"),
        choices=[("", _("all")), *Certificate.Status.choices],
        required=False,
    )
    title = forms.CharField(label=_("certificate title"), max_length=100, required=False)
    q = forms.CharField(label=_("number or name"), max_length=50, required=False)
