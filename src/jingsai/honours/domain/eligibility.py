"""Who may be nominated in a category of the 830 round: the eligibility rules.

:func:`check` reads the category's rules (all editable in the round's settings)
and returns an :class:`Eligibility`: eligible or not, and every rule checked
with what was found, in the current language. The reasons are stored with the
nomination and shown to the nominator; an ineligible nomination is refused.

People categories (the subject is a :class:`~jingsai.people.models.Worker`)
    A worker qualifies by **any one** of the ways the category enables:

    - *skill level*: his recorded skill level is the category's level or higher
      (level 1 is the highest: 技师 is level 2, so "技师 or above" means level 1
      or 2); no recorded level does not meet it;
    - *top rank*: a published judging result (competition published or
      archived) of an entry in which he is an active member, with a rank at most
      the category's, in a competition at the category's level (scope: district,
      zone, …) in the last N programme years (competitions of the years from the
      round's year − N + 1 to the round's year). The level of a result is the
      level the entry reached when it is recorded, otherwise the competition's
      last (highest-order) level;
    - *innovation*: he is an author of an innovation result with verified
      benefit (benefit verified or recognised).

    When the category enables none of these, any worker qualifies (the check
    says so). Also, when the round allows one people category per person, he
    must not have a live (not withdrawn) nomination in another people category
    of the same round. Workers carry no active/deleted flag (a deleted worker is
    gone), so there is nothing more to check.

Results categories (the subject is an :class:`~jingsai.innovation.models.InnovationResult`)
    Its kind is the category's (when the category names one); when the
    category requires it, it was adopted with verified benefit (benefit
    verified or recognised); it is not rejected; and it was recorded for the
    round's year or earlier.

Places categories (the subject is an :class:`~jingsai.organisations.models.Organisation`)
    Its kind is one of the category's (when the category names any), and it is
    active.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from jingsai.catalogue.models import HonourCategory
from jingsai.competitions.models import Competition, CompetitionLevel
from jingsai.honours.models import Nomination, RoundCategory
from jingsai.innovation.models import Author, InnovationResult
from jingsai.organisations.models import Organisation
from jingsai.people.models import SkillLevel, Worker

# Results count once published (archived competitions were published), as in the
# worker's record (jingsai.skills.domain.career) and certification.
PUBLISHED = (Competition.Status.PUBLISHED, Competition.Status.ARCHIVED)
VERIFIED = (InnovationResult.Status.VERIFIED, InnovationResult.Status.RECOGNISED)
KIND = HonourCategory.Kind


@dataclass(frozen=True)
class Check:
    """One rule checked: its code, whether it passed, and what was found.

    ``alternative`` marks one of a people category's ways to qualify: failing it
    alone does not make the subject ineligible (the ``people.qualifies`` check
    sums the ways up).
    """

    rule: str
    passed: bool
    reason: str
    alternative: bool = False

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"rule": self.rule, "passed": self.passed, "reason": self.reason}
        if self.alternative:
            data["alternative"] = True
        return data


@dataclass
class Eligibility:
    eligible: bool
    checks: list[Check] = field(default_factory=list)

    def as_json(self) -> list[dict[str, Any]]:
        return [c.as_dict() for c in self.checks]

    @property
    def refusals(self) -> list[str]:
        """Why the subject is not eligible: each failed rule's reason (for a people
        category that no way qualifies, each way's reason first)."""
        reasons = []
        for c in self.checks:
            if c.passed or c.alternative:
                continue
            if c.rule == "people.qualifies":
                reasons.extend(a.reason for a in self.checks if a.alternative)
            reasons.append(c.reason)
        return reasons


def _yes_no(passed: bool) -> str:
    return _("yes") if passed else _("no")


# --- people ------------------------------------------------------------------------


def _skill_check(rc: RoundCategory, worker: Worker) -> Check:
    needed = SkillLevel(rc.max_skill_level).label
    if worker.skill_level is None:
        return Check(
            "people.skill_level",
            False,
            _("Skill level %(needed)s or above: no (no skill level recorded)") % {"needed": needed},
            alternative=True,
        )
    passed = worker.skill_level <= rc.max_skill_level
    return Check(
        "people.skill_level",
        passed,
        _("Skill level %(needed)s or above: %(answer)s (%(found)s)")
        % {
            "needed": needed,
            "answer": _yes_no(passed),
            "found": SkillLevel(worker.skill_level).label,
        },
        alternative=True,
    )


def _result_scope(result, last_scopes: dict[int, str]) -> str | None:
    if result.entry.level_id is not None:
        return result.entry.level.scope
    return last_scopes.get(result.competition_id)


def best_rank(rc: RoundCategory, worker: Worker):
    """The worker's best published result at the category's level within its years
    (``None`` when there is none): three queries."""
    from jingsai.judging.models import Result

    year = rc.round.year.year
    results = list(
        Result.objects.filter(
            Q(entry__members__worker=worker, entry__members__active=True),
            competition__status__in=PUBLISHED,
            competition__year__year__gte=year - rc.rank_years + 1,
            competition__year__year__lte=year,
        )
        .select_related("competition__year", "entry__level")
        .order_by("rank", "-competition__year__year", "pk")
    )
    if not results:
        return None
    unlevelled = {r.competition_id for r in results if r.entry.level_id is None}
    last_scopes: dict[int, str] = {}
    for competition_id, scope in (
        CompetitionLevel.objects.filter(competition_id__in=unlevelled)
        .order_by("competition_id", "-order")
        .values_list("competition_id", "scope")
    ):
        last_scopes.setdefault(competition_id, scope)
    return next((r for r in results if _result_scope(r, last_scopes) == rc.rank_scope), None)


def _rank_check(rc: RoundCategory, worker: Worker) -> Check:
    year = rc.round.year.year
    words = {
        "top": rc.top_rank,
        "scope": CompetitionLevel.Scope(rc.rank_scope).label,
        "first": year - rc.rank_years + 1,
        "last": year,
    }
    best = best_rank(rc, worker)
    if best is None:
        return Check(
            "people.top_rank",
            False,
            _(
                "Rank %(top)s or better in a published competition at the %(scope)s level, "
                "%(first)s–%(last)s: no (no published result at that level in those years)"
            )
            % words,
            alternative=True,
        )
    passed = best.rank <= rc.top_rank
    return Check(
        "people.top_rank",
        passed,
        _(
            "Rank %(top)s or better in a published competition at the %(scope)s level, "
            "%(first)s–%(last)s: %(answer)s (best rank %(rank)s, %(competition)s, %(year)s)"
        )
        % (
            words
            | {
                "answer": _yes_no(passed),
                "rank": best.rank,
                "competition": best.competition.title,
                "year": best.competition.year.year,
            }
        ),
        alternative=True,
    )


def _innovation_check(worker: Worker) -> Check:
    authored = (
        Author.objects.filter(worker=worker, result__status__in=VERIFIED)
        .select_related("result")
        .order_by("-result__verified_at", "-result_id")
        .first()
    )
    if authored is None:
        return Check(
            "people.innovation",
            False,
            _("Author of an innovation result with verified benefit: no"),
            alternative=True,
        )
    return Check(
        "people.innovation",
        True,
        _("Author of an innovation result with verified benefit: yes (%(title)s)")
        % {"title": authored.result.title},
        alternative=True,
    )


def _exclusive_check(rc: RoundCategory, worker: Worker, exclude_nomination) -> Check:
    others = (
        Nomination.objects.filter(
            worker=worker,
            round_category__round_id=rc.round_id,
            round_category__category__kind=KIND.PEOPLE,
        )
        .exclude(round_category=rc)
        .exclude(status=Nomination.Status.WITHDRAWN)
        .select_related("round_category__category")
        .order_by("round_category__category__order", "id")
    )
    if exclude_nomination is not None:
        others = others.exclude(pk=getattr(exclude_nomination, "pk", exclude_nomination))
    other = others.first()
    if other is None:
        return Check(
            "people.exclusive",
            True,
            _("Not nominated in another people category of %(year)s: yes")
            % {"year": rc.round.year.year},
        )
    return Check(
        "people.exclusive",
        False,
        _(
            "Not nominated in another people category of %(year)s: no (already nominated "
            "in %(category)s; one people category per person)"
        )
        % {"year": rc.round.year.year, "category": other.round_category.category},
    )


def _people(rc: RoundCategory, worker: Worker, exclude_nomination) -> list[Check]:
    ways = []
    if rc.max_skill_level is not None:
        ways.append(_skill_check(rc, worker))
    if rc.top_rank is not None:
        ways.append(_rank_check(rc, worker))
    if rc.by_innovation:
        ways.append(_innovation_check(worker))
    checks = list(ways)
    if not ways:
        checks.append(
            Check(
                "people.qualifies",
                True,
                _("This category sets no qualification: any worker may be nominated."),
            )
        )
    elif any(w.passed for w in ways):
        checks.append(
            Check("people.qualifies", True, _("Qualifies by at least one of the ways: yes"))
        )
    else:
        checks.append(
            Check("people.qualifies", False, _("Qualifies by at least one of the ways: no"))
        )
    if rc.round.exclusive_people:
        checks.append(_exclusive_check(rc, worker, exclude_nomination))
    return checks


# --- results -----------------------------------------------------------------------


def _results(rc: RoundCategory, result: InnovationResult) -> list[Check]:
    checks = []
    if rc.innovation_kind:
        passed = result.kind == rc.innovation_kind
        checks.append(
            Check(
                "results.kind",
                passed,
                _("Kind %(needed)s: %(answer)s (%(found)s)")
                % {
                    "needed": InnovationResult.Kind(rc.innovation_kind).label,
                    "answer": _yes_no(passed),
                    "found": result.get_kind_display(),
                },
            )
        )
    if rc.requires_verified_benefit:
        passed = result.status in VERIFIED
        checks.append(
            Check(
                "results.verified_benefit",
                passed,
                _("Adopted with verified benefit: %(answer)s (%(status)s)")
                % {"answer": _yes_no(passed), "status": result.get_status_display()},
            )
        )
    rejected = result.status == InnovationResult.Status.REJECTED
    checks.append(
        Check(
            "results.not_rejected",
            not rejected,
            _("Not rejected: %(answer)s") % {"answer": _yes_no(not rejected)}
            if not rejected
            else _("Not rejected: no (rejected: %(reason)s)")
            % {"reason": result.rejection_reason or "—"},
        )
    )
    year = result.year.year
    passed = year <= rc.round.year.year
    checks.append(
        Check(
            "results.year",
            passed,
            _("Recorded for %(round)s or earlier: %(answer)s (%(year)s)")
            % {"round": rc.round.year.year, "answer": _yes_no(passed), "year": year},
        )
    )
    return checks


# --- places ------------------------------------------------------------------------


def _kinds_text(kinds) -> str:
    labels = dict(Organisation.Kind.choices)
    return " / ".join(str(labels.get(k, k)) for k in kinds)


def _places(rc: RoundCategory, organisation: Organisation) -> list[Check]:
    checks = []
    kinds = list(rc.organisation_kinds or [])
    if kinds:
        passed = organisation.kind in kinds
        checks.append(
            Check(
                "places.kind",
                passed,
                _("Kind of organisation %(needed)s: %(answer)s (%(found)s)")
                % {
                    "needed": _kinds_text(kinds),
                    "answer": _yes_no(passed),
                    "found": organisation.get_kind_display(),
                },
            )
        )
    checks.append(
        Check(
            "places.active",
            organisation.is_active,
            _("Organisation active: %(answer)s") % {"answer": _yes_no(organisation.is_active)},
        )
    )
    return checks


# --- all ---------------------------------------------------------------------------

SUBJECTS = {KIND.PEOPLE: Worker, KIND.RESULTS: InnovationResult, KIND.PLACES: Organisation}


def subject_fits(rc: RoundCategory, subject) -> bool:
    return isinstance(subject, SUBJECTS[rc.category.kind])


def wrong_subject_reason(rc: RoundCategory) -> str:
    return {
        KIND.PEOPLE: _("This category nominates workers."),
        KIND.RESULTS: _("This category nominates innovation results."),
        KIND.PLACES: _("This category nominates organisations (places)."),
    }[rc.category.kind]


def check(
    round_category: RoundCategory,
    subject,
    *,
    exclude_nomination: Nomination | int | None = None,
    today: dt.date | None = None,
) -> Eligibility:
    """Every rule of the category for ``subject`` (a worker, an innovation result or an
    organisation, by the category's kind), with reasons in the current language.

    ``exclude_nomination``: a nomination not to count against the subject (its own,
    when rechecking). ``today`` is accepted for callers that pin the date; the rules
    count programme years, so it changes nothing today.
    """
    del today  # the rules are counted by programme year (see the module docstring)
    rc = round_category
    if not subject_fits(rc, subject):
        return Eligibility(False, [Check("subject", False, wrong_subject_reason(rc))])
    kind = rc.category.kind
    if kind == KIND.PEOPLE:
        checks = _people(rc, subject, exclude_nomination)
    elif kind == KIND.RESULTS:
        checks = _results(rc, subject)
    else:
        checks = _places(rc, subject)
    eligible = all(c.passed for c in checks if not c.alternative)
    return Eligibility(eligible, checks)


def describe(rc: RoundCategory) -> list[str]:
    """The category's rules in words, for the pages."""
    kind = rc.category.kind
    lines = []
    if kind == KIND.PEOPLE:
        ways = []
        if rc.max_skill_level is not None:
            ways.append(
                _("skill level %(level)s or above")
                % {"level": SkillLevel(rc.max_skill_level).label}
            )
        if rc.top_rank is not None:
            year = rc.round.year.year
            ways.append(
                _(
                    "a rank of %(top)s or better in a published competition at the %(scope)s "
                    "level in %(first)s–%(last)s"
                )
                % {
                    "top": rc.top_rank,
                    "scope": CompetitionLevel.Scope(rc.rank_scope).label,
                    "first": year - rc.rank_years + 1,
                    "last": year,
                }
            )
        if rc.by_innovation:
            ways.append(_("an author of an innovation result with verified benefit"))
        if ways:
            lines.append(
                _("A worker qualifies by any one of: %(ways)s.") % {"ways": "; ".join(ways)}
            )
        else:
            lines.append(_("Any worker may be nominated."))
        if rc.round.exclusive_people:
            lines.append(_("No one is nominated in two people categories of the same year."))
    elif kind == KIND.RESULTS:
        if rc.innovation_kind:
            lines.append(
                _("Innovation results of the kind %(kind)s.")
                % {"kind": InnovationResult.Kind(rc.innovation_kind).label}
            )
        if rc.requires_verified_benefit:
            lines.append(_("Adopted, with verified benefit."))
        lines.append(_("Recorded for %(year)s or earlier.") % {"year": rc.round.year.year})
    else:
        if rc.organisation_kinds:
            lines.append(
                _("Organisations of the kind %(kinds)s.")
                % {"kinds": _kinds_text(rc.organisation_kinds)}
            )
        lines.append(_("The organisation is active."))
    return lines
