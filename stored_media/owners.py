"""Who may serve a stored object: the core asks the apps that own objects.

The core knows nothing of films or chapters. Each app that attaches stored objects to its
own records registers, in its `AppConfig.ready()`, a rule that says which objects a site may
serve; an object no rule claims is served nowhere. A rule is a filter expression over
`StoredObject` (a `Q`, or `Exists(...)` with `OuterRef("pk")`), so the delivery view still
asks one query per request, whatever the number of owners.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q

ServableRule = Callable[[Any], Q]  # (an active site) -> filter over StoredObject

_rules: dict[str, ServableRule] = {}


def register_owner(app_label: str, rule: ServableRule) -> None:
    """Let `app_label`'s objects be served where `rule(site)` says. Registering the same app
    again replaces its rule (ready() may run more than once in tests)."""
    _rules[app_label] = rule


def registered_owners() -> tuple[str, ...]:
    return tuple(_rules)


def servable_rule(site) -> Q | None:
    """The objects `site` may serve, as one filter; None when no app claims any."""
    combined: Q | None = None
    for rule in _rules.values():
        expression = rule(site)
        combined = expression if combined is None else combined | expression
    return combined
