"""Reports and takedowns for the security sweep's world (tests/test_security_sweep.py): a
report and a takedown on each site, Beta's carrying the marker, and the counter-notice
tokens of both takedowns (Beta's must open nothing on Alpha)."""

from __future__ import annotations

from takedowns.counter_notice_links import token_for
from takedowns.models import CounterNotice, Decision, Report, TakedownAction


def takedown_rows(alpha, beta, alpha_target_id: int, beta_target_id: int, marker: str) -> dict:
    """The pool entries: the counter-notice route's tokens, Alpha's first."""
    tokens = []
    for site, target_id, text in (
        (alpha, alpha_target_id, "Alpha's report"),
        (beta, beta_target_id, f"{marker} report"),
    ):
        report = Report.objects.create(
            tenant=site,
            target_kind="title",
            target_id=target_id,
            target_label=text,
            reason="copyright",
            details=text,
            contact_email="claims@example.com",
            work=text,
            claimant=text,
            status="actioned",
        )
        # A record only: the sweep's titles stay as the world made them.
        takedown = TakedownAction.objects.create(
            tenant=site, report=report, decision=Decision.UNPUBLISH_HERE, why=text
        )
        CounterNotice.objects.create(
            tenant=site, takedown=takedown, statement=text, name=text, contact_email="u@x.test"
        )
        tokens.append(token_for(takedown.pk))
    return {"token@counter-notice": tokens}
