"""Rules on values that several models share, declared once (house rule 10: each rule once)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

# The years the office's records may speak of: from the founding of the People's Republic to the end
# of any plan now written. A year outside is a typing error (14 for 2014), refused on every path
# (forms, the API, imports, filters) because the rule sits on the model field.
FIRST_YEAR, LAST_YEAR = 1949, 2100

# What an integer column holds on every database we run on (PostgreSQL bigint, SQLite's int64):
# an id or a number beyond it names no row, and sending it to the database is a server error.
DB_INT_MIN, DB_INT_MAX = -(2**63), 2**63 - 1

YEAR_VALIDATORS = [
    MinValueValidator(FIRST_YEAR, message=_("Enter a year between 1949 and 2100.")),
    MaxValueValidator(LAST_YEAR, message=_("Enter a year between 1949 and 2100.")),
]
