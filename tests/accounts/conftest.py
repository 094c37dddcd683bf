from __future__ import annotations

import pytest


@pytest.fixture
def app_in(django_app_factory):
    """A WebTest app whose every request asks for a language, as a browser set to it does."""

    def make(language: str):
        return django_app_factory(extra_environ={"HTTP_ACCEPT_LANGUAGE": language})

    return make
