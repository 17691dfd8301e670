from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    customer_archive_survey_target = fields.Float(
        related="company_id.customer_archive_survey_target", readonly=False
    )
