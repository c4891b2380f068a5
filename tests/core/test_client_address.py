"""The client's address behind BRUG_TRUSTED_PROXIES reverse proxies."""

import pytest
from django.test import RequestFactory

from core.client_address import client_address


def request(forwarded=None, remote="10.0.0.2"):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "10.0.0.2"),  # no proxy: the header is anyone's to forge
        (1, None, "10.0.0.2"),
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "203.0.113.9, 198.51.100.1", "198.51.100.1"),  # the left entry is the client's
        (2, "203.0.113.9, 198.51.100.1, 10.0.0.7", "198.51.100.1"),
        (2, "198.51.100.1", "198.51.100.1"),  # came in through the inner proxy only
        (1, "2001:db8::1", "2001:db8::1"),
        (1, "not-an-address", "10.0.0.2"),
    ],
)
def test_the_address_the_outermost_trusted_proxy_saw(settings, proxies, forwarded, expected):
    settings.BRUG_TRUSTED_PROXIES = proxies
    assert client_address(request(forwarded)) == expected
