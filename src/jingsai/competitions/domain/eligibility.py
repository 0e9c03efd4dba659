"""Eligibility (参赛资格): who may enter a competition, and why not.

Rules are read once per competition into :class:`Rules`, then checked in memory
for each candidate, so a 100,000-row roster costs no query per row. Each check
returns refusals — short Chinese sentences (English when the interface is in
English) that say what is wrong. The rules:

- registration window: the competition is open and now is within
  ``registration_opens`` … ``registration_closes``;
- employer: when the competition lists eligible zones, the employer's zone is one
  of them; when it lists eligible industries, the employer's industry is one of
  them (both apply when both are set);
- skill level: within ``skill_level_from`` … ``skill_level_to`` (1 is the
  highest); a worker with no level on record is refused when a range is set;
- age: in full years (周岁) on ``age_on`` (default: the day registration
  closes), within ``min_age`` … ``max_age``;
- capacity and the per-enterprise quota count every entry not withdrawn;
- one entry per person per competition;
- team size within ``team_min`` … ``team_max``;
- training (赛训合一): when ``required_training_hours`` is set, a worker must
  have attended that many hours of the competition's own training courses
  (hours read in one query for all candidates: :mod:`jingsai.training.domain.hours`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from jingsai.competitions.models import Competition
from jingsai.people.models import SkillLevel


@dataclass(frozen=True)
class Rules:
    competition_id: int
    status: str
    opens: dt.datetime | None
    closes: dt.datetime | None
    zones: frozenset[int]
    zone_names: str
    industries: frozenset[int]
    industry_names: str
    level_from: int | None
    level_to: int | None
    min_age: int | None
    max_age: int | None
    age_on: dt.date
    capacity: int | None
    quota: int | None
    team_min: int | None
    team_max: int | None
    required_hours: Decimal | None = None


def rules_for(competition: Competition) -> Rules:
    zones = list(competition.eligible_zones.all())
    industries = list(competition.eligible_industries.all())
    closes = competition.registration_closes
    age_on = competition.age_on or (
        timezone.localtime(closes).date() if closes else timezone.localdate()
    )
    return Rules(
        competition_id=competition.pk,
        status=competition.status,
        opens=competition.registration_opens,
        closes=closes,
        zones=frozenset(z.pk for z in zones),
        zone_names="、".join(z.name for z in zones),
        industries=frozenset(i.pk for i in industries),
        industry_names="、".join(i.name for i in industries),
        level_from=competition.skill_level_from,
        level_to=competition.skill_level_to,
        min_age=competition.min_age,
        max_age=competition.max_age,
        age_on=age_on,
        capacity=competition.capacity,
        quota=competition.enterprise_quota,
        team_min=competition.team_min,
        team_max=competition.team_max,
        required_hours=competition.required_training_hours,
    )


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Age in full years (周岁) on ``day``: the birthday itself counts."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def window_refusals(rules: Rules, *, now: dt.datetime | None = None) -> list[str]:
    now = now or timezone.now()
    if rules.status != Competition.Status.OPEN:
        return [_("The competition is not open for registration.")]
    if rules.opens and now < rules.opens:
        return [
            _("Registration opens on %(when)s.")
            % {"when": timezone.localtime(rules.opens).strftime("%Y-%m-%d %H:%M")}
        ]
    if rules.closes and now > rules.closes:
        return [
            _("Registration closed on %(when)s.")
            % {"when": timezone.localtime(rules.closes).strftime("%Y-%m-%d %H:%M")}
        ]
    return []


def employer_refusals(rules: Rules, *, zone_id: int | None, industry_id: int | None) -> list[str]:
    refusals = []
    if rules.zones and zone_id not in rules.zones:
        refusals.append(
            _("The employer is not in a zone of this competition (%(zones)s).")
            % {"zones": rules.zone_names}
        )
    if rules.industries and industry_id not in rules.industries:
        refusals.append(
            _("The employer is not in an industry of this competition (%(industries)s).")
            % {"industries": rules.industry_names}
        )
    return refusals


def level_refusals(rules: Rules, *, skill_level: int | None) -> list[str]:
    if rules.level_from is None and rules.level_to is None:
        return []
    low, high = rules.level_from or 1, rules.level_to or 5
    allowed = (
        _("%(from)s to %(to)s") % {"from": SkillLevel(low).label, "to": SkillLevel(high).label}
        if low != high
        else str(SkillLevel(low).label)
    )
    if skill_level is None:
        return [
            _("No skill level is on record; this competition takes %(allowed)s.")
            % {"allowed": allowed}
        ]
    if not low <= skill_level <= high:
        return [
            _("Skill level %(level)s is outside the range of this competition (%(allowed)s).")
            % {"level": SkillLevel(skill_level).label, "allowed": allowed}
        ]
    return []


def age_refusals(rules: Rules, *, birth_date: dt.date) -> list[str]:
    if rules.min_age is None and rules.max_age is None:
        return []
    age = age_on(birth_date, rules.age_on)
    if rules.min_age is not None and age < rules.min_age:
        return [
            _("Aged %(age)d on %(day)s; the minimum age is %(min)d.")
            % {"age": age, "day": rules.age_on.isoformat(), "min": rules.min_age}
        ]
    if rules.max_age is not None and age > rules.max_age:
        return [
            _("Aged %(age)d on %(day)s; the maximum age is %(max)d.")
            % {"age": age, "day": rules.age_on.isoformat(), "max": rules.max_age}
        ]
    return []


def person_refusals(rules: Rules, *, birth_date: dt.date, skill_level: int | None) -> list[str]:
    return level_refusals(rules, skill_level=skill_level) + age_refusals(
        rules, birth_date=birth_date
    )


def limit_refusals(
    rules: Rules, *, entries_now: int, enterprise_entries_now: int, adding: int = 1
) -> list[str]:
    refusals = []
    if rules.capacity is not None and entries_now + adding > rules.capacity:
        refusals.append(
            _("The competition is full: %(capacity)d entries at most, %(now)d already made.")
            % {"capacity": rules.capacity, "now": entries_now}
        )
    if rules.quota is not None and enterprise_entries_now + adding > rules.quota:
        refusals.append(
            _("Your enterprise may make %(quota)d entries at most and has %(now)d already.")
            % {"quota": rules.quota, "now": enterprise_entries_now}
        )
    return refusals


def team_size_refusals(rules: Rules, *, size: int) -> list[str]:
    if rules.team_min is not None and size < rules.team_min:
        return [
            _("A team has at least %(min)d members; this one has %(size)d.")
            % {"min": rules.team_min, "size": size}
        ]
    if rules.team_max is not None and size > rules.team_max:
        return [
            _("A team has at most %(max)d members; this one has %(size)d.")
            % {"max": rules.team_max, "size": size}
        ]
    return []


def already_entered_refusal(name: str) -> str:
    return _("%(name)s is already entered in this competition.") % {"name": name}


def _hours_text(value: Decimal) -> str:
    text = format(Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def training_refusals(rules: Rules, *, name: str, hours: Decimal | None) -> list[str]:
    """Refused when the competition requires more hours of its training than attended."""
    if rules.required_hours is None:
        return []
    hours = hours or Decimal(0)
    if hours >= rules.required_hours:
        return []
    return [
        _("%(name)s has %(hours)s hours of this competition's training; %(required)s are required.")
        % {
            "name": name,
            "hours": _hours_text(hours),
            "required": _hours_text(rules.required_hours),
        }
    ]
