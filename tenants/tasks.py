"""The sites' periodic Celery tasks (beat: settings.CELERY_BEAT_SCHEDULE), thin over plain
functions a test calls without a broker."""

from celery import shared_task

from tenants.closed_site_data import remove_expired
from tenants.custom_domains import recheck_pending
from tenants.site_states import suspend_overdue


@shared_task
def suspend_overdue_sites() -> list[int]:
    """Past-due sites whose grace period ended become suspended (tenants.site_states)."""
    return suspend_overdue()


@shared_task
def remove_closed_site_data() -> list[int]:
    """Closed sites past their "remove data after" date lose their own rows."""
    return remove_expired()


@shared_task(soft_time_limit=600)
def recheck_pending_domains() -> int:
    """Custom domains waiting for their DNS record or file are checked again."""
    return recheck_pending()
