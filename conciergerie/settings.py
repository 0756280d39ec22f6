"""Settings, read from environment variables only (see .env.example).

Fail closed: DEBUG is off unless DEBUG=1 is set, and then SECRET_KEY is mandatory and must be a
real one. The embedded default (`make run`, `make test`: DEBUG=1): an SQLite file under var/,
Celery eager, files under var/media. Real deployment: DATABASE_URL (PostgreSQL, psycopg 3),
REDIS_URL, SECRET_KEY, ALLOWED_HOSTS.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_duree(name: str, default: int, unite: int, libelle: str) -> int:
    """A positive whole number of minutes or hours from the environment, in seconds."""
    valeur = os.environ.get(name) or str(default)
    if not valeur.isdigit() or int(valeur) <= 0:
        raise ImproperlyConfigured(f"{name} doit être un nombre entier de {libelle} supérieur à 0 (reçu : {valeur!r}).")
    return int(valeur) * unite


DEBUG = env_bool("DEBUG", False)
# With DEBUG on, Django's technical error pages (the URL patterns tried, the 500 traceback) instead
# of the project's French ones, for every request; without it, one request asks with ?debug
# (conciergerie/pages_erreur.py). No effect with DEBUG off.
DEBUG_TECHNIQUE = DEBUG and env_bool("DEBUG_TECHNIQUE", False)

#: the placeholder of .env.example, refused like any key anyone can read (tests check it is the file's)
SECRET_KEY_EXEMPLE = "a-remplacer-par-une-cle-aleatoire-generee-voir-la-commande-ci-dessus"  # noqa: S105
COMMANDE_POUR_EN_GENERER = 'python -c "from django.core.management.utils import get_random_secret_key; print(get_random_secret_key())"'


def verifier_secret_key(cle: str) -> None:
    """Refuse, at startup, a key that anyone could guess: what ``check --deploy`` warns about
    (security.W009: under 50 characters, fewer than 5 different ones, Django's ``django-insecure-``
    prefix) and the placeholder of .env.example."""
    if cle == SECRET_KEY_EXEMPLE:
        raise ImproperlyConfigured(
            f"SECRET_KEY est encore celle d'exemple de .env.example : générez-en une avec {COMMANDE_POUR_EN_GENERER}"
        )
    if len(cle) < 50 or len(set(cle)) < 5 or cle.startswith("django-insecure-"):
        raise ImproperlyConfigured(
            "SECRET_KEY est trop faible : il faut 50 caractères au moins, variés, sans le préfixe « django-insecure- ». "
            f"Générez-en une avec {COMMANDE_POUR_EN_GENERER}"
        )


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if SECRET_KEY:
    verifier_secret_key(SECRET_KEY)
elif DEBUG:
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
else:
    raise ImproperlyConfigured(
        f"SECRET_KEY est obligatoire lorsque DEBUG est désactivé (DEBUG=1 pour développer, voir .env.example) : {COMMANDE_POUR_EN_GENERER}"
    )
# Rotating the key (docs/exploitation.md): the old keys, comma-separated, still validate the
# sessions and signed values (the messages' cookie) made with them until they are removed.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # django.contrib.admin, whose site asks for a second factor (conciergerie/admin_site.py)
    "conciergerie.admin_site.AdminDoubleFacteurConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_filters",
    "django_htmx",
    "import_export",
    "simple_history",
    "csp",
    "conciergerie",
    "partenaires",
    "parcours",
    "finances",
    "recits",
    "competences",
    "badges",
    "pilotage",
    "rgpd",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (below) and Permissions-Policy on every response; Cache-Control
    # "private, no-store" on every response to a logged-in user (conciergerie.middleware)
    "csp.middleware.CSPMiddleware",
    "conciergerie.middleware.EnTetesSecuriteMiddleware",
    # static files served by the app itself (gunicorn in docker-compose.yml has no web server in
    # front of it): compressed, cached, before the login check
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "conciergerie.middleware.LimiteTailleRequeteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the session passed the second factor (django-otp)
    "django_otp.middleware.OTPMiddleware",
    # the project's French 400/404/500 pages in DEBUG too, unless ?debug or DEBUG_TECHNIQUE=1
    # (conciergerie/pages_erreur.py)
    "conciergerie.pages_erreur.PagesErreurMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # who must pass the second factor opens nothing else until then (conciergerie/double_facteur.py)
    "conciergerie.middleware.DoubleFacteurMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # idle and absolute session limits (below), after the messages: the login page says why
    "conciergerie.limites_session.LimitesSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # last, as django-axes asks: turns a refused login (too many failures) into the lockout page
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "conciergerie.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "conciergerie.context_processors.projets",
            ],
        },
    },
]

WSGI_APPLICATION = "conciergerie.wsgi.application"

VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    # Connections are kept 60 s and checked before each request reuses one (CONN_HEALTH_CHECKS):
    # after a PostgreSQL restart, a stale connection is replaced instead of failing the request.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # No JIT compilation (PostgreSQL's `jit`, on by default): it triggers on any plan whose
        # cost estimate passes 100 000 and costs 0.2–0.8 s per query — the roll-up's learners
        # query ran in 20 ms and compiled for 220 ms (docs/performance.md). The dashboards'
        # aggregates never run long enough to repay it.
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "conciergerie.sqlite3",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }

# Backups (conciergerie/sauvegarde.py): the folder of pg_dump and pg_restore when they are not on
# the PATH (Debian: /usr/lib/postgresql/<version>/bin, found without it)
PG_BIN_DIR = os.environ.get("PG_BIN_DIR", "")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes first: it refuses a locked-out account or address before any password is checked
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "connexion"
LOGIN_REDIRECT_URL = "accueil"
LOGOUT_REDIRECT_URL = "connexion"

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
# No automatic grouping: with it, every integer a template prints — ids in HTML attributes,
# <option> values, htmx targets — becomes "1 794" past 999. Figures are grouped explicitly by
# the display filters (``euros``, ``nombre``) and the indicators' ``Effectif``.
USE_THOUSAND_SEPARATOR = False
# a filter left empty filters nothing (django-filter's default label is "---------")
FILTERS_EMPTY_CHOICE_LABEL = "Indifférent"

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
# whitenoise serves STATIC_ROOT (collectstatic, run when the image is built) and, where it was not
# run (gunicorn started by `make bench`), the apps' static folders
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Celery: eager in process unless REDIS_URL is given.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# Eager mode: the jobs (COPIL report, bilans, large imports) run after the response in a small
# thread pool of the web process (conciergerie/execution_locale.py), so the page returns at once
# and shows their progress; off, they run inside the request as Celery's eager mode does.
JOBS_EN_FOND = CELERY_TASK_ALWAYS_EAGER and env_bool("JOBS_EN_FOND", True)
JOBS_EN_FOND_FILS = int(os.environ.get("JOBS_EN_FOND_FILS", "2"))
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Memory, next to the tasks' time limits (pilotage/tasks.py, conciergerie/tasks.py): a pool process
# whose resident memory went above this (kilobytes) after a task is replaced by a fresh one before
# the next (prefork pool). It bounds the memory a worker keeps after a large import or bilan, not
# one task's peak: that one is bounded by the container's memory limit (the worker's `mem_limit`
# in docker-compose.yml), past which the kernel kills the process — its job is then re-queued by
# the sweeper (heartbeat) and fails in French after TENTATIVES_MAX runs (docs/exploitation.md).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = int(os.environ.get("CELERY_WORKER_MAX_MEMORY_PER_CHILD_KO", str(512 * 1024)))
# An unacknowledged message (acks_late: until its task ends) goes back to the queue after this many
# seconds if its worker vanished. Above the longest hard time limit (the bilan's 600 s): a message
# is never handed to a second worker while its first run may still be going (the runner also
# leaves alone a job whose heartbeat is fresh). A worker killed as a whole is noticed sooner by the
# jobs' sweeper (heartbeat older than a minute: pilotage.jobs.balayer). Connecting to the broker
# gives up after a few seconds: a request that sends a job then keeps it for the sweeper.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 900,
    "socket_connect_timeout": 3,
    "socket_timeout": 10,
    "max_retries": 1,
    "interval_start": 0,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    # every minute, the jobs' outbox and heartbeat sweeper (pilotage.jobs.balayer)
    "balayage-des-jobs": {"task": "pilotage.tasks.balayer_jobs", "schedule": 60.0},
    # each morning, the to-do digest of every coordinator (conciergerie.resume.envoyer_resumes)
    "resume-quotidien-des-coordinateurs": {
        "task": "conciergerie.tasks.envoyer_resumes_quotidiens",
        "schedule": crontab(hour=7, minute=0),
    },
    # each night, retention of personal data (rgpd.conservation: notices, anonymisation of
    # inactive learners, nominative files, history and access log purged); idempotent
    "conservation-des-donnees-personnelles": {
        "task": "rgpd.tasks.appliquer_conservation",
        "schedule": crontab(hour=3, minute=30),
    },
    # each night, housekeeping: expired sessions deleted, django-axes' records (failed and
    # successful logins: usernames, IP addresses) older than AXES_CONSERVATION_JOURS deleted
    # (conciergerie.menage.faire_le_menage); idempotent
    "menage-sessions-et-connexions": {
        "task": "conciergerie.tasks.faire_le_menage",
        "schedule": crontab(hour=4, minute=15),
    },
}

# Retention of what is not set per project (conciergerie.Projet.conservation_*): the history of
# changes (django-simple-history) and the access log (conciergerie.JournalAcces), in months.
RGPD_HISTORIQUE_MOIS = int(os.environ.get("RGPD_HISTORIQUE_MOIS", "24"))
RGPD_JOURNAL_MOIS = int(os.environ.get("RGPD_JOURNAL_MOIS", "12"))

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # the embedded mode: the process's memory, room for the figures of a few hundred projects
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 5_000}}}

# Each project's figures kept under its revision (pilotage.memo, conciergerie.revisions): never
# stale, the duration only bounds the memory of those no longer read.
CHIFFRES_EN_CACHE = os.environ.get("CHIFFRES_EN_CACHE", "1") != "0"
CHIFFRES_CACHE_SECONDES = int(os.environ.get("CHIFFRES_CACHE_SECONDES", str(24 * 3600)))
# ... computed again in the background after each write, for their readers (pilotage.precalcul)
PRECALCUL_CHIFFRES = os.environ.get("PRECALCUL_CHIFFRES", "1") != "0"
# ... and, meanwhile, a roll-up shows the figures it kept last, if its projects were read less
# than this many seconds ago (with their time; 0: a roll-up computes after every write)
SYNTHESE_RETARD_MAX = int(os.environ.get("SYNTHESE_RETARD_MAX", "120"))

# The privacy notice (/protection-des-donnees/, public, linked from every page's footer): the
# controller — the structure that carries the consortium (its name and address) — and where people
# write to exercise their rights (its data protection officer, or its contact).
RGPD_RESPONSABLE = os.environ.get("RGPD_RESPONSABLE", "").strip()
RGPD_CONTACT = os.environ.get("RGPD_CONTACT", "").strip()
# The accessibility statement (/accessibilite/, public, in every page's footer too): where people
# report an accessibility problem; the privacy contact when unset.
ACCESSIBILITE_CONTACT = os.environ.get("ACCESSIBILITE_CONTACT", "").strip() or RGPD_CONTACT

# Absolute links in e-mails (the daily digest): the address people open the app at.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "conciergerie@localhost")


def email_depuis_url(url: str) -> dict:
    """``EMAIL_URL`` → Django's EMAIL_* settings: ``smtp://user:password@host:587`` (STARTTLS with
    ``smtp+tls://`` or ``?tls=1``), ``smtps://…:465`` (implicit TLS), ``console://`` (printed),
    ``dummy://`` (dropped). The user and password are URL-encoded (``%40`` for ``@``)."""
    from urllib.parse import parse_qs, unquote, urlsplit

    morceaux = urlsplit(url)
    schema = morceaux.scheme.lower()
    if schema == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if schema == "dummy":
        return {"EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
    if schema not in {"smtp", "smtp+tls", "smtps", "smtp+ssl"}:
        raise ImproperlyConfigured(f"EMAIL_URL : schéma « {schema} » inconnu (smtp://, smtp+tls://, smtps://, console://).")
    options = {k: v[-1] for k, v in parse_qs(morceaux.query).items()}
    ssl = schema in {"smtps", "smtp+ssl"} or options.get("ssl", "").lower() in {"1", "true", "oui"}
    tls = schema == "smtp+tls" or options.get("tls", "").lower() in {"1", "true", "oui"}
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": morceaux.hostname or "localhost",
        "EMAIL_PORT": morceaux.port or (465 if ssl else 587 if tls else 25),
        "EMAIL_HOST_USER": unquote(morceaux.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(morceaux.password or ""),
        "EMAIL_USE_TLS": tls and not ssl,
        "EMAIL_USE_SSL": ssl,
    }


# E-mail (invitations, forgotten password, the morning digest): printed in the console in the
# embedded mode (DEBUG), sent by SMTP otherwise — from EMAIL_URL when set, else from the usual
# variables (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS,
# EMAIL_USE_SSL); docs/exploitation.md, « Courriels ».
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
if os.environ.get("EMAIL_URL", "").strip():
    globals().update(email_depuis_url(os.environ["EMAIL_URL"].strip()))
if os.environ.get("EMAIL_BACKEND"):
    EMAIL_BACKEND = os.environ["EMAIL_BACKEND"]
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS et EMAIL_USE_SSL s'excluent : choisissez l'un des deux.")
# an invitation link is valid 7 days (conciergerie.membres); a forgotten-password link 1 day
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(24 * 3600)))

# Security (check --deploy passes once DEBUG is off and HTTPS is in front).
# A session ends after this long without a request, and this long after login, whichever comes
# first (conciergerie.limites_session); the login page says so. The cookie and the session row
# live no longer than the absolute limit (each write of the activity time pushes them forward).
SESSION_INACTIVITE_MAX = env_duree("SESSION_INACTIVITE_MINUTES", 120, 60, "minutes")
SESSION_DUREE_MAX = env_duree("SESSION_DUREE_MAX_HEURES", 12, 3600, "heures")
SESSION_COOKIE_AGE = SESSION_DUREE_MAX
# A user whose only roles are financeur's: the session also ends when the browser closes (its
# cookie has no expiry date), set at login (conciergerie.limites_session.fin_a_la_fermeture).
SESSION_FINANCEUR_FERMETURE_NAVIGATEUR = env_bool("SESSION_FINANCEUR_FERMETURE_NAVIGATEUR", True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# the container's health check calls /sante/pret/ over plain HTTP from inside (docker-compose.yml)
SECURE_REDIRECT_EXEMPT = [r"^sante/$", r"^sante/pret/$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp 4): the app's own scripts and stylesheets only — no inline
# script, handler or style attribute, no eval (htmx is told not to use it: layout/base.html) —,
# nothing to embed it, no plugin, forms posted to the app only. The SVG charts use presentation
# attributes (fill, font-family), which style-src does not govern; the two templates with style
# attributes are not pages (the COPIL PDF, rendered by WeasyPrint, and the daily e-mail).
# tests/conciergerie/test_en_tetes.py scans the templates for what this policy would block.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
# Permissions-Policy: the browser features the app never uses, denied to it and to anything it
# would embed (conciergerie.middleware.EnTetesSecuriteMiddleware)
PERMISSIONS_POLICY_REFUSEES = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]

# Login throttling (django-axes, docs/architecture.md "Login and second factor"): after
# AXES_FAILURE_LIMIT failed logins for one username, or from one address, whatever the
# usernames tried, that account or address is refused — the right password included — on
# /connexion/ and /admin/login/ alike, until AXES_COOLOFF_MINUTES have passed since the last
# failure, or an administrator lifts it (admin "Access attempts", or `manage.py
# axes_reset_username <identifiant>` / `axes_reset_ip <adresse>`).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# a login during the lockout is refused but does not restart the delay: the page's "wait N
# minutes" stays true (an attacker who keeps trying gets no more guesses either way)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# a successful login does not wipe the failures: it would wipe the address's too, and any user
# with an account could then reset the count between guesses at someone else's password
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "conciergerie.views_compte.verrouille"
AXES_HTTP_RESPONSE_CODE = 429
# The records of django-axes (AccessAttempt: failures per username and address; AccessLog:
# successful logins; AccessFailureLog: each failure) hold usernames and IP addresses: personal
# data, deleted this many days after their last change by the nightly housekeeping
# (conciergerie.menage; docs/rgpd.md). A lock lasts AXES_COOLOFF_TIME: far shorter.
AXES_CONSERVATION_JOURS = int(os.environ.get("AXES_CONSERVATION_JOURS", "30"))


def adresse_client(mandataires: int) -> dict:
    """django-ipware's settings, through which django-axes reads the client's address.

    Without a proxy (``REVERSE_PROXY_COUNT=0``, the default) the address is the TCP peer's and
    X-Forwarded-For, which anyone can write, is never read. Behind N reverse proxies that each
    append the address they received the request from to X-Forwarded-For, the client is the
    N-th address from the header's right: what a client wrote further left is ignored
    (django-ipware counts the proxies listed in the header; the nearest one does not list
    itself, hence N - 1; not strict, so that a longer header is read from the right)."""
    if mandataires <= 0:
        return {"AXES_IPWARE_META_PRECEDENCE_ORDER": ("REMOTE_ADDR",), "AXES_IPWARE_PROXY_COUNT": None, "IPWARE_STRICT": True}
    return {
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ("HTTP_X_FORWARDED_FOR",),
        "AXES_IPWARE_PROXY_COUNT": mandataires - 1,
        "IPWARE_STRICT": False,
    }


REVERSE_PROXY_COUNT = int(os.environ.get("REVERSE_PROXY_COUNT", "0"))
_ipware = adresse_client(REVERSE_PROXY_COUNT)
AXES_IPWARE_META_PRECEDENCE_ORDER = _ipware["AXES_IPWARE_META_PRECEDENCE_ORDER"]
AXES_IPWARE_PROXY_COUNT = _ipware["AXES_IPWARE_PROXY_COUNT"]
IPWARE_STRICT = _ipware["IPWARE_STRICT"]

# Second factor (django-otp, TOTP): required for platform staff and project administrators,
# optional for everyone else (conciergerie/double_facteur.py).
OTP_TOTP_ISSUER = "Conciergerie"
# the admin's TOTP device pages never show a secret again (a lost phone: delete the device,
# its owner enrols a new one at the next login)
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Uploads
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# a body above this is refused before it is read (conciergerie.middleware): the largest form is a
# signed convention of 10 Mo plus its fields
TAILLE_MAX_REQUETE = 12 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO: keep its warnings (refused resources) only
    # django-axes logs every login at INFO: keep failures and lockouts (WARNING)
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
