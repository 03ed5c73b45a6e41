"""The matter page's repeated parts written in one pass: ``{% parity_cards parity case_address today %}``, a card
for each side of the partnership ("Both sides", the page's first tab; twenty sides are twenty cards, each side's step
on the supervised item linked to its case), ``{% milestone_rows %}``
(the milestones tab's rows, with their close forms), ``{% report_cards reports %}`` (the progress reports),
``{% matter_overview matter entries %}`` (the overview tab: goal, description, dates and the chain of lists) and
``{% matter_head %}`` (the page's head: code, status, light, title, the steps offered, the completion notice, the tabs).

The template wrote each through tens of tags and lookups; this writes the same characters with f-strings, every text
escaped as the template escapes it (``core.text.escaped``). ``matters/tests/test_matter_page_rows.py`` holds each to
the template it replaced, byte for byte (filled, empty, hostile, every branch, both languages)."""

import datetime as dt

from django import template
from django.template.defaultfilters import filesizeformat, truncatechars
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, gettext_noop

from twincity.accounts.people import display_name
from twincity.core.text import escaped

register = template.Library()


def day(value) -> str:
    """``{{ value|date:"Y-m-d" }}`` of a date ("" for none)."""
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}" if value else ""


def _t(text: str) -> str:
    """``{% translate text %}``."""
    return escaped(gettext(text))


# The texts ``_t`` translates. makemessages (xgettext) reads no call inside an f-string, where ``_t`` is called: they
# are marked here for the catalogue (``test_matter_page_rows`` finds every ``_t`` text of this file in this list).
MARKED = (
    gettext_noop("Completion reported"),
    gettext_noop("Signed off"),
    gettext_noop("late"),
    gettext_noop("Not signed off yet"),
    gettext_noop("Details"),
    gettext_noop("Supervision"),
    gettext_noop("Lagging"),
    gettext_noop("No milestones on this side."),
    gettext_noop("Progress"),
    gettext_noop("Lead units"),
    gettext_noop("Supporting"),
    gettext_noop("Responsible leader"),
    gettext_noop("Last report"),
    gettext_noop("This side takes no part in the matter."),
    gettext_noop("Done on"),
    gettext_noop("Evidence"),
    gettext_noop("Close the milestone"),
    gettext_noop("Edit or archive"),
    gettext_noop("Edit or archive the milestone"),
    gettext_noop("No milestones yet."),
    gettext_noop("Correct"),
    gettext_noop("No progress reported yet."),
    gettext_noop("rolled over"),
    gettext_noop("Completed"),
    gettext_noop("Goal"),
    gettext_noop("Description"),
    gettext_noop("Field"),
    gettext_noop("Start"),
    gettext_noop("Due"),
    gettext_noop("Lists"),
    gettext_noop("Your opinion (required to confirm completion)"),
    gettext_noop("Opinion"),
    gettext_noop("Roll over"),
    gettext_noop("Edit"),
    gettext_noop("Why it is reopened"),
    gettext_noop("Reopen"),
    gettext_noop("Archive this matter? It stays in the history."),
    gettext_noop("Archive"),
    gettext_noop("Archived"),
    gettext_noop("Both sides"),
    gettext_noop("Overview"),
    gettext_noop("Milestones"),
    gettext_noop("Progress reports"),
    gettext_noop("History"),
)


def _case_step(s, case_address: str) -> str:
    """A side's step on the matter's supervised item (签收, 反馈, 完成)."""
    if s.completed_at:
        step, state = "reported", f'<i class="bi bi-check-circle-fill tc-text-green"></i> {_t("Completion reported")}'
    elif s.signed_at:
        step, state = "signed", f'<i class="bi bi-check-circle"></i> {_t("Signed off")}'
        if s.signed_late:
            state += f' <span class="badge text-bg-warning">{_t("late")}</span>'
    else:
        step, state = "waiting", f'<i class="bi bi-circle tc-text-grey"></i> {_t("Not signed off yet")}'
    late = ""
    if s.late_feedback_count:
        n = escaped(gettext("%(n)s late") % {"n": escaped(str(s.late_feedback_count))})
        late = f'<span class="badge text-bg-warning">{n}</span>'
    details = f'<a href="{escaped(case_address)}">{_t("Details")}</a>' if case_address else ""
    return (
        f'<div class="small mb-2" data-case-step="{step}">{_t("Supervision")}:\n            {state}\n'
        f"            {late}\n            {details}</div>"
    )


def _units(units) -> str:
    return "".join(f"<div>{escaped(o.display_name)}</div>" for o in units) or "—"


def _milestone(m, today: dt.date) -> str:
    if m.done_date:
        icon = '<i class="bi bi-check-circle-fill tc-text-green"></i>'
    elif m.due_date < today:
        icon = '<i class="bi bi-exclamation-circle-fill tc-text-red"></i>'
    else:
        icon = '<i class="bi bi-circle tc-text-grey"></i>'
    return (
        f'\n              <div class="d-flex gap-2 align-items-center py-1 border-top">\n                {icon}\n'
        f'                <span class="flex-grow-1">{escaped(m.title)}</span><span class="text-muted">'
        f"{day(m.due_date)}</span>\n              </div>\n            "
    )


def _card(half: dict, case_address: str, today: dt.date) -> str:
    side, record = half["side"], half["record"]
    code = escaped(side.code)
    lagging = half["lagging"]
    badge = f'<span class="badge text-bg-danger">{_t("Lagging")}</span>' if lagging else ""
    if record:
        percent = escaped(str(half["percent"]))
        step = _case_step(half["case_side"], case_address) if half.get("case_side") else ""
        latest = half["latest"]
        latest = (
            f'<div class="border-start border-3 ps-2 small tc-pre mb-2">{escaped(truncatechars(latest.text, 240))}'
            "</div>"
            if latest
            else ""
        )
        milestones = "".join(_milestone(m, today) for m in half["milestones"]) or (
            f'<div class="text-muted">{_t("No milestones on this side.")}</div>'
        )
        label = '<dt class="col-4 fw-normal tc-muted-label">'
        body = (
            f'\n          <div class="mb-3">\n            <div class="d-flex justify-content-between small mb-1"><span>'
            f'{_t("Progress")}</span><strong data-side-percent="{code}">{percent}%</strong></div>\n'
            f'            <div class="tc-progress"><span data-percent="{percent}"></span></div>\n          </div>\n'
            f'          {step}\n          <dl class="row small mb-2">\n'
            f'            {label}{_t("Lead units")}</dt><dd class="col-8">{_units(half["leads"])}</dd>\n'
            f'            {label}{_t("Supporting")}</dt><dd class="col-8">{_units(half["supports"])}</dd>\n'
            f'            {label}{_t("Responsible leader")}</dt><dd class="col-8">'
            f"{escaped(record.responsible_leader or '—')}</dd>\n"
            f'            {label}{_t("Last report")}</dt><dd class="col-8">{day(record.last_reported_on) or "—"}</dd>\n'
            f'          </dl>\n          {latest}\n          <div class="small">\n            {milestones}\n'
            f"          </div>\n          "
        )
    else:
        body = (
            f'\n          <p class="text-muted small mb-0">{_t("This side takes no part in the matter.")}</p>\n'
            f"          "
        )
    return (
        f'\n      <div class="tc-card{" tc-lagging" if lagging else ""}" data-side="{code}">\n'
        f'        <div class="tc-card-header"><span class="tc-side-header">{escaped(side.display_name)}</span>{badge}'
        f'</div>\n        <div class="tc-card-body">\n          {body}\n        </div>\n      </div>\n      '
    )


@register.simple_tag
def parity_cards(parity, case_address, today) -> str:
    """The cards of ``{% for half in parity %}`` (the page's ``parity``: a dict a side; ``case_address``: the page of
    the matter's case, "" for none)."""
    return mark_safe("".join(_card(half, case_address, today) for half in parity))


def _close_form(m, today: dt.date, csrf: str) -> str:
    return (
        f'\n              <form method="post" action="{escaped(m.close_address)}" class="d-flex gap-1">{csrf}\n'
        f'                <input type="hidden" name="version" value="{escaped(str(m.version))}">\n'
        f'                <input type="date" name="done_date" class="form-control form-control-sm" value="{day(today)}"'
        f' required aria-label="{_t("Done on")}">\n'
        f'                <input name="evidence" class="form-control form-control-sm" placeholder="{_t("Evidence")}"'
        f' required aria-label="{_t("Evidence")}">\n'
        f'                <button class="btn btn-sm btn-outline-success" type="submit">'
        f"{_t('Close the milestone')}</button>\n"
        f"              </form>"
    )


def _edit_box(m) -> str:
    address = escaped(m.edit_address)
    return (
        f'\n              <details class="small mt-1" data-milestone-edit="{escaped(str(m.pk))}" hx-get="{address}"'
        f' hx-trigger="toggle once" hx-target="find [data-milestone-forms]"><summary>{_t("Edit or archive")}'
        f'</summary>\n                <div data-milestone-forms><a href="{address}">'
        f"{_t('Edit or archive the milestone')}</a></div>\n"
        f"              </details>\n              "
    )


def _milestone_row(m, today: dt.date, csrf: str) -> str:
    late = "tc-text-red fw-semibold" if not m.done_date and m.due_date < today else ""
    close = _close_form(m, today, csrf) if not m.done_date and m.closable else ""
    edit = _edit_box(m) if m.closable else ""
    return (
        f'\n          <tr data-milestone="{escaped(str(m.pk))}">\n'
        f"            <td>{escaped(m.title)}</td><td>{escaped(m.side_label)}</td>\n"
        f'            <td class="{late}">{day(m.due_date)}</td>\n'
        f'            <td>{day(m.done_date) or "—"}</td><td class="small tc-pre">{escaped(m.evidence or "")}</td>\n'
        f"            <td>{close}\n              {edit}</td>\n          </tr>\n        "
    )


def csrf_input(context) -> str:
    """``{% csrf_token %}``: the page's token (the same lazy one for every form of the page)."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escaped(str(token))}">'


@register.simple_tag(takes_context=True)
def milestone_rows(context, milestones, today) -> str:
    """The rows of ``{% for m in milestones %}`` in the milestones tab (each with ``closable``, ``side_label`` and,
    when closable, ``close_address`` and ``edit_address``, as the page's view sets them)."""
    rows = "".join(_milestone_row(m, today, csrf_input(context)) for m in milestones)
    return mark_safe(rows or f'<tr><td colspan="6" class="text-muted py-3">{_t("No milestones yet.")}</td></tr>')


def _report_card(r) -> str:
    organisation = escaped(r.unit) if r.unit else ""
    author = escaped(display_name(r.author)) if r.author else ""
    correct = f'<a href="{escaped(r.edit_address)}" class="small">{_t("Correct")}</a>' if r.correctable else ""
    files = "".join(
        f'<a class="small me-2" href="{escaped(f.address)}"><i class="bi bi-paperclip"></i> {escaped(f.name)} '
        f"({escaped(filesizeformat(f.size))})</a>"
        for f in r.files
    )
    return (
        '\n    <div class="tc-card mb-2"><div class="tc-card-body">\n'
        '      <div class="d-flex flex-wrap gap-2 small text-muted mb-1">\n'
        f'        <strong class="text-body">{escaped(r.side.label)}</strong><span>{escaped(r.period)}</span>'
        f"<span>{escaped(str(r.percent_complete))}%</span>\n"
        f'        <span>{organisation}</span><span>{author}</span><span class="ms-auto">{day(r.reported_on)}</span>'
        f"{correct}\n      </div>\n"
        f'      <div class="tc-pre">{escaped(r.text)}</div>\n      {files}\n    </div></div>\n    '
    )


@register.simple_tag
def report_cards(reports) -> str:
    """The cards of ``{% for r in reports %}`` in the progress tab (each with ``unit``, the reporting unit as named,
    ``files``, ``correctable`` and, when correctable, ``edit_address``, as the page's view sets them)."""
    cards = "".join(_report_card(r) for r in reports)
    return mark_safe(cards or f'<p class="text-muted">{_t("No progress reported yet.")}</p>')


def _or_dash(text) -> str:
    """``{{ text|default:"—" }}``."""
    return escaped(text) if text else "—"


def _entry(year, code, outcome, reason) -> str:
    rolled = f' <span class="badge text-bg-light">{_t("rolled over")}</span>' if outcome == "rolled_over" else ""
    reason = f'<div class="text-muted">{escaped(reason)}</div>' if reason else ""
    return f'<div><span class="font-monospace">{escaped(str(year))} · {escaped(code)}</span>{rolled}{reason}</div>'


@register.simple_tag
def matter_overview(matter, entries) -> str:
    """The overview tab's body: the matter's goal, description, field, dates and progress, and ``entries``, the chain
    of lists it has been on (``(year, code, outcome, reason)`` a list, oldest first, as the page's view reads them)."""
    label = '<dt class="col-5 fw-normal tc-muted-label">'
    completed = (
        f'{label}{_t("Completed")}</dt><dd class="col-7">{day(matter.completed_on)} · '
        f"{escaped(display_name(matter.confirmed_by))}</dd>"
        if matter.completed_on
        else ""
    )
    return mark_safe(
        '<div class="row g-3">\n      <div class="col-lg-8"><div class="tc-card"><div class="tc-card-body">\n'
        f'        <h2 class="h6">{_t("Goal")}</h2><p class="tc-pre">{_or_dash(matter.goal)}</p>\n'
        f'        <h2 class="h6">{_t("Description")}</h2><p class="tc-pre mb-0">{_or_dash(matter.description)}</p>\n'
        '      </div></div></div>\n      <div class="col-lg-4"><div class="tc-card"><div class="tc-card-body small">\n'
        '        <dl class="row mb-0">\n'
        f'          {label}{_t("Field")}</dt><dd class="col-7">{_or_dash(matter.field)}</dd>\n'
        f'          {label}{_t("Start")}</dt><dd class="col-7">{day(matter.start_date) or "—"}</dd>\n'
        f'          {label}{_t("Due")}</dt><dd class="col-7">{day(matter.due_date) or "—"}</dd>\n'
        f'          {label}{_t("Progress")}</dt><dd class="col-7">{escaped(str(matter.percent_complete))}%</dd>\n'
        f"          {completed}\n"
        f"          {label}{_t('Lists')}</dt>\n"
        f'          <dd class="col-7" id="list-chain">{"".join(_entry(*e) for e in entries)}</dd>\n'
        "        </dl>\n      </div></div></div>\n    </div>"
    )


def _button_class(to: str) -> str:
    if to == "completed":
        return "btn-success"
    return "btn-outline-danger" if to == "cancelled" else "btn-outline-secondary"


def _transition(to, label, matter, action: str, csrf: str) -> str:
    label = escaped(label)
    confirm = gettext("Set the status to “%(label)s”?") % {"label": label}
    opinion = (
        '<textarea class="form-control form-control-sm mb-1" name="reason" id="confirm-opinion" rows="1" '
        f'placeholder="{_t("Your opinion (required to confirm completion)")}" aria-label="{_t("Opinion")}"></textarea>'
        if to == "completed"
        else ""
    )
    return (
        f'\n      <form method="post" action="{action}" data-confirm="{confirm}">{csrf}\n'
        f'        <input type="hidden" name="version" value="{escaped(str(matter.version))}"><input type="hidden" '
        f'name="status" value="{escaped(to)}">\n        {opinion}\n'
        f'        <button class="btn btn-sm {_button_class(to)}" type="submit" data-transition="{escaped(to)}">{label}'
        "</button>\n      </form>\n    "
    )


def _steps(context, matter, addresses, csrf: str) -> str:
    """The buttons and forms of the steps the reader may take: edit, roll over, the status changes, reopen, archive."""
    can_change = context["can_change"]
    closed = matter.status in ("completed", "cancelled")
    edit = ""
    if can_change:
        roll_over = (
            ""
            if closed
            else f'<a class="btn btn-sm btn-outline-secondary" href="{escaped(addresses["roll_over"])}" '
            f'id="roll-over-link"><i class="bi bi-arrow-return-right"></i> {_t("Roll over")}</a>'
        )
        edit = (
            f'\n      <a class="btn btn-sm btn-outline-primary" href="{escaped(addresses["edit"])}"><i class="bi '
            f'bi-pencil"></i> {_t("Edit")}</a>\n      {roll_over}\n    '
        )
    action = escaped(addresses["change_status"])
    transitions = "".join(_transition(to, label, matter, action, csrf) for to, label in context["transitions"])
    reopen = ""
    if context["may_reopen"]:
        why = _t("Why it is reopened")
        reopen = (
            f'\n      <form method="post" action="{escaped(addresses["reopen"])}" id="reopen-form">{csrf}\n'
            f'        <input type="hidden" name="version" value="{escaped(str(matter.version))}">\n'
            '        <textarea class="form-control form-control-sm mb-1" name="reason" id="reopen-reason" rows="1" '
            f'placeholder="{why}" aria-label="{why}"></textarea>\n'
            '        <button class="btn btn-sm btn-outline-warning" type="submit" data-step="reopen">'
            f"{_t('Reopen')}</button>\n      </form>\n    "
        )
    archive = ""
    if can_change and not matter.is_archived:
        archive = (
            f'\n      <form method="post" action="{escaped(addresses["archive"])}" data-confirm="'
            f'{_t("Archive this matter? It stays in the history.")}">{csrf}<button class="btn btn-sm '
            f'btn-outline-danger" type="submit"><i class="bi bi-archive"></i> {_t("Archive")}</button></form>\n    '
        )
    return f"\n    {edit}\n    {transitions}\n    {reopen}\n    {archive}\n  "


def _tab(target: str, label: str, active: bool = False, tab_id: str = "", count: int | None = None) -> str:
    shown = f'{_t(label)} <span class="badge text-bg-light">{count}</span>' if count is not None else _t(label)
    return (
        f'\n  <li class="nav-item" role="presentation"><button class="nav-link{" active" if active else ""}" '
        f'data-bs-toggle="tab" data-bs-target="#{target}" type="button" role="tab"{tab_id and f' id="{tab_id}"'}>'
        f"{shown}</button></li>"
    )


@register.simple_tag(takes_context=True)
def matter_head(context) -> str:
    """The page's head, from the page's context (``matter``, ``verdict``, ``light_label``, ``addresses``,
    ``can_change``, ``transitions``, ``may_reopen``, ``milestones``, ``reports``): the matter's code, status, light,
    title and the light's reasons, the steps the reader may take, the notice of a completion waiting to be
    confirmed, and the tabs."""
    matter, verdict = context["matter"], context["verdict"]
    light = escaped(verdict.light)
    archived = f'<span class="badge text-bg-secondary">{_t("Archived")}</span>' if matter.is_archived else ""
    reasons = "".join(f'<span class="me-2">{escaped(r)}</span>' for r in verdict.reasons)
    notice = ""
    if matter.completion_requested_at and matter.status != "completed":
        on = escaped(day(template_localtime(matter.completion_requested_at)))
        said = gettext(
            "All sides reported the matter complete on %(date)s. The office or a leader confirms completion."
        ) % {"date": on}
        notice = f'\n<div class="alert alert-info py-2">{said}</div>\n'
    tabs = (
        _tab("parity", "Both sides", active=True)
        + _tab("overview", "Overview")
        + _tab("milestones", "Milestones", tab_id="tab-milestones", count=len(context["milestones"]))
        + _tab("progress", "Progress reports", tab_id="tab-progress", count=len(context["reports"]))
        + _tab("history", "History", tab_id="tab-history")
    )
    return mark_safe(
        '<div class="d-flex flex-wrap align-items-start gap-3 mb-3">\n  <div class="me-auto">\n'
        '    <div class="d-flex align-items-center gap-2 mb-1">\n'
        f'      <span class="font-monospace text-muted" id="matter-code">{escaped(matter.code)}</span>\n'
        f'      <span class="badge tc-status tc-status-{escaped(matter.status)}" id="matter-status">'
        f"{escaped(matter.get_status_display())}</span>\n"
        f'      <span class="tc-light tc-light-{light}" id="matter-light" data-light="{light}">'
        f"{escaped(context['light_label'])}</span>\n      {archived}\n    </div>\n"
        f'    <h1 class="h4 mb-1">{escaped(matter.title)}</h1>\n    <div class="small text-muted">{reasons}</div>\n'
        '  </div>\n  <div class="d-flex flex-wrap align-items-start gap-2">'
        f"{_steps(context, matter, context['addresses'], csrf_input(context))}</div>\n</div>\n\n{notice}\n\n"
        f'<ul class="nav nav-tabs mb-3" role="tablist">{tabs}\n</ul>'
    )
