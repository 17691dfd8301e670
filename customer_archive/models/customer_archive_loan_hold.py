from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class CustomerArchiveLoanHold(models.Model):
    """A document, or a whole paper file, reserved by an approved or handed-out loan.

    Unique indexes make the database the judge when two loans want the same thing."""

    _name = "customer.archive.loan.hold"
    _description = "Customer Archive Loan Hold"

    loan_id = fields.Many2one("customer.archive.loan", required=True, ondelete="cascade")
    archive_id = fields.Many2one("customer.archive", required=True, ondelete="cascade")
    document_id = fields.Many2one("customer.archive.document", ondelete="cascade")

    _sql_constraints = [
        ("document_unique", "unique(document_id)", "This document is already lent."),
    ]

    def init(self):
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (archive_id) WHERE document_id IS NULL",
                SQL.identifier("customer_archive_loan_hold_whole_archive_unique"),
                SQL.identifier(self._table),
            )
        )

    def _check_free(self, vals_list):
        """Say clearly what is already lent, before the unique indexes would refuse."""
        document_ids = [vals["document_id"] for vals in vals_list if vals.get("document_id")]
        archive_ids = [vals["archive_id"] for vals in vals_list]
        taken = self.search(
            [
                "|",
                ("document_id", "in", document_ids),
                "&",
                ("document_id", "=", False),
                ("archive_id", "in", archive_ids),
            ]
        )
        if taken:
            raise UserError(
                self.env._(
                    "Already lent on loan %(loan)s: %(what)s.",
                    loan=taken[0].loan_id.name,
                    what=taken[0].document_id.name or taken[0].archive_id.name,
                )
            )
