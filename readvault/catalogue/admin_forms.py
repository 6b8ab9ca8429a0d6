"""The forms of the library admin (readvault.catalogue.admin): a series' chapter list with
editable order and numbers, one chapter, and the pages of the merge, renumber and cover
actions. Each bad value is a form error, never a database error."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from readvault.catalogue.chapter_order import HIGHEST_NUMBER
from readvault.models import Chapter, Page, Series
from readvault.models.library import format_number


def number_field() -> forms.DecimalField:
    """A chapter number as the model holds it (9 digits, 3 decimals), never below 0."""
    return forms.DecimalField(max_digits=9, decimal_places=3, min_value=0, required=False)


class SeriesForm(forms.ModelForm):
    web_url = forms.URLField(max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = Series
        # Not the cover: it is chosen on its own page, among the series' first pages.
        fields = [
            "title",
            "sort_title",
            "slug",
            "alternative_titles",
            "status",
            "summary",
            "run_status",
            "reading_direction",
            "language",
            "publisher",
            "year",
            "age_rating",
            "genres",
            "tags",
            "anilist_id",
            "web_url",
            "is_skeleton",
        ]

    def clean_alternative_titles(self) -> list[str]:
        names = self.cleaned_data.get("alternative_titles") or []
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ValidationError(
                'A JSON list of names, e.g. ["進撃の巨人", "Shingeki no Kyojin"].'
            )
        return [n.strip() for n in names if n.strip()]


class ChapterRowForm(forms.ModelForm):
    """One row of a series' chapter list: its place in the reading order and its number.

    The number's uniqueness is checked by the list as a whole (ChapterRowFormSet), against the
    numbers every chapter will have after saving, so two chapters may swap numbers."""

    number = number_field()

    class Meta:
        model = Chapter
        fields = ["position", "number", "title"]

    def _get_validation_exclusions(self) -> set[str]:
        # ModelForm's one hook for which fields model validation looks at (private, so
        # django-stubs leave it out).
        return super()._get_validation_exclusions() | {"number"}  # type: ignore[misc]


class ChapterRowFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors) or self.instance.pk is None:
            return
        state = {
            pk: (number, volume_id)
            for pk, number, volume_id in Chapter.objects.filter(series=self.instance).values_list(
                "pk", "number", "volume_id"
            )
        }
        for form in self.forms:
            if form.instance.pk in state and "number" in form.cleaned_data:
                state[form.instance.pk] = (form.cleaned_data["number"], state[form.instance.pk][1])
        check_numbers_unique(state.values())

    def changed_numbers(self) -> dict[int, Decimal | None]:
        return {
            form.instance.pk: form.cleaned_data["number"]
            for form in self.forms
            if form.instance.pk is not None and "number" in form.changed_data
        }


def check_numbers_unique(chapters) -> None:
    """`chapters`: (number, volume id) of every chapter of one series as it would be."""
    numbers = Counter(number for number, _ in chapters if number is not None)
    twice = sorted(n for n, count in numbers.items() if count > 1)
    if twice:
        named = ", ".join(format_number(n) for n in twice)
        raise ValidationError(
            f"Chapter {named} would be in this series more than once: each number is one "
            "chapter. Nothing was saved."
        )
    volumes = Counter(volume for number, volume in chapters if number is None and volume)
    if any(count > 1 for count in volumes.values()):
        raise ValidationError(
            "Two chapters without a number would be the same whole volume: give one a number."
        )


class ChapterForm(forms.ModelForm):
    number = number_field()

    class Meta:
        model = Chapter
        fields = [
            "volume",
            "number",
            "title",
            "position",
            "release_date",
            "reading_direction",
        ]

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        others = Chapter.objects.filter(series=self.instance.series_id).exclude(pk=self.instance.pk)
        number, volume = cleaned.get("number"), cleaned.get("volume")
        if number is not None and others.filter(number=number).exists():
            self.add_error("number", f"Chapter {format_number(number)} is already in this series.")
        if (
            number is None
            and volume is not None
            and others.filter(number__isnull=True, volume=volume).exists()
        ):
            self.add_error("number", f"Volume {volume.number} already has a whole-volume file.")
        return cleaned

    def _get_validation_exclusions(self) -> set[str]:
        # The series is not a field of this form (a chapter stays in its series), so model
        # validation would skip the number and whole-volume constraints that name it.
        return super()._get_validation_exclusions() - {"series"}  # type: ignore[misc]


class MergeForm(forms.Form):
    keep = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        label="Keep",
        help_text="The other one is merged into it and deleted.",
    )

    def __init__(self, pair: list[Series], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [(s.pk, str(s)) for s in pair]  # type: ignore[attr-defined]


class RenumberForm(forms.Form):
    start = forms.IntegerField(
        min_value=0,
        max_value=int(HIGHEST_NUMBER),
        initial=1,
        label="First number",
        help_text="The first chapter in reading order gets it, the next one more, and so on.",
    )


class CoverForm(forms.Form):
    page = forms.ChoiceField(required=False, widget=forms.RadioSelect)

    def __init__(self, candidates: list[Page], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pages = {str(page.pk): page for page in candidates}
        choices = [("", "The first page of the first chapter")]
        choices += [(pk, str(page)) for pk, page in self.pages.items()]
        self.fields["page"].choices = choices  # type: ignore[attr-defined]

    def chosen_page(self) -> Page | None:
        return self.pages.get(self.cleaned_data["page"])
