from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.customer_archive_lang import by_chatter_lang
from .customer_archive import MANAGER
from .customer_archive_destruction import LOAN_HOLDING_STATES, LOAN_MODEL, OPEN_STATES

# what the register keeps of each item, written when the line is filled
SNAPSHOT_FIELDS = (
    "archive_number",
    "partner_name",
    "document_name",
    "document_type",
    "document_date",
    "retention_date",
)

# What remains of a destroyed dossier (the stub); every other plain field is emptied.
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


class CustomerArchiveDestructionLine(models.Model):
    """One archive or document of a destruction register, with what the register keeps
    of it once the files are gone."""

    _name = "customer.archive.destruction.line"
    _description = "Customer Archive Destruction Line"
    _order = "register_id, archive_number, id"
    _check_company_auto = True

    register_id = fields.Many2one(
        "customer.archive.destruction",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="register_id.company_id", store=True, index=True)
    state = fields.Selection(related="register_id.state")
    kind = fields.Selection(
        [("archive", "Whole Archive"), ("document", "Document")],
        string="Destroy",
        required=True,
        default="archive",
    )
    archive_id = fields.Many2one(
        "customer.archive",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        domain="[('state', '!=', 'destroyed')]",
    )
    document_id = fields.Many2one(
        "customer.archive.document",
        index="btree_not_null",
        ondelete="set null",
        domain="[('archive_id', '=', archive_id)]",
    )
    archive_number = fields.Char(readonly=True)
    partner_name = fields.Char(string="Customer", readonly=True)
    document_name = fields.Char(string="Document Title", readonly=True)
    document_type = fields.Char(readonly=True)
    document_date = fields.Date(readonly=True)
    retention_date = fields.Date(string="Keep Until", readonly=True)
    is_due = fields.Boolean(string="Retention Passed", compute="_compute_is_due")
    early_reason = fields.Text(
        string="Reason for Early Destruction",
        help="Only a manager may destroy a file before its retention ends, stating why.",
    )

    @api.depends("retention_date")
    @api.depends_context("date")
    def _compute_is_due(self):
        today = fields.Date.context_today(self)
        for line in self:
            line.is_due = bool(line.retention_date and line.retention_date <= today)

    @api.depends("archive_number", "partner_name", "document_name")
    def _compute_display_name(self):
        for line in self:
            parts = [line.archive_number, line.partner_name, line.document_name]
            line.display_name = " / ".join(part for part in parts if part)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._prepare_line_vals(vals)
        registers = self.env["customer.archive.destruction"].browse(
            [vals["register_id"] for vals in vals_list if vals.get("register_id")]
        )
        registers._check_not_done()
        registers._check_draft()
        lines = super().create(vals_list)
        lines._check_destroyable()
        return lines

    def write(self, vals):
        self.register_id._check_not_done()
        self.register_id._check_draft()
        if self._workflow_changed_register(vals):
            raise UserError(
                self.env._("A line stays on its register: remove it and add it to the other one.")
            )
        if vals.keys() & {"kind", "archive_id", "document_id"}:
            if len(self) > 1:
                return all(line.write(vals) for line in self)
            vals = dict(
                {
                    "kind": self.kind,
                    "archive_id": self.archive_id.id,
                    "document_id": self.document_id.id,
                },
                **vals,
            )
            self._prepare_line_vals(vals)
        elif "early_reason" in vals:
            self._check_early_reason_right(vals)
        result = super().write(vals)
        self._check_destroyable()
        return result

    def unlink(self):
        self.register_id._check_not_done()
        self.register_id._check_draft()
        return super().unlink()

    def _workflow_changed_register(self, vals):
        return "register_id" in vals and any(
            line.register_id.id != vals["register_id"] for line in self
        )

    def _check_early_reason_right(self, vals):
        if vals.get("early_reason") and not (self.env.su or self.env.user.has_group(MANAGER)):
            raise AccessError(
                self.env._("Only an archive manager may destroy files before their retention ends.")
            )

    @api.model
    def _prepare_line_vals(self, vals):
        """Complete ``vals`` in place: the archive of a document, and the snapshot the
        register keeps of the item."""
        self._check_early_reason_right(vals)
        Document = self.env["customer.archive.document"]
        document = Document.browse(vals.get("document_id") or [])
        if document and not vals.get("archive_id"):
            vals["archive_id"] = document.archive_id.id
        if document and "kind" not in vals:
            vals["kind"] = "document"
        if vals.get("kind") != "document":
            document = Document
            vals["document_id"] = False
        archive = self.env["customer.archive"].browse(vals.get("archive_id") or [])
        if not self.env.su:
            archive.check_access("read")
            document.check_access("read")
        vals.update(
            {
                "archive_number": archive.name,
                "partner_name": archive.partner_id.name,
                "document_name": document.name,
                "document_type": document.type_id.name,
                "document_date": document.date,
                "retention_date": (document if document else archive).retention_date,
            }
        )
        return vals

    def _item_label(self):
        return self.display_name or self.archive_number or ""

    @api.model
    def _line_key(self, vals):
        document_id = vals.get("document_id") if vals.get("kind") == "document" else False
        return (vals["archive_id"], document_id or False)

    def _key(self):
        return self._line_key(
            {
                "kind": self.kind,
                "archive_id": self.archive_id.id,
                "document_id": self.document_id.id,
            }
        )

    @api.model
    def _get_loaned_keys(self, line_vals):
        """Keys of the items in ``line_vals`` that a loan holds (approved or handed out)."""
        if not line_vals:
            return set()
        # sudo: a loan the user may not read still holds the files.
        loans = (
            self.env[LOAN_MODEL]
            .sudo()
            .search(
                [
                    ("state", "in", LOAN_HOLDING_STATES),
                    ("archive_id", "in", list({vals["archive_id"] for vals in line_vals})),
                ]
            )
        )
        loaned = set()
        for vals in line_vals:
            key = self._line_key(vals)
            for loan in loans:
                if loan.archive_id.id != vals["archive_id"]:
                    continue
                if not key[1] or not loan.document_ids or key[1] in loan.document_ids.ids:
                    loaned.add(key)
        return loaned

    def _check_destroyable(self):
        """Refuse lines that may not be destroyed now: destroyed already, listed on another
        open register, under a loan, or not past retention without a manager's reason.

        Reads as superuser: an approved register may list secret archives or confidential
        documents that the officer carrying it out does not see."""
        today = fields.Date.context_today(self)
        lines = self.sudo()
        for line in lines:
            label = line._item_label()
            if line.archive_id.state == "destroyed":
                raise UserError(self.env._("%(item)s is already destroyed.", item=label))
            if line.kind == "document" and not line.document_id:
                raise UserError(
                    self.env._(
                        "A line of register %(register)s names no document; choose one or "
                        "destroy the whole archive.",
                        register=line.register_id.name,
                    )
                )
            if line.document_id and line.document_id.archive_id != line.archive_id:
                raise UserError(
                    self.env._(
                        "%(document)s does not belong to archive %(archive)s.",
                        document=line.document_id.display_name,
                        archive=line.archive_id.display_name,
                    )
                )
            retention = (line.document_id or line.archive_id).retention_date
            if not (retention and retention <= today) and not line.early_reason:
                raise UserError(
                    self.env._(
                        "%(item)s is kept until %(date)s. Only an archive manager may destroy "
                        "it earlier, stating the reason.",
                        item=label,
                        date=retention,
                    )
                    if retention
                    else self.env._(
                        "%(item)s has no end of retention: the relationship with the customer "
                        "has not ended or a document is kept permanently. Only an archive "
                        "manager may destroy it, stating the reason.",
                        item=label,
                    )
                )
        lines._check_not_listed_twice()
        loaned = self._get_loaned_keys(
            [
                {
                    "kind": line.kind,
                    "archive_id": line.archive_id.id,
                    "document_id": line.document_id.id,
                }
                for line in lines
            ]
        )
        for line in lines.filtered(lambda line: line._key() in loaned):
            raise UserError(
                self.env._(
                    "%(item)s is on loan and cannot be destroyed before it is returned.",
                    item=line._item_label(),
                )
            )

    def _check_not_listed_twice(self):
        # sudo: a register the user may not read still lists the item.
        others = self.sudo().search(
            [("archive_id", "in", self.archive_id.ids), ("register_id.state", "in", OPEN_STATES)]
        )
        for line in self:
            for other in others:
                if other.id == line.id or other.archive_id != line.archive_id:
                    continue
                if line._key() == other._key() or "archive" in (line.kind, other.kind):
                    raise UserError(
                        self.env._(
                            "%(item)s is already listed on destruction register %(register)s.",
                            item=line._item_label(),
                            register=other.register_id.name,
                        )
                    )

    def _destroy(self):
        """Delete the files of the lines: whole archives become stubs, single documents go
        with their attachments. Called as superuser by the register's done action."""
        register = self.register_id
        archive_lines = self.filtered(lambda line: line.kind == "archive")
        archives = archive_lines.archive_id
        documents = (self - archive_lines).document_id.filtered(
            lambda document: document.archive_id not in archives
        )
        if documents:
            bodies = {}
            for document in documents:
                bodies.setdefault(document.archive_id.id, []).append(
                    Markup("<li>%s</li>") % document.display_name
                )
            for in_lang in by_chatter_lang(self.env["customer.archive"].browse(list(bodies))):
                titles = Markup("<p>%s</p>") % in_lang.env._(
                    "Documents destroyed with register %(register)s:", register=register.name
                )
                in_lang._message_log_batch(
                    {
                        archive.id: titles
                        + Markup("<ul>%s</ul>") % Markup("").join(bodies[archive.id])
                        for archive in in_lang
                    }
                )
            attachments = documents.attachment_ids | self.env["ir.attachment"].search(
                [("res_model", "=", documents._name), ("res_id", "in", documents.ids)]
            )
            attachments.unlink()
            documents.unlink()
        if archives:
            archives._workflow_run("destroy", register)

    # ------------------------------------------------------------ the stubs
    @api.model
    def _reduce_to_stubs(self, archives, register):
        """Reduce ``archives`` to stubs: files, documents, history and content go, the
        number, customer, dates and the register's reference stay.

        Called as superuser by the register's done action (through the dossiers'
        ``destroy`` transition): a manager approved it.
        """
        documents = archives.document_ids
        attachments = documents.attachment_ids | self.env["ir.attachment"].search(
            [
                "|",
                "&",
                ("res_model", "=", archives._name),
                ("res_id", "in", archives.ids),
                "&",
                ("res_model", "=", documents._name),
                ("res_id", "in", documents.ids),
            ]
        )
        attachments.unlink()
        documents.unlink()
        archives.with_context(tracking_disable=True)._workflow_write(
            {
                **self._stub_values(archives),
                "state": "destroyed",
                "destruction_id": register.id,
                "date_destroyed": fields.Date.context_today(self),
            }
        )
        self.env["mail.message"].search(
            [("model", "=", archives._name), ("res_id", "in", archives.ids)]
        ).unlink()
        archives.activity_ids.unlink()
        for in_lang in by_chatter_lang(archives):
            body = Markup("<p>%s</p>") % in_lang.env._(
                "Archive destroyed with register %(register)s; this stub remains.",
                register=register.name,
            )
            in_lang._message_log_batch(dict.fromkeys(in_lang.ids, body))

    @api.model
    def _stub_values(self, archives):
        """The values that empty a dossier down to its stub: every plain stored field
        that is not part of the stub."""
        values = {}
        for name, field in archives._fields.items():
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
