"""The indicator system's pages, a module per concern; each module lists its own ``urls``."""
