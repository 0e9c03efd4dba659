from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SkillsConfig(AppConfig):
    name = "jingsai.skills"
    verbose_name = _("Skill levels")
