"""The operator's stored settings in the admin: one form, secrets never rendered back."""

from __future__ import annotations

import ipaddress
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from shadowvault import stored_settings
from shadowvault.models import StoredSettings
from tenants.access import is_operator
from tenants.models import hostname_validator


def check_allowed_host(entry: str) -> str:
    """One INGEST_ALLOWED_HOSTS entry as the SSRF guard reads it, or a message saying why not."""
    if "://" in entry:
        raise forms.ValidationError(f"{entry}: a host, address or network, not a URL.")
    try:
        return str(ipaddress.ip_network(entry.strip("[]"), strict=True))
    except ValueError as error:
        if "/" in entry:
            raise forms.ValidationError(f"{entry}: {error}.") from None
    name = entry.lower().rstrip(".")
    if ":" in name:
        raise forms.ValidationError(
            f"{entry}: no ports here; a listed host is allowed on every port."
        )
    try:
        hostname_validator(name.removeprefix("."))
    except forms.ValidationError:
        raise forms.ValidationError(f"{entry}: not a host name, address or network.") from None
    return name


class StoredSettingsForm(forms.ModelForm):
    tmdb_api_key = forms.CharField(
        label="TMDB API key",
        required=False,
        strip=True,
        # Never rendered back: the page (and its cache, and a screen share) shows no key.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=StoredSettings._meta.get_field("tmdb_api_key").help_text
        + " Left empty, the stored key is kept.",
    )
    forget_tmdb_api_key = forms.BooleanField(
        label="Remove the stored TMDB key (use the environment's)", required=False
    )

    class Meta:
        model = StoredSettings
        fields = ["tmdb_api_key", "forget_tmdb_api_key", "ingest_allowed_hosts"]

    def clean_tmdb_api_key(self) -> str:
        entered = self.cleaned_data["tmdb_api_key"]
        return entered or self.instance.tmdb_api_key  # empty keeps the old value

    def clean_ingest_allowed_hosts(self) -> str:
        entries = stored_settings.split_entries(self.cleaned_data["ingest_allowed_hosts"])
        errors, kept = [], []
        for entry in entries:
            try:
                kept.append(check_allowed_host(entry))
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return "\n".join(kept)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("forget_tmdb_api_key"):
            cleaned["tmdb_api_key"] = ""
            self.instance.tmdb_api_key = ""
        return cleaned


@admin.register(StoredSettings)
class StoredSettingsAdmin(admin.ModelAdmin):
    """Operators only: these settings act for every site. One row, edited in place."""

    form = StoredSettingsForm
    readonly_fields = ["tmdb_key_state", "updated_at"]
    fields = [
        "tmdb_key_state",
        "tmdb_api_key",
        "forget_tmdb_api_key",
        "ingest_allowed_hosts",
        "updated_at",
    ]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_operator(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_operator(request)

    has_change_permission = has_view_permission

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the one row is made on first visit

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context=None):
        if not self.has_view_permission(request):
            return super().changelist_view(request, extra_context)  # Django's refusal
        row = StoredSettings.load()
        return HttpResponseRedirect(
            reverse("admin:shadowvault_storedsettings_change", args=[row.pk])
        )

    def save_model(self, request: HttpRequest, obj: StoredSettings, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        transaction.on_commit(stored_settings.forget)

    @admin.display(description="TMDB key in use")
    def tmdb_key_state(self, obj: StoredSettings) -> str:
        if obj.tmdb_api_key:
            return "the stored key (set here)"
        if settings.TMDB_API_KEY:
            return "TMDB_API_KEY from the environment"
        return "none: titles stay as their file names say until a key is set"
