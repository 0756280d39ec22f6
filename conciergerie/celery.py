"""Celery application.

Without REDIS_URL the settings turn on eager mode: tasks run in process, which is the
embedded default (laptop, tests). With REDIS_URL a real worker and beat consume the queue.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conciergerie.settings")

app = Celery("conciergerie")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
