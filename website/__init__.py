"""Brug's Django project package (settings, URLs, WSGI) and the site's own app, the top layer:
the home page, the site notice, site setup and the demo commands."""
