from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    customer_archive_review_interval = fields.Integer(
        string="Archive Review Interval (Months)",
        default=2,
        help="Default number of months between two reviews of a customer archive "
        "(定期全面修订核查). 0 turns periodic reviews off for new archives.",
    )
    customer_archive_retention_years = fields.Integer(
        string="Archive Retention (Years)",
        default=5,
        help="Years an archive is kept at least after the relationship with the customer "
        "ended, before it is proposed for destruction.",
    )
    customer_archive_destruction_panel_ids = fields.Many2many(
        "res.users",
        "res_company_customer_archive_panel_rel",
        "company_id",
        "user_id",
        string="Destruction Review Panel",
        domain="[('share', '=', False)]",
        help="Who approves destruction registers (会审) by default: every member approves, "
        "and at least one of them is an archive manager.",
    )
    customer_archive_care_days = fields.Integer(
        string="Care Days Ahead",
        default=7,
        help="How many days before a birthday, anniversary or festival the salesperson's "
        "care activity is opened.",
    )

    @api.constrains("customer_archive_care_days")
    def _check_customer_archive_care(self):
        for company in self:
            if not 0 <= company.customer_archive_care_days <= 365:
                raise ValidationError(
                    self.env._("Care activities open between 0 and 365 days ahead.")
                )
