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
    retention_years = fields.Integer(
        string="Retention (Years)",
        default=5,
        help="Years documents of this type are kept before they may be destroyed "
        "(保存期限); 0 keeps them permanently.",
    )
    retention_basis = fields.Selection(
        [
            ("relationship_end", "After the Relationship Ends"),
            ("document_date", "After the Document Date"),
        ],
        string="Retention Counted",
        default="relationship_end",
        required=True,
    )

    _sql_constraints = [
        (
            "code_unique",
            "unique(code)",
            "The code of a document type must be unique.",
        ),
    ]
