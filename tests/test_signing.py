"""Media links: the token nginx's secure_link_md5 computes, checked the same way in Django."""

import base64
import hashlib
import time

import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from stored_media import signing
from stored_media.signing import LinkCheck
from tests import factories

uris = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=80).map(
    lambda s: "/media/1/" + s
)


def nginx_token(uri: str, expires: int, ip: str, secret: str) -> str:
    """What secure_link_md5 "$secure_link_expires$uri$sv_link_ip <secret>" compares against."""
    digest = hashlib.md5(f"{expires}{uri}{ip} {secret}".encode(), usedforsecurity=False).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def test_the_token_is_what_nginx_computes(settings):
    assert signing.token("/media/7/film.mp4", 1900000000) == nginx_token(
        "/media/7/film.mp4", 1900000000, "", settings.LINK_SECRET
    )
    assert signing.token("/media/7/film.mp4", 1900000000, "203.0.113.4") == nginx_token(
        "/media/7/film.mp4", 1900000000, "203.0.113.4", settings.LINK_SECRET
    )


@given(uri=uris, lifetime=st.integers(min_value=1, max_value=10**7))
def test_a_fresh_link_verifies(uri, lifetime):
    expires = int(time.time()) + lifetime
    md5 = signing.token(uri, expires)

    assert signing.verify(uri, md5, str(expires)) is LinkCheck.VALID


@given(uri=uris, other=uris)
def test_a_token_for_one_path_does_not_open_another(uri, other):
    expires = int(time.time()) + 60
    md5 = signing.token(uri, expires)

    if other != uri:
        assert signing.verify(other, md5, str(expires)) is LinkCheck.BAD


def test_an_old_link_has_expired():
    expires = int(time.time()) - 1

    assert signing.verify("/m", signing.token("/m", expires), str(expires)) is LinkCheck.EXPIRED


def test_a_bound_link_works_only_from_its_address():
    expires = int(time.time()) + 60
    md5 = signing.token("/m", expires, "198.51.100.1")

    assert signing.verify("/m", md5, str(expires), "198.51.100.1") is LinkCheck.VALID
    assert signing.verify("/m", md5, str(expires), "198.51.100.2") is LinkCheck.BAD
    assert signing.verify("/m", md5, str(expires)) is LinkCheck.BAD


@pytest.mark.parametrize(
    ("md5", "expires"), [(None, "1"), ("x", None), ("x", "-5"), ("x", "1e9"), ("x", "9" * 40)]
)
def test_malformed_arguments_are_bad_not_errors(md5, expires):
    assert signing.verify("/m", md5, expires) is LinkCheck.BAD


def test_a_signed_link_carries_token_and_expiry():
    path = signing.signed_link("/media/3/a b.mp4", lifetime=60)

    assert path.startswith("/media/3/a%20b.mp4?md5=")
    assert "&expires=" in path


def test_the_gateway_token_depends_on_the_secret(settings):
    first = signing.gateway_token()
    settings.LINK_SECRET = "another-secret-that-is-long-enough-to-use-here"

    assert signing.gateway_token() != first


@pytest.mark.django_db
def test_a_page_gets_a_ready_link_bound_when_the_site_asks(rf, alpha, tmp_path, settings):
    stored = factories.stored("Film.mp4")
    request = rf.get("/", REMOTE_ADDR="203.0.113.7")
    request.tenant = alpha
    template = Template("{% load media_links %}{% media_link obj %}")

    free = template.render(Context({"request": request, "obj": stored}))
    alpha.bind_media_links_to_ip = True
    bound = template.render(Context({"request": request, "obj": stored}))

    md5, expires = (part.split("=")[1] for part in free.split("?")[1].split("&amp;"))
    assert free.startswith(f"/media/{stored.pk}/Film.mp4?md5=")
    assert signing.verify(stored.media_uri, md5, expires) is LinkCheck.VALID
    md5, expires, flag = (part.split("=")[1] for part in bound.split("?")[1].split("&amp;"))
    assert signing.verify(stored.media_uri, md5, expires, "203.0.113.7") is LinkCheck.VALID
    assert flag == "1"  # `bound=1`: nginx's map $arg_bound adds the address to the check


@pytest.mark.parametrize(
    ("query", "bound"),
    [
        ("md5=x&expires=1&bound=1", True),
        ("BOUND=1&md5=x", True),  # nginx compares the name without case
        ("bound=&bound=1", False),  # nginx takes the first
        ("Bound=0&bound=1", False),
        ("bound=1&bound=0", True),
        ("bound=%31", False),  # nginx does not decode
        ("xbound=1", False),
        ("md5=x&expires=1", False),
        ("", False),
    ],
)
def test_the_binding_flag_is_read_as_nginx_reads_it(query, bound):
    assert signing.is_bound(query) is bound
