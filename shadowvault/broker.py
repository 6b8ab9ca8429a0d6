"""Helpers for the embedded broker (kombu's filesystem transport) and broker health."""

from pathlib import Path

from django.conf import settings


def ensure_broker_folders() -> None:
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get(key)
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
    results = settings.CELERY_RESULT_BACKEND
    if results.startswith("file://"):
        Path(results.removeprefix("file://")).mkdir(parents=True, exist_ok=True)
