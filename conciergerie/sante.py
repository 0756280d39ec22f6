"""Readiness: can this instance serve requests now? (``/sante/pret/``)

``/sante/`` is the liveness check: it answers as long as the process does, and touches nothing.
``/sante/pret/`` runs the checks below; each gives "ok" or a short French reason. The reasons
name what failed, never a host, a password or a path (the page is public); the full error goes
to the log.

- ``base de données``: the database answers ``SELECT 1``;
- ``redis``: Redis answers a PING within ``DELAI_REDIS`` seconds (only when ``REDIS_URL`` is set:
  the embedded mode has no Redis);
- ``migrations``: no migration of the code is left unapplied (the plan ``migrate`` would run is
  empty). Not checked when the database does not answer.
"""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

logger = logging.getLogger(__name__)

DELAI_REDIS = 2  # seconds, to connect and to answer
OK = "ok"


def verifier_base() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("Contrôle de disponibilité : la base de données ne répond pas", exc_info=True)
        return "ne répond pas"
    return OK


def verifier_redis() -> str:
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=DELAI_REDIS, socket_timeout=DELAI_REDIS)
    try:
        client.ping()
    except (redis.RedisError, OSError):
        logger.warning("Contrôle de disponibilité : Redis ne répond pas", exc_info=True)
        return "ne répond pas"
    finally:
        client.close()
    return OK


def verifier_migrations() -> str:
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        logger.warning("Contrôle de disponibilité : état des migrations illisible", exc_info=True)
        return "état illisible"
    if plan:
        logger.warning(
            "Contrôle de disponibilité : migrations non appliquées : %s",
            ", ".join(f"{m.app_label}.{m.name}" for m, _arriere in plan),
        )
        return f"{len(plan)} non appliquée(s)"
    return OK


def verifier() -> dict[str, str]:
    """Each check's name and result, in order."""
    resultats = {"base de données": verifier_base()}
    if settings.REDIS_URL:
        resultats["redis"] = verifier_redis()
    if resultats["base de données"] == OK:
        resultats["migrations"] = verifier_migrations()
    else:
        resultats["migrations"] = "non vérifiées (base de données injoignable)"
    return resultats
