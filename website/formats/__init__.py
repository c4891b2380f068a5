"""Date formats for the UI languages Django ships none for (FORMAT_MODULE_PATH)."""
