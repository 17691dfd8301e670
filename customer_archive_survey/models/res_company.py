from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    customer_archive_survey_target = fields.Float(
        string="Satisfaction Target",
        default=3.0,
        digits=(3, 1),
        help="Average score (1 very dissatisfied to 5 very satisfied) a satisfaction survey "
        "answer should reach; an answer below it opens a corrective action (纠正预防措施) "
        "for the salesperson.",
    )

    @api.constrains("customer_archive_survey_target")
    def _check_customer_archive_survey_target(self):
        for company in self:
            if not 1 <= company.customer_archive_survey_target <= 5:
                raise ValidationError(
                    self.env._("The satisfaction target is a score between 1 and 5.")
                )
