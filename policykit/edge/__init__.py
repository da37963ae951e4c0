"""The file-system and git edge: finding the project, reading files within it, writing
atomically, and versions at a git revision."""
