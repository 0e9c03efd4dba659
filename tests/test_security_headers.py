"""Every response carries a Content-Security-Policy without inline scripts or styles, and
the templates hold no inline code that such a policy would block."""

import re
from pathlib import Path

import pytest
from django.test import Client

import jingsai

TEMPLATES = sorted(Path(jingsai.__file__).parent.rglob("templates/**/*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)


def policy_of(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()
    }


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/login/", "/competitions/", "/verify/"])
def test_public_pages_carry_the_policy_and_the_other_headers(url):
    response = Client().get(url)
    assert response.status_code == 200
    policy = policy_of(response)
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    header = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_signed_in_pages_carry_it_too(world):
    client = Client()
    client.force_login(world["users"]["leader"])
    response = client.get("/office/dashboard/")
    assert response.status_code == 200
    policy = policy_of(response)
    assert policy["script-src"] == "'self'"
    # its charts (ECharts) lay themselves out with style attributes: this page only
    assert policy["style-src"] == "'self' 'unsafe-inline'"
    assert policy_of(client.get("/office/workers/"))["style-src"] == "'self'"
    # the dashboard's data reaches its script as JSON, which is not executed
    assert '<script id="dashboard-data" type="application/json">' in response.content.decode()


def test_there_are_templates():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_no_inline_code_in_templates(template):
    text = template.read_text()
    scripts = [m.group(0) for m in INLINE_SCRIPT.finditer(text)]
    assert scripts == [], f"inline <script> in {template}"
    assert not HANDLER.search(text), f"inline event handler in {template}"
    assert not STYLE_ATTRIBUTE.search(text), f"style attribute in {template}"
    assert "<style" not in text.lower(), f"<style> element in {template}"
