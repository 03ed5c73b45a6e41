"""The meeting's papers as official documents: the meeting pack and the minutes, as PDF (and the minutes as .docx).

Layout follows the Chinese official-document standard (党政机关公文格式, GB/T 9704-2012) as far as an
office needs it: A4, red masthead and red rule, the title in a large bold serif, the body in a
Song/Fangsong-like serif, page numbers "— N —" centred at the foot.

Fonts are asked for by family name and found by fontconfig among the system fonts (Debian's
``fonts-noto-cjk`` is installed at set-up; ``FangSong``/``SimSun`` are used instead where an office
has them). No ``@font-face``, no web fonts: WeasyPrint would load hundreds of subsets (21 s instead
of 1.5 s for one page), and the intranet has no font service anyway. Nothing is fetched while
rendering: only ``data:`` URLs are allowed, so text typed by users can never make the server fetch
anything.

These functions do not check access: the views that call them fetch the session through the
access door first (see ``meetings.views_documents``).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import threading
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from twincity.matters.choices import Light
from twincity.matters.health import explain
from twincity.matters.models import Matter, MatterOwner, MatterSide, Milestone, ProgressReport
from twincity.meetings.choices import (
    CLOSED_ACTION_STATUSES,
    ActionStatus,
    ItemSource,
    ItemStatus,
    OutcomeKind,
    SessionStatus,
)
from twincity.meetings.models import (
    ActionItem,
    ActionOwner,
    ActionUpdate,
    AgendaItem,
    Attendance,
    MinutesAmendment,
    Outcome,
    Session,
)

logger = logging.getLogger(__name__)

# A red matter's page shows the latest report of each side, looked for among this many recent reports.
RECENT_REPORTS = 12
# The document language: official documents are Chinese whatever the reader's interface language.
DOCUMENT_LANGUAGE = "zh-hans"

CHINESE_DIGITS = "〇一二三四五六七八九"
LIST_SEPARATOR = "、"  # the enumeration comma of Chinese text


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一, 105 → 一百零五: how official documents number sessions and sections."""
    if n < 0:
        raise ValueError(n)
    if n < 10:
        return CHINESE_DIGITS[n]
    if n < 20:
        return "十" + (CHINESE_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return CHINESE_DIGITS[n // 10] + "十" + (CHINESE_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        head = CHINESE_DIGITS[n // 100] + "百"
        if rest == 0:
            return head
        if rest < 10:
            return head + "零" + CHINESE_DIGITS[rest]
        return head + (CHINESE_DIGITS[rest // 10] + "十" + (CHINESE_DIGITS[rest % 10] if rest % 10 else ""))
    return str(n)


def _date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return _("%(year)s-%(month)02d-%(day)02d") % {"year": value.year, "month": value.month, "day": value.day}


def _session_title(session: Session) -> str:
    return _("%(series)s, session %(number)s") % {"series": session.series.display_name, "number": session.number}


# ------------------------------------------------------------------------------------------------ the data


@dataclass
class MatterPage:
    number_cn: str
    matter: Matter
    reasons: list[str]
    sides: list[MatterSide]
    owners: dict[int, list[MatterOwner]]
    overdue_milestones: list[Milestone]
    latest_reports: list[ProgressReport]


@dataclass
class PackData:
    session: Session
    previous: Session | None
    items: list[AgendaItem]
    red_pages: list[MatterPage]
    actions: list[ActionItem]
    today: dt.date
    extra: dict = field(default_factory=dict)


def previous_session(session: Session) -> Session | None:
    """The last session of the same series held (or planned, not cancelled) before this one."""
    return (
        Session.objects.filter(series_id=session.series_id, starts_at__lt=session.starts_at)
        .exclude(status=SessionStatus.CANCELLED)
        .order_by("-starts_at", "-pk")
        .first()
    )


def agenda_items(session: Session) -> list[AgendaItem]:
    items = list(
        session.items.filter(status=ItemStatus.ON_AGENDA, archived_at__isnull=True)
        .select_related("side", "organisation", "matter", "action")
        .order_by("order", "pk")
    )
    labels = dict(ItemSource.choices)
    for item in items:
        item.source_label = labels.get(item.source, "")
    return items


def red_matter_pages(session: Session, items: list[AgendaItem], today: dt.date) -> list[MatterPage]:
    """One page per matter on the agenda that is red today, in agenda order (then any other red-matter items)."""
    order: list[int] = []
    for item in items:
        if item.matter_id and item.matter_id not in order:
            order.append(item.matter_id)
    if not order:
        return []
    overdue = Milestone.objects.filter(done_date__isnull=True, due_date__lt=today, archived_at__isnull=True)
    reports = ProgressReport.objects.filter(archived_at__isnull=True).select_related("side", "organisation")
    matters = (
        Matter.objects.with_light(today)
        .filter(pk__in=order, light=Light.RED)
        .select_related("partnership", "field", "year_list")
        .prefetch_related(
            Prefetch("sides", queryset=MatterSide.objects.select_related("region").order_by("pk")),
            Prefetch("owners", queryset=MatterOwner.objects.select_related("organisation", "side")),
            Prefetch(
                "milestones", queryset=overdue.select_related("side").order_by("due_date"), to_attr="overdue_list"
            ),
            Prefetch("reports", queryset=reports.order_by("-reported_on", "-pk")[:RECENT_REPORTS], to_attr="recent"),
        )
    )
    by_id = {m.pk: m for m in matters}
    pages = []
    for pk in order:
        matter = by_id.get(pk)
        if matter is None:
            continue
        owners: dict[int, list[MatterOwner]] = {}
        for owner in matter.owners.all():
            owners.setdefault(owner.side_id, []).append(owner)
        for side in matter.sides.all():
            side.owner_list = owners.get(side.region_id, [])
        latest: dict[int, ProgressReport] = {}
        for report in matter.recent:
            latest.setdefault(report.side_id, report)
        for milestone in matter.overdue_list:
            milestone.days_late = (today - milestone.due_date).days
        pages.append(
            MatterPage(
                number_cn=chinese_number(len(pages) + 1),
                matter=matter,
                reasons=explain(matter, today).reasons,
                sides=list(matter.sides.all()),
                owners=owners,
                overdue_milestones=matter.overdue_list,
                latest_reports=list(latest.values()),
            )
        )
    return pages


def actions_since_last_session(session: Session, previous: Session | None, today: dt.date) -> list[ActionItem]:
    """The series' actions decided before this session that are still open, or were closed since the last one."""
    qs = ActionItem.objects.filter(
        session__series_id=session.series_id, session__starts_at__lt=session.starts_at, archived_at__isnull=True
    )
    if previous is not None:
        closed_since = Q(verified_at__gte=previous.starts_at) | Q(
            status=ActionStatus.CANCELLED, last_updated__gte=previous.starts_at
        )
        qs = qs.filter(~Q(status__in=CLOSED_ACTION_STATUSES) | closed_since)
    else:
        qs = qs.exclude(status__in=CLOSED_ACTION_STATUSES)
    return list(
        qs.with_light(today)
        .select_related("session", "matter")
        .prefetch_related(
            Prefetch("owners", queryset=ActionOwner.objects.select_related("organisation", "side")),
            Prefetch("updates", queryset=ActionUpdate.objects.order_by("-created", "-pk")[:1], to_attr="last_update"),
        )
        .order_by("session__starts_at", "pk")
    )


def pack_data(session: Session, *, today: dt.date | None = None) -> PackData:
    today = today or timezone.localdate()
    previous = previous_session(session)
    items = agenda_items(session)
    return PackData(
        session=session,
        previous=previous,
        items=items,
        red_pages=red_matter_pages(session, items, today),
        actions=actions_since_last_session(session, previous, today),
        today=today,
    )


@dataclass
class MinutesData:
    session: Session
    attendance: dict
    items: list[tuple[AgendaItem | None, list[Outcome]]]
    actions: list[ActionItem]
    amendments: list[MinutesAmendment]
    confirmations: list
    decisions: int

    @property
    def general_amendments(self) -> list[MinutesAmendment]:
        """Amendments to the minutes as a whole (those to one outcome are shown under it)."""
        return [a for a in self.amendments if a.outcome_id is None]


def minutes_data(session: Session) -> MinutesData:
    attendance: dict = {}
    for person in Attendance.objects.filter(session=session).select_related("side", "organisation"):
        attendance.setdefault(person.side, []).append(person)
    outcomes = list(
        Outcome.objects.filter(session=session, archived_at__isnull=True)
        .select_related("item")
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=ActionItem.objects.prefetch_related(
                    Prefetch("owners", queryset=ActionOwner.objects.select_related("organisation", "side"))
                ).select_related("matter"),
            ),
            "amendments",
        )
        .order_by("item__order", "number", "pk")
    )
    by_item: dict[int | None, list[Outcome]] = {}
    for outcome in outcomes:
        by_item.setdefault(outcome.item_id, []).append(outcome)
    sections: list[tuple[AgendaItem | None, list[Outcome]]] = [
        (item, by_item.get(item.pk, [])) for item in agenda_items(session)
    ]
    placed = {item.pk for item, _o in sections if item is not None}
    loose = [o for o in outcomes if o.item_id is None or o.item_id not in placed]
    if loose:
        sections.append((None, loose))
    actions = list(
        ActionItem.objects.filter(session=session, archived_at__isnull=True)
        .prefetch_related(Prefetch("owners", queryset=ActionOwner.objects.select_related("organisation", "side")))
        .order_by("code", "pk")
    )
    return MinutesData(
        session=session,
        attendance=attendance,
        items=sections,
        actions=actions,
        amendments=list(session.amendments.select_related("outcome", "author").order_by("on", "pk")),
        confirmations=list(session.confirmations.select_related("side", "user").order_by("created")),
        decisions=sum(1 for o in outcomes if o.kind == OutcomeKind.DECISION),
    )


# ------------------------------------------------------------------------------------------------- rendering


def _session_context(session: Session) -> dict:
    session = Session.objects.select_related("series", "partnership", "host", "secretariat").get(pk=session.pk)
    return {
        "session": session,
        "series": session.series,
        "partnership": session.partnership,
        "masthead": session.partnership.display_name,
        "number_cn": chinese_number(session.number),
        "session_title": _session_title(session),
        "starts": timezone.localtime(session.starts_at),
        "ends": timezone.localtime(session.ends_at),
        "lang_attr": "zh-CN",
    }


# WeasyPrint's font configuration (fontconfig's list of the system's fonts, Pango's font map and the faces it
# opened) is made once per process and kept: making it, and opening the large CJK faces, is most of what the first
# paper of a process used to cost (6.5 s for the first meeting pack, 1.5 s for the next). Pango's font map is not
# thread-safe, so the renderings of one process take turns; worker processes render side by side.
_FONTS = None
_RENDERING = threading.Lock()


def _after_fork_in_child() -> None:
    """A worker forked from a process that had rendered starts with its own font configuration and lock."""
    global _FONTS, _RENDERING
    _FONTS = None
    _RENDERING = threading.Lock()


os.register_at_fork(after_in_child=_after_fork_in_child)


def html_to_pdf(html: str) -> bytes:
    global _FONTS
    from weasyprint import HTML  # noqa: PLC0415 - WeasyPrint and its fonts load only when a PDF is made (or warm_up)
    from weasyprint.text.fonts import FontConfiguration  # noqa: PLC0415 - as above
    from weasyprint.urls import URLFetcher  # noqa: PLC0415 - as above

    with _RENDERING:
        if _FONTS is None:
            _FONTS = FontConfiguration()
        document = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"}))
        return document.write_pdf(font_config=_FONTS)


def warm_up() -> None:
    """Load WeasyPrint and open the faces the papers use (every family and weight of ``document.css``, Chinese and
    Latin) by rendering a short sample: the first meeting pack a worker serves is then as quick as the next.
    Called once per worker process when it starts (``twincity.wsgi``/``asgi``, in the background); harmless twice."""
    with override(DOCUMENT_LANGUAGE):
        html_to_pdf(render_to_string("meetings/pdf/warm_up.html", {"lang_attr": "zh-CN", "masthead": "双城办"}))


def warm_up_in_background() -> threading.Thread:
    """``warm_up`` in a daemon thread, so that a worker answers at once; a PDF asked meanwhile waits for it."""
    thread = threading.Thread(target=_warm_up_quietly, name="twincity-warm-documents", daemon=True)
    thread.start()
    return thread


def _warm_up_quietly() -> None:
    try:
        warm_up()
    except Exception:  # a missing font must not stop a worker: the first paper is then slow, as before
        logger.warning("Warming up the document fonts failed", exc_info=True)


def render_pack_html(session: Session, *, today: dt.date | None = None) -> str:
    with override(DOCUMENT_LANGUAGE):
        context = _session_context(session)
        data = pack_data(context["session"], today=today)
        context.update(
            {
                "data": data,
                "light_labels": {"red": _("Overdue"), "yellow": _("Needs attention"), "green": _("On track")},
                "section_numbers": [chinese_number(i) for i in range(0, 10)],
                "generated": timezone.localtime(),
            }
        )
        return render_to_string("meetings/pdf/pack.html", context)


def render_pack_pdf(session: Session, *, today: dt.date | None = None) -> bytes:
    """The meeting pack: the agenda, one page per red matter on it, and the actions since the last session."""
    return html_to_pdf(render_pack_html(session, today=today))


def render_minutes_html(session: Session) -> str:
    with override(DOCUMENT_LANGUAGE):
        context = _session_context(session)
        context["data"] = minutes_data(context["session"])
        context["generated"] = timezone.localtime()
        context["section_numbers"] = [chinese_number(i) for i in range(0, 10)]
        context["signed_on"] = _date(context["session"].starts_at)
        return render_to_string("meetings/pdf/minutes.html", context)


def render_minutes_pdf(session: Session) -> bytes:
    """The minutes (会议纪要): attendance, the outcome of every item, decisions numbered, actions, amendments."""
    return html_to_pdf(render_minutes_html(session))


# ------------------------------------------------------------------------------------------------------ docx

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
RED = (0xD4, 0x00, 0x00)


def _docx_font(run, family: str, size_pt: float, *, bold: bool = False, colour=None) -> None:
    run.font.name = family
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    if colour:
        run.font.color.rgb = RGBColor(*colour)
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), family)


def _docx_paragraph(doc, text: str, *, family=BODY_FONT, size=16, bold=False, colour=None, align=None, indent=True):
    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing = Pt(28)  # 22 lines to the page, as the standard asks
    fmt.space_after = Pt(0)
    fmt.space_before = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if align == "center":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif align == "right":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    else:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _docx_font(paragraph.add_run(text), family, size, bold=bold, colour=colour)
    return paragraph


def _docx_page_number(section) -> None:
    """A centred "— N —" footer with Word's PAGE field."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _docx_font(paragraph.add_run("— "), "宋体", 14)
    run = paragraph.add_run()
    _docx_font(run, "宋体", 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = " PAGE "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._element.append(element)
    _docx_font(paragraph.add_run(" —"), "宋体", 14)


def _docx_red_rule(doc) -> None:
    paragraph = doc.add_paragraph()
    ppr = paragraph._element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "1"), ("w:color", "D40000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def render_minutes_docx(session: Session) -> bytes:
    """The minutes as a Word document in the same official layout, for offices that finish documents in Word."""
    with override(DOCUMENT_LANGUAGE):
        context = _session_context(session)
        session = context["session"]
        data = minutes_data(session)
        doc = Document()
        section = doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        _docx_page_number(section)

        _docx_paragraph(doc, context["masthead"], family=TITLE_FONT, size=26, bold=True, colour=RED, align="center")
        _docx_red_rule(doc)
        _docx_paragraph(
            doc,
            _("Minutes of %(title)s") % {"title": context["session_title"]},
            family=TITLE_FONT,
            size=22,
            bold=True,
            align="center",
            indent=False,
        )
        for line in minutes_preamble(context):
            _docx_paragraph(doc, line)
        for side, people in data.attendance.items():
            names = LIST_SEPARATOR.join(p.name + (f"（{p.post}）" if p.post else "") for p in people)
            _docx_paragraph(doc, _("%(side)s: %(names)s") % {"side": side.label, "names": names})
        if session.minutes_summary:
            for line in session.minutes_summary.splitlines():
                if line.strip():
                    _docx_paragraph(doc, line.strip())
        for index, (item, outcomes) in enumerate(data.items, start=1):
            heading = item.title if item else _("Other matters")
            _docx_paragraph(doc, f"{chinese_number(index)}、{heading}", family=HEADING_FONT, size=16)
            for outcome in outcomes:
                _docx_paragraph(doc, outcome_line(outcome))
                for action in outcome.actions.all():
                    _docx_paragraph(doc, action_line(action))
        if data.amendments:
            _docx_paragraph(doc, _("Amendments"), family=HEADING_FONT, size=16)
            for amendment in data.amendments:
                _docx_paragraph(
                    doc,
                    _("%(date)s: %(text)s (reason: %(reason)s)")
                    % {"date": _date(amendment.on), "text": amendment.text, "reason": amendment.reason},
                )
        signer = session.secretariat.display_name if session.secretariat else session.host.label
        _docx_paragraph(doc, signer, align="right", indent=False)
        _docx_paragraph(doc, _date(session.starts_at), align="right", indent=False)
        buffer = io.BytesIO()
        doc.save(buffer)
        return buffer.getvalue()


# ------------------------------------------------------------------------------------------- shared phrases


def minutes_preamble(context: dict) -> list[str]:
    session = context["session"]
    lines = [
        _("On %(date)s, the %(title)s was held at %(venue)s, hosted by %(host)s and chaired by %(chair)s.")
        % {
            "date": _date(session.starts_at),
            "title": context["session_title"],
            "venue": session.venue or _("(venue not recorded)"),
            "host": session.host.label,
            "chair": session.chair or _("(chair not recorded)"),
        }
    ]
    return lines


def owners_text(action: ActionItem) -> str:
    return LIST_SEPARATOR.join(o.organisation.display_name for o in action.owners.all())


def outcome_line(outcome: Outcome) -> str:
    if outcome.kind == OutcomeKind.DECISION and outcome.number:
        return _("Decision %(number)s: %(text)s") % {"number": outcome.number, "text": outcome.text}
    if outcome.kind == OutcomeKind.ACTION:
        return _("Supervised action: %(text)s") % {"text": outcome.text}
    return outcome.text


def action_line(action: ActionItem) -> str:
    return _("Supervised action %(code)s: %(title)s (owners: %(owners)s; due %(due)s)") % {
        "code": action.code,
        "title": action.title,
        "owners": owners_text(action),
        "due": _date(action.due_date),
    }
