from odoo import api, fields, models


class CustomerArchiveImportLine(models.Model):
    """One finding of an import about one row: an error, a difference kept, a column
    not imported, a customer created or updated."""

    _name = "customer.archive.import.line"
    _description = "Customer List Import Result"
    _order = "import_id, kind_sequence, row, id"

    import_id = fields.Many2one(
        "customer.archive.import", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="import_id.company_id", store=True)
    kind = fields.Selection(
        [
            ("error", "Error"),
            ("conflict", "Difference Kept"),
            ("unknown", "Column Not Imported"),
            ("update", "Update"),
            ("create", "Creation"),
        ],
        string="Result Type",
        required=True,
    )
    kind_sequence = fields.Integer(compute="_compute_kind_sequence", store=True)
    row = fields.Integer(help="The row of the spreadsheet; 0: the whole file.")
    column = fields.Char()
    value = fields.Char()
    message = fields.Char(string="Reason")
    partner_id = fields.Many2one("res.partner", string="Customer", ondelete="set null")

    @api.depends("kind")
    def _compute_kind_sequence(self):
        order = [value for value, _label in self._fields["kind"].selection]
        for line in self:
            line.kind_sequence = order.index(line.kind) if line.kind in order else len(order)
