"""Reading what the dashboard pages show."""

import json
import re


def payload(response) -> dict:
    """The chart data the page hands to dashboard.js (its json_script block)."""
    found = re.search(
        r'<script id="dashboard-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert found, "no chart data on the page"
    return json.loads(found.group(1))


def headline_value(response, key: str) -> int:
    found = re.search(rf'id="headline-{key}".*?data-value="(\d+)"', response.content.decode(), re.S)
    assert found, key
    return int(found.group(1))


def section(data: dict, key: str = "participation") -> dict:
    return next(s for s in data["sections"] if s["key"] == key)


def chart(data: dict, key: str, section_key: str = "participation") -> dict:
    return next(c for c in section(data, section_key)["charts"] if c["key"] == key)


def bars(chart_data: dict, series: int = 0) -> dict:
    """{id from the drill key: value} of the non-zero bars of one series."""
    values = chart_data["series"][series]["values"]
    out = {}
    for key, value in zip(chart_data["drill"], values, strict=True):
        ident = key.rsplit(":", 1)[1]
        ident = int(ident) if ident.lstrip("-").isdigit() else ("" if ident == "none" else ident)
        if value:
            out[ident] = value
    return out
