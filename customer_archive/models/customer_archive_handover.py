from odoo import api, fields, models

from .customer_archive_workflow_mixin import next_number


class CustomerArchiveHandover(models.Model):
    """What moved when an employee handed his customers over (员工调离,客户资料移交).

    Written once by the handover wizard and read later; nobody edits it.
    """

    _name = "customer.archive.handover"
    _description = "Customer Archive Handover"
    _order = "date desc, id desc"

    name = fields.Char(string="Reference", required=True, readonly=True, default="/", copy=False)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users", string="Performed By", required=True, readonly=True, ondelete="restrict"
    )
    from_user_id = fields.Many2one(
        "res.users", string="Leaving Employee", required=True, readonly=True, ondelete="restrict"
    )
    to_user_id = fields.Many2one(
        "res.users", string="Successor", required=True, readonly=True, ondelete="restrict"
    )
    archive_ids = fields.Many2many(
        "customer.archive",
        "customer_archive_handover_archive_rel",
        "handover_id",
        "archive_id",
        string="Archives Kept",
        readonly=True,
        help="Archives whose keeper moved to the successor.",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "customer_archive_handover_partner_rel",
        "handover_id",
        "partner_id",
        string="Customers",
        readonly=True,
        help="Customers whose salesperson moved to the successor.",
    )
    activity_count = fields.Integer(string="Activities Moved", readonly=True)
    activity_summary = fields.Text(string="Activities", readonly=True)
    customers_notified = fields.Boolean(readonly=True)
    note = fields.Text(readonly=True)
    archive_count = fields.Integer(compute="_compute_counts")
    partner_count = fields.Integer(string="Customer Count", compute="_compute_counts")

    @api.depends("archive_ids", "partner_ids")
    def _compute_counts(self):
        for handover in self:
            handover.archive_count = len(handover.archive_ids)
            handover.partner_count = len(handover.partner_ids)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals["name"] = next_number(self.env, "customer.archive.handover")
        return super().create(vals_list)
