"""Brug's Django project package: settings, URLs, WSGI and the site-wide chrome (home page)."""
