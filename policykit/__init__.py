"""policykit: validate, diff and export a council's policies, written as structured YAML."""

__version__ = "0.1.0"

from policykit import methods

methods.install()
