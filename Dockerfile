FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# postgresql-client: pg_dump and pg_restore for `sauvegarder` / `restaurer` (bookworm's are 15, as
# the db service of docker-compose.yml; pg_dump refuses a server newer than itself)
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core postgresql-client \
    && rm -rf /var/lib/apt/lists/*
# The processes run as an unprivileged user; the code, the packages and the collected static
# files belong to root and are read-only for it. It writes MEDIA_ROOT (/data/media, the `media`
# volume, which takes this folder's owner when docker creates it) and /tmp (beat's schedule).
RUN groupadd --system --gid 10001 conciergerie \
    && useradd --system --uid 10001 --gid conciergerie --create-home --home-dir /home/conciergerie \
        --shell /usr/sbin/nologin conciergerie \
    && mkdir -p /data/media && chown conciergerie:conciergerie /data/media
WORKDIR /app
COPY requirements.txt .
# every package pinned with its hashes (requirements.in compiled by `make lock`)
RUN pip install --no-cache-dir --require-hashes -r requirements.txt
COPY . .
RUN DEBUG=1 python manage.py collectstatic --noinput
USER conciergerie:conciergerie
EXPOSE 8000
CMD ["gunicorn", "conciergerie.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4"]
