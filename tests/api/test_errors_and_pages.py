"""One error shape with stable codes; every list paginated with a capped page size."""

from django.utils import translation

from tests.factories import WorkerFactory


def test_not_found_has_the_error_shape(world, api_as):
    body = api_as("admin").get("/api/v1/workers/987654").json()
    assert body["code"] == "not_found" and body["message"] and body["detail"] is None


def test_forbidden_has_the_error_shape(world, api_as):
    response = api_as("worker").get("/api/v1/workers")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_validation_errors_say_where_in_chinese_by_default(world, api_as):
    response = api_as("admin").get("/api/v1/workers", {"page_size": "many"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    with translation.override("zh-hans"):
        chinese = translation.gettext("Enter a whole number.")
    assert chinese != "Enter a whole number."
    assert body["detail"] == [
        {"location": "query", "field": "page_size", "message": chinese, "row": None}
    ]


def test_validation_messages_follow_accept_language(world, api_as):
    response = api_as("admin").get("/api/v1/workers", {"page": 0}, **{"Accept-Language": "en"})
    with translation.override("en"):
        assert response.json()["detail"][0]["message"] == (
            "Ensure this value is greater than or equal to 1."
        )


def test_a_body_missing_a_field_names_it(world, api_as, make_competition):
    competition = make_competition()
    response = api_as("officer").post(
        f"/api/v1/competitions/{competition.pk}/entries/bulk", {"rows": [{"name": "王五"}]}
    )
    assert response.status_code == 422
    with translation.override("zh-hans"):
        chinese = translation.gettext("This field is required.")
    assert response.json()["detail"] == [
        {"location": "body", "field": "rows.0.id_number", "message": chinese, "row": None}
    ]


def test_page_size_is_capped(world, api_as):
    response = api_as("admin").get("/api/v1/workers", {"page_size": 101})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "page_size"


def test_pages_follow_one_another(world, api_as):
    for _ in range(3):
        WorkerFactory(employer=world["ours"])
    client = api_as("admin")
    first = client.get("/api/v1/workers", {"page_size": 2}).json()
    second = client.get("/api/v1/workers", {"page_size": 2, "page": 2}).json()
    third = client.get("/api/v1/workers", {"page_size": 2, "page": 3}).json()
    assert (first["count"], first["has_next"], len(first["items"])) == (5, True, 2)
    assert (second["page"], second["has_next"], len(second["items"])) == (2, True, 2)
    assert (third["has_next"], len(third["items"])) == (False, 1)
    ids = [w["id"] for page in (first, second, third) for w in page["items"]]
    assert len(set(ids)) == 5


def test_every_list_in_the_schema_is_paginated(anonymous_api):
    schema = anonymous_api.get("/api/v1/openapi.json").json()
    lists = 0
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if not get:
            continue
        ok = get["responses"]["200"]["content"]["application/json"]["schema"]
        ref = ok.get("$ref", "")
        if ref.split("/")[-1].startswith("Paged"):
            lists += 1
            names = {p["name"] for p in get["parameters"] if p["in"] == "query"}
            assert {"page", "page_size"} <= names, path
        else:  # one object: its path ends with an id, or it is the dashboard or a sheet
            assert path.endswith(("}", "/dashboard", "/sheet")), path
    assert lists == 17


def test_the_schema_is_served_and_valid(anonymous_api):
    import schemathesis

    response = anonymous_api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    assert schema["info"]["version"] == "v1"
    loaded = schemathesis.openapi.from_dict(schema)
    operations = [op.ok() for op in loaded.get_all_operations()]
    assert len(operations) == 29
    assert {"TokenAuth", "ActiveSessionAuth"} <= schema["components"]["securitySchemes"].keys()


def test_the_docs_page_loads_nothing_from_elsewhere(anonymous_api):
    response = anonymous_api.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "<script>" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]


def _queries(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_lists_cost_the_same_queries_for_one_or_three_items(world, api_as, make_competition):
    from jingsai.competitions.models import Entry, EntryMember

    competition = make_competition()
    client = api_as("admin")

    def add_entry():
        worker = WorkerFactory(employer=world["ours"])
        entry = Entry.objects.create(competition=competition, enterprise=world["ours"])
        EntryMember.objects.create(entry=entry, competition=competition, worker=worker)

    add_entry()
    client.get("/api/v1/catalogue/zones")  # the token's last use is written once a minute
    paths = ["/api/v1/workers", f"/api/v1/competitions/{competition.pk}/entries"]
    one = [_queries(client, path) for path in paths]
    add_entry()
    add_entry()
    three = [_queries(client, path) for path in paths]
    assert one == three
