"""Helpers every app of the project may use; imports no app of the project (the bottom layer,
see docs/architecture.md)."""
