from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

# What remains of a destroyed archive (the stub); every other plain field is emptied.
STUB_FIELDS = {
    "name",
    "partner_id",
    "company_id",
    "state",
    "user_id",
    "date_open",
    "confidentiality",
    "active",
    "currency_id",
    "date_relationship_start",
    "date_relationship_end",
    "review_interval",
    "destruction_id",
    "date_destroyed",
}
# a destroyed archive still changes hands and may be archived
STUB_WRITABLE_FIELDS = {"user_id", "active"}


class CustomerArchiveDocumentType(models.Model):
    _inherit = "customer.archive.document.type"

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


class CustomerArchiveDocument(models.Model):
    _inherit = "customer.archive.document"

    retention_date = fields.Date(
        string="Keep Until",
        compute="_compute_retention_date",
        store=True,
        index=True,
        help="After this date the document may be destroyed. Empty: kept permanently, or "
        "the relationship with the customer has not ended.",
    )

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

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            archive_ids = [vals["archive_id"] for vals in vals_list if vals.get("archive_id")]
            self.env["customer.archive"].browse(archive_ids)._check_not_destroyed()
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            archives = self.archive_id
            if vals.get("archive_id"):
                archives |= archives.browse(vals["archive_id"])
            archives._check_not_destroyed()
        return super().write(vals)


class CustomerArchive(models.Model):
    """Retention of a dossier and the stub that remains once it is destroyed."""

    _inherit = "customer.archive"

    state = fields.Selection(
        selection_add=[("destroyed", "Destroyed")],
        ondelete={"destroyed": lambda archives: archives.write({"state": "closed"})},
    )
    date_relationship_end = fields.Date(
        string="Relationship Ended",
        tracking=True,
        help="The retention periods of the archive and of most documents count from this date.",
    )
    retention_date = fields.Date(
        string="Keep Until",
        compute="_compute_retention_date",
        store=True,
        index=True,
        help="After this date the whole archive may be destroyed: the company's retention "
        "after the relationship ended, and no document kept longer. Empty: the relationship "
        "goes on, or a document is kept permanently.",
    )
    destruction_id = fields.Many2one(
        "customer.archive.destruction",
        string="Destruction Register",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
    )
    date_destroyed = fields.Date(string="Destroyed On", readonly=True, copy=False)

    @api.depends(
        "date_relationship_end",
        "company_id.customer_archive_retention_years",
        "document_ids.retention_date",
        "document_ids.type_id.retention_years",
    )
    def _compute_retention_date(self):
        for archive in self:
            documents = archive.document_ids
            if not archive.date_relationship_end or any(
                document.type_id.retention_years <= 0 for document in documents
            ):
                archive.retention_date = False
                continue
            years = archive.company_id.customer_archive_retention_years
            dates = [archive.date_relationship_end + relativedelta(years=max(years, 0))]
            dates += [document.retention_date for document in documents if document.retention_date]
            archive.retention_date = max(dates)

    def write(self, vals):
        if not self.env.su and vals.keys() - STUB_WRITABLE_FIELDS:
            self._check_not_destroyed()
        return super().write(vals)

    def _check_not_destroyed(self):
        destroyed = self.filtered(lambda archive: archive.state == "destroyed")
        if destroyed:
            raise UserError(
                self.env._(
                    "Archive %(archive)s was destroyed (register %(register)s); "
                    "it can no longer be changed.",
                    archive=destroyed[0].display_name,
                    register=destroyed[0].destruction_id.name or "",
                )
            )

    @api.model
    def _get_destroyed_content_values(self):
        """The values that empty an archive down to its stub: every plain stored field
        that is not part of the stub."""
        values = {}
        for name, field in self._fields.items():
            if (
                name in STUB_FIELDS
                or name in models.MAGIC_COLUMNS
                or not field.store
                or field.compute
                or field.related
                or field.required
                or field.type in ("one2many", "many2many")
            ):
                continue
            values[name] = False
        return values

    def _destroy_content(self, register):
        """Reduce the archives to stubs: files, documents, history and content go, the
        number, customer, dates and the register's reference stay.

        Runs as superuser: the destruction was approved by a manager in ``register``.
        """
        Attachment = self.env["ir.attachment"]
        documents = self.document_ids
        attachments = documents.attachment_ids | Attachment.search(
            [
                "|",
                "&",
                ("res_model", "=", "customer.archive"),
                ("res_id", "in", self.ids),
                "&",
                ("res_model", "=", "customer.archive.document"),
                ("res_id", "in", documents.ids),
            ]
        )
        attachments.unlink()
        documents.unlink()
        self.with_context(tracking_disable=True).write(
            {
                **self._get_destroyed_content_values(),
                "state": "destroyed",
                "destruction_id": register.id,
                "date_destroyed": fields.Date.context_today(self),
            }
        )
        self.env["mail.message"].search(
            [("model", "=", self._name), ("res_id", "in", self.ids)]
        ).unlink()
        self.activity_ids.unlink()
        body = Markup("<p>%s</p>") % self.env._(
            "Archive destroyed with register %(register)s; this stub remains.",
            register=register.name,
        )
        self._message_log_batch(dict.fromkeys(self.ids, body))
