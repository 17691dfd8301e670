from odoo import api, models


class IrRule(models.Model):
    _inherit = "ir.rule"

    @api.model
    def _customer_archive_guarded(self, records):
        """The survey answers of the campaigns are the archive's too: a refusal on them
        names nothing."""
        return super()._customer_archive_guarded(records) or records._name in (
            "survey.user_input",
            "survey.user_input.line",
        )
