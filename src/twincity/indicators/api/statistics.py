"""API of the statistics: data elements, figures (bulk write), indicators, frameworks."""

ROUTES: list = []
