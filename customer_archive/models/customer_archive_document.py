from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from ..tools.customer_archive_input import bind_attachments, check_lengths


class CustomerArchiveDocument(models.Model):
    """One line of a dossier's file directory (客户档案目录)."""

    _name = "customer.archive.document"
    _inherit = ["customer.archive.attached.mixin"]
    _description = "Customer Archive Document"
    _order = "archive_id, year desc, sequence, id"
    _check_company_auto = True

    archive_id = fields.Many2one(
        "customer.archive",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="archive_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="archive_id.partner_id", string="Customer")
    sequence = fields.Integer(default=10)
    type_id = fields.Many2one(
        "customer.archive.document.type", string="Document Type", required=True
    )
    name = fields.Char(string="Title", required=True)
    reference = fields.Char(help="Number printed on the document: contract or invoice number.")
    date = fields.Date(string="Document Date", default=fields.Date.context_today)
    year = fields.Integer(
        compute="_compute_year",
        store=True,
        readonly=False,
        aggregator=False,
        help="Filing year (按年度立卷).",
    )
    original = fields.Selection(
        [("original", "Original"), ("copy", "Copy")],
        string="Original or Copy",
        default="copy",
        required=True,
    )
    confidential = fields.Boolean(help="Only the keeper and officers see this document.")
    has_validity = fields.Boolean(related="type_id.has_validity")
    valid_until = fields.Date()
    is_expired = fields.Boolean(compute="_compute_is_expired", search="_search_is_expired")
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "customer_archive_document_attachment_rel",
        "document_id",
        "attachment_id",
        string="Files",
    )
    note = fields.Text()
    loan_ids = fields.Many2many(
        "customer.archive.loan",
        "customer_archive_loan_document_rel",
        "document_id",
        "loan_id",
        string="Loans",
        # the record rules' path to the loans, read by administrators only (see the
        # dossier's loan_ids)
        groups="base.group_system",
    )
    retention_date = fields.Date(
        string="Keep Until",
        compute="_compute_retention_date",
        store=True,
        index=True,
        help="After this date the document may be destroyed. Empty: kept permanently, or "
        "the relationship with the customer has not ended.",
    )

    @api.depends("date")
    def _compute_year(self):
        for document in self:
            document.year = document.date.year if document.date else False

    @api.depends("valid_until")
    @api.depends_context("date")
    def _compute_is_expired(self):
        today = fields.Date.context_today(self)
        for document in self:
            document.is_expired = bool(document.valid_until and document.valid_until < today)

    @api.depends(
        "date",
        "type_id.retention_years",
        "type_id.retention_basis",
        "archive_id.date_relationship_end",
    )
    def _compute_retention_date(self):
        for document in self:
            document_type = document.type_id
            start = (
                document.date
                if document_type.retention_basis == "document_date"
                else document.archive_id.date_relationship_end
            )
            document.retention_date = (
                start + relativedelta(years=document_type.retention_years)
                if start and document_type.retention_years > 0
                else False
            )

    def _search_is_expired(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(operator)
        today = fields.Date.context_today(self)
        expired = (operator == "=") == value
        if expired:
            return [("valid_until", "<", today)]
        return ["|", ("valid_until", "=", False), ("valid_until", ">=", today)]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_lengths(self, vals)
        archive_ids = [vals["archive_id"] for vals in vals_list if vals.get("archive_id")]
        self.env["customer.archive"].browse(archive_ids)._check_not_destroyed()
        documents = super().create(vals_list)
        bind_attachments(documents)
        return documents

    def write(self, vals):
        check_lengths(self, vals)
        archives = self.archive_id
        if vals.get("archive_id"):
            archives |= archives.browse(vals["archive_id"])
        archives._check_not_destroyed()
        result = super().write(vals)
        if "attachment_ids" in vals:
            bind_attachments(self)
        return result
