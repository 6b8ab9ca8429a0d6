"""stored_media/authorize_cache.py on entry files laid out as nginx writes them (a binary
header, then the key's line): which cached authorize answers an unpublish made wrong, and
that exactly those are deleted once the change is committed. The gateway itself is in
tests/test_gateway_authorize_cache.py."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.db import transaction

from readvault.catalogue.site_hiding import hide_on
from stored_media import authorize_cache
from stored_media.authorize_cache import parse_key, purge
from streaming.models import TitleHiding
from tests.factories import comic_chapter, comic_series, publish_film

pytestmark = pytest.mark.django_db


def cached(folder: Path, key: str) -> Path:
    """An entry where nginx puts it (levels=1:2): <last hex digit>/<two before>/<md5>."""
    name = hashlib.md5(key.encode(), usedforsecurity=False).hexdigest()
    path = folder / name[-1] / name[-3:-1] / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        b"\x05\x00\x00\x00" + b"\x00" * 400 + f"\nKEY: {key}\nHTTP/1.1 200 OK\r\n".encode()
    )
    return path


@pytest.mark.parametrize(
    ("key", "parsed"),
    [
        ("media a.test /media/12/film.mp4 0", ("media", "a.test", 12, False)),
        ("media a.test /media/12/film.mp4 1", ("media", "a.test", 12, True)),
        ("page b.test 7 0", ("page", "b.test", 7, False)),
        ("a.test/media/12/film.mp4?md5=x&expires=1", None),  # an older gateway's key
        ("media a.test /media/x/film.mp4 0", None),
        ("page b.test 7 2", None),
        ("page b.test ٣ 0", None),
    ],
)
def test_keys_read_back(key, parsed):
    assert parse_key(key) == parsed


def test_only_the_answers_an_unpublish_made_wrong_are_deleted(tmp_path, alpha, beta, settings):
    settings.GATEWAY_AUTHORIZE_CACHE = str(tmp_path)
    shown, hidden = publish_film(name="Shown").stored, publish_film(name="Hidden").stored
    TitleHiding.objects.create(tenant=alpha, title=hidden.media.title)
    series = comic_series()
    chapter = comic_chapter(series)
    keep = [
        cached(tmp_path, f"media a.test {shown.media_uri} 0"),
        cached(tmp_path, f"media b.test {hidden.media_uri} 0"),  # hidden on alpha only
        cached(tmp_path, f"page a.test {chapter.pk} 0"),
        cached(tmp_path, "a.test/media/1/old.mp4?md5=x&expires=1"),  # not ours to judge
    ]
    gone = [
        cached(tmp_path, f"media a.test {hidden.media_uri} 0"),
        cached(tmp_path, f"media a.test {hidden.media_uri} 1"),
        cached(tmp_path, f"media nowhere.test {shown.media_uri} 0"),  # no such site
        cached(tmp_path, f"page b.test {chapter.pk} 0"),
    ]
    hide_on(beta, [series.pk])  # ReadVault's checker judges pages

    deleted = purge()

    assert sorted(deleted) == sorted(gone)
    assert all(path.exists() for path in keep)


def test_a_site_binding_its_links_forgets_its_unbound_answers(tmp_path, alpha, settings):
    settings.GATEWAY_AUTHORIZE_CACHE = str(tmp_path)
    film = publish_film().stored
    unbound = cached(tmp_path, f"media a.test {film.media_uri} 0")
    bound = cached(tmp_path, f"media a.test {film.media_uri} 1")

    alpha.bind_media_links_to_ip = True
    alpha.save()  # the purge waits for the commit: run it as a commit would
    purge()

    assert (unbound.exists(), bound.exists()) == (False, True)


@pytest.mark.django_db(transaction=True)
def test_the_purge_waits_for_the_commit_and_runs_once(tmp_path, alpha, settings, monkeypatch):
    settings.GATEWAY_AUTHORIZE_CACHE = str(tmp_path)
    film = publish_film()
    calls = []
    monkeypatch.setattr(authorize_cache, "purge", lambda: calls.append(1) or [])

    with transaction.atomic():
        TitleHiding.objects.create(tenant=alpha, title=film.title)
        authorize_cache.served_less()
        assert calls == []  # the origin still reads the old rows until the commit

    assert calls == [1]

    with transaction.atomic():
        authorize_cache.served_less()
        transaction.set_rollback(True)

    assert calls == [1]  # nothing changed
    authorize_cache.served_less()  # outside a transaction: at once
    assert calls == [1, 1]


def test_no_folder_no_purge(settings):
    settings.GATEWAY_AUTHORIZE_CACHE = ""
    assert purge() == []
