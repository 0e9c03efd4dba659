"""Forms of the WorldSkills pages (upload of a CIS workbook, medal settings)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from jingsai.judging.domain import awards


class SchemeUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CIS marking scheme (.xlsx)"),
        help_text=_("The WorldSkills “Marking Scheme Import” workbook, as the CIS exports it."),
    )


class MedalsForm(forms.Form):
    gold = forms.IntegerField(label=_("gold medals (rank places)"), min_value=0, initial=1)
    silver = forms.IntegerField(label=_("silver medals (rank places)"), min_value=0, initial=1)
    bronze = forms.IntegerField(label=_("bronze medals (rank places)"), min_value=0, initial=1)
    excellence_at = forms.DecimalField(
        label=_("Medallion for Excellence from a total of"),
        required=False,
        min_value=Decimal(0),
        max_digits=9,
        decimal_places=4,
        help_text=_("Competitors without a medal reaching this total receive it; empty: none."),
    )


def medals_initial(awards_text: str) -> dict:
    """The form's values from the judging's awards when they are medals by rank places."""
    try:
        levels = awards.parse_awards(awards_text)
    except (ValueError, ArithmeticError):
        return {}
    places = [level.places for level in levels if level.places is not None]
    if not levels or any(level.places is None and level.at_least is None for level in levels):
        return {}
    places += [0] * (3 - len(places))
    least = [level.at_least for level in levels if level.at_least is not None]
    return {
        "gold": places[0],
        "silver": places[1],
        "bronze": places[2],
        "excellence_at": least[0] if least else None,
    }
