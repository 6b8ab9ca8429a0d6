"""The campaign form and its placements, shared by the operator's admin and the site owner's
console: the same checks, each with a sentence beside its field.

What the model cannot say alone is checked here: a creative has what it needs (a hosted video
a file or a URL, a VAST campaign a tag URL the SSRF guard's syntax accepts, a house banner an
image and a link, a banner tag its URL), a mid-roll has one point, a placement fits the
creative (breaks for a video, slots for a banner), and the flight ends after it starts.
"""

from __future__ import annotations

import ipaddress
from typing import Any, cast
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.db import models
from django.forms import BaseInlineFormSet, inlineformset_factory

from ads.choosing import KINDS
from ads.models import Campaign, Placement
from ingest_core.errors import SourceRefused
from ingest_core.ssrf import DEFAULT_PORTS, non_public_reason, normalise_host
from ingest_core.submission import checked_urls
from streaming.models import Genre
from tenants.models import Tenant, ViewerPlan

MAX_AGE_RATINGS = 20


def check_tag_url(url: str) -> str:
    """A tag URL as the SSRF guard's syntax takes it (ingest_core.ssrf.check_url, without
    resolving the name: that happens, again, at each fetch): http or https, a host, no user
    name, no spaces or control characters, a valid port, and no literal private address."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise forms.ValidationError("Not a valid URL (its host or port cannot be read).") from None
    if parts.scheme.lower() not in DEFAULT_PORTS:
        raise forms.ValidationError("Give an http or https URL.")
    if any(ch.isspace() or ord(ch) < 32 or ch == "\\" for ch in url):
        raise forms.ValidationError("The URL has spaces, control characters or a backslash.")
    if "@" in parts.netloc:
        raise forms.ValidationError("No user name or password in the URL.")
    if port is not None and not 1 <= port <= 65535:
        raise forms.ValidationError("The port must be within 1-65535.")
    try:
        host = normalise_host(parts.hostname or "", url)
    except SourceRefused:
        raise forms.ValidationError("The URL has no valid host name.") from None
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return url  # a name: resolved and checked at each fetch
    if (reason := non_public_reason(address)) is not None:
        raise forms.ValidationError(f"{address} is {reason}: ads are fetched from the internet.")
    return url


def _form_field(field, **kwargs):
    """The model's form field; its URLs read "example.com/x" as https (Django 6's default)."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class CampaignForm(forms.ModelForm):
    """`site`: the console's site (the campaign is its own; viewer plans are its own). None
    in the operator's admin, where the campaign's site is a field."""

    video_file = forms.FileField(
        required=False,
        label="Video file",
        help_text="The ad's video, made playable by the ingest pipeline like any video; a new "
        "one replaces the campaign's.",
    )
    video_url = forms.URLField(
        required=False,
        max_length=2000,
        assume_scheme="https",
        label="Or the video's URL",
        help_text="A direct link to the video file, fetched by the ingest pipeline.",
    )
    kinds = forms.MultipleChoiceField(
        choices=[(kind, kind.capitalize()) for kind in KINDS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: any kind.",
    )
    age_ratings = forms.CharField(
        required=False,
        max_length=400,
        help_text='Content ratings as titles spell them, separated by commas ("PG-13, R"); '
        "empty: any.",
    )

    class Meta:
        model = Campaign
        formfield_callback = _form_field
        fields = [
            "name", "creative", "active", "video_file", "video_url", "click_url", "skip_after",
            "vast_tag_url", "banner_image", "banner_link", "banner_tag_url", "kinds", "genres",
            "age_ratings", "viewer_plans", "starts_at", "ends_at", "weight", "cap_per_hour",
            "cap_per_day", "cap_per_title", "daily_budget",
        ]  # fmt: skip
        labels = {
            "click_url": "Click-through URL",
            "skip_after": "Skippable after (seconds)",
            "vast_tag_url": "VAST tag URL",
            "banner_tag_url": "Banner tag URL",
            "cap_per_hour": "At most, per viewer an hour",
            "cap_per_day": "At most, per viewer a day",
            "cap_per_title": "At most, per viewer and title a day",
            "daily_budget": "Daily budget (impressions)",
        }
        widgets = {
            "genres": forms.CheckboxSelectMultiple,
            "viewer_plans": forms.CheckboxSelectMultiple,
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }

    def __init__(self, *args: Any, site: Tenant | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.site = site
        self.fields["genres"].queryset = Genre.objects.order_by("name")  # type: ignore[attr-defined]
        plans = cast(forms.ModelMultipleChoiceField, self.fields["viewer_plans"])
        if site is not None:
            plans.queryset = ViewerPlan.objects.for_tenant(site).order_by("price", "name")
        else:
            plans.queryset = ViewerPlan.objects.select_related("tenant").order_by("tenant", "name")
        plans.help_text = "None ticked: viewers on any plan (who see ads)."
        if not self.is_bound:  # the list as the text the field edits
            self.initial["age_ratings"] = ", ".join(self.instance.age_ratings or [])

    def clean_age_ratings(self) -> list[str]:
        raw = self.cleaned_data.get("age_ratings") or ""
        ratings = list(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
        if len(ratings) > MAX_AGE_RATINGS or any(len(r) > 16 for r in ratings):
            raise forms.ValidationError(
                f"At most {MAX_AGE_RATINGS} ratings, each of at most 16 characters."
            )
        return ratings

    def clean_video_url(self) -> str:
        url = (self.cleaned_data.get("video_url") or "").strip()
        if url:
            try:
                checked_urls([url])
            except SourceRefused as refused:
                raise forms.ValidationError(str(refused)) from None
        return url

    def clean_video_file(self):
        upload = self.cleaned_data.get("video_file")
        if upload is not None and upload.size > settings.INGEST_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is larger than the {settings.INGEST_MAX_BYTES:,} byte cap."
            )
        return upload

    def clean_vast_tag_url(self) -> str:
        url = self.cleaned_data.get("vast_tag_url") or ""
        return check_tag_url(url) if url else url

    def clean_banner_tag_url(self) -> str:
        url = self.cleaned_data.get("banner_tag_url") or ""
        return check_tag_url(url) if url else url

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        creative = cleaned.get("creative")
        needs = {
            Campaign.Creative.HOSTED_VIDEO: self._check_hosted,
            Campaign.Creative.VAST_TAG: self._check_vast,
            Campaign.Creative.HOUSE_BANNER: self._check_house_banner,
            Campaign.Creative.BANNER_TAG: self._check_banner_tag,
        }
        if creative in needs:
            needs[creative](cleaned)
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The campaign must end after it starts.")
        self._check_plans(cleaned)
        return cleaned

    # The form's parts as the console shows them, each under its legend.
    GROUPS = (
        ("The campaign", ("name", "creative", "active")),
        ("Hosted video", ("video_file", "video_url", "click_url", "skip_after")),
        ("Ad network's VAST tag", ("vast_tag_url",)),
        ("Banner", ("banner_image", "banner_link", "banner_tag_url")),
        ("Who sees it", ("kinds", "genres", "age_ratings", "viewer_plans")),
        ("When and how often", ("starts_at", "ends_at", "weight", "cap_per_hour", "cap_per_day",
                                "cap_per_title", "daily_budget")),
    )  # fmt: skip

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.GROUPS]

    @property
    def new_video(self) -> bool:
        """A file or URL was given: the campaign's video is to be made (ads.creatives)."""
        return bool(self.cleaned_data.get("video_file") or self.cleaned_data.get("video_url"))

    def _check_hosted(self, cleaned: dict) -> None:
        if cleaned.get("video_file") and cleaned.get("video_url"):
            self.add_error("video_url", "Give a file or a URL, not both.")
        already = self.instance.creative_job_id or self.instance.video_id
        if not self.new_video and not already:
            self.add_error("video_file", "A hosted video campaign needs a video file or its URL.")

    def _check_vast(self, cleaned: dict) -> None:
        if not cleaned.get("vast_tag_url") and "vast_tag_url" not in self.errors:
            self.add_error("vast_tag_url", "A VAST campaign needs the ad network's tag URL.")

    def _check_house_banner(self, cleaned: dict) -> None:
        if not cleaned.get("banner_image"):
            self.add_error("banner_image", "A house banner needs an image.")
        if not cleaned.get("banner_link"):
            self.add_error("banner_link", "A house banner needs the link its image opens.")

    def _check_banner_tag(self, cleaned: dict) -> None:
        if not cleaned.get("banner_tag_url") and "banner_tag_url" not in self.errors:
            self.add_error("banner_tag_url", "A banner tag campaign needs the tag's URL.")

    def _check_plans(self, cleaned: dict) -> None:
        """In the admin, a campaign of one site targets that site's plans only (an
        operator-wide one may name any site's)."""
        tenant = cleaned.get("tenant") if self.site is None else self.site
        plans = cleaned.get("viewer_plans") or []
        if tenant is not None and any(plan.tenant_id != tenant.pk for plan in plans):
            self.add_error("viewer_plans", "Choose viewer plans of the campaign's own site.")


class AdminCampaignForm(CampaignForm):
    """The operator's: the site is a field (empty: every site)."""

    class Meta(CampaignForm.Meta):
        fields = ["tenant", *CampaignForm.Meta.fields]
        labels = {**CampaignForm.Meta.labels, "tenant": "Site"}
        # The admin's own split date and time widgets for the flight dates.
        widgets = {"genres": forms.CheckboxSelectMultiple}


class PlacementForm(forms.ModelForm):
    class Meta:
        model = Placement
        fields = ["where", "at_seconds", "at_percent"]
        labels = {"at_seconds": "At (seconds)", "at_percent": "Or at (% of the video)"}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        seconds, percent = cleaned.get("at_seconds"), cleaned.get("at_percent")
        if cleaned.get("where") == Placement.Where.MID_ROLL:
            if seconds is None and percent is None:
                self.add_error("at_seconds", "A mid-roll needs a point: seconds or a percentage.")
            elif seconds is not None and percent is not None:
                self.add_error("at_percent", "Give seconds or a percentage, not both.")
        elif cleaned.get("where"):
            # Only a mid-roll has a point; any other keeps none.
            cleaned["at_seconds"] = cleaned["at_percent"] = None
            self.instance.at_seconds = self.instance.at_percent = None
        return cleaned


class BasePlacementFormSet(BaseInlineFormSet):
    """The placements of one campaign: each fits its creative (breaks for a video, banner
    slots for a banner), and the same place is not given twice."""

    def clean(self) -> None:
        super().clean()
        creative = self.instance.creative
        seen = set()
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and form.cleaned_data.get("DELETE"):
                continue
            where = form.cleaned_data.get("where")
            if where is None:
                continue
            video = creative in Campaign.VIDEO_CREATIVES
            if video and where in Placement.SLOTS:
                form.add_error("where", "A video campaign runs in breaks, not in banner slots.")
            elif creative and not video and where in Placement.BREAKS:
                form.add_error("where", "A banner campaign runs in banner slots, not in breaks.")
            data = form.cleaned_data
            point = (where, data.get("at_seconds"), data.get("at_percent"))
            if point in seen:
                form.add_error("where", "This placement is given twice.")
            seen.add(point)


PlacementFormSet = inlineformset_factory(
    Campaign,
    Placement,
    form=PlacementForm,
    formset=BasePlacementFormSet,
    extra=2,
    max_num=20,
    validate_max=True,
    can_delete=True,
)
