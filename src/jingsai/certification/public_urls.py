"""The public verification of certificates (no login): ``/verify/`` and ``/verify/<number>/``."""

from django.urls import path

from jingsai.certification import public_views

app_name = "certification"

urlpatterns = [
    path("", public_views.lookup, name="verify_lookup"),
    path("<slug:number>/", public_views.verify, name="verify"),
]
