"""URLs of the pilotage app mounted under /p/<projet_id>/ (the roll-up, which spans the user's
projects, is in ``urls_synthese``, mounted under /synthese/).

Three groups, each in its own module: the COPIL report jobs, the dashboard, and the Excel bilans
(whose jobs share the reports' mechanism).
"""

from django.urls import include, path

urlpatterns = [
    path("", include("pilotage.urls_rapports")),
    path("", include("pilotage.urls_tableau")),
    path("", include("pilotage.urls_bilans")),
    path("", include("pilotage.urls_emargement")),
    path("", include("pilotage.urls_afest")),
]
