"""Back-office pages of marking and results: progress, paper sheets, mark imports,
results, public notice, publication, appeals. Included under
``competitions/<int:pk>/marking/``."""

urlpatterns: list = []
