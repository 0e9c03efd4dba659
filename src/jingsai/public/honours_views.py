"""The public side of the yearly honours selection (the "830"), without signing in.

- ``/honours/``: the years with a round, and year over year how many of each
  category's places (the quota) were filled, with the totals against the quotas'
  sum (240 in the Pudong preset).
- ``/honours/<year>/``: the final list, per category, once the round is final.
- ``/honours/<year>/notice/``: the public notice (公示) while the round is on
  notice (and after, when final): the proposed nominees per category with their
  notice period. Of a person the public sees the name and employer, never the ID
  number or phone; the narrative's excerpt is masked the same way.
- ``/honours/<year>/notice/<pk>/objection/``: anyone may lodge an objection
  against a nominee on notice (optional name and contact). Simple anti-abuse: a
  honeypot field hidden from people, and a signed timestamp that refuses forms
  sent faster than a person can fill them. The client's address is handed to
  :func:`jingsai.honours.domain.notice.lodge_objection` (which keeps only a keyed
  hash of it to limit objections per address); it is never logged here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from jingsai.catalogue.models import HonourCategory
from jingsai.common.masking import mask_personal_data_in_text
from jingsai.common.replicas import reads_from_replica
from jingsai.honours.models import Nomination, Round
from jingsai.public.exhibition import final_honours, honour_groups, innovation_author_names

FILL_SALT = "jingsai.public.honours.objection-form"
REFERENCE_SALT = "jingsai.public.honours.objection-reference"
FORM_MAX_AGE = 6 * 3600  # a form older than this is sent again with a fresh stamp
REFERENCE_MAX_AGE = 24 * 3600
EXCERPT_CHARS = 120
ON_NOTICE = (Round.Stage.NOTICE, Round.Stage.FINAL)
NOTICE_STATUSES = (Nomination.Status.SUBMITTED, Nomination.Status.HONOURED)


def min_fill_seconds() -> float:
    """A form sent sooner than this after it was shown is refused (a person takes longer)."""
    return float(getattr(settings, "JINGSAI_OBJECTION_MIN_SECONDS", 3))


def fill_stamp(now: float | None = None) -> str:
    """The signed time the objection form was shown (a hidden field)."""
    return signing.dumps({"t": int(now if now is not None else time.time())}, salt=FILL_SALT)


def _round_or_404(year: int) -> Round:
    return get_object_or_404(Round.objects.select_related("year"), year__year=year)


# --- the index: years and year over year ---------------------------------------------


@dataclass
class CategoryRow:
    category: HonourCategory
    cells: list = field(default_factory=list)  # per year: a CategoryCount, or None


def year_over_year() -> tuple[list, list[CategoryRow]]:
    """The years (latest first, each with its quota and filled totals) and, per category,
    each year's quota and honours granted, from
    :func:`jingsai.honours.domain.final.year_over_year`."""
    from jingsai.honours.domain.final import year_over_year as counts

    years = counts()
    categories: dict[int, HonourCategory] = {}
    for year in years:
        for count in year.categories:
            categories.setdefault(count.category.pk, count.category)
    by_year = [{c.category.pk: c for c in year.categories} for year in years]
    rows = [
        CategoryRow(category, [cells.get(pk) for cells in by_year])
        for pk, category in sorted(categories.items(), key=lambda kv: (kv[1].order, kv[0]))
    ]
    return years, rows


@login_not_required
@reads_from_replica
def index(request):
    columns, rows = year_over_year()
    return render(request, "public/honours/index.html", {"columns": columns, "rows": rows})


# --- the final list ------------------------------------------------------------------


@login_not_required
@reads_from_replica
def year_list(request, year: int):
    round_ = _round_or_404(year)
    final = round_.stage == Round.Stage.FINAL
    return render(
        request,
        "public/honours/year.html",
        {
            "round": round_,
            "final": final,
            "groups": honour_groups(final_honours(round_.year)) if final else [],
        },
    )


# --- the public notice ---------------------------------------------------------------


@dataclass(frozen=True)
class NoticeLine:
    pk: int
    kind: str  # people, results or places
    name: str  # a person's full name, a result's title or an organisation's name
    organisation: str  # the person's employer, the result's enterprise ("" for a place)
    result_kind: str
    authors: tuple[str, ...]
    nominator: str
    notice_from: object
    notice_until: object
    excerpt: str
    open_for_objections: bool


@dataclass
class NoticeGroup:
    category: HonourCategory
    lines: list[NoticeLine]


def on_notice(round_: Round):
    """The round's nominees on the public notice (proposed, not removed or withdrawn)."""
    return Nomination.objects.filter(
        round_category__round=round_, proposed=True, status__in=NOTICE_STATUSES
    )


def _objections_open(round_: Round, nomination: Nomination, today) -> bool:
    """Whether objections are taken against the nominee today (as the notice's domain
    function decides: the round on notice, the nominee's own notice period running)."""
    return bool(
        round_.stage == Round.Stage.NOTICE
        and nomination.status == Nomination.Status.SUBMITTED
        and nomination.notice_from
        and nomination.notice_until
        and nomination.notice_from <= today <= nomination.notice_until
    )


def notice_groups(round_: Round) -> list[NoticeGroup]:
    nominations = list(
        on_notice(round_)
        .select_related(
            "round_category__category",
            "worker__employer",
            "innovation__enterprise",
            "organisation",
            "nominator",
        )
        .order_by("round_category__category__order", "round_category_id", "rank", "id")
    )
    authors = innovation_author_names(n.innovation_id for n in nominations if n.innovation_id)
    today = timezone.localdate()
    groups: dict[int, NoticeGroup] = {}
    for n in nominations:
        category = n.round_category.category
        if n.worker_id:
            name, organisation, result_kind = n.worker.name, n.worker.employer.name, ""
        elif n.innovation_id:
            name = n.innovation.title
            organisation = n.innovation.enterprise.name
            result_kind = n.innovation.get_kind_display()
        else:
            name, organisation, result_kind = n.organisation.name, "", ""
        line = NoticeLine(
            pk=n.pk,
            kind=category.kind,
            name=name,
            organisation=organisation,
            result_kind=result_kind,
            authors=tuple(authors.get(n.innovation_id, ())) if n.innovation_id else (),
            nominator=n.nominator.name,
            notice_from=n.notice_from,
            notice_until=n.notice_until,
            excerpt=Truncator(mask_personal_data_in_text(n.narrative)).chars(EXCERPT_CHARS),
            open_for_objections=_objections_open(round_, n, today),
        )
        groups.setdefault(category.pk, NoticeGroup(category, [])).lines.append(line)
    return list(groups.values())


@login_not_required
@reads_from_replica
def notice(request, year: int):
    round_ = _round_or_404(year)
    started = round_.stage in ON_NOTICE
    return render(
        request,
        "public/honours/notice.html",
        {
            "round": round_,
            "started": started,
            "groups": notice_groups(round_) if started else [],
        },
    )


class ObjectionForm(forms.Form):
    grounds = forms.CharField(
        label=gettext_lazy("grounds of the objection"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "What is wrong with this nomination, as precisely as you can: facts, dates, "
            "where it can be checked."
        ),
    )
    name = forms.CharField(
        label=gettext_lazy("your name (optional)"), max_length=50, required=False
    )
    contact = forms.CharField(
        label=gettext_lazy("phone or e-mail (optional)"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Only staff see it, to ask you for details."),
    )
    # the honeypot: hidden from people by the page, filled by form-filling robots
    website = forms.CharField(
        label=gettext_lazy("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(widget=forms.HiddenInput, required=False)


def _nominee_on_notice_or_404(round_: Round, pk: int) -> Nomination:
    if round_.stage not in ON_NOTICE:
        raise Http404
    return get_object_or_404(
        on_notice(round_).select_related(
            "round_category__category", "worker__employer", "innovation__enterprise", "organisation"
        ),
        pk=pk,
    )


def _subject(nomination: Nomination) -> tuple[str, str]:
    if nomination.worker_id:
        return nomination.worker.name, nomination.worker.employer.name
    if nomination.innovation_id:
        return nomination.innovation.title, nomination.innovation.enterprise.name
    return nomination.organisation.name, ""


def _check_stamp(value: str) -> list[str]:
    """[] when the form was filled at a human pace, else why it is refused."""
    try:
        stamp = signing.loads(value or "", salt=FILL_SALT, max_age=FORM_MAX_AGE)
        shown = float(stamp["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return [_("This form has expired. Please check your objection and send it again.")]
    if time.time() - shown < min_fill_seconds():
        return [
            _(
                "Your objection was sent very quickly after the form was shown. Please read "
                "it over once more and send it again."
            )
        ]
    return []


@never_cache
@login_not_required
def objection(request, year: int, pk: int):
    round_ = _round_or_404(year)
    nomination = _nominee_on_notice_or_404(round_, pk)
    today = timezone.localdate()
    is_open = _objections_open(round_, nomination, today)
    refusals: list[str] = []
    if request.method == "POST" and is_open:
        form = ObjectionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if data["website"]:
                # a robot: refused politely, with nothing said about why and nothing stored
                refusals = [_("Your objection could not be accepted. Please try again later.")]
            else:
                refusals = _check_stamp(data["started"])
            if not refusals:
                refusals, lodged = _lodge(nomination, data, request.META.get("REMOTE_ADDR", ""))
                if lodged is not None:
                    reference = signing.dumps(lodged.pk, salt=REFERENCE_SALT)
                    url = reverse("public:honours_objection_received", args=[year])
                    return redirect(f"{url}?ref={reference}")
        # shown again with a fresh stamp (the time to read it over counts from now) and
        # the honeypot emptied; the same errors show, the data is validated again
        data = request.POST.copy()
        data["started"] = fill_stamp()
        data["website"] = ""
        form = ObjectionForm(data)
    else:
        form = ObjectionForm(initial={"started": fill_stamp()})
    name, organisation = _subject(nomination)
    return render(
        request,
        "public/honours/objection.html",
        {
            "round": round_,
            "nomination": nomination,
            "category": nomination.round_category.category,
            "subject": name,
            "organisation": organisation,
            "form": form,
            "refusals": refusals,
            "is_open": is_open,
        },
        status=200,
    )


def _lodge(nomination: Nomination, data: dict, address: str):
    """(refusals, objection): the objection lodged by the notice's domain function, which
    keeps only a salted hash of the address."""
    from jingsai.honours.domain import notice as notice_domain

    try:
        lodged = notice_domain.lodge_objection(
            nomination,
            data["grounds"],
            name=data["name"],
            contact=data["contact"],
            address=address,
        )
    except notice_domain.ObjectionRefused as refused:
        return refused.reasons or [str(refused)], None
    return [], lodged


@never_cache
@login_not_required
def objection_received(request, year: int):
    round_ = _round_or_404(year)
    try:
        pk = signing.loads(
            request.GET.get("ref", ""), salt=REFERENCE_SALT, max_age=REFERENCE_MAX_AGE
        )
    except signing.BadSignature:
        raise Http404 from None
    from jingsai.honours.models import Objection

    lodged = get_object_or_404(
        Objection.objects.select_related(
            "nomination__round_category__category",
            "nomination__worker__employer",
            "nomination__innovation__enterprise",
            "nomination__organisation",
        ),
        pk=pk,
        nomination__round_category__round=round_,
    )
    name, _organisation = _subject(lodged.nomination)
    return render(
        request,
        "public/honours/objection_received.html",
        {
            "round": round_,
            "reference": lodged.pk,
            "subject": name,
            "category": lodged.nomination.round_category.category,
        },
    )
