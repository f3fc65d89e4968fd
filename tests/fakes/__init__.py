"""Fakes of hardware libraries that behave like the real ones (DESIGN.md, "Tests")."""
