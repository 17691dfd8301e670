from odoo import api, fields, models
from odoo.exceptions import UserError

from .customer_archive import CONFIDENTIALITY, CORRECTION_DOOR, OFFICER, READER
from .customer_archive_workflow_mixin import door_open


class ResPartner(models.Model):
    _inherit = "res.partner"

    customer_archive_ids = fields.One2many(
        "customer.archive", "partner_id", string="Customer Archives", groups=READER
    )
    # Not sensitive: whether a dossier exists and its state, for filters and group-bys.
    customer_archive_state = fields.Selection(
        [
            ("none", "No Archive"),
            ("draft", "Draft"),
            ("active", "Active"),
            ("closed", "Closed"),
            ("destroyed", "Destroyed"),
        ],
        string="Archive State",
        compute="_compute_customer_archive_state",
        store=True,
        groups=READER,
    )
    # The summary is computed as the current user (non-stored computes do not run
    # as superuser), so it is empty wherever the dossier's record rules refuse him.
    customer_archive_id = fields.Many2one(
        "customer.archive",
        compute="_compute_customer_archive_summary",
        groups=READER,
    )
    customer_archive_keeper_id = fields.Many2one(
        "res.users",
        string="Archive Keeper",
        compute="_compute_customer_archive_summary",
        groups=READER,
    )
    customer_archive_confidentiality = fields.Selection(
        CONFIDENTIALITY,
        string="Archive Confidentiality",
        compute="_compute_customer_archive_summary",
        groups=READER,
    )
    customer_archive_date_open = fields.Date(
        string="Archive Opened", compute="_compute_customer_archive_summary", groups=READER
    )
    customer_archive_document_count = fields.Integer(
        string="Archive Documents", compute="_compute_customer_archive_summary", groups=READER
    )
    customer_archive_location_id = fields.Many2one(
        "customer.archive.location",
        string="Paper File Location",
        compute="_compute_customer_archive_summary",
        groups=READER,
    )

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

    @api.depends("customer_archive_ids.state", "commercial_partner_id")
    def _compute_customer_archive_state(self):
        archives = (
            self.env["customer.archive"]
            .sudo()
            .with_context(active_test=False)
            .search([("partner_id", "in", self.commercial_partner_id.ids)])
        )
        state_by_partner = {archive.partner_id: archive.state for archive in archives}
        for partner in self:
            partner.customer_archive_state = state_by_partner.get(
                partner.commercial_partner_id, "none"
            )

    @api.depends("commercial_partner_id")
    @api.depends_context("uid")
    def _compute_customer_archive_summary(self):
        archives = self.env["customer.archive"].search(
            [("partner_id", "in", self.commercial_partner_id.ids)]
        )
        archive_by_partner = {archive.partner_id: archive for archive in archives}
        for partner in self:
            archive = archive_by_partner.get(
                partner.commercial_partner_id, self.env["customer.archive"]
            )
            partner.customer_archive_id = archive
            partner.customer_archive_keeper_id = archive.user_id
            partner.customer_archive_confidentiality = archive.confidentiality
            partner.customer_archive_date_open = archive.date_open
            partner.customer_archive_document_count = archive.document_count
            partner.customer_archive_location_id = archive.location_id

    @api.depends("customer_risk_signal_ids.state")
    def _compute_customer_under_watch(self):
        for partner in self:
            partner.customer_under_watch = any(
                signal.state == "open" for signal in partner.sudo().customer_risk_signal_ids
            )

    def write(self, vals):
        if "name" in vals:
            self._check_registered_name(vals["name"])
        return super().write(vals)

    def _check_registered_name(self, name):
        """The name of a customer with an opened dossier is registration data: it changes
        by an approved correction request only."""
        if door_open("customer.archive", CORRECTION_DOOR):
            return
        renamed = self.filtered(lambda partner: (partner.name or "") != (name or ""))
        if not renamed:
            return
        # sudo: the lock holds whether or not the user may read the dossier.
        archive = (
            self.env["customer.archive"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [("partner_id", "in", renamed.ids), ("state", "in", ("active", "closed"))],
                limit=1,
            )
        )
        if archive:
            raise UserError(
                self.env._(
                    "The name of %(partner)s is registration data of its archive "
                    "%(archive)s. Request a correction to change it.",
                    partner=archive.partner_id.name,
                    archive=archive.name,
                )
            )

    def action_open_customer_archive(self):
        """Smart button: open the dossier, or start one for an officer."""
        self.ensure_one()
        partner = self.commercial_partner_id
        archive = partner.customer_archive_id
        if archive:
            return {
                "type": "ir.actions.act_window",
                "res_model": "customer.archive",
                "res_id": archive.id,
                "view_mode": "form",
            }
        if partner.customer_archive_state != "none":
            raise UserError(
                self.env._(
                    "You may not open the archive of %(partner)s. "
                    "Ask an archive officer to lend it to you.",
                    partner=partner.display_name,
                )
            )
        if not self.env.user.has_group(OFFICER):
            raise UserError(
                self.env._(
                    "%(partner)s has no archive yet. Ask an archive officer to open one.",
                    partner=partner.display_name,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "customer.archive",
            "view_mode": "form",
            "context": {"default_partner_id": partner.id},
        }

    def action_request_customer_archive_loan(self):
        """Ask to borrow the archive of this customer, from the partner form."""
        self.ensure_one()
        # sudo: the reader asking to borrow an archive usually cannot read it yet.
        archive = (
            self.env["customer.archive"]
            .sudo()
            .search([("partner_id", "=", self.commercial_partner_id.id)], limit=1)
        )
        if not archive:
            raise UserError(
                self.env._(
                    "%(partner)s has no archive to borrow.",
                    partner=self.commercial_partner_id.display_name,
                )
            )
        return self.env["customer.archive.loan"]._action_new_loan(archive)
