"""Danger signals of arrears (欠款危险信号) flagged on a customer.

The types are a configurable list, seeded with the eight of the source
documents; flagging one puts the customer under watch and opens an activity
for the manager named by the company's classification policy.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError

from .customer_archive import MANAGER, READER


class CustomerRiskSignalType(models.Model):
    _name = "customer.risk.signal.type"
    _description = "Customer Risk Signal Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)


class CustomerRiskSignal(models.Model):
    _name = "customer.risk.signal"
    _description = "Customer Risk Signal"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

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
        tracking=True,
        copy=False,
    )
    can_resolve = fields.Boolean(compute="_compute_can_resolve")

    @api.depends("state")
    @api.depends_context("uid")
    def _compute_can_resolve(self):
        is_manager = self.env.user.has_group(MANAGER)
        for signal in self:
            signal.can_resolve = is_manager and signal.state == "open"

    @api.depends("partner_id", "type_id")
    def _compute_display_name(self):
        for signal in self:
            signal.display_name = " - ".join(
                name for name in (signal.partner_id.display_name, signal.type_id.name) if name
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("partner_id"):
                partner = self.env["res.partner"].browse(vals["partner_id"])
                vals["partner_id"] = partner.commercial_partner_id.id
            vals.pop("state", None)  # a signal starts open
        signals = super().create(vals_list)
        signals._schedule_manager_activity()
        return signals

    def action_resolve(self):
        """The manager closes the signal; the watch ends with the last open one."""
        if not self.env.user.has_group(MANAGER):
            raise AccessError(self.env._("Only archive managers may resolve risk signals."))
        self.filtered(lambda signal: signal.state == "open")._action_resolve()
        return True

    def _action_resolve(self):
        self.write({"state": "resolved"})
        still_watched = self.partner_id.filtered("customer_under_watch")
        # sudo: the manager closes the review activity whoever it was assigned to
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", (self.partner_id - still_watched).ids),
                    ("activity_type_id", "=", self._activity_type().id),
                ]
            )
        )
        activities.action_feedback(feedback=self.env._("Risk signals resolved."))

    def _activity_type(self):
        return self.env.ref("customer_archive.mail_activity_type_risk_signal")

    def _schedule_manager_activity(self):
        """One open review activity per customer for the policy's manager."""
        activity_type = self._activity_type()
        Activity = self.env["mail.activity"].sudo()  # the reporter asks the manager to act
        watched = set(
            Activity.search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", self.partner_id.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            ).mapped("res_id")
        )
        Policy = self.env["customer.classification.policy"]
        for signal in self:
            partner = signal.partner_id
            if partner.id in watched:
                continue
            watched.add(partner.id)
            manager = Policy._get_company_policy(signal.company_id).manager_id
            partner.sudo().activity_schedule(
                activity_type_id=activity_type.id,
                user_id=(manager or self.env.user).id,
                summary=self.env._("Risk signal: %(signal)s", signal=signal.type_id.display_name),
                note=signal.note or "",
            )


class ResPartner(models.Model):
    _inherit = "res.partner"

    customer_risk_signal_ids = fields.One2many(
        "customer.risk.signal", "partner_id", string="Risk Signals", groups=READER
    )
    customer_under_watch = fields.Boolean(
        string="Under Watch",
        compute="_compute_customer_under_watch",
        store=True,
        tracking=True,
        groups=READER,
        help="At least one danger signal of arrears is open on this customer.",
    )

    @api.depends("customer_risk_signal_ids.state")
    def _compute_customer_under_watch(self):
        for partner in self:
            partner.customer_under_watch = any(
                signal.state == "open" for signal in partner.sudo().customer_risk_signal_ids
            )
