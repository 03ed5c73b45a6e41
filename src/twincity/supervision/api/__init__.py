"""The supervision API, one module per concern; ``ROUTES`` gathers their routes for ``api_urls.py``."""

from twincity.supervision.api import cases, scores, sheets, todos

ROUTES = [*cases.ROUTES, *sheets.ROUTES, *todos.ROUTES, *scores.ROUTES]
