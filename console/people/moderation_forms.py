"""Moderation's forms: the comments filter, hiding or showing a comment, deciding a report."""

from __future__ import annotations

from typing import cast

from django import forms

from console.people.comment_moderation import SHOWS
from takedowns.models import Decision

MAX_SEARCH = 200


class CommentFilters(forms.Form):
    show = forms.ChoiceField(choices=list(SHOWS.items()), required=False)
    q = forms.CharField(label="Words or name", max_length=MAX_SEARCH, required=False)

    def values(self) -> dict[str, str]:
        """The valid filters; an invalid one is dropped (its error is shown)."""
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v}


class HideForm(forms.Form):
    action = forms.ChoiceField(choices=[("hide", "Hide"), ("show", "Show again")])
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the comment's record with your name.",
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField()
    why = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        label="Why",
        help_text="Recorded with the decision and sent to the reporter.",
    )

    def __init__(self, data, allowed: list[str]) -> None:
        super().__init__(data)
        choices = [(d, Decision(d).label) for d in allowed]
        cast(forms.ChoiceField, self.fields["decision"]).choices = choices
