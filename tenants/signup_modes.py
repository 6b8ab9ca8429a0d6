"""How a site takes new members: anyone signs up, by invitation only, or nobody."""

from django.db import models


class SignupMode(models.TextChoices):
    OPEN = "open", "Open: anyone may sign up"
    INVITATION = "invitation", "Invitation only"
    CLOSED = "closed", "Closed: no new members"
