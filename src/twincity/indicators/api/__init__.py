"""The indicator system's API, a module per concern; each lists its ``routes`` (prefix, viewset, basename)."""
