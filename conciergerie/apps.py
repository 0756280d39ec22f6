import gc

from django.apps import AppConfig

# Python's cyclic garbage collector runs a young collection every 700 new container objects and
# a full one every 100 of those, walking every live object — the ~300 000 of Django, the apps and
# their compiled templates included. A page that reads a few thousand rows (a roll-up of 204
# projects builds ~20 000 small objects) paid ~90 ms of collections out of ~580 ms. Once every
# app is loaded, the objects alive then (modules, classes, URL patterns) are frozen out of the
# collector's reach, and young collections run every 5 000 objects: the same page takes ~480 ms
# (figures and method in docs/performance.md). A process that forks (gunicorn, Celery's
# prefork pool) also keeps those frozen objects' memory pages shared.
# Since the figures are kept (pilotage.memo), a roll-up page reads them back: some 400 000 small
# objects unpickled and built, a full collection nearly every page at (5 000, 10, 10), its
# slowest pages 400–520 ms against a median of ~310 ms. Young collections every 50 000 objects,
# a full one every 20 million: on the same page, median ~276 ms and slowest 328 ms
# (15 views each, the figures of every project kept: docs/performance.md).
SEUILS_GC = (50_000, 20, 20)


class ConciergerieConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "conciergerie"
    verbose_name = "Conciergerie (projets et adhésions)"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .limites_session import fin_a_la_fermeture, noter_connexion

        user_logged_in.connect(noter_connexion, dispatch_uid="conciergerie.noter_connexion")
        user_logged_in.connect(fin_a_la_fermeture, dispatch_uid="conciergerie.fin_a_la_fermeture")
        # accent- and case-insensitive search (conciergerie/recherche.py): the SQL function of
        # SQLite connections
        from django.db.backends.signals import connection_created

        from . import double_facteur  # noqa: F401  (its user_logged_in receiver)
        from .recherche import enregistrer_sqlite

        connection_created.connect(enregistrer_sqlite, dispatch_uid="conciergerie.recherche_sqlite")
        # each project's revision, moved by every write to its data (the key of its kept figures)
        from django.db.models.signals import post_migrate

        from .revisions import apres_migration, branchez_les_signaux

        branchez_les_signaux()
        post_migrate.connect(apres_migration, sender=self, dispatch_uid="conciergerie.revisions.apres_migration")

        gc.freeze()
        gc.set_threshold(*SEUILS_GC)
