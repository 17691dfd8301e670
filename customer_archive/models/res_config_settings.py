from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    customer_archive_review_interval = fields.Integer(
        related="company_id.customer_archive_review_interval", readonly=False
    )
    customer_archive_retention_years = fields.Integer(
        related="company_id.customer_archive_retention_years", readonly=False
    )
