"""Admin → Settings: the TMDB key and the ingest allow-list, set by an operator, no restart."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from ingest_core.errors import SourceRefused
from ingest_core.ssrf import check_url
from shadowvault import stored_settings
from shadowvault.models import StoredSettings
from streaming.metadata.base import MetadataError
from streaming.metadata.tmdb import TMDBProvider
from tests.support.tmdb_double import API_KEY

pytestmark = pytest.mark.django_db

PAGE = "/admin/shadowvault/storedsettings/1/change/"
PRIVATE_URL = "http://127.0.0.1:9/film.mp4"


@pytest.fixture
def operator(olivia, alpha) -> Client:
    client = Client(HTTP_HOST="a.test")
    client.force_login(olivia)
    return client


@pytest.fixture
def save_settings(operator, django_capture_on_commit_callbacks):
    def save(**fields) -> object:
        data = {"tmdb_api_key": "", "ingest_allowed_hosts": "", **fields}
        with django_capture_on_commit_callbacks(execute=True):
            return operator.post(PAGE, data)

    StoredSettings.load()
    return save


def test_the_settings_page_is_one_row_reached_from_the_admin(operator):
    index = operator.get("/admin/").content.decode()
    listing = operator.get("/admin/shadowvault/storedsettings/")

    assert "/admin/shadowvault/storedsettings/" in index
    assert listing.status_code == 302
    assert listing["Location"] == PAGE


def test_a_tmdb_key_set_in_the_admin_is_used_by_the_next_lookup(tmdb, settings, save_settings):
    settings.TMDB_API_KEY = ""
    with pytest.raises(MetadataError, match="not configured"):
        TMDBProvider.from_settings().search("The Matrix")

    assert save_settings(tmdb_api_key=API_KEY).status_code == 302

    found = TMDBProvider.from_settings().search("The Matrix", kind="film")
    assert "603" in [c.external_id for c in found]
    assert tmdb.requests[-1][1]["api_key"] == API_KEY


def test_the_stored_key_overrides_the_environments(tmdb, settings, save_settings):
    settings.TMDB_API_KEY = "an-old-key-from-the-environment"
    save_settings(tmdb_api_key=API_KEY)

    TMDBProvider.from_settings().search("The Matrix", kind="film")

    assert tmdb.requests[-1][1]["api_key"] == API_KEY


def test_the_key_is_never_rendered_back_and_an_empty_field_keeps_it(operator, save_settings):
    save_settings(tmdb_api_key="secret-tmdb-key-1234")

    page = operator.get(PAGE).content.decode()
    save_settings(tmdb_api_key="", ingest_allowed_hosts="nas.lan")

    assert "secret-tmdb-key-1234" not in page
    assert "the stored key" in page
    assert StoredSettings.load().tmdb_api_key == "secret-tmdb-key-1234"
    assert stored_settings.tmdb_api_key() == "secret-tmdb-key-1234"


def test_removing_the_stored_key_falls_back_to_the_environment(settings, save_settings):
    settings.TMDB_API_KEY = "from-the-environment"
    save_settings(tmdb_api_key="stored")

    save_settings(forget_tmdb_api_key="on")

    assert stored_settings.tmdb_api_key() == "from-the-environment"


def test_a_host_allowed_in_the_admin_lets_the_ssrf_guard_through(settings, save_settings):
    settings.INGEST_ALLOWED_HOSTS = []
    with pytest.raises(SourceRefused):
        check_url(PRIVATE_URL)

    save_settings(ingest_allowed_hosts="nas.lan\n127.0.0.0/8, .lan")

    assert check_url(PRIVATE_URL).address == "127.0.0.1"


def test_stored_hosts_replace_the_environments(settings, save_settings):
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
    assert check_url(PRIVATE_URL).address == "127.0.0.1"

    save_settings(ingest_allowed_hosts="192.168.1.0/24")

    with pytest.raises(SourceRefused):
        check_url(PRIVATE_URL)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("nas.lan:8080", "no ports here"),
        ("10.0.0.5/8", "host bits set"),
        ("http://nas.lan/", "not a URL"),
        ("nas_lan!", "not a host name"),
    ],
)
def test_an_entry_the_guard_would_never_match_is_a_form_error(save_settings, entry, message):
    answer = save_settings(ingest_allowed_hosts=entry)

    assert answer.status_code == 200
    assert message in answer.content.decode()
    assert StoredSettings.load().ingest_allowed_hosts == ""


def test_another_process_sees_a_change_within_the_ttl(settings, monkeypatch, save_settings):
    settings.TMDB_API_KEY = ""
    stored_settings.forget()
    assert stored_settings.tmdb_api_key() == ""  # remembered now
    StoredSettings.objects.filter(pk=1).update(tmdb_api_key="written-elsewhere")

    assert stored_settings.tmdb_api_key() == ""
    later = time.monotonic() + stored_settings.TTL + 1
    monkeypatch.setattr(stored_settings.time, "monotonic", lambda: later)
    assert stored_settings.tmdb_api_key() == "written-elsewhere"


def test_a_site_admin_can_neither_see_nor_change_them(alpha_admin, save_settings):
    save_settings(tmdb_api_key="secret-tmdb-key-1234")
    client = Client(HTTP_HOST="a.test")
    client.force_login(alpha_admin)

    index = client.get("/admin/").content.decode()
    page = client.get(PAGE)
    listing = client.get("/admin/shadowvault/storedsettings/")
    changed = client.post(PAGE, {"tmdb_api_key": "mine", "ingest_allowed_hosts": "10.0.0.0/8"})

    assert "storedsettings" not in index
    assert (page.status_code, listing.status_code, changed.status_code) == (403, 403, 403)
    assert StoredSettings.load().tmdb_api_key == "secret-tmdb-key-1234"
    assert StoredSettings.load().ingest_allowed_hosts == ""
