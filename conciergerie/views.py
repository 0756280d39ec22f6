from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe
from django.views.generic import TemplateView

from . import sante as controles
from .mixins import ProjetMixin
from .scoping import adhesions_of


@require_GET
def accueil(request):
    """Root: the last project used in this session, else the user's first membership (a user of
    several consortia switches from the header or from "Mes projets"); no membership: the
    projects page, which says so."""
    adhesions = adhesions_of(request.user)
    ids = [a.projet_id for a in adhesions]
    last = request.session.get("projet_id")
    if last in ids:
        return redirect("projet_accueil", projet_id=last)
    if adhesions:
        premiere = min(adhesions, key=lambda a: (a.cree_le, a.pk))
        return redirect("projet_accueil", projet_id=premiere.projet_id)
    return mes_projets(request)


@require_GET
def mes_projets(request):
    """Every project of the user, with its role (and the sections of the apps on the right: the
    roll-up's link when it spans several)."""
    return render(request, "conciergerie/projet_choix.html", {"adhesions": adhesions_of(request.user)})


@require_GET
def changer_projet(request):
    """Header switch (works without JavaScript): GET ?projet=ID."""
    try:
        projet_id = int(request.GET.get("projet", ""))
    except ValueError:
        return redirect("accueil")
    return redirect("projet_accueil", projet_id=projet_id)


@login_not_required
@require_GET
def protection_donnees(request):
    """The privacy notice (« Protection des données »): public, linked from every page's footer,
    printable for learners; the controller and the contact come from the settings."""
    return render(
        request,
        "conciergerie/protection_donnees.html",
        {"responsable": settings.RGPD_RESPONSABLE, "contact": settings.RGPD_CONTACT},
    )


@login_not_required
@require_GET
def accessibilite(request):
    """The accessibility statement (« Déclaration d'accessibilité », RGAA 4.1): public, linked
    from every page's footer; the contact comes from the settings (ACCESSIBILITE_CONTACT)."""
    return render(
        request,
        "conciergerie/accessibilite.html",
        {"responsable": settings.RGPD_RESPONSABLE, "contact": settings.ACCESSIBILITE_CONTACT},
    )


@login_not_required
@require_GET
def sante(request):
    """Liveness: the process answers (no database, no Redis). For a restart decision; whether the
    instance can serve is ``sante_pret``."""
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
@require_safe
@never_cache
def sante_pret(request):
    """Readiness, for docker-compose's health check and the load balancer: 200 when the database
    (and Redis, when used) answer and every migration is applied, else 503; the body (JSON)
    gives each check's result (conciergerie/sante.py)."""
    resultats = controles.verifier()
    pret = all(r == controles.OK for r in resultats.values())
    return JsonResponse(
        {"pret": pret, "verifications": resultats},
        status=200 if pret else 503,
        json_dumps_params={"ensure_ascii": False},
    )


class ProjetAccueilView(ProjetMixin, TemplateView):
    capacite = "projet.voir"
    template_name = "conciergerie/projet_accueil.html"

    def get_context_data(self, **kwargs):
        from .home import taches_du_jour

        context = super().get_context_data(**kwargs)
        context.update(taches_du_jour(user=self.request.user, projet=self.projet, adhesion=self.adhesion))
        return context
