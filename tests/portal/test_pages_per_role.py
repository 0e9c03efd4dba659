import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ADMIN_PAGES = ["/home/", "/office/organisations/", "/office/workers/", "/office/catalogue/"]
ROLE_PAGES = {
    "admin": [*ADMIN_PAGES, "/office/audit/", "/office/organisations/new/", "/office/workers/new/"],
    "leader": [*ADMIN_PAGES, "/office/audit/"],
    "officer": ["/home/", "/office/organisations/", "/office/workers/", "/office/workers/new/"],
    "coorganiser": ["/home/"],
    "judge": ["/home/"],
    "worker": ["/home/"],
    "nobody": ["/home/"],
}
HOME_HEADINGS = {
    "admin": "竞赛管理",
    "leader": "领导总览",
    "officer": "本企业",
    "coorganiser": "协办单位",
    "judge": "评判",
    "worker": "我的信息",
    "nobody": "尚无角色",
}


@pytest.mark.parametrize("role", list(ROLE_PAGES))
def test_pages_render_for_role(client_for, role):
    client = client_for(role)
    for url in ROLE_PAGES[role]:
        response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("role", list(HOME_HEADINGS))
def test_home_fits_the_role(client_for, role):
    assert HOME_HEADINGS[role] in client_for(role).get("/home/").content.decode()


def test_detail_pages_render(client_for, world):
    client = client_for("admin")
    assert client.get(f"/office/organisations/{world['ours'].pk}/").status_code == 200
    assert client.get(f"/office/workers/{world['our_worker'].pk}/").status_code == 200


def test_worker_home_shows_own_record_masked(client_for, world):
    page = client_for("worker").get("/home/").content.decode()
    assert "张三丰" in page and world["our_worker"].masked_id_number in page
    assert world["our_worker"].id_number not in page


def test_login_then_lands_on_home_in_chinese(world):
    client = Client()
    response = client.post(
        "/login/", {"username": "officer", "password": "pw-for-tests-123"}, follow=True
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/home/"
    assert '<html lang="zh-hans">' in page and "退出" in page


def test_english_switch(world):
    client = Client()
    client.force_login(world["users"]["admin"])
    client.post("/language/", {"language": "en", "next": "/home/"})
    page = client.get("/home/").content.decode()
    assert '<html lang="en">' in page and "Sign out" in page


def test_wrong_password_message_in_chinese(world):
    page = Client().post("/login/", {"username": "officer", "password": "nope"}).content.decode()
    assert "用户名" in page and "密码" in page


def test_landing_is_public(preset):
    assert Client().get("/").status_code == 200
