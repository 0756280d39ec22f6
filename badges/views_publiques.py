"""The public pages of the badges app (no login, ``@login_not_required``):

- a badge's verification page, at an unguessable address (``Badge.slug``): the stored credential
  verified (signature, status), shown with only what the learner agreed to publish, and a form to
  paste a credential and verify it;
- the same form alone (``/badges/verifier/``);
- the issuer's profile (its verification method: the public key), its JWKS, its status list
  (signed), and a badge class's image — the addresses that the credentials name.

Nothing here reads a learner but through a badge's slug, nor writes anything.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from . import credential, images
from .forms import VerifierForm
from .models import Badge, BadgeClasse, CleProjet, Publication


def _verifier_colle(request):
    form = VerifierForm(request.POST or None)
    resultat = credential.verifier_jwt(form.cleaned_data["jeton"]) if request.method == "POST" and form.is_valid() else None
    return form, resultat


def titulaire_publie(badge: Badge) -> str:
    """What the public page names of the learner: nothing, the first name, or the full name."""
    if badge.publication == Publication.PRENOM:
        return badge.apprenant.prenom
    if badge.publication == Publication.NOM_COMPLET:
        return f"{badge.apprenant.prenom} {badge.apprenant.nom}"
    return ""


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def badge_public(request, slug):
    badge = get_object_or_404(Badge.objects.select_related("classe", "apprenant", "projet").exclude(jwt=""), slug=slug)
    form, resultat_colle = _verifier_colle(request)
    verification = credential.verifier_jwt(badge.jwt)
    contexte = {
        "badge": badge,
        "classe": badge.classe,
        "verification": verification,
        "titulaire": titulaire_publie(badge),
        "form": form,
        "resultat_colle": resultat_colle,
        "competences": badge.classe.requises.select_related("competence"),
    }
    return render(request, "badges/badge_public.html", contexte)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def badge_verifier(request):
    form, resultat = _verifier_colle(request)
    return render(request, "badges/badge_verifier.html", {"form": form, "resultat_colle": resultat})


def _cle(identifiant) -> CleProjet:
    return get_object_or_404(CleProjet.objects.select_related("projet"), identifiant=identifiant)


@login_not_required
@require_GET
@cache_control(public=True, max_age=3600)
def emetteur_profil(request, identifiant):
    return JsonResponse(credential.document_emetteur(_cle(identifiant)), json_dumps_params={"ensure_ascii": False})


@login_not_required
@require_GET
@cache_control(public=True, max_age=3600)
def emetteur_jwks(request, identifiant):
    return JsonResponse(credential.jwks(_cle(identifiant)))


@login_not_required
@require_GET
@cache_control(public=True, max_age=300)
def emetteur_statut(request, identifiant):
    """The project's revocation list, a signed ``BitstringStatusListCredential`` (JWT), valid a day."""
    return HttpResponse(credential.liste_statut_signee(_cle(identifiant)), content_type="application/vc+jwt")


@login_not_required
@require_GET
@cache_control(public=True, max_age=3600)
def badgeclasse_image_publique(request, identifiant):
    classe = get_object_or_404(BadgeClasse, identifiant=identifiant)
    contenu, type_ = images.image(classe)
    reponse = HttpResponse(contenu, content_type=type_)
    if type_ == "image/svg+xml":
        # opened on its own, an SVG is a document: nothing in it may run
        reponse["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return reponse
