"""A site's business state and which changes between states are allowed (docs/franchise.md,
"Site states"). Pure: tenants.site_states applies a change and records it.

    trial     -> active, past due, suspended, closed
    active    -> past due, suspended, closed
    past due  -> active (paid), suspended (by hand, or by the task when the grace period ends),
                 closed
    suspended -> active (reinstated), closed
    closed    -> active: only an operator's "reopen", and only while the site's data is kept

Nothing goes back to trial, and a change to the state a site is in is refused (it would
record a change that did not happen). In this slice only operators and the system (a
periodic task, `by=None`) change states; a site owner's console comes later.
"""

from __future__ import annotations

from django.db import models


class SiteState(models.TextChoices):
    TRIAL = "trial", "Trial"
    ACTIVE = "active", "Active"
    PAST_DUE = "past_due", "Past due"
    SUSPENDED = "suspended", "Suspended"
    CLOSED = "closed", "Closed"


ALLOWED: dict[str, frozenset[str]] = {
    SiteState.TRIAL: frozenset(
        {SiteState.ACTIVE, SiteState.PAST_DUE, SiteState.SUSPENDED, SiteState.CLOSED}
    ),
    SiteState.ACTIVE: frozenset({SiteState.PAST_DUE, SiteState.SUSPENDED, SiteState.CLOSED}),
    SiteState.PAST_DUE: frozenset({SiteState.ACTIVE, SiteState.SUSPENDED, SiteState.CLOSED}),
    SiteState.SUSPENDED: frozenset({SiteState.ACTIVE, SiteState.CLOSED}),
    SiteState.CLOSED: frozenset({SiteState.ACTIVE}),
}

# States in which the site's viewer routes answer the "unavailable" page instead.
UNAVAILABLE = frozenset({SiteState.SUSPENDED, SiteState.CLOSED})


class InvalidTransition(ValueError):
    """A state change the rules above do not allow; the message says why."""


def check_transition(
    current: str, new: str, *, by_operator: bool, by_system: bool, data_removed: bool
) -> None:
    """Raise InvalidTransition unless a site in `current` may move to `new` by this actor."""
    label = dict(SiteState.choices)
    if new not in label:
        raise InvalidTransition(f"“{new}” is not a site state.")
    if new == current:
        raise InvalidTransition(f"The site is already {label[new].lower()}.")
    if new not in ALLOWED.get(current, frozenset()):
        raise InvalidTransition(
            f"A {label.get(current, current).lower()} site cannot become {label[new].lower()}."
        )
    if not (by_operator or by_system):
        raise InvalidTransition("Only an operator changes a site's state.")
    if current == SiteState.CLOSED:
        if not by_operator:
            raise InvalidTransition("Only an operator reopens a closed site.")
        if data_removed:
            raise InvalidTransition("This site's data was removed; it cannot be reopened.")
