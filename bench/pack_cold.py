"""The first meeting pack of a fresh process, as a worker serves it (issue 13: "6.5 s the first time").

    DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python bench/pack_cold.py          # no warm-up: as before
    DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python bench/pack_cold.py warm     # warm-up at worker start

Renders the pack of the demo's latest held session twice in a new process and prints wall and CPU seconds of
each (on a shared machine the CPU seconds are the fair figure); ``warm`` first runs what a worker runs when it
starts (``meetings.documents.warm_up``) and prints its cost.
"""

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twincity.settings")
import django

django.setup()

from twincity.meetings import documents  # noqa: E402 - after django.setup()
from twincity.meetings.models import Session  # noqa: E402 - after django.setup()


def clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def main() -> None:
    session = Session.objects.filter(status="held").order_by("-starts_at").first()
    if len(sys.argv) > 1 and sys.argv[1] == "warm":
        start = clock()
        documents.warm_up()
        end = clock()
        print(f"warm-up (at worker start): wall {end[0] - start[0]:.2f} s, cpu {end[1] - start[1]:.2f} s")
    a = clock()
    pdf = documents.render_pack_pdf(session)
    b = clock()
    documents.render_pack_pdf(session)
    c = clock()
    print(f"first pack: wall {b[0] - a[0]:.2f} s, cpu {b[1] - a[1]:.2f} s ({len(pdf)} bytes)")
    print(f"second pack: wall {c[0] - b[0]:.2f} s, cpu {c[1] - b[1]:.2f} s")


if __name__ == "__main__":
    main()
