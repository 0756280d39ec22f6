"""URLs of the recits app, mounted under /p/<projet_id>/.

Four groups, each in its own module: writing (récits, activités, COPIL), the COPIL report
jobs, the dashboards, and the Excel bilans (whose jobs share the reports' mechanism).
"""

from django.urls import include, path

urlpatterns = [
    path("", include("recits.urls_saisie")),
    path("", include("recits.urls_rapports")),
    path("", include("recits.urls_tableau")),
    path("", include("recits.urls_bilans")),
]
