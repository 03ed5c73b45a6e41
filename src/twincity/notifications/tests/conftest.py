"""The delivery tests' real servers (SMTP, robots) as fixtures."""

from twincity.notifications.tests.servers import robots, smtp  # noqa: F401
