"""Factories for tests: valid ID numbers and credit codes, organisations, workers, users."""

import datetime as dt
import itertools

import factory
from stdnum.cn import uscc

from jingsai.common.pinyin import pinyin_initials
from jingsai.organisations.models import Organisation
from jingsai.people.models import Role, RoleGrant, User, Worker
from jingsai.people.validators import id_check_character

_serial = itertools.count(1)


def make_id_number(
    region: str = "310115", birth: dt.date = dt.date(1985, 6, 15), seq: int | None = None
) -> str:
    seq = next(_serial) % 1000 if seq is None else seq
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + id_check_character(body)


def make_credit_code(n: int | None = None) -> str:
    n = next(_serial) if n is None else n
    body = f"91310115{n:09d}"
    return body + uscc.calc_check_digit(body)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"上海测试企业{n}有限公司")
    name_initials = factory.LazyAttribute(lambda o: pinyin_initials(o.name))
    kind = Organisation.Kind.ENTERPRISE
    credit_code = factory.LazyFunction(make_credit_code)


class WorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Worker

    name = factory.Sequence(lambda n: f"王{'一二三四五六七八九十'[n % 10]}")
    name_initials = factory.LazyAttribute(lambda o: pinyin_initials(o.name))
    # born 1975–1999 whatever the session's count (an ever later birth date reached this
    # year after ~17,000 workers: a roster then refused the "known" worker's number)
    id_number = factory.LazyFunction(
        lambda: make_id_number(birth=dt.date(1975, 1, 1) + dt.timedelta(days=next(_serial) % 9000))
    )
    birth_date = factory.LazyAttribute(
        lambda o: dt.date(int(o.id_number[6:10]), int(o.id_number[10:12]), int(o.id_number[12:14]))
    )
    gender = factory.LazyAttribute(lambda o: "M" if int(o.id_number[16]) % 2 else "F")
    employer = factory.SubFactory(OrganisationFactory)
    zone = factory.LazyAttribute(lambda o: o.employer.zone)
    industry = factory.LazyAttribute(lambda o: o.employer.industry)
    trade = "电工"
    skill_level = 3
    phone = "13912345678"


def make_user(
    username: str, role: Role | None = None, organisation: Organisation | None = None
) -> User:
    user = User.objects.create_user(username=username, password="pw-for-tests-123")
    if role is not None:
        RoleGrant.objects.create(
            user=user, role=role, organisation=organisation or OrganisationFactory()
        )
    return user
