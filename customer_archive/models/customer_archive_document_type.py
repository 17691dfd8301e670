from odoo import fields, models


class CustomerArchiveDocumentType(models.Model):
    _name = "customer.archive.document.type"
    _description = "Customer Archive Document Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(help="Short code printed in the file directory.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    has_validity = fields.Boolean(
        string="Has Validity Date",
        help="Documents of this type (licences, certificates) expire; "
        "their valid-until date is shown and checked.",
    )
    description = fields.Text(translate=True)

    _sql_constraints = [
        (
            "code_unique",
            "unique(code)",
            "The code of a document type must be unique.",
        ),
    ]
