"""The schemas compiled to plain Python (scripts/compile-schemas)."""
