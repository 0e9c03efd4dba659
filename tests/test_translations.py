"""The Simplified Chinese catalogue is complete and its compiled .mo is current."""

import pathlib

import polib

import jingsai

PO = pathlib.Path(jingsai.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_message_is_translated():
    po = polib.pofile(str(PO))
    assert [e.msgid for e in po if not e.msgstr or "fuzzy" in e.flags] == []


def test_compiled_catalogue_matches_source():
    po = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(PO)) if e.msgstr}
    mo = {
        (e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(PO.with_suffix(".mo"))) if e.msgid
    }
    assert mo == po
