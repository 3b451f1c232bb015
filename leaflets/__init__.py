"""leaflets: printable patient leaflets from YAML topic modules."""

__version__ = "0.1.0"
