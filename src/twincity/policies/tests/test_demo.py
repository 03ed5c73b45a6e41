import pytest

from twincity.audit.models import AuditEvent
from twincity.policies import demo
from twincity.policies.choices import AlignmentStatus
from twincity.policies.models import AlignmentGroup, Clause, Policy
from twincity.testing import demo_loader

pytestmark = pytest.mark.django_db


def fake_loader(w):
    """What the demo's loader offers, built from the test world (the real one takes 11 s)."""
    return demo_loader(w, {"tf-market": w.tf_dept, "lj-market": w.lj_dept}, today=None)


def test_the_demo_shows_one_group_aligned_one_undercut_and_one_under_negotiation(world):
    demo.load(fake_loader(world))
    groups = {g.term_name: g for g in AlignmentGroup.objects.filter(partnership=world.partnership)}
    assert groups["厂房租金补贴"].status == AlignmentStatus.ALIGNED
    assert groups["工业用地出让价格优惠"].status == AlignmentStatus.DIVERGING
    assert groups["工业用地出让价格优惠"].divergence == 15
    assert groups["人才安居补贴"].status == AlignmentStatus.NEGOTIATING
    flag = AuditEvent.objects.get(verb="alignmentgroup.diverging", object_id=groups["工业用地出让价格优惠"].pk)
    assert flag.user == world.users["lj-coord"]


def test_the_demo_quotes_the_article_and_marks_what_it_invents(world):
    demo.load(fake_loader(world))
    aligned = AlignmentGroup.objects.get(term_name="厂房租金补贴")
    assert "我们将此举称之为政策融通" in aligned.note
    assert "杀价" in aligned.note
    assert Policy.objects.count() == 4
    assert {p.side for p in Policy.objects.all()} == {world.tf, world.lj}
    assert all("（示例）" in p.title and "（示例）" in p.document_number for p in Policy.objects.all())
    assert all("示例" in c.text for c in Clause.objects.all())
