"""The Simplified Chinese catalogue is complete and its compiled .mo is current."""

import pathlib

import polib

import jingsai

PO = pathlib.Path(jingsai.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _translation(entry) -> str:
    return entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr


def test_every_message_is_translated():
    po = polib.pofile(str(PO))
    assert [e.msgid for e in po if not _translation(e) or "fuzzy" in e.flags] == []


def test_compiled_catalogue_matches_source():
    po = {(e.msgctxt, e.msgid): _translation(e) for e in polib.pofile(str(PO)) if _translation(e)}
    mo = polib.mofile(str(PO.with_suffix(".mo")))
    assert {(e.msgctxt, e.msgid): _translation(e) for e in mo if e.msgid} == po


def test_django_strings_missing_from_its_catalogue_are_translated_by_ours():
    from django.db.models.fields import BLANK_CHOICE_LABEL
    from django.utils import translation

    with translation.override("zh-hans"):
        assert str(BLANK_CHOICE_LABEL) == "- 请选择 -"
