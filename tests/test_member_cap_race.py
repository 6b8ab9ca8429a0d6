"""The member cap holds when people join at the same instant: the membership is made under a
lock on the site's row (tenants.member_cap.hold_room), so of several invitations accepted at
once on a site one place short of its cap, exactly one gets in."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from tenants import inviting
from tenants.inviting import InvitationRefused
from tenants.member_cap import SiteFull, hold_room
from tenants.models import Membership, SitePlan
from tests.factories import make_member, make_site

pytestmark = pytest.mark.django_db(transaction=True)
JOINERS = 4


def test_only_one_of_several_joining_at_once_takes_the_last_place():
    site = make_site("Tight", "tight.test")
    site.plan = SitePlan.objects.create(name="Two members", max_members=2)
    site.save(update_fields=["plan"])
    make_member("first", site)
    # One invitation each: the rows a use locks are then all different, and only the site's
    # row is shared.
    invitations = [inviting.issue(site)[0] for _ in range(JOINERS)]
    users = [
        get_user_model().objects.create_user(f"joiner{n}", password="x") for n in range(JOINERS)
    ]
    start = threading.Barrier(JOINERS)
    outcomes: list[str] = []

    def join(user, invitation) -> None:
        start.wait()
        try:
            inviting.accept_existing(invitation, user)
            outcomes.append("in")
        except (SiteFull, InvitationRefused) as refused:
            outcomes.append(type(refused).__name__)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=join, args=pair) for pair in zip(users, invitations, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(outcomes) == ["SiteFull"] * (JOINERS - 1) + ["in"]
    assert Membership.objects.filter(tenant=site).count() == 2


def test_hold_room_refuses_to_run_outside_a_transaction():
    site = make_site("Loose", "loose.test")

    with pytest.raises(RuntimeError, match="inside the transaction"):
        hold_room(site)
