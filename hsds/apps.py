"""The HSDS app: nothing to set up at start; it only reads the directory and search."""

from django.apps import AppConfig


class HsdsConfig(AppConfig):
    name = "hsds"
    verbose_name = "HSDS open data"
