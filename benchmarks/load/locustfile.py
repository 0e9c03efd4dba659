"""The load test's users (issue 9): judges marking on their phones and public readers.

Run by scripts/load.sh (``locust --headless``); the plan comes from prepare.py
(``LOAD_PLAN``), and what every judge submitted is written to ``LOAD_SUBMITTED``
when the test stops, for verify.py to compare with the database.

A judge works through the sheets of his competition as the phone page makes him:
he opens a sheet, types the marks one by one (each change saves a draft through
htmx, as the page's ``hx-trigger="change"`` does), asks to submit (the check
page), confirms (the sheet is locked), and goes back to his list. One confirmation
in twenty is tapped twice: the second must change nothing. A reader visits public
pages (catalogue, competitions, results, exhibition, certificate verification)
with a pause between pages.

Think times: 8–20 s per mark (the judge watches the task, then scores the aspect:
a sheet of ten marks in about two and a half minutes), 2–5 s on the check page;
5–15 s per public page. Everyone arrives within the first 30 s, and each judge is
found part-way through his first sheet (the marks before are already on the page), so
that sheets end at different times as in a competition under way, not all at once. Requests go as through the production reverse proxy: ``X-Forwarded-Proto:
https`` and the site's own Origin, with the session and CSRF cookies set by hand
(the cookies are Secure, and the test talks plain HTTP to 127.0.0.1).
"""

from __future__ import annotations

import json
import os
import random
import secrets
import threading
from decimal import Decimal
from pathlib import Path

import gevent
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text(encoding="utf-8"))
SUBMITTED_FILE = os.environ["LOAD_SUBMITTED"]
JUDGES = list(PLAN["judges"])
PUBLIC = PLAN["public_urls"]
_lock = threading.Lock()
_next_judge = 0
submitted: list[dict] = []  # one per sheet confirmed: judge, entry, marks
attempted: list[dict] = []  # one per confirmation sent (answered or cut off at the end)
double_taps = 0


def next_judge() -> dict:
    global _next_judge
    with _lock:
        judge = JUDGES[_next_judge % len(JUDGES)]
        _next_judge += 1
    return judge


def think(low: float, high: float) -> float:
    return random.uniform(low, high)


class Browser(FastHttpUser):
    abstract = True
    insecure = True

    def headers(self, *, session: str | None = None, csrf: str | None = None, **extra) -> dict:
        cookies = []
        if session:
            cookies.append(f"sessionid={session}")
        if csrf:
            cookies.append(f"csrftoken={csrf}")
        headers = {
            "X-Forwarded-Proto": "https",
            "Accept-Language": "zh-hans",
            "Origin": self.host.replace("http://", "https://"),
        }
        if cookies:
            headers["Cookie"] = "; ".join(cookies)
        return headers | extra


class Judge(Browser):
    fixed_count = int(os.environ.get("LOAD_JUDGES", "500"))
    wait_time = between(1, 3)

    def on_start(self):
        self.wait_a(0, 30)  # arrivals spread over the first half minute
        self.judge = next_judge()
        self.csrf = secrets.token_hex(16)  # 32 characters: a CSRF secret of the right form
        self.todo = list(self.judge["entries"])
        self.typed_before = random.randrange(len(self.judge["criteria"]))  # first sheet only

    def _post(self, url: str, data: dict, name: str, *, htmx: bool = False):
        headers = self.headers(session=self.judge["session"], csrf=self.csrf)
        if htmx:
            headers |= {"HX-Request": "true", "HX-Current-URL": url}
        return self.client.post(
            url,
            data=data | {"csrfmiddlewaretoken": self.csrf},
            headers=headers,
            name=name,
            allow_redirects=False,
            catch_response=True,
        )

    def _get(self, url: str, name: str):
        return self.client.get(
            url,
            headers=self.headers(session=self.judge["session"], csrf=self.csrf),
            name=name,
            allow_redirects=False,
            catch_response=True,
        )

    @task
    def mark_a_sheet(self):
        with self._get("/home/judging/", "judge: my sheets") as response:
            if response.status_code != 200:
                response.failure(f"list answered {response.status_code}")
                return
        if not self.todo:
            return
        entry = self.todo.pop(0)
        base = f"/home/judging/{self.judge['competition']}/entries/{entry}/"
        with self._get(base, "judge: open a sheet") as response:
            if response.status_code != 200:
                response.failure(f"sheet answered {response.status_code}")
                return
        marks: dict[str, str] = {}
        already, self.typed_before = self.typed_before, 0
        for position, (code, maximum) in enumerate(self.judge["criteria"]):
            value = Decimal(random.randint(maximum * 2, maximum * 4)) / 4  # quarter points
            marks[code] = f"{value.normalize():f}"
            if position < already:
                continue  # typed before the test started: sent with the next draft
            self.wait_a(8, 20)
            form = {f"mark-{c}": v for c, v in marks.items()}
            with self._post(base + "draft/", form, "judge: draft saved (htmx)", htmx=True) as r:
                if r.status_code != 200 or "sheet-saved-at" not in r.text:
                    r.failure(f"draft answered {r.status_code}: {(r.text or '')[:200]}")
                    return
        form = {f"mark-{c}": v for c, v in marks.items()}
        self.wait_a(2, 5)
        with self._post(base + "submit/", form, "judge: check before submitting") as r:
            if r.status_code != 200 or 'name="confirm"' not in r.text:
                r.failure(f"check answered {r.status_code}: {(r.text or '')[:200]}")
                return
        self.wait_a(2, 5)
        confirm = form | {"confirm": "1"}
        with _lock:
            attempted.append({"user": self.judge["user"], "entry": entry, "marks": marks})
        with self._post(base + "submit/", confirm, "judge: submit and lock") as r:
            if r.status_code != 302 or not r.headers.get("Location", "").endswith(base):
                r.failure(f"submit answered {r.status_code}")
                return
        with _lock:
            submitted.append({"user": self.judge["user"], "entry": entry, "marks": marks})
        if random.random() < 0.05:  # a double tap
            global double_taps
            with self._post(base + "submit/", confirm, "judge: submit tapped twice") as r:
                if r.status_code != 302:
                    r.failure(f"second tap answered {r.status_code}")
            with _lock:
                double_taps += 1
        with self._get(base, "judge: open a sheet") as response:
            if response.status_code != 200:
                response.failure(f"sheet answered {response.status_code}")

    def wait_a(self, low: float, high: float) -> None:
        self._sleep(think(low, high))

    def _sleep(self, seconds: float) -> None:
        gevent.sleep(seconds)


def page_kind(url: str) -> str:
    path = url.split("?")[0]
    parts = [p for p in path.split("/") if p]
    if not parts:
        return "home"
    if parts[0] == "competitions":
        return {1: "catalogue", 2: "competition"}.get(len(parts), "results")
    if parts[0] == "verify":
        return "certificate verified" if len(parts) > 1 else "verification form"
    return parts[0]


class Reader(Browser):
    fixed_count = int(os.environ.get("LOAD_READERS", "200"))
    wait_time = between(5, 15)

    def on_start(self):
        gevent.sleep(random.uniform(0, 30))

    @task
    def read_a_page(self):
        url = random.choice(PUBLIC)
        name = "public: " + page_kind(url)
        with self.client.get(
            url, headers=self.headers(), name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{url} answered {response.status_code}")


@events.test_stop.add_listener
def write_submitted(environment, **kwargs):
    with open(SUBMITTED_FILE, "w", encoding="utf-8") as out:
        json.dump(
            {"sheets": submitted, "attempted": attempted, "double_taps": double_taps},
            out,
            ensure_ascii=False,
        )
