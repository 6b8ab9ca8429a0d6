"""The Celery app. Tasks are thin: they load by id and call plain functions (see STYLE.md)."""

from celery import Celery

from shadowvault import config, task_logging
from shadowvault.broker import ensure_broker_folders

config.prepare_environment()

app = Celery("shadowvault")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["shadowvault"])


@app.on_after_configure.connect
def _make_broker_folders(**_kwargs) -> None:
    # kombu's filesystem transport fails on publish and on poll if its folders are missing;
    # this runs once, lazily, in every process that uses the app (web and worker alike).
    ensure_broker_folders()


# Log lines of tasks carry the request id of the request that queued them (docs/logs.md).
task_logging.connect(app)
