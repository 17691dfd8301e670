from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .customer_archive_access_log import DEFAULT_RETENTION_YEARS, RETENTION_PARAM
from .customer_archive_loan import DEFAULT_MAX_DAYS, MAX_DAYS_PARAM
from .customer_archive_proposal import DEFAULT_LINK_DAYS, LINK_DAYS_PARAM
from .customer_archive_proposal_line import DEFAULT_MAX_UPLOAD_MB, MAX_UPLOAD_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    customer_archive_review_interval = fields.Integer(
        related="company_id.customer_archive_review_interval", readonly=False
    )
    customer_archive_retention_years = fields.Integer(
        related="company_id.customer_archive_retention_years", readonly=False
    )
    customer_archive_destruction_panel_ids = fields.Many2many(
        related="company_id.customer_archive_destruction_panel_ids", readonly=False
    )
    customer_archive_care_days = fields.Integer(
        related="company_id.customer_archive_care_days", readonly=False
    )
    customer_archive_loan_max_days = fields.Integer(
        string="Maximum Loan Days", config_parameter=MAX_DAYS_PARAM, default=DEFAULT_MAX_DAYS
    )

    customer_archive_access_log_years = fields.Integer(
        string="Keep Consultations (Years)",
        config_parameter=RETENTION_PARAM,
        default=DEFAULT_RETENTION_YEARS,
    )

    customer_archive_proposal_link_days = fields.Integer(
        string="Data Form Link Validity (Days)",
        config_parameter=LINK_DAYS_PARAM,
        default=DEFAULT_LINK_DAYS,
    )
    customer_archive_proposal_max_upload_mb = fields.Integer(
        string="Largest Proposed Document (MB)",
        config_parameter=MAX_UPLOAD_PARAM,
        default=DEFAULT_MAX_UPLOAD_MB,
    )

    @api.constrains(
        "customer_archive_proposal_link_days", "customer_archive_proposal_max_upload_mb"
    )
    def _check_customer_archive_proposal_settings(self):
        for settings in self:
            if not 1 <= settings.customer_archive_proposal_link_days <= 365:
                raise ValidationError(
                    self.env._("A data form link is valid between 1 and 365 days.")
                )
            if not 1 <= settings.customer_archive_proposal_max_upload_mb <= 1024:
                raise ValidationError(
                    self.env._("The largest proposed document lies between 1 and 1024 MB.")
                )

    @api.constrains("customer_archive_access_log_years")
    def _check_customer_archive_access_log_years(self):
        if any(settings.customer_archive_access_log_years < 1 for settings in self):
            raise ValidationError(self.env._("Consultations are kept at least one year."))

    @api.constrains("customer_archive_loan_max_days")
    def _check_customer_archive_loan_max_days(self):
        if any(settings.customer_archive_loan_max_days < 1 for settings in self):
            raise ValidationError(self.env._("A loan must be allowed to last at least one day."))
