"""``{% frame_nav %}``: the top bar of every page (``base.html``), written in Python, with the HTML the template gave.

The bar was the template's largest part on a list page's miss: about thirty addresses, forty translated texts, a
dozen conditions, the registers' loop and the supervision menu's template, every request. Now everything it shows
that is not the reader's own is written once per process for what it depends on (``_skeleton``: the language, the
addresses' script prefix, URL patterns and current application, the site's name, the partnership it links to, the
registers listed, which of the optional items show, the active item), and each request puts in only what is the
reader's: their name, their to-do and notice counts (``core.registry.frame_counts``, one query for both), the CSRF
token and the address the language switcher comes back to. Nothing the reader alone sees is kept: a bar kept for the
office of a partnership serves only readers with the same flags, and their names and counts are put in each time.
``core/tests/test_frame_nav.py`` holds it to the template it replaced (every persona, both languages, hostile names).
"""

from types import SimpleNamespace

from django import template
from django.urls import get_resolver, get_script_prefix, get_urlconf
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from twincity.accounts.access import is_office
from twincity.core.addresses import reversed_once
from twincity.core.registry import frame_counts

register = template.Library()

_KEPT: dict[tuple, list[str]] = {}
MAX_KEPT = 2000  # bars: languages × partnerships × pages' items × flags; emptied beyond this
SLOT = "\x00"  # around the name of what a request puts in (no text of the bar holds it)


def _slot(name: str) -> str:
    return f"{SLOT}{name}{SLOT}"


def _current_app(context):
    # As Django's {% url %} (and frame_urls) asks it.
    try:
        return context.request.current_app
    except AttributeError:
        try:
            return context.request.resolver_match.namespace
        except AttributeError:
            return None


def _skeleton(key: tuple) -> list[str]:
    """The bar for ``key`` (see ``frame_nav``), split at its slots: text, slot name, text, … ."""
    (
        _language,
        _prefix,
        _resolver,
        current_app,
        site_name,
        signed_in,
        pk,
        registers,
        on_register,
        can_audit,
        office_here,
        superuser,
        nav,
    ) = key

    def _(text: str) -> str:  # as {% translate %} gives it: the reader's language, escaped
        return conditional_escape(gettext(text))

    # Outside the f-strings, where makemessages finds them.
    w = SimpleNamespace(
        menu=_("Menu"),
        dashboard=_("Dashboard"),
        key_matters=_("Key matters"),
        joint_meetings=_("Joint meetings"),
        registers=_("Registers"),
        deliveries=_("Deliveries"),
        group_robots=_("Group robots"),
        audit_log=_("Audit log"),
        supervision=_("Supervision"),
        supervised_items=_("Supervised items"),
        supervision_sheets=_("Supervision sheets"),
        digests_and_briefings=_("Digests and briefings"),
        scoring_of_units=_("Scoring of units"),
        to_do=_("To-do"),
        my_work=_("My work"),
        partnership=_("Partnership"),
        system_administration=_("System administration"),
        search_everything=_("Search everything"),
        search=_("Search"),
        notifications=_("Notifications"),
        my_account_and_api_token=_("My account and API token"),
        change_password=_("Change password"),
        my_notice_preferences=_("My notice preferences"),
        api_documentation=_("API documentation"),
        sign_out=_("Sign out"),
        language=_("Language"),
    )

    def url(name: str, *args) -> str:
        return conditional_escape(reversed_once(name, list(args), None, current_app))

    def active(item: str) -> str:
        return " active" if nav == item else ""

    out = [
        '<nav class="navbar navbar-expand-lg navbar-dark tc-navbar">\n  <div class="container-fluid">\n'
        f'    <a class="navbar-brand d-flex align-items-center gap-2" href="{url("home")}">\n'
        f'      <span class="tc-logo">双</span><span>{conditional_escape(site_name)}</span>\n    </a>\n    '
    ]
    if signed_in:
        out.append(
            '\n    <button class="navbar-toggler" type="button" data-bs-toggle="collapse" data-bs-target="#nav" '
            f'aria-controls="nav" aria-expanded="false" aria-label="{w.menu}">\n'
            '      <span class="navbar-toggler-icon"></span>\n    </button>\n'
            '    <div class="collapse navbar-collapse" id="nav">\n'
            '      <ul class="navbar-nav me-auto">\n        \n        '
        )
        if pk is not None:
            p = conditional_escape(localize(pk))  # as {{ p.pk }}
            out.append(
                f'\n        <li class="nav-item"><a class="nav-link{active("dashboard")}" '
                f'href="{url("dashboard", pk)}">'
                f'<i class="bi bi-speedometer2"></i> {w.dashboard}</a></li>\n'
                f'        <li class="nav-item"><a class="nav-link{active("matters")}" href="{url("matters:list")}'
                f'?partnership={p}"><i class="bi bi-list-check"></i> {w.key_matters}</a></li>\n'
                f'        <li class="nav-item"><a class="nav-link{active("meetings")}" href="{url("meetings:index")}'
                f'?partnership={p}" id="nav-meetings"><i class="bi bi-people"></i> {w.joint_meetings}</a></li>\n'
                "        "
            )
            if registers:
                entries = "".join(
                    f'<li><a class="dropdown-item" href="{conditional_escape(r.list_url)}?partnership={p}">'
                    f'<i class="bi bi-{conditional_escape(r.icon)}"></i> {conditional_escape(r.label)}</a></li>'
                    for r in registers
                )
                out.append(
                    '\n        <li class="nav-item dropdown">\n'
                    f'          <a class="nav-link dropdown-toggle{" active" if on_register else ""}" href="#" '
                    'role="button" data-bs-toggle="dropdown" aria-expanded="false" id="nav-registers">'
                    f'<i class="bi bi-archive"></i> {w.registers}</a>\n'
                    f'          <ul class="dropdown-menu">\n            {entries}\n'
                    "          </ul>\n        </li>\n        "
                )
            query = f"?partnership={p}"
            office = ""
            if office_here:
                office = (
                    '\n<li><hr class="dropdown-divider"></li>\n'
                    f'<li><a class="dropdown-item" href="{url("notifications:deliveries", pk)}" id="menu-deliveries">'
                    f'<i class="bi bi-send"></i> {w.deliveries}</a></li>\n'
                    f'<li><a class="dropdown-item" href="{url("notifications:robots", pk)}" id="menu-robots">'
                    f'<i class="bi bi-robot"></i> {w.group_robots}</a></li>\n'
                )
            audit = ""
            if can_audit:
                audit = (
                    f'<li class="nav-item"><a class="nav-link{active("audit")}" href="{url("audit:log")}">'
                    f'<i class="bi bi-journal-text"></i> {w.audit_log}</a></li>'
                )
            out.append(
                '\n        <li class="nav-item dropdown">\n'
                f'          <a class="nav-link dropdown-toggle{active("supervision")}" href="#" role="button" '
                'data-bs-toggle="dropdown" aria-expanded="false" id="nav-supervision"><i class="bi bi-flag"></i> '
                f"{w.supervision}</a>\n"
                '          <ul class="dropdown-menu">\n\n'
                f'<li><a class="dropdown-item" id="nav-cases" href="{url("supervision:case_list")}{query}">'
                f'<i class="bi bi-clipboard-check"></i> {w.supervised_items}</a></li>\n\n'
                f'<li><a class="dropdown-item" href="{url("supervision:sheet_list")}{query}">'
                f'<i class="bi bi-file-earmark-text"></i> {w.supervision_sheets}</a></li>\n\n'
                f'<li><a class="dropdown-item" id="menu-briefing" href="{url("supervision:briefings")}{query}">'
                f'<i class="bi bi-newspaper"></i> {w.digests_and_briefings}</a></li>\n\n'
                f'<li><a class="dropdown-item" id="menu-scores" href="{url("supervision:scores")}{query}">'
                f'<i class="bi bi-bar-chart-line"></i> {w.scoring_of_units}</a></li>\n\n'
                f'<li><a class="dropdown-item" href="{url("supervision:todos")}{query}" id="nav-todos">'
                f'<i class="bi bi-list-check"></i> {w.to_do}</a></li>\n'
                f"{office}\n</ul>\n        </li>\n"
                f'        <li class="nav-item"><a class="nav-link{active("mywork")}" href="{url("workspace:my_work")}">'
                f'<i class="bi bi-person-check"></i> {w.my_work}</a></li>\n'
                f'        <li class="nav-item"><a class="nav-link{active("partnership")}" '
                f'href="{url("regions:partnership", pk)}"><i class="bi bi-diagram-3"></i> {w.partnership}</a></li>\n'
                f"        {audit}\n        "
            )
        admin = ""
        if superuser:
            admin = f'<li><a class="dropdown-item" href="{url("admin:index")}">{w.system_administration}</a></li>'
        name = _slot("name")
        out.append(
            "\n        \n      </ul>\n"
            f'      <form class="d-flex me-2" role="search" action="{url("workspace:search")}" method="get">\n'
            '        <input class="form-control form-control-sm tc-search" type="search" name="q" maxlength="200" '
            f'placeholder="{w.search_everything}" aria-label="{w.search}">\n      </form>\n'
            '      <ul class="navbar-nav">\n        \n'
            f'        <li class="nav-item"><a class="nav-link{active("todos")}" href="{url("supervision:todos")}" '
            f'id="nav-todo-count" title="{w.to_do}"><i class="bi bi-list-check"></i> {w.to_do}'
            f"{_slot('todos')}</a></li>\n        \n"
            f'        <li class="nav-item"><a class="nav-link{active("notifications")}" '
            f'href="{url("notifications:list")}" id="nav-notifications" title="{w.notifications}">'
            f'<i class="bi bi-bell"></i><span class="visually-hidden">{w.notifications}</span>'
            f"{_slot('unread')}</a></li>\n"
            '        <li class="nav-item dropdown">\n'
            '          <a class="nav-link dropdown-toggle" href="#" role="button" data-bs-toggle="dropdown" '
            f'aria-expanded="false" title="{name}"><i class="bi bi-person-circle"></i> '
            f'<span class="tc-user-name">{name}</span></a>\n'
            '          <ul class="dropdown-menu dropdown-menu-end">\n'
            f'            <li><a class="dropdown-item" href="{url("profile")}">'
            f"{w.my_account_and_api_token}</a></li>\n"
            f'            <li><a class="dropdown-item" href="{url("password_change")}">'
            f"{w.change_password}</a></li>\n"
            f'            <li><a class="dropdown-item" href="{url("notifications:preferences")}">'
            f"{w.my_notice_preferences}</a></li>\n"
            f'            <li><a class="dropdown-item" href="/api/docs/">{w.api_documentation}</a></li>\n'
            f"            {admin}\n"
            '            <li><hr class="dropdown-divider"></li>\n'
            f'            <li><form method="post" action="{url("logout")}">{_slot("csrf")}'
            f'<button class="dropdown-item" type="submit">{w.sign_out}</button></form></li>\n'
            "          </ul>\n        </li>\n      </ul>\n    </div>\n    "
        )
    language = get_language()
    out.append(
        f'\n    <form class="ms-2 tc-lang" action="{url("set_language")}" method="post">{_slot("csrf")}\n'
        f'      <input name="next" type="hidden" value="{_slot("path")}">\n'
        f'      <div class="btn-group btn-group-sm" role="group" aria-label="{w.language}">\n'
        '        <button type="submit" name="language" value="zh-hans" class="btn btn-outline-light'
        f'{" active" if language == "zh-hans" else ""}">中文</button>\n'
        '        <button type="submit" name="language" value="en" class="btn btn-outline-light'
        f'{" active" if language == "en" else ""}">EN</button>\n'
        "      </div>\n    </form>\n  </div>\n</nav>"
    )
    return "".join(out).split(SLOT)


def _csrf_input(context) -> str:
    # Django's {% csrf_token %}.
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return ""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


@register.simple_tag(takes_context=True)
def frame_nav(context):
    """The top bar of the page in ``context``, as ``base.html``'s template wrote it."""
    user = context.get("user")
    signed_in = bool(getattr(user, "is_authenticated", False))
    partnerships = context.get("nav_partnerships")
    p = partnerships[0] if partnerships else None
    pk = p.pk if p else None
    registers = tuple(context.get("nav_registers") or ()) if p else ()
    key = (
        get_language(),
        get_script_prefix(),
        get_resolver(get_urlconf()),
        _current_app(context),
        str(context.get("site_name", "")),
        signed_in,
        pk,
        registers,
        bool(context.get("nav_is_register")) if registers else False,
        bool(context.get("nav_can_audit")) if p else False,
        signed_in and p is not None and is_office(user, pk),
        signed_in and bool(user.is_superuser),
        context.get("nav"),
    )
    parts = _KEPT.get(key)
    if parts is None:
        parts = _skeleton(key)
        if len(_KEPT) >= MAX_KEPT:
            _KEPT.clear()
        _KEPT[key] = parts
    values = {"csrf": _csrf_input(context)}
    request = context.get("request")
    values["path"] = conditional_escape(request.get_full_path()) if request is not None else ""
    if signed_in:
        counts = frame_counts(user)
        todos, unread = counts.get("todos", 0), counts.get("unread", 0)
        values["todos"] = (
            format_html(
                ' <span class="badge text-bg-warning" data-count="{}">{}</span>', localize(todos), localize(todos)
            )
            if todos
            else ""
        )
        values["unread"] = (
            format_html(' <span class="badge text-bg-light text-danger">{}</span>', localize(unread)) if unread else ""
        )
        values["name"] = conditional_escape(user.get_full_name() or user.username)
    html = parts[:]
    html[1::2] = [values[name] for name in parts[1::2]]
    return mark_safe("".join(html))  # every value above is escaped
