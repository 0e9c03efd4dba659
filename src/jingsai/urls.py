"""Site map.

- ``/``             public pages: landing, sign-in, language (``jingsai.public``)
- ``/home/``        each role's home and own records (``jingsai.portal``)
- ``/office/``      union staff, co-organisers, enterprise officers: organisations,
                    workers, catalogue, audit trail (``jingsai.backoffice``)
- ``/verify/``      public verification of certificates (``jingsai.certification``)
- ``/api/v1/``      the open API, JSON (``jingsai.api``)
"""

from django.urls import include, path

from jingsai.api.api import urls as api_urls

urlpatterns = [
    path("", include("jingsai.public.urls")),
    path("home/", include("jingsai.portal.urls")),
    path("office/", include("jingsai.backoffice.urls")),
    path("verify/", include("jingsai.certification.public_urls")),
    path("api/v1/", api_urls()),
]
