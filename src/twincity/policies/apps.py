from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "twincity.policies"
    verbose_name = _("Policy alignment")

    def ready(self):
        from twincity.audit.events import register
        from twincity.policies import sources  # noqa: F401  (the menu entries, the dashboard panel, the agenda source)

        register(
            {
                "policy.created": _("Policy entered"),
                "policy.archived": _("Policy archived"),
                "policy.document_attached": _("Policy document attached"),
                "clause.created": _("Clause added"),
                "clause.archived": _("Clause archived"),
                "alignmentgroup.created": _("Alignment group set up"),
                "alignmentgroup.archived": _("Alignment group archived"),
                "alignmentgroup.member_added": _("Clause added to the comparison"),
                "alignmentgroup.member_removed": _("Clause taken out of the comparison"),
                "alignmentgroup.diverging": _("Divergence beyond the tolerance flagged"),
                "alignmentgroup.aligned": _("Back within the tolerance"),
                "alignmentgroup.negotiating": _("Put under negotiation"),
                "alignmentgroup.agreed_to_differ": _("Sides agreed to differ"),
                "alignmentgroup.resumed": _("Comparison resumed"),
            }
        )
