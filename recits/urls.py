"""URLs of the recits app, mounted under /p/<projet_id>/.

Three groups, each in its own module: writing (récits, activités, COPIL), the COPIL report
jobs, and the dashboards.
"""

from django.urls import include, path

urlpatterns = [
    path("", include("recits.urls_saisie")),
    path("", include("recits.urls_rapports")),
    path("", include("recits.urls_tableau")),
]
