"""Fixtures shared by the directory's tests."""

import pytest


@pytest.fixture
def organisation(organisation_index):
    from directory.factories import OrganisationPageFactory, publish

    return publish(OrganisationPageFactory(parent=organisation_index, slug="org"))
