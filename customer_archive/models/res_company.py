from odoo import fields, models


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
