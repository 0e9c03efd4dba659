import pytest

from jingsai.competitions.models import Competition
from jingsai.judging.domain import panel
from jingsai.people.models import Role
from tests.factories import make_user
from tests.portal.marking import add_entry, add_scheme


@pytest.fixture
def marking(world, make_competition):
    """A competition being judged: the demo ``judge`` is chief judge and marks E1–E3;
    ``judge2`` marks E2 and E4; a second competition he does not sit on."""
    competition = make_competition(status=Competition.Status.JUDGING, title="数控车工技能竞赛")
    add_scheme(competition)
    ours, theirs = world["ours"], world["theirs"]
    entries = [
        add_entry(competition, ours, "C-0001", "赵一甲"),
        add_entry(competition, theirs, "C-0002", "钱二乙"),
        add_entry(competition, ours, "C-0003", "孙三丙"),
        add_entry(competition, theirs, "C-0004", "李四丁"),
    ]
    judge_user = world["users"]["judge"]
    judge2_user = make_user("judge2", Role.JUDGE, world["union"])
    chief = panel.add_judge(
        actor=None,
        competition=competition,
        code="J01",
        name="裁判甲",
        user=judge_user,
        is_chief=True,
    )
    second = panel.add_judge(
        actor=None, competition=competition, code="J02", name="裁判乙", user=judge2_user
    )
    panel.assign_many(actor=None, judges=[chief], entries=entries[:3])
    panel.assign_many(actor=None, judges=[second], entries=[entries[1], entries[3]])

    other = make_competition(status=Competition.Status.JUDGING, title="焊工技能竞赛")
    add_scheme(other)
    elsewhere = add_entry(other, theirs, "W-0001", "周五戊")
    stranger = panel.add_judge(actor=None, competition=other, code="J01", name="裁判丙")
    panel.assign_many(actor=None, judges=[stranger], entries=[elsewhere])
    return {
        "competition": competition,
        "entries": entries,
        "chief": chief,
        "second": second,
        "judge2": judge2_user,
        "other": other,
        "elsewhere": elsewhere,
    }
