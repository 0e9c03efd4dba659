import pytest

from jingsai.catalogue.models import Industry, Zone
from jingsai.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "name": "上海丙航空有限公司",
        "kind": "enterprise",
        "credit_code": "91310115MA1H7GQX24",
        "industry": Industry.objects.get(code="civil-aviation").pk,
        "zone": Zone.objects.get(code="lingang").pk,
        "contact_phone": "021-58881234",
        "is_active": "on",
    }
    return data | overrides


def test_admin_creates_enterprise(client_for, world):
    response = client_for("admin").post("/office/organisations/new/", _form())
    assert response.status_code == 302
    org = Organisation.objects.get(credit_code="91310115MA1H7GQX24")
    assert org.name_initials == "shbhkyxgs"


def test_bad_credit_code_is_refused_and_input_kept(client_for, world):
    response = client_for("admin").post(
        "/office/organisations/new/", _form(credit_code="91310115MA1H7GQX25")
    )
    page = response.content.decode()
    assert "信用代码" in page and "校验" in page
    assert 'value="上海丙航空有限公司"' in page
    assert not Organisation.objects.filter(name="上海丙航空有限公司").exists()


def test_duplicate_credit_code_names_the_holder(client_for, world):
    response = client_for("admin").post(
        "/office/organisations/new/", _form(credit_code=world["theirs"].credit_code)
    )
    assert "上海乙医药有限公司" in response.content.decode()


def test_enterprise_needs_credit_code_industry_zone(client_for, world):
    response = client_for("admin").post(
        "/office/organisations/new/", _form(credit_code="", industry="", zone="")
    )
    assert response.content.decode().count('class="field field-error"') == 3


def test_officer_edits_own_enterprise_contacts_but_not_its_identity(client_for, world):
    ours = world["ours"]
    client = client_for("officer")
    response = client.post(
        f"/office/organisations/{ours.pk}/edit/",
        _form(
            name="上海乙医药有限公司",  # another enterprise's name
            kind="union",
            credit_code="91310115MA1H7GQX24",
            address="上海市浦东新区张江路 1 号",
            contact_name="钱工",
        ),
    )
    assert response.status_code == 302
    ours.refresh_from_db()
    assert (ours.name, ours.kind) == ("上海甲芯片有限公司", "enterprise")
    assert ours.credit_code != "91310115MA1H7GQX24"
    assert (ours.zone, ours.industry) == (None, None)
    assert (ours.address, ours.contact_name) == ("上海市浦东新区张江路 1 号", "钱工")


def test_enterprise_names_are_unique(client_for, world):
    response = client_for("admin").post(
        "/office/organisations/new/", _form(name="上海乙医药有限公司")
    )
    assert "id_name_errors" in response.content.decode()
    assert Organisation.objects.filter(name="上海乙医药有限公司").count() == 1


def test_search_by_initials_and_credit_code(client_for, world):
    client = client_for("admin")
    page = client.get("/office/organisations/?q=shjxp").content.decode()
    assert "上海甲芯片有限公司" in page and "上海乙医药有限公司" not in page
    page = client.get(f"/office/organisations/?q={world['theirs'].credit_code}").content.decode()
    assert "上海乙医药有限公司" in page and "上海甲芯片有限公司" not in page
