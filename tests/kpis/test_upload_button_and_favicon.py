"""Only people who may record a value are offered the upload; every page names the app's icon."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_viewer_is_not_offered_the_upload(client, vera, emea):
    client.force_login(vera)
    board = client.get(reverse("kpi_board"), {"unit": emea.pk}).content.decode()

    assert "Upload measurements" not in board


def test_a_contributor_is_offered_the_upload(client, bob, emea_logistics):
    client.force_login(bob)
    board = client.get(reverse("kpi_board"), {"unit": emea_logistics.pk}).content.decode()

    assert "Upload measurements" in board
    assert client.get(reverse("measurement_upload")).status_code == 200


def test_every_page_has_a_favicon_from_our_own_static_files(client, vera):
    client.force_login(vera)
    for url in (reverse("home"), reverse("login")):
        page = client.get(url).content.decode()
        assert '<link rel="icon" href="/static/okr/favicon.svg"' in page
    assert finders.find("okr/favicon.svg")
