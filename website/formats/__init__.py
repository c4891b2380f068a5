"""Date formats (FORMAT_MODULE_PATH): Belgian conventions for the content languages (nl-BE,
fr-BE, English and Arabic day before month), and formats for the UI languages Django ships
none for (ps, ti, so)."""
