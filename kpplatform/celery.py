"""Celery application: one broker, JSON only, tasks discovered in every app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpplatform.settings")

app = Celery("kpplatform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _ensure_filesystem_broker_folders() -> None:
    """kombu's filesystem transport needs its folders to exist."""
    from pathlib import Path

    from django.conf import settings

    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    if str(getattr(settings, "CELERY_BROKER_URL", "")).startswith("filesystem://"):
        for key in (
            "data_folder_in",
            "data_folder_out",
            "processed_folder",
            "control_folder",
        ):
            if options.get(key):
                Path(options[key]).mkdir(parents=True, exist_ok=True)


@app.on_after_configure.connect
def _prepare_broker(sender, **kwargs) -> None:
    _ensure_filesystem_broker_folders()


def warm_task_client() -> None:
    """Load what a web process's first task sent loads (core.warmup): the
    app finalized (its task registry: every shared task bound, 10-15 ms CPU
    of the first signed-in page, whose daily visit queues a task), the
    message and routing machinery, the result backend, the broker's transport
    (about 100 ms under `make run`, on the first signed-in home page). Nothing
    is connected or sent."""
    import importlib

    app.finalize(auto=True)
    app.amqp  # noqa: B018 (built on first access)
    app.backend  # noqa: B018
    app.connection_for_write().get_transport_cls()
    for name in (
        "celery.app.events",
        "celery.events",
        "celery.contrib.django.task",
        "kombu.mixins",
    ):
        importlib.import_module(name)
