"""Public pages of a labour competition (劳动竞赛): the league and its participants.

The public sees published periods only: the latest (or a chosen) published
period's ranking per block with its red-flag holders, the cumulative standings
after it, and who held the flags in every published period. A confirmed period
not yet published, and an open one, never appear here: ``?period=`` naming one
answers 404, as does a draft competition or a league with nothing published.

A participant's page shows its project details, its score history (a chart and a
table), its red flags, bonuses and vetoes with their reasons, over published
periods; to a user entitled to read the participant
(:func:`jingsai.access.policy.can_read_participant`) it also shows the confirmed,
unpublished periods, marked as such.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from jingsai.access import policy
from jingsai.competitions.models import Competition
from jingsai.labour.charts import participant_chart
from jingsai.labour.domain import history
from jingsai.labour.models import League, Participant
from jingsai.public.exhibition import public_competitions


def public_league(code: str) -> League:
    """The league of a public labour competition, or 404."""
    competition = get_object_or_404(
        public_competitions()
        .filter(kind=Competition.Kind.LABOUR)
        .select_related("year", "organiser"),
        code=code,
    )
    league = League.objects.filter(competition=competition).first()
    if league is None:
        raise Http404
    league.competition = competition
    return league


@login_not_required
def league_page(request, code):
    league = public_league(code)
    periods = list(history.league_periods(league))
    if not periods:
        raise Http404
    wanted = request.GET.get("period")
    if wanted:
        period = next((p for p in periods if p.code == wanted), None)
        if period is None:
            raise Http404
    else:
        period = periods[-1]
    return render(
        request,
        "public/league/league.html",
        {
            "competition": league.competition,
            "league": league,
            "periods": periods,
            "period": period,
            "latest": period == periods[-1],
            "table": history.period_table(period),
            "flags": history.flag_overview(league),
        },
    )


@login_not_required
def participant_page(request, code, pk):
    league = public_league(code)
    participant = get_object_or_404(
        Participant.objects.filter(league=league).select_related("block", "enterprise"), pk=pk
    )
    participant.league = league
    entitled = policy.can_read_participant(request.user, participant)
    record = history.participant_history(participant, published_only=not entitled)
    if not entitled and not record.lines:
        raise Http404  # nothing published yet
    return render(
        request,
        "public/league/participant.html",
        {
            "competition": league.competition,
            "league": league,
            "participant": participant,
            "history": record,
            "entitled": entitled,
            "chart": participant_chart(record, chart_id=f"scores-{participant.pk}"),
        },
    )
