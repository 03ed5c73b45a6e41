"""API of the index runs and their results."""

ROUTES: list = []
