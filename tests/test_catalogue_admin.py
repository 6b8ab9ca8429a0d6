"""The catalogue CMS belongs to operators; a site admin can only hide titles on their site."""

import pytest
from django.test import Client

from streaming.models import Collection, Title, TitleHiding
from tests.factories import film_file


def signed_in(user, host: str = "a.test") -> Client:
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


@pytest.fixture
def films(db):
    return [Title.objects.create(title=f"Film {n}", year=2000 + n) for n in range(3)]


def test_an_operator_lists_titles_with_a_constant_number_of_queries(
    alpha, olivia, films, django_assert_max_num_queries
):
    client = signed_in(olivia)
    client.get("/admin/streaming/title/")
    with django_assert_max_num_queries(15) as first:
        client.get("/admin/streaming/title/")
    for n in range(30):
        film_file(Title.objects.create(title=f"More {n}"))

    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get("/admin/streaming/title/")

    assert response.status_code == 200
    assert b"More 29" in response.content


def test_bulk_publish_and_unpublish(alpha, olivia, films):
    client = signed_in(olivia)
    ids = [str(f.pk) for f in films[:2]]

    client.post("/admin/streaming/title/", {"action": "publish", "_selected_action": ids})

    assert Title.objects.published().count() == 2
    client.post("/admin/streaming/title/", {"action": "unpublish", "_selected_action": ids})
    assert Title.objects.published().count() == 0


def test_titles_are_added_to_a_collection_in_bulk(alpha, olivia, films):
    collection = Collection.objects.create(name="Classics", slug="classics")

    signed_in(olivia).post(
        "/admin/streaming/title/",
        {
            "action": "add_to_collection",
            "_selected_action": [f.pk for f in films],
            "collection": collection.pk,
        },
    )

    assert list(collection.titles.order_by("collectionentry__order")) == films


def test_a_site_admin_cannot_edit_the_shared_catalogue(alpha, alpha_admin, films):
    client = signed_in(alpha_admin)

    assert client.get("/admin/streaming/title/").status_code == 403
    assert client.get(f"/admin/streaming/title/{films[0].pk}/change/").status_code == 403
    assert client.get("/admin/stored_media/storedobject/").status_code == 403


def test_a_site_admin_hides_a_title_on_their_own_site_only(alpha, beta, alpha_admin, films):
    films[0].status = Title.Status.PUBLISHED
    films[0].save(update_fields=["status"])

    response = signed_in(alpha_admin).post(
        "/admin/streaming/titlehiding/add/", {"title": films[0].pk}
    )

    assert response.status_code == 302
    assert TitleHiding.objects.get().tenant == alpha
    assert list(Title.objects.visible_on(alpha)) == []
    assert list(Title.objects.visible_on(beta)) == [films[0]]


def test_a_site_admin_sees_only_their_own_hidings(alpha, beta, alpha_admin, films):
    TitleHiding.objects.create(tenant=beta, title=films[1])
    TitleHiding.objects.create(tenant=alpha, title=films[2])

    response = signed_in(alpha_admin).get("/admin/streaming/titlehiding/")

    assert [h.title for h in response.context["cl"].result_list] == [films[2]]
