"""Django's own strings that its Simplified Chinese catalogue does not translate yet.

Listing them here puts them in our catalogue, which Django consults first.
"""

from django.utils.translation import gettext_noop

MISSING_IN_DJANGO = [
    gettext_noop("- Select an option -"),  # django.db.models.fields.BLANK_CHOICE_LABEL (6.0)
]
