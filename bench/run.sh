#!/usr/bin/env bash
# `make bench`: figures at the national programme's size, written to docs/performance.md.
#
# - PostgreSQL: DATABASE_URL if set; otherwise a cluster of our own in var/bench/pg, started on
#   a free port (55420–55429) and stopped at the end. Its data is kept between runs so that the
#   dataset (204 projects, 60 000 learners, seed 42) is generated once and reused while the seed
#   and size are the same (`generer_donnees` leaves a marker); BENCH_JETER=1 deletes it at the end.
# - Redis: REDIS_URL if set; otherwise redis-server on a free port (56420–56429) when installed,
#   so that the COPIL PDF is made by a real Celery worker (else in process, and the table says so).
# - Then migrate, and bench/bench.py (arguments passed through: --sans-charge, --charge-seule,
#   --explain, --projets N --apprenants N --graine N …).
set -euo pipefail
cd "$(dirname "$0")/.."
RACINE="$(pwd)"
PY="${PY:-$RACINE/.venv/bin/python}"
BENCH_DIR="${BENCH_DIR:-$RACINE/var/bench}"
mkdir -p "$BENCH_DIR"

# production-like settings: no DEBUG (no query log, no debug templates), plain HTTP on loopback
export DJANGO_SETTINGS_MODULE=conciergerie.settings DEBUG=0 SECRET_KEY="${SECRET_KEY:-$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')}"
export ALLOWED_HOSTS="127.0.0.1,localhost,testserver" SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 SECURE_HSTS_SECONDS=0
export MEDIA_ROOT="$BENCH_DIR/media" VAR_DIR="$BENCH_DIR" LOG_LEVEL="${LOG_LEVEL:-WARNING}"

port_libre() {  # first free TCP port on 127.0.0.1 in [$1, $2]
  python3 - "$1" "$2" <<'EOF'
import socket, sys
for port in range(int(sys.argv[1]), int(sys.argv[2]) + 1):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(port)
        sys.exit(0)
sys.exit("aucun port libre entre %s et %s" % (sys.argv[1], sys.argv[2]))
EOF
}
as_pg() { if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

PGDATA_DIR=""
REDIS_PID=""
arreter() {
  if [ -n "$REDIS_PID" ]; then kill "$REDIS_PID" 2>/dev/null || true; wait "$REDIS_PID" 2>/dev/null || true; fi
  if [ -n "$PGDATA_DIR" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR/data" -m fast stop >/dev/null 2>&1 || true
    if [ "${BENCH_JETER:-0}" = "1" ]; then rm -rf "$PGDATA_DIR"; fi
  fi
}
trap arreter EXIT

if [ -z "${DATABASE_URL:-}" ]; then
  PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  if [ -z "$PGBIN" ]; then
    echo "PostgreSQL introuvable (/usr/lib/postgresql/*/bin) : installez le paquet postgresql ou donnez DATABASE_URL." >&2
    exit 1
  fi
  PGDATA_DIR="$BENCH_DIR/pg"
  mkdir -p "$PGDATA_DIR"
  [ "$(id -u)" = "0" ] && chown postgres "$PGDATA_DIR"
  if [ ! -f "$PGDATA_DIR/data/PG_VERSION" ]; then
    as_pg "$PGBIN/initdb" -D "$PGDATA_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  PGPORT="$(port_libre 55420 55429)"
  # PostgreSQL's defaults (shared_buffers 128 MB, fsync on): a modest machine, nothing tuned
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR/data" -o "-p $PGPORT -k $PGDATA_DIR -c listen_addresses=127.0.0.1" -l "$PGDATA_DIR/log" -w start >/dev/null
  as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'conciergerie_bench'" | grep -q 1 ||
    as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres conciergerie_bench
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/conciergerie_bench" BENCH_BASE_JETABLE=1
  echo "PostgreSQL : cluster du banc (var/bench/pg) sur le port $PGPORT"
fi

if [ -z "${REDIS_URL:-}" ] && command -v redis-server >/dev/null 2>&1; then
  REDISPORT="$(port_libre 56420 56429)"
  redis-server --port "$REDISPORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >"$BENCH_DIR/redis.log" 2>&1 &
  REDIS_PID=$!
  export REDIS_URL="redis://127.0.0.1:$REDISPORT/0"
  echo "Redis : port $REDISPORT (worker Celery pour le PDF)"
fi

# no background run sent by migrate (it draws every revision again, and with a broker sends every
# project's run): the worker the bench starts later for the PDF would compute them during the measures
PRECALCUL_CHIFFRES=0 "$PY" manage.py migrate --noinput -v0
# as in production (the image's build): the static files collected, which whitenoise serves
"$PY" manage.py collectstatic --noinput -v0
"$PY" bench/bench.py "$@"
