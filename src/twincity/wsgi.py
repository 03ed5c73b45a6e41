import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twincity.settings")

from twincity.core.stackroom import with_stack_room

# Each request runs with room on CPython's frame stack (core/stackroom.py: a workaround for CPython gh-142183).
application = with_stack_room(get_wsgi_application())

# Each worker opens the papers' fonts when it starts, in the background: its first meeting pack is then quick.
if os.environ.get("TWINCITY_WARM_DOCUMENTS", "1") != "0":
    from twincity.meetings.documents import warm_up_in_background  # needs the apps loaded above

    warm_up_in_background()
