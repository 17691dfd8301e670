"""Danger signals of arrears (欠款危险信号) flagged on a customer.

The types are a configurable list, seeded with the eight of the source
documents; flagging one puts the customer under watch and opens an activity
for the manager named by the company's classification policy.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools.customer_archive_lang import by_chatter_lang, for_user
from .customer_archive import MANAGER
from .customer_archive_workflow_mixin import Transition


class CustomerRiskSignal(models.Model):
    _name = "customer.risk.signal"
    _description = "Customer Risk Signal"
    _inherit = ["customer.archive.workflow.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    _workflow_transitions = (Transition("resolve", ("open",), "resolved", MANAGER),)
    # who reported it: the user who flags it, nobody else
    _workflow_locked_fields = ("user_id",)

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('parent_id', '=', False)]",
        check_company=True,
    )
    type_id = fields.Many2one(
        "customer.risk.signal.type", string="Signal", required=True, ondelete="restrict"
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    note = fields.Text()
    user_id = fields.Many2one(
        "res.users", string="Reported By", default=lambda self: self.env.user, readonly=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved")],
        default="open",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    can_resolve = fields.Boolean(compute="_compute_workflow_can")

    @api.depends("partner_id", "type_id")
    def _compute_display_name(self):
        for signal in self:
            signal.display_name = " - ".join(
                name for name in (signal.partner_id.display_name, signal.type_id.name) if name
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("user_id", self.env.uid) != self.env.uid and not self.env.su:
                raise AccessError(self.env._("You can only report risk signals yourself."))
            if vals.get("partner_id"):
                partner = self.env["res.partner"].browse(vals["partner_id"])
                vals["partner_id"] = partner.commercial_partner_id.id
        signals = super().create(vals_list)
        signals._schedule_manager_activity()
        return signals

    def action_resolve(self):
        """The manager closes the signal; the watch ends with the last open one."""
        self._workflow_run("resolve")
        return True

    def _action_resolve(self):
        self._workflow_write({"state": "resolved"})
        still_watched = self.partner_id.filtered("customer_under_watch")
        # sudo: the manager closes the review activity whoever it was assigned to
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    (
                        "res_id",
                        "in",
                        (self.partner_id - still_watched).customer_risk_signal_ids.ids,
                    ),
                    ("activity_type_id", "=", self._activity_type().id),
                ]
            )
        )
        # the "done" note on each signal in its chatter's language
        for in_lang in by_chatter_lang(self.browse(activities.mapped("res_id"))):
            activities.filtered(lambda a, ids=in_lang.ids: a.res_id in ids).with_context(
                lang=in_lang.env.lang
            ).action_feedback(feedback=in_lang.env._("Risk signals resolved."))

    def _activity_type(self):
        return self.env.ref("customer_archive.mail_activity_type_risk_signal")

    def _schedule_manager_activity(self):
        """One open review activity per customer for the policy's manager, on the signal
        itself: only the archive groups read signals, not every employee who may read
        the customer's partner record."""
        activity_type = self._activity_type()
        Activity = self.env["mail.activity"].sudo()  # the reporter asks the manager to act
        signals = self.partner_id.sudo().customer_risk_signal_ids
        watched = set(
            signals.browse(
                Activity.search(
                    [
                        ("res_model", "=", self._name),
                        ("res_id", "in", signals.ids),
                        ("activity_type_id", "=", activity_type.id),
                    ]
                ).mapped("res_id")
            ).partner_id.ids
        )
        Policy = self.env["customer.classification.policy"]
        for signal in self:
            partner = signal.partner_id
            if partner.id in watched:
                continue
            watched.add(partner.id)
            manager = Policy._get_company_policy(signal.company_id).manager_id or self.env.user
            # sudo: the activity is the manager's, on a signal its author may not edit
            in_lang = for_user(signal.sudo(), manager)
            in_lang.activity_schedule(
                activity_type_id=activity_type.id,
                user_id=manager.id,
                summary=in_lang.env._(
                    "Risk signal: %(signal)s", signal=in_lang.type_id.display_name
                ),
                note=signal.note or "",
            )
