"""Server errors the security sweep (tests/test_security_sweep.py) found and that were fixed
outside the files other engineers own; each test names the input the sweep sent."""

from __future__ import annotations


def test_a_public_upload_name_longer_than_the_file_system_allows_is_a_404(client, alpha):
    # The sweep's "very long" path value: os.stat raised ENAMETOOLONG, a 500.
    response = client.get(f"/uploads/public/{'x' * 4000}", HTTP_HOST="a.test")

    assert response.status_code == 404


def test_a_public_upload_path_through_a_long_folder_name_is_a_404(client, alpha):
    response = client.get(f"/uploads/public/{'d' * 300}/poster.jpg", HTTP_HOST="a.test")

    assert response.status_code == 404
