#!/usr/bin/env python
import os
import secrets
import sys

#: commands that read the models and the migrations only: they sign nothing, serve nothing and
#: keep nothing, so that without SECRET_KEY (and without DEBUG) they run with a random key of
#: their own instead of being refused by the settings, which fail closed for everything else
COMMANDES_SANS_SECRET = frozenset({"makemigrations", "showmigrations", "sqlmigrate"})


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conciergerie.settings")
    if len(sys.argv) > 1 and sys.argv[1] in COMMANDES_SANS_SECRET and not os.environ.get("SECRET_KEY"):
        os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 - loads the settings: their refusal, in French, rather than Django's later « Models aren't loaded yet »
    except ImproperlyConfigured as erreur:
        sys.exit(f"ImproperlyConfigured: {erreur}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
