"""ID numbers and phones masked unless entitled; answers with personal data audited."""

from jingsai.common.models import AuditEntry


def test_lists_are_masked_even_for_programme_admins(world, api_as):
    items = api_as("admin").get("/api/v1/workers").json()["items"]
    worker = world["our_worker"]
    mine = next(i for i in items if i["id"] == worker.pk)
    assert mine["id_number"] == worker.id_number[:6] + "********" + worker.id_number[-4:]
    assert mine["phone"] == "139****5678"
    assert (mine["personal_data_masked"], mine["birth_date"]) == (True, None)
    assert mine["birth_year"] == worker.birth_date.year


def test_a_programme_admin_sees_one_workers_personal_data(world, api_as):
    worker = world["our_worker"]
    body = api_as("admin").get(f"/api/v1/workers/{worker.pk}").json()
    assert (body["id_number"], body["phone"], body["personal_data_masked"]) == (
        worker.id_number,
        "13912345678",
        False,
    )
    assert body["birth_date"] == worker.birth_date.isoformat()


def test_others_see_one_worker_masked(world, api_as):
    worker = world["our_worker"]
    for role in ("officer", "leader"):
        body = api_as(role).get(f"/api/v1/workers/{worker.pk}").json()
        assert body["id_number"] != worker.id_number and "*" in body["id_number"]
        assert (body["phone"], body["birth_date"]) == ("139****5678", None)


def test_answers_with_personal_data_are_audited_with_their_rows(world, api_as):
    api_as("admin").get("/api/v1/workers", {"zone": 1, "page_size": 10})
    api_as("admin").get("/api/v1/workers")
    api_as("admin").get(f"/api/v1/workers/{world['our_worker'].pk}")
    entries = list(AuditEntry.objects.filter(action="export:personal_data").order_by("id"))
    # the first call matched nothing: no personal data went out, nothing to record
    assert [(e.actor_label, e.after["rows"], e.after["path"]) for e in entries] == [
        ("admin", 2, "/api/v1/workers"),
        ("admin", 1, f"/api/v1/workers/{world['our_worker'].pk}"),
    ]
    assert entries[0].note == "workers' names, masked ID numbers and phones"
    assert entries[1].note == "a worker's ID number and phone, unmasked"
    assert world["our_worker"].id_number not in str([e.after for e in entries])


def test_entry_lists_mask_members_and_are_audited(world, api_as, judged):
    competition = judged["competition"]
    items = api_as("officer").get(f"/api/v1/competitions/{competition.pk}/entries").json()["items"]
    numbers = [m["id_number"] for item in items for m in item["members"]]
    assert len(numbers) == 2 and all("********" in n for n in numbers)
    entry = AuditEntry.objects.get(action="export:personal_data")
    assert (entry.actor_label, entry.after["rows"]) == ("officer", 2)
