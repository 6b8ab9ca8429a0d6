"""The console's "add a row" form: a kind, and the heading, genre or collection it needs."""

from __future__ import annotations

from django import forms

from curation.models import RowKind
from streaming.models import Collection, Genre


class AddRowForm(forms.Form):
    kind = forms.ChoiceField(choices=RowKind.choices)
    heading = forms.CharField(
        max_length=80, required=False, help_text="Needed for a hand-picked row; optional else."
    )
    genre = forms.ModelChoiceField(Genre.objects.order_by("name"), required=False)
    collection = forms.ModelChoiceField(Collection.objects.order_by("name"), required=False)

    def clean(self) -> dict:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == RowKind.PICKED and not data.get("heading", "").strip():
            self.add_error("heading", "A hand-picked row needs a heading.")
        if kind == RowKind.GENRE and data.get("genre") is None:
            self.add_error("genre", "Choose the genre this row shows.")
        if kind == RowKind.COLLECTION and data.get("collection") is None:
            self.add_error("collection", "Choose the collection this row shows.")
        return data
