"""Django's admin, open to platform staff whose session passed the second factor only.

``AdminDoubleFacteurConfig`` replaces ``django.contrib.admin`` in INSTALLED_APPS so that
``admin.site`` — where every app registers its models — is an ``AdminSiteDoubleFacteur``.
The site's own check comes on top of ``DoubleFacteurMiddleware`` (which sends an unverified
staff member to the code page first): a session without a verified device is never staff here.
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig


class AdminSiteDoubleFacteur(AdminSite):
    def has_permission(self, request):
        return super().has_permission(request) and request.user.is_verified()


class AdminDoubleFacteurConfig(AdminConfig):
    default_site = "conciergerie.admin_site.AdminSiteDoubleFacteur"
