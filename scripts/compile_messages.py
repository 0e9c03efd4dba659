"""Compile the translation catalogues (.po → .mo) without GNU gettext.

Run after editing ``src/jingsai/locale/*/LC_MESSAGES/django.po``; the test
suite fails while a catalogue has untranslated entries or a stale .mo file.
"""

import pathlib

import polib

root = pathlib.Path(__file__).resolve().parent.parent / "src" / "jingsai" / "locale"
for po_path in sorted(root.glob("*/LC_MESSAGES/django.po")):
    po = polib.pofile(str(po_path))
    for entry in po.obsolete_entries():
        po.remove(entry)
    po.save()
    po.save_as_mofile(str(po_path.with_suffix(".mo")))
    print(f"compiled {po_path.relative_to(root.parent.parent.parent)}")
