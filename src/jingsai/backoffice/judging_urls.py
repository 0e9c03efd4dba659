"""Back-office pages of a competition's judging set-up: scheme, panel, assignments,
blind codes. Included under ``competitions/<int:pk>/judging/``."""

urlpatterns: list = []
