"""The weekly digest and the monthly briefing: their content on a fixed day, who reads them, the PDF, the sending."""

import datetime as dt
import subprocess

import pytest
from django.core.management import call_command
from django.urls import reverse

from twincity.notifications.models import Notification
from twincity.supervision import digests
from twincity.supervision.choices import Notice, Rating, SheetLevel
from twincity.supervision.tests import scorekit as kit
from twincity.testing import PERSONAS, build_world

pytestmark = pytest.mark.django_db

D = dt.date
ON = D(2026, 6, 8)  # a Monday: the digest looks back on 1–7 June and ahead to 8–14 June


def build(w):
    tf, lj = w.tf_dept, w.lj_dept
    s = {}
    s["red"] = kit.case(w, owners=[tf], due_on=D(2026, 6, 3), title="天府逾期事项", url="/items/red/")
    s["red_sheet"] = kit.sheet(s["red"], level=SheetLevel.RED, raised_on=D(2026, 6, 4))
    s["lj_red"] = kit.case(w, owners=[lj], due_on=D(2026, 6, 2), title="两江逾期事项")
    kit.sheet(s["lj_red"], level=SheetLevel.RED, raised_on=D(2026, 6, 5))
    s["old_red"] = kit.case(w, owners=[tf], due_on=D(2026, 5, 10), title="早已变红的事项")
    kit.sheet(s["old_red"], level=SheetLevel.RED, raised_on=D(2026, 5, 20))
    s["closed"] = kit.case(
        w, owners=[tf], due_on=D(2026, 6, 5), closed_on=D(2026, 6, 2), rating=Rating.GOOD, title="已办结事项"
    )
    s["due"] = kit.case(w, owners=[tf], due_on=D(2026, 6, 10), title="本周到期事项")
    kit.sheet(s["due"], level=SheetLevel.BLUE, raised_on=D(2026, 6, 7))
    kit.case(w, owners=[tf], due_on=D(2026, 6, 20), title="下月到期事项")
    s["late"] = kit.case(w, owners=[tf], due_on=D(2026, 9, 1), next_feedback_on=D(2026, 6, 5), title="反馈逾期事项")
    kit.feedback(s["late"], tf, on=D(2026, 6, 3), late=True)
    return s


def titles(items):
    return [c.title for c in items]


def test_the_weekly_digest_of_a_side_on_a_fixed_day():
    w = build_world()
    s = build(w)
    d = digests.weekly(w.partnership, w.tf, ON)
    assert (d.start, d.end, d.due_until) == (D(2026, 6, 1), D(2026, 6, 7), D(2026, 6, 14))
    assert [x.case.title for x in d.turned_red] == ["天府逾期事项"]  # not Liangjiang's, not May's
    assert titles(d.closed) == ["已办结事项"]
    assert titles(d.due_soon) == ["本周到期事项"]
    assert [x.case.title for x in d.sheets_open] == ["天府逾期事项", "早已变红的事项", "本周到期事项"]  # red first
    assert d.by_colour == {SheetLevel.RED: 2, SheetLevel.YELLOW: 0, SheetLevel.BLUE: 1}
    assert [cs.case.title for cs in d.feedback_overdue] == ["反馈逾期事项"]
    assert d.feedback_late_given == 1
    data = digests.as_json(d)
    assert data["turned_red"][0]["item"]["url"] == "/items/red/"
    assert data["counts"]["closed"] == 1
    lj = digests.weekly(w.partnership, w.lj, ON)
    assert [x.case.title for x in lj.turned_red] == ["两江逾期事项"]
    assert lj.closed == []
    assert s


def test_the_monthly_briefing_of_the_partnership():
    w = build_world()
    build(w)
    d = digests.monthly(w.partnership, D(2026, 6, 17))
    assert (d.start, d.end, d.due_until) == (D(2026, 6, 1), D(2026, 6, 30), D(2026, 7, 31))
    assert [x.case.title for x in d.turned_red] == ["天府逾期事项", "两江逾期事项"]
    assert titles(d.closed) == ["已办结事项"]
    assert titles(d.due_soon) == []  # the one due in September is beyond July
    assert d.by_colour[SheetLevel.RED] == 3
    assert [r.key for r in d.top] == [w.tf_dept.pk, w.lj_dept.pk]  # Tianfu closed one on time
    may = digests.monthly(w.partnership, D(2026, 5, 1))
    assert [x.case.title for x in may.turned_red] == ["早已变红的事项"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_reads_the_briefing_and_the_digest(client, persona):
    w = build_world()
    build(w)
    client.force_login(w.users[persona])
    q = f"?partnership={w.partnership.pk}"
    briefing = client.get(reverse("supervision:briefing") + q + "&month=2026-06")
    assert briefing.status_code == (200 if persona in {"office", "leader"} else 404)
    digest = client.get(reverse("supervision:digest") + q + f"&date={ON.isoformat()}")
    assert digest.status_code == (200 if persona in {"office", "tf-coord", "lj-coord"} else 404)
    lj_side = client.get(reverse("supervision:digest") + q + f"&side={w.lj.pk}&date={ON.isoformat()}")
    assert lj_side.status_code == (200 if persona in {"office", "lj-coord"} else 404)
    home = client.get(reverse("supervision:briefings") + q)
    if persona == "outsider":
        assert home.status_code == 404
    else:
        assert home.status_code == 302
        expected = {"office": "briefing", "leader": "briefing", "tf-coord": "digest", "lj-coord": "digest"}
        assert home["Location"].startswith(reverse(f"supervision:{expected.get(persona, 'scores')}"))
    if persona == "tf-coord":
        body = digest.content.decode()
        assert "天府逾期事项" in body
        assert "两江逾期事项" not in body
        assert 'href="/items/red/"' in body


def test_bad_months_and_dates_are_a_404_not_an_error(client):
    w = build_world()
    client.force_login(w.users["leader"])
    assert client.get(reverse("supervision:briefing"), {"month": "2026-13"}).status_code == 404
    assert client.get(reverse("supervision:briefing"), {"month": "x"}).status_code == 404
    client.force_login(w.users["office"])
    assert client.get(reverse("supervision:digest"), {"date": "2026-02-30"}).status_code == 404
    assert client.get(reverse("supervision:digest"), {"side": "abc"}).status_code == 404


def test_the_briefing_as_pdf_is_an_official_document_in_chinese(client):
    w = build_world()
    build(w)
    client.force_login(w.users["leader"])
    response = client.get(reverse("supervision:briefing_pdf"), {"partnership": w.partnership.pk, "month": "2026-06"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    assert "天府逾期事项" in text
    assert "督〔2026〕" in text
    assert w.partnership.name in text
    client.force_login(w.users["tf-coord"])
    assert client.get(reverse("supervision:briefing_pdf"), {"month": "2026-06"}).status_code == 404
    digest_pdf = client.get(reverse("supervision:digest_pdf"), {"date": ON.isoformat()})
    assert digest_pdf.status_code == 200
    assert digest_pdf.content.startswith(b"%PDF")
    client.force_login(w.users["lj-unit"])
    assert client.get(reverse("supervision:digest_pdf"), {"date": ON.isoformat()}).status_code == 404


def test_sending_is_idempotent_and_reaches_the_right_people():
    w = build_world()
    build(w)
    told = digests.send_weekly(ON)
    assert told == 2  # each side's coordinator
    tf_note = Notification.objects.get(user=w.users["tf-coord"])
    assert tf_note.kind == Notice.WEEKLY_DIGEST
    assert reverse("supervision:digest_pdf") in tf_note.url
    assert "天府逾期事项" in tf_note.body
    assert digests.send_weekly(ON) == 0  # the same run again
    assert digests.send_weekly(ON + dt.timedelta(days=2)) == 0  # later in the same week
    assert Notification.objects.filter(kind=Notice.WEEKLY_DIGEST).count() == 2
    assert digests.send_weekly(ON + dt.timedelta(days=7)) == 2  # next week's digest
    call_command("send_briefings", "--monthly", "--date", "2026-07-01")
    call_command("send_briefings", "--monthly", "--date", "2026-07-20")
    monthly = Notification.objects.filter(kind=Notice.MONTHLY_BRIEFING)
    assert sorted(n.user.username for n in monthly) == ["leader", "office"]
    assert all("month=2026-06" in n.url for n in monthly)


def test_the_command_wants_a_kind_and_a_real_date():
    with pytest.raises(Exception, match="--weekly"):
        call_command("send_briefings")
    with pytest.raises(Exception, match="Not a date"):
        call_command("send_briefings", "--weekly", "--date", "2026-02-30")
