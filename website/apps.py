"""App configuration for the site-wide pieces (home page, chrome)."""

from django.apps import AppConfig


class WebsiteConfig(AppConfig):
    name = "website"
    verbose_name = "Brug"
    default_auto_field = "django.db.models.BigAutoField"
