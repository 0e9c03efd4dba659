from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabourConfig(AppConfig):
    name = "jingsai.labour"
    verbose_name = _("Labour competitions")
