from odoo import api, fields, models


class CustomerArchiveLoanReturn(models.TransientModel):
    """Check In (归还): the keeper says in what state the file came back, then the loan
    is returned through its workflow, which stamps the condition."""

    _name = "customer.archive.loan.return"
    _description = "Check In an Archive Loan"

    loan_id = fields.Many2one("customer.archive.loan", required=True, readonly=True)
    return_state = fields.Selection(
        selection=lambda self: (
            self.env["customer.archive.loan"]
            ._fields["return_state"]
            ._description_selection(self.env)
        ),
        string="File Condition",
        required=True,
        default="complete",
    )
    note = fields.Text(
        string="Condition on Return",
        help="What is missing or damaged; required unless the file is complete.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        loan = self.env["customer.archive.loan"].browse(values.get("loan_id"))
        if "note" in fields_list and loan.exists() and loan.return_condition:
            values.setdefault("note", loan.return_condition)
        return values

    def action_confirm(self):
        self.ensure_one()
        self.loan_id.action_return(condition=self.return_state, note=self.note)
        return {"type": "ir.actions.act_window_close"}
