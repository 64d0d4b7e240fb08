"""Use cases: plain functions over a session factory, returning frozen dataclasses. No Qt."""
