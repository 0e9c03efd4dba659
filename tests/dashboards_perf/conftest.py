"""The generated programme of tests/dashboards_sections (entries, published results with
certificates and skill-level upgrades, courses with attendance), reused."""

from tests.dashboards.conftest import busy, english, programme  # noqa: F401 (fixtures)
from tests.dashboards_sections.conftest import sections_data  # noqa: F401 (fixture)
