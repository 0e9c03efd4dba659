"""Forms of the innovation result pages (成果转化): the result and its authors, the
review steps, the verified benefit, files, reward tiers; and the author search the
back office and the worker portal share."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingsai.access import policy
from jingsai.catalogue.models import ProgrammeYear
from jingsai.common.search import classify_search, search_by_name
from jingsai.competitions.models import Competition
from jingsai.innovation.models import Author, InnovationResult, RewardBand
from jingsai.organisations.models import Organisation
from jingsai.people.models import Worker

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CANDIDATES_SHOWN = 30
DETAIL_FIELDS = ("kind", "title", "year", "enterprise", "competition", "description")


def _years() -> QuerySet[ProgrammeYear]:
    return ProgrammeYear.objects.order_by("-year")


def default_year() -> ProgrammeYear | None:
    years = _years()
    return years.filter(year=timezone.localdate().year).first() or years.first()


class ResultForm(forms.Form):
    """A result's details and authors. ``authors`` keeps the order they were given in
    (the first is the lead author); the template renders them as checkboxes."""

    kind = forms.ChoiceField(label=_("kind"), choices=InnovationResult.Kind.choices)
    title = forms.CharField(label=_("title"), max_length=200)
    year = forms.ModelChoiceField(label=_("year"), queryset=ProgrammeYear.objects.none())
    enterprise = forms.ModelChoiceField(label=_("enterprise"), queryset=Organisation.objects.none())
    competition = forms.ModelChoiceField(
        label=_("from competition"),
        queryset=Competition.objects.none(),
        required=False,
        help_text=_("The competition the result came from, if any."),
    )
    description = forms.CharField(
        label=_("description"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000
    )
    authors = forms.ModelMultipleChoiceField(
        label=_("authors"),
        queryset=Worker.objects.none(),
        widget=forms.MultipleHiddenInput,
        error_messages={
            "required": _("Name at least one author."),
            "invalid_choice": _("You may not name this worker as an author."),
            "invalid_pk_value": _("You may not name this worker as an author."),
        },
    )

    def __init__(self, *args, user, result: InnovationResult | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.result = result
        enterprises = policy.innovation_enterprises_for(user)
        authors = policy.innovation_authors_for(user)
        if result is not None:
            # what the result already has stays choosable
            enterprises = Organisation.objects.filter(
                pk__in=[*enterprises.values_list("pk", flat=True), result.enterprise_id]
            )
            authors = Worker.objects.filter(
                Q(pk__in=authors.values("pk"))
                | Q(pk__in=Author.objects.filter(result=result).values("worker_id"))
            )
        self.fields["year"].queryset = _years()
        self.fields["enterprise"].queryset = enterprises.order_by("name", "id")
        self.fields["competition"].queryset = (
            Competition.objects.exclude(status=Competition.Status.DRAFT)
            .select_related("year")
            .order_by("-year__year", "title", "id")
        )
        self.fields["authors"].queryset = authors

    def clean_authors(self):
        chosen = self.cleaned_data["authors"]
        order = [int(v) for v in self.data.getlist("authors") if str(v).isdigit()]
        by_pk = {w.pk: w for w in chosen}
        return [by_pk[pk] for pk in dict.fromkeys(order) if pk in by_pk]


class PortalResultForm(ResultForm):
    """The worker's form: his employer is the enterprise; he is always an author."""

    def __init__(self, *args, worker: Worker, **kwargs):
        super().__init__(*args, **kwargs)
        self.worker = worker
        del self.fields["enterprise"]
        self.fields["authors"].required = False
        # he keeps his place among the authors of a result (first on a new one)
        self.position = 0
        if self.result is not None:
            order = list(
                Author.objects.filter(result=self.result)
                .order_by("order", "id")
                .values_list("worker_id", flat=True)
            )
            self.position = order.index(worker.pk) if worker.pk in order else 0

    def clean_authors(self):
        authors = [w for w in super().clean_authors() if w.pk != self.worker.pk]
        authors.insert(min(self.position, len(authors)), self.worker)
        return authors


class AdoptForm(forms.Form):
    adopted_on = forms.DateField(label=_("adopted on"), widget=DATE)
    note = forms.CharField(
        label=_("how it was implemented"), widget=forms.Textarea(attrs={"rows": 3})
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for rejection"), widget=forms.Textarea(attrs={"rows": 3})
    )


class VerifyForm(forms.Form):
    money_saved = forms.DecimalField(
        label=_("money saved (yuan)"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    hours_saved = forms.DecimalField(
        label=_("hours saved"), required=False, min_value=0, max_digits=10, decimal_places=1
    )
    quality_gain = forms.CharField(
        label=_("quality gain"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = forms.CharField(
        label=_("evidence of the benefit"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What shows the benefit: measurements, accounts, reports, who confirmed it."),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("money_saved") is None
            and data.get("hours_saved") is None
            and not (data.get("quality_gain") or "").strip()
            and not self.errors
        ):
            raise forms.ValidationError(
                _("Give the money saved, the hours saved or the quality gain.")
            )
        return data


class FileForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200, required=False)
    file = forms.FileField(
        label=_("file"), help_text=_("PDF, JPEG, PNG, Word (.docx) or Excel (.xlsx).")
    )


class BandForm(forms.ModelForm):
    class Meta:
        model = RewardBand
        fields = ["name", "min_money", "min_hours", "order"]


# --- choosing authors ------------------------------------------------------------------


def author_candidates(user, scope: QuerySet[Worker], text: str, *, exclude=()):
    """Workers in ``scope`` that match a search (name, pinyin initials or a full ID
    number); without a search, the first few of a small scope (an enterprise's), none
    of the whole platform's. Returns (workers, hint) where hint explains an empty list."""
    term = classify_search(text)
    if term.kind == "id_number":
        found = scope.filter(id_number=term.value)
    elif term.kind == "digits":
        return [], _("Give the whole ID number, or search by name.")
    else:
        found = search_by_name(scope, term)
        if found is None:
            if policy.is_programme_admin(user):
                return [], _("Search for the authors by name, pinyin initials or ID number.")
            found = scope.order_by("name", "id")
    workers = list(
        found.exclude(pk__in=list(exclude)).select_related("employer")[:CANDIDATES_SHOWN]
    )
    return workers, "" if workers else _("No workers match.")
