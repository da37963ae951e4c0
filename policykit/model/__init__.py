"""The document model: a policy as frozen dataclasses with source spans, and the settings
all policies share. No I/O; every other stage builds on it."""
