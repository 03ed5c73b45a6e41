"""The rest of the benchmark partnership (issue 12): audit rows, meetings, every register at scale.

Called by ``generate.py`` after the matters are in (``--audit``, ``--sessions``, ``--registers``). Registers and
meetings go in with ``bulk_create`` (thousands of rows, with the derived fields the services would store: search
documents, an action's ``watch_from`` / ``feedback_due``); the audit rows with COPY (500,000 by default), each with
the before / after JSON a service would record for the kind of record it changed, by a user of the partnership, at
a time spread over 2020–2026 in order.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid

REG_TOPICS = [
    "数据中心",
    "科创走廊",
    "自贸试验区",
    "国际铁路港",
    "人才公寓",
    "政务服务通办",
    "医保异地结算",
    "汽车产业链",
    "电子信息产业",
    "生物医药园区",
    "文旅品牌",
    "生态廊道",
    "轨道交通",
    "超算中心",
    "知识产权保护",
    "物流枢纽",
]
AUTHORITIES = ["国家发展改革委", "交通运输部", "商务部", "科技部", "工业和信息化部", "国家医保局", "国务院办公厅"]
INDUSTRIES = ["新能源汽车", "集成电路", "生物医药", "航空航天", "新型显示", "智能终端", "数据中心", "现代物流"]
TERMS = [("厂房租金补贴", "%"), ("人才安家补贴", "万元/人"), ("用地价格", "万元/亩"), ("研发费用补助", "%")]


def pick(model, field: str, rng: random.Random) -> str:
    """A random value of a choice field."""
    return rng.choice([value for value, _label in model._meta.get_field(field).choices])


def build_more(*, partnership, rng: random.Random, today: dt.date, audit: int, series: int, sessions: int,
               registers: int, lap, counts: dict) -> None:  # fmt: skip
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone

    from twincity.agreements.models import Agreement, AgreementParty, Obligation
    from twincity.audit.models import ObjectChange
    from twincity.core import search
    from twincity.exchanges.models import Secondment, SecondmentReport
    from twincity.matters.models import Matter, Milestone, ProgressReport
    from twincity.meetings.models import ActionItem, ActionOwner, AgendaItem, MeetingSeries, Outcome, Session
    from twincity.petitions.models import Petition, PetitionSide
    from twincity.policies.models import Clause, Policy
    from twincity.regions.models import Field, Organisation, PartnershipRegion
    from twincity.siting.models import SitingBid, SitingCase
    from twincity.visits.models import Gap, Lesson, Visit

    t = __import__("time").perf_counter()
    tz = timezone.get_current_timezone()
    region_ids = list(
        PartnershipRegion.objects.filter(partnership=partnership)
        .order_by("rotation_order")
        .values_list("region", flat=True)
    )
    orgs_by_region: dict[int, list[int]] = {}
    org_name: dict[int, str] = {}
    for pk, region, name in Organisation.objects.filter(region__in=region_ids).values_list("pk", "region", "name"):
        orgs_by_region.setdefault(region, []).append(pk)
        org_name[pk] = name
    field_ids = list(Field.objects.filter(partnership=partnership).values_list("pk", flat=True))
    matter_ids = list(Matter.objects.filter(partnership=partnership, year__gte=2025).values_list("pk", flat=True))
    User = get_user_model()
    users = list(User.objects.filter(username__startswith="bench-").values_list("pk", "username"))
    extra = [
        User(username=f"bench-user-{i:02d}", first_name="基准", last_name=f"用户{i:02d}", password="!")
        for i in range(1, 31)
    ]
    User.objects.bulk_create(extra)
    users = list(User.objects.filter(username__startswith="bench-").values_list("pk", "username"))
    office_pk = next(pk for pk, name in users if name == "bench-office")
    doc_cache: dict[str, str] = {}

    def doc(*texts: str) -> str:
        key = "\x00".join(texts)
        if key not in doc_cache:
            doc_cache[key] = search.document(*texts)
        return doc_cache[key]

    def two_sides() -> tuple[int, int]:
        a, b = rng.sample(region_ids, 2)
        return a, b

    def day_between(start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=rng.randint(0, max((end - start).days, 0)))

    def title(stem: str) -> str:
        return f"{rng.choice(REG_TOPICS)}{stem}"

    with transaction.atomic():
        # -------------------------------------------------------------- meetings: series, sessions, items, outcomes,
        # actions with owners
        n_series = series
        all_series = MeetingSeries.objects.bulk_create(
            MeetingSeries(
                partnership=partnership,
                kind=["joint", "docking", "leading_group", "directors"][i % 4],
                name=f"基准联席会议{i + 1}",
                name_en=f"Benchmark joint meeting {i + 1}",
                cadence="monthly",
            )
            for i in range(n_series)
        )
        session_objs = []
        first = dt.date(2020, 1, 17)
        for s in all_series:
            for k in range(sessions):
                day = first + dt.timedelta(days=30 * k + rng.randint(0, 5))
                starts = dt.datetime.combine(day, dt.time(9, 30), tzinfo=tz)
                held = day < today
                session_objs.append(
                    Session(
                        series=s,
                        partnership=partnership,
                        number=k + 1,
                        host_id=region_ids[k % len(region_ids)],
                        starts_at=starts,
                        venue=f"会议中心{k % 7 + 1}号厅",
                        chair="主任",
                        status="held" if held else "planned",
                        minutes_status="locked" if held and day < today - dt.timedelta(days=60) else "draft",
                        minutes_summary="会议听取了各方工作汇报，研究部署了下一阶段重点任务。" if held else "",
                    )
                )
        session_objs = Session.objects.bulk_create(session_objs, batch_size=1000)
        counts["meeting sessions"] = len(session_objs)
        items = []
        for sess in session_objs:
            for j in range(8):
                matter = rng.choice(matter_ids) if matter_ids and j % 2 == 0 else None
                items.append(
                    AgendaItem(
                        series=sess.series,
                        partnership=partnership,
                        session=sess,
                        status="on_agenda",
                        source="red_matter" if matter else "proposed",
                        order=j,
                        title=title("工作推进情况汇报"),
                        side_id=rng.choice(region_ids),
                        duration_minutes=10,
                        matter_id=matter,
                    )
                )
        items = AgendaItem.objects.bulk_create(items, batch_size=2000)
        counts["agenda items"] = len(items)
        outcomes = []
        for item in items:
            sess = item.session
            if sess.status != "held":
                continue
            number = item.order + 1
            outcomes.append(
                Outcome(
                    session=sess,
                    item=item,
                    kind="action" if item.order % 2 == 0 else "decision",
                    number=number,
                    text=f"会议议定：{item.title}，由牵头单位抓紧落实。",
                    recorded_by_id=office_pk,
                )
            )
        outcomes = Outcome.objects.bulk_create(outcomes, batch_size=2000)
        counts["outcomes"] = len(outcomes)
        actions, owner_sets = [], []
        seq: dict[int, int] = {}
        for out in outcomes:
            if out.kind != "action":
                continue
            sess = out.session
            seq[sess.pk] = seq.get(sess.pk, 0) + 1
            decided = timezone.localtime(sess.starts_at).date()
            due = decided + dt.timedelta(days=rng.randint(30, 180))
            status = (
                rng.choice(["verified", "verified", "cancelled", "reported_done"])
                if due < today - dt.timedelta(days=90)
                else pick(ActionItem, "status", rng)
            )
            sides = two_sides()
            owners = [rng.choice(orgs_by_region[s]) for s in sides]
            code = f"{sess.series.pk}-{sess.number}-{seq[sess.pk]}"
            text = f"落实{out.item.title}"
            feedback_from = decided + dt.timedelta(days=rng.randint(0, 30))
            actions.append(
                ActionItem(
                    partnership=partnership,
                    session=sess,
                    outcome=out,
                    code=code,
                    title=text[:300],
                    due_date=due,
                    status=status,
                    matter_id=out.item.matter_id,
                    last_feedback_on=feedback_from if status != "assigned" else None,
                    watch_from=due - dt.timedelta(days=sess.series.action_near_days),
                    feedback_due=feedback_from + dt.timedelta(days=sess.series.action_feedback_days),
                    search_document=doc(code, text[:300], "", " ".join(org_name[o] for o in owners)),
                )
            )
            owner_sets.append(list(zip(owners, sides, strict=True)))
        actions = ActionItem.objects.bulk_create(actions, batch_size=2000)
        ActionOwner.objects.bulk_create(
            (
                ActionOwner(action=a, organisation_id=o, side_id=s)
                for a, owners in zip(actions, owner_sets, strict=True)
                for o, s in owners
            ),
            batch_size=5000,
        )
        counts["action items"] = len(actions)
        t = _lap(lap, "meetings: series, sessions, agenda items, outcomes, actions", t)

        # -------------------------------------------------------------- registers
        n = registers
        petitions = []
        for i in range(n):
            year = rng.choice(range(2020, 2027))
            tt = title("方面支持事项联合请示")
            petitions.append(
                Petition(
                    partnership=partnership,
                    code=f"QS-{year}-{i + 1:05d}",
                    title=tt,
                    field_id=rng.choice(field_ids),
                    year=year,
                    target_authority=rng.choice(AUTHORITIES),
                    status=pick(Petition, "status", rng),
                    submitted_on=dt.date(year, rng.randint(1, 12), rng.randint(1, 28)),
                    search_document=doc(f"QS-{year}-{i + 1:05d} {tt} "),
                )
            )
        petitions = Petition.objects.bulk_create(petitions, batch_size=2000)
        PetitionSide.objects.bulk_create(
            (PetitionSide(petition=p, region_id=s) for p in petitions for s in two_sides()), batch_size=5000
        )
        counts["joint requests"] = len(petitions)

        agreements, parties, obligations = [], [], []
        for i in range(n):
            signed = day_between(dt.date(2020, 1, 1), today)
            code = f"XY-{signed.year}-{i + 1:05d}"
            tt = title("战略合作协议")
            agreements.append(
                Agreement(
                    partnership=partnership,
                    code=code,
                    title=tt,
                    field_id=rng.choice(field_ids),
                    topic=rng.choice(REG_TOPICS),
                    signed_on=signed,
                    starts_on=signed,
                    expires_on=signed + dt.timedelta(days=365 * rng.randint(1, 5)),
                    status=rng.choice(["in_force", "in_force", "in_force", "expired"]),
                    search_document=doc(f"{code} {tt} "),
                )
            )
        agreements = Agreement.objects.bulk_create(agreements, batch_size=2000)
        for a in agreements:
            for s in two_sides():
                org = rng.choice(orgs_by_region[s])
                parties.append(AgreementParty(agreement=a, organisation_id=org, side_id=s, signatory="主要负责人"))
                obligations.append(
                    Obligation(agreement=a, side_id=s, organisation_id=org, text="共同推进协议约定事项。")
                )
        AgreementParty.objects.bulk_create(parties, batch_size=5000)
        Obligation.objects.bulk_create(obligations, batch_size=5000)
        counts["agreements"] = len(agreements)

        visits = []
        for i in range(n):
            a, b = two_sides()
            start = day_between(dt.date(2020, 1, 1), today)
            tt = title("考察学习")
            visits.append(
                Visit(
                    partnership=partnership,
                    code=f"KC-{start.year}-{i + 1:05d}",
                    title=tt,
                    field_id=rng.choice(field_ids),
                    visiting_region_id=a,
                    host_region_id=b,
                    start_date=start,
                    end_date=start + dt.timedelta(days=rng.randint(1, 3)),
                    status="held" if start < today else "planned",
                    head_of_delegation="党工委书记",
                    search_document=doc(f"KC-{start.year}-{i + 1:05d} {tt} "),
                )
            )
        visits = Visit.objects.bulk_create(visits, batch_size=2000)
        counts["visits"] = len(visits)
        for model, stem in ((Lesson, "经验"), (Gap, "差距")):
            rows = []
            for v in visits:
                for k in range(3):
                    tt = title(f"方面的{stem}")
                    text = f"学习借鉴{tt}，结合本地实际推进。"
                    rows.append(
                        model(
                            partnership=partnership,
                            title=tt,
                            field_id=v.field_id,
                            side_id=v.visiting_region_id,
                            visit=v,
                            number=k + 1,
                            text=text,
                            search_document=doc(f" {tt} {text} "),
                        )
                    )
            counts[model.__name__.lower() + "s"] = len(model.objects.bulk_create(rows, batch_size=5000))

        secondments, reports = [], []
        for i in range(n):
            a, b = two_sides()
            start = day_between(dt.date(2020, 1, 1), today)
            home, host = rng.choice(orgs_by_region[a]), rng.choice(orgs_by_region[b])
            name = f"干部{i + 1:05d}"
            secondments.append(
                Secondment(
                    partnership=partnership,
                    code=f"GZ-{start.year}-{i + 1:05d}",
                    title=f"{name}挂职交流",
                    person_name=name,
                    post="副处长",
                    host_post="挂职副主任",
                    home_organisation_id=home,
                    host_organisation_id=host,
                    home_side_id=a,
                    host_side_id=b,
                    start_date=start,
                    end_date=start + dt.timedelta(days=365),
                    search_document=doc(f"GZ-{start.year}-{i + 1:05d} {name}挂职交流 {name} 副处长 挂职副主任"),
                )
            )
        secondments = Secondment.objects.bulk_create(secondments, batch_size=2000)
        reports.extend(
            SecondmentReport(
                secondment=s,
                period=f"{s.start_date.year}-Q{(s.start_date.month - 1) // 3 + 1}",
                reported_on=s.start_date + dt.timedelta(days=90),
                text="本季度参与重点项目推进，熟悉对方工作机制。",
                filed_by_id=office_pk,
            )
            for s in secondments
            if s.start_date < today - dt.timedelta(days=90)
        )
        SecondmentReport.objects.bulk_create(reports, batch_size=5000)
        counts["secondments"] = len(secondments)

        policies, clauses = [], []
        for i in range(n):
            side = rng.choice(region_ids)
            tt = title("扶持政策")
            policies.append(
                Policy(
                    partnership=partnership,
                    code=f"ZC-{i + 1:05d}",
                    title=tt,
                    field_id=rng.choice(field_ids),
                    side_id=side,
                    issuing_body="管委会",
                    document_number=f"管发〔{2020 + i % 7}〕{i % 300 + 1}号",
                    effective_on=day_between(dt.date(2020, 1, 1), today),
                    search_document=doc(f"ZC-{i + 1:05d} {tt} "),
                )
            )
        policies = Policy.objects.bulk_create(policies, batch_size=2000)
        for p in policies:
            for k, (term, unit) in enumerate(rng.sample(TERMS, 2)):
                clauses.append(
                    Clause(policy=p, reference=f"第{k + 3}条", term_name=term, value=rng.randint(5, 80), unit=unit)
                )
        Clause.objects.bulk_create(clauses, batch_size=5000)
        counts["policies"] = len(policies)

        cases, bids = [], []
        for i in range(n):
            tt = f"{rng.choice(INDUSTRIES)}重大项目选址"
            cases.append(
                SitingCase(
                    partnership=partnership,
                    code=f"XZ-{i + 1:05d}",
                    title=tt,
                    field_id=rng.choice(field_ids),
                    industry=rng.choice(INDUSTRIES),
                    status=rng.choice(["open", "negotiating"]),
                    search_document=doc(f"XZ-{i + 1:05d} {tt} "),
                )
            )
        cases = SitingCase.objects.bulk_create(cases, batch_size=2000)
        bids.extend(
            SitingBid(case=c, side_id=s, unit_id=rng.choice(orgs_by_region[s]), candidate_site="产业园区")
            for c in cases
            for s in two_sides()
        )
        SitingBid.objects.bulk_create(bids, batch_size=5000)
        counts["siting cases"] = len(cases)
        t = _lap(lap, "registers (requests, agreements, visits + lessons + gaps, secondments, policies, siting)", t)

    # ------------------------------------------------------------------ audit rows (COPY)
    if not audit:
        return
    ct = ContentType.objects.get_for_model
    ct_matter, ct_report, ct_milestone = ct(Matter), ct(ProgressReport), ct(Milestone)
    ct_petition, ct_action = ct(Petition), ct(ActionItem)
    matter_rows = list(Matter.objects.filter(partnership=partnership).values_list("pk", "code", "title", "status"))
    report_ids = list(ProgressReport.objects.values_list("pk", "matter_id")[:200_000])
    milestone_ids = list(Milestone.objects.values_list("pk", "matter_id")[:200_000])
    petition_ids = [p.pk for p in petitions]
    action_ids = [a.pk for a in actions]
    user_rows = users
    start = dt.datetime(2020, 1, 2, 8, tzinfo=dt.UTC)
    span = (dt.datetime.combine(today, dt.time(18), tzinfo=dt.UTC) - start).total_seconds()
    statuses = ["approved", "in_progress", "completed", "suspended"]
    rows = []
    for i in range(audit):
        moment = start + dt.timedelta(seconds=span * i / audit + rng.random() * 60)
        upk, uname = rng.choice(user_rows)
        roll = rng.random()
        related_type = related_id = None
        if roll < 0.45:  # a matter changed: its percent, its status or its dates
            pk, code, ttl, status = rng.choice(matter_rows)
            action = "update"
            before = {"id": pk, "code": code, "title": ttl, "status": rng.choice(statuses),
                      "version": rng.randint(1, 9), "percent_complete": rng.randint(0, 90),
                      "due_date": f"{moment.year}-12-31"}  # fmt: skip
            after = {**before, "status": status, "version": before["version"] + 1,
                     "percent_complete": min(100, before["percent_complete"] + rng.randint(1, 20))}  # fmt: skip
            typ, oid, repr_ = ct_matter.pk, pk, f"{code} {ttl}"[:200]
        elif roll < 0.75 and report_ids:  # a progress report filed
            pk, mpk = rng.choice(report_ids)
            action = "create"
            before = None
            after = {"id": pk, "matter": mpk, "period": f"{moment.year}-{moment.month:02d}",
                     "reported_on": moment.date().isoformat(), "percent_complete": rng.randint(0, 100),
                     "text": "本期召开专题对接会，双方牵头单位就推进节点达成一致。", "version": 1}  # fmt: skip
            typ, oid, repr_ = ct_report.pk, pk, f"进展报告 {after['period']}"
            related_type, related_id = ct_matter.pk, mpk
        elif roll < 0.9 and milestone_ids:  # a milestone done
            pk, mpk = rng.choice(milestone_ids)
            action = "update"
            before = {"id": pk, "matter": mpk, "done_date": None, "evidence": "", "version": 1}
            after = {**before, "done_date": moment.date().isoformat(), "evidence": "会议纪要", "version": 2}
            typ, oid, repr_ = ct_milestone.pk, pk, "里程碑"
            related_type, related_id = ct_matter.pk, mpk
        elif roll < 0.95 and petition_ids:
            pk = rng.choice(petition_ids)
            action = "update"
            before = {"id": pk, "status": "drafting", "version": 1}
            after = {"id": pk, "status": "submitted", "version": 2}
            typ, oid, repr_ = ct_petition.pk, pk, "联合请示"
        elif action_ids:
            pk = rng.choice(action_ids)
            action = "update"
            before = {"id": pk, "status": "assigned", "version": 1}
            after = {"id": pk, "status": "in_progress", "version": 2, "last_feedback_on": moment.date().isoformat()}
            typ, oid, repr_ = ct_action.pk, pk, "督办事项"
        else:
            continue
        rows.append(
            (
                moment,
                upk,
                uname,
                uuid.UUID(int=rng.getrandbits(128), version=4),
                action,
                typ,
                oid,
                related_type,
                related_id,
                repr_,
                partnership.pk,
                json.dumps(before, ensure_ascii=False) if before is not None else None,
                json.dumps(after, ensure_ascii=False),
            )
        )
    t = _lap(lap, f"compute {len(rows):,} audit rows", t)
    columns = [
        "time", "user", "user_name", "request_id", "action", "changed_object_type", "changed_object_id",
        "related_object_type", "related_object_id", "object_repr", "partnership", "prechange_data", "postchange_data",
    ]  # fmt: skip
    cols = ", ".join(ObjectChange._meta.get_field(c).column for c in columns)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        with cursor.cursor.copy(f"COPY {ObjectChange._meta.db_table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    counts["audit rows"] = len(rows)
    _lap(lap, "COPY audit rows", t)


def _lap(lap, name: str, t0: float) -> float:
    return lap(name, t0)
