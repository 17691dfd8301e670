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
        """Say clearly what is already lent, before the unique indexes would refuse: a
        document is lent once, and a whole archive excludes any of its documents and the
        other way round."""
        holds = self.search([("archive_id", "in", [vals["archive_id"] for vals in vals_list])])
        for vals in vals_list:
            for hold in holds.filtered(lambda h, v=vals: h.archive_id.id == v["archive_id"]):
                wanted = vals.get("document_id")
                if not wanted or not hold.document_id or hold.document_id.id == wanted:
                    raise UserError(
                        self.env._(
                            "Already lent on loan %(loan)s: %(what)s.",
                            loan=hold.loan_id.name,
                            what=hold.archive_id.name
                            if not hold.document_id or not wanted
                            else hold.archive_id.name + " / " + hold.document_id.name,
                        )
                    )
