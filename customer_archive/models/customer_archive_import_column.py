from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import customer_archive_import_match as match

# the fields a column can go to, by the keys of customer_archive_import_match.COLUMNS
COLUMN_KEYS = [
    ("name", "Customer Name"),
    ("legal_representative", "Legal Representative"),
    ("credit_code", "Unified Social Credit Code"),
    ("vat", "Tax ID (VAT)"),
    ("registered_capital", "Registered Capital"),
    ("date_founded", "Founding Date"),
    ("street", "Address"),
    ("state_id", "Province"),
    ("city", "City"),
    ("zip", "Postcode"),
    ("phone", "Phone"),
    ("mobile", "Mobile"),
    ("fax", "Fax"),
    ("email", "Email"),
    ("website", "Website"),
    ("business_scope", "Business Scope"),
    ("industry_id", "Industry"),
    ("company_type", "Nature of Company"),
    ("size", "Size"),
    ("employee_count", "Employees"),
    ("salesperson", "Salesperson"),
    ("keeper", "Archive Keeper"),
    ("confidentiality", "Confidentiality"),
    ("location", "Storage Location"),
    ("comment", "Notes"),
]
assert {key for key, _label in COLUMN_KEYS} == set(match.COLUMNS)


class CustomerArchiveImportColumn(models.Model):
    """A column of the imported file and the field it goes to: found by its header,
    editable before the import, remembered for the next file with the same headers."""

    _name = "customer.archive.import.column"
    _description = "Customer List Import Column"
    _order = "import_id, index"

    import_id = fields.Many2one(
        "customer.archive.import", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="import_id.company_id", store=True)
    index = fields.Integer(string="Position", readonly=True)
    header = fields.Char(readonly=True)
    key = fields.Selection(COLUMN_KEYS, string="Imported As", help="Empty: not imported.")

    def write(self, vals):
        """Only the field a column goes to is chosen, and only before the import."""
        if vals.keys() - {"key"} and not self.env.su:
            raise AccessError(self.env._("A column's header and position come from the file."))
        if any(column.import_id.state == "done" for column in self):
            raise UserError(self.env._("An import that is done cannot be changed."))
        return super().write(vals)
