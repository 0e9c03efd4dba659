"""A marking scheme and approved entries for the judge's pages (unit and browser tests)."""

from decimal import Decimal

from jingsai.competitions.models import Entry, EntryMember
from jingsai.judging.models import Criterion, Stage
from tests.factories import WorkerFactory


def add_scheme(competition):
    theory = Stage.objects.create(
        competition=competition, code="theory", name="理论", weight=Decimal(30), order=1
    )
    practical = Stage.objects.create(
        competition=competition, code="practical", name="实操", weight=Decimal(70), order=2
    )
    for order, (stage, code, name, top, kind) in enumerate(
        [
            (theory, "exam", "理论考试", "30", Criterion.Kind.MEASUREMENT),
            (practical, "accuracy", "尺寸精度", "40", Criterion.Kind.JUDGEMENT),
            (practical, "safety", "安全文明生产", "30", Criterion.Kind.JUDGEMENT),
        ],
        start=1,
    ):
        Criterion.objects.create(
            competition=competition,
            stage=stage,
            code=code,
            name=name,
            max_mark=Decimal(top),
            kind=kind,
            aggregation=Criterion.Aggregation.TRIMMED
            if kind == Criterion.Kind.JUDGEMENT
            else Criterion.Aggregation.MEAN,
            spread_limit=Decimal(5) if kind == Criterion.Kind.JUDGEMENT else None,
            order=order,
        )


def add_entry(competition, enterprise, number, worker_name):
    entry = Entry.objects.create(
        competition=competition, enterprise=enterprise, status=Entry.Status.APPROVED, number=number
    )
    worker = WorkerFactory(employer=enterprise, name=worker_name)
    EntryMember.objects.create(entry=entry, competition=competition, worker=worker)
    return entry
