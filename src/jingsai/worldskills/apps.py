from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorldskillsConfig(AppConfig):
    name = "jingsai.worldskills"
    verbose_name = _("WorldSkills marking schemes")
