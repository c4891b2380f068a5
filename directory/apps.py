"""App configuration for the directory."""

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Directory")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from directory import boundaries, signals, spreadsheets, urlconverters

        signals.connect()
        checks.register(boundaries.check_boundaries)
        spreadsheets.protect_wagtail_exports()
        # Before any URLconf is loaded (they are read lazily, after every app is ready).
        urlconverters.register()
