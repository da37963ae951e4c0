"""An edited Word export read back into its policy file: the edits as data (`tree`), laid
onto the YAML as round-trip edits (`patch`, `yamledit`), and what was and was not applied
(`update`). A layer above the writers, whose export of the YAML is what the edits are
measured against, and below the workflows, which read and write the files."""
