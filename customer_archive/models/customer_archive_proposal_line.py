"""One proposed change of a proposal: a new value for one field of the dossier or of its
customer, or a document to file. The keeper accepts or rejects each line; an accepted
value is written then (tracked), an accepted document filed then."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import customer_archive_proposal_fields as proposable
from ..tools.customer_archive_input import bind_attachments, check_lengths
from .customer_archive import OFFICER
from .customer_archive_workflow_mixin import Transition, door_open

MAX_UPLOAD_PARAM = "customer_archive.proposal_max_upload_mb"
DEFAULT_MAX_UPLOAD_MB = 20
# what the proposer writes while the proposal is a draft
CONTENT_FIELDS = {
    "new_value",
    "document_name",
    "document_type_id",
    "document_date",
    "attachment_ids",
}
# correction request field of each registration key
CORRECTION_FIELDS = {
    "name": "new_partner_name",
    "credit_code": "new_credit_code",
    "legal_representative": "new_legal_representative",
    "registered_capital": "new_registered_capital",
}


class CustomerArchiveProposalLine(models.Model):
    _name = "customer.archive.proposal.line"
    _description = "Customer Archive Proposed Change"
    _inherit = ["customer.archive.workflow.mixin"]
    _order = "proposal_id, id"
    _check_company_auto = True

    _workflow_transitions = (
        Transition(
            "accept", ("pending",), "accepted", OFFICER, ("_rule_submitted", "_rule_not_requester")
        ),
        Transition(
            "reject", ("pending",), "rejected", OFFICER, ("_rule_submitted", "_rule_not_requester")
        ),
    )
    _workflow_stamped_fields = ("decided_by_id", "document_id", "correction_id")
    _workflow_locked_fields = ("proposal_id", "kind", "field_name", "old_value")
    _text_limits = {"document_name": 256}

    proposal_id = fields.Many2one(
        "customer.archive.proposal", required=True, index=True, ondelete="cascade"
    )
    archive_id = fields.Many2one(
        related="proposal_id.archive_id", store=True, index=True, precompute=True
    )
    company_id = fields.Many2one(
        related="proposal_id.company_id", store=True, index=True, precompute=True
    )
    kind = fields.Selection(
        [("field", "Change of Data"), ("document", "Document to File")],
        string="Type of Change",
        required=True,
        default="field",
    )
    field_name = fields.Selection(proposable.PROPOSABLE_SELECTION, string="Field")
    old_value = fields.Text(string="Value on Record", readonly=True)
    new_value = fields.Text(string="Proposed Value")
    document_name = fields.Char(string="Document Title")
    document_type_id = fields.Many2one("customer.archive.document.type")
    document_date = fields.Date(default=fields.Date.context_today)
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "customer_archive_proposal_line_attachment_rel",
        "line_id",
        "attachment_id",
        string="Files",
    )
    state = fields.Selection(
        [("pending", "Pending"), ("accepted", "Accepted"), ("rejected", "Rejected")],
        default="pending",
        required=True,
        readonly=True,
        copy=False,
        index=True,
    )
    decided_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    document_id = fields.Many2one(
        "customer.archive.document", string="Filed As", readonly=True, copy=False
    )
    # officers only: a reader does not read the correction requests of others
    correction_id = fields.Many2one(
        "customer.archive.correction",
        string="Correction Request",
        readonly=True,
        copy=False,
        groups=OFFICER,
        help="Registration data of an opened archive changes through a correction request: "
        "accepting this change filed one.",
    )
    can_accept = fields.Boolean(compute="_compute_workflow_can")
    can_reject = fields.Boolean(compute="_compute_workflow_can")

    _sql_constraints = [
        (
            "field_once",
            "unique(proposal_id, field_name)",
            "A proposal changes each field once.",
        ),
    ]

    def _workflow_can_depends(self):
        return ["state", "proposal_id.state", "proposal_id.user_id", "proposal_id.origin"]

    @api.depends("kind", "field_name", "document_name")
    def _compute_display_name(self):
        for line in self:
            if line.kind == "document":
                line.display_name = line.document_name or ""
            else:
                line.display_name = proposable.label(self.env, line.field_name or "")

    # ------------------------------------------------------------ checks
    @api.model_create_multi
    def create(self, vals_list):
        Proposal = self.env["customer.archive.proposal"]
        seen = set()
        for vals in vals_list:
            proposal = Proposal.browse(vals.get("proposal_id") or [])
            proposal._check_draft_editable()
            if proposal.origin == "portal" and not self.env.su:
                raise UserError(
                    self.env._(
                        "The customer's data form holds the customer's own answers: propose "
                        "your changes in a proposal of your own."
                    )
                )
            self._check_content(vals, vals.get("kind") or "field")
            if vals.get("kind", "field") == "field":
                key = (proposal.id, vals.get("field_name"))
                if key in seen or proposal.line_ids.filtered(
                    lambda line, name=key[1]: line.field_name == name
                ):
                    raise ValidationError(
                        self.env._(
                            "%(field)s is already proposed in %(proposal)s.",
                            field=proposable.label(self.env, key[1]),
                            proposal=proposal.name,
                        )
                    )
                seen.add(key)
                # sudo: the value on record, for the keeper to compare, read whoever
                # proposes (the customer through his form is anonymous)
                vals["old_value"] = proposable.current_value(
                    proposal.sudo().archive_id, vals["field_name"]
                )
            else:
                vals.pop("old_value", None)
        lines = super().create(vals_list)
        lines._check_attachments()
        bind_attachments(lines)
        return lines

    def write(self, vals):
        if not door_open(self._name) and vals.keys() & CONTENT_FIELDS:
            self.proposal_id._check_draft_editable()
            vals = dict(vals)
            for line in self:
                line._check_content(vals, line.kind, line=line)
        result = super().write(vals)
        if "attachment_ids" in vals:
            self._check_attachments()
            bind_attachments(self)
        return result

    def unlink(self):
        self.proposal_id._check_draft_editable()
        return super().unlink()

    def _check_content(self, vals, kind, line=None):
        """A field the form asks with a value its field accepts, or a document with a
        title and a type. A credit code is kept normalised (in ``vals``)."""
        check_lengths(self, vals, self._text_limits)
        if kind == "field":
            field_name = vals.get("field_name", line and line.field_name)
            if field_name not in proposable.PROPOSABLE:
                raise ValidationError(
                    self.env._(
                        "%(field)s is not asked by the customer data form.",
                        field=str(field_name or "")[:64],
                    )
                )
            if not line or "new_value" in vals:
                value = proposable.parse(self.env, field_name, vals.get("new_value"))
                if field_name == "credit_code":
                    vals["new_value"] = value or False
            return
        if kind != "document":
            raise ValidationError(self.env._("A proposed change is data or a document."))
        name = vals.get("document_name", line and line.document_name)
        if not (name or "").strip() or not vals.get(
            "document_type_id", line and line.document_type_id.id
        ):
            raise ValidationError(self.env._("A proposed document needs a title and a type."))

    @api.model
    def _max_upload_bytes(self):
        value = self.env["ir.config_parameter"].sudo().get_param(MAX_UPLOAD_PARAM)
        try:
            megabytes = int(value) if value else DEFAULT_MAX_UPLOAD_MB
        except ValueError:
            megabytes = DEFAULT_MAX_UPLOAD_MB
        return max(megabytes, 1) * 1024 * 1024

    def _check_attachments(self):
        limit = self._max_upload_bytes()
        # sudo: only the sizes of the files just linked are looked at
        for attachment in self.sudo().attachment_ids:
            if attachment.file_size > limit:
                raise ValidationError(
                    self.env._(
                        "%(file)s is too large: %(size)s MB, at most %(limit)s MB.",
                        file=attachment.name,
                        size=round(attachment.file_size / 1024 / 1024, 1),
                        limit=limit // 1024 // 1024,
                    )
                )

    # ------------------------------------------------------------ workflow
    def _rule_submitted(self):
        if self.proposal_id.state != "submitted":
            return UserError(
                self.env._(
                    "Proposal %(proposal)s is not waiting for a decision.",
                    proposal=self.proposal_id.name,
                )
            )
        return None

    def _rule_not_requester(self):
        return self.proposal_id._rule_not_requester()

    def action_accept(self):
        self._workflow_run("accept")
        return True

    def _action_accept(self):
        for proposal in self.proposal_id:
            lines = self.filtered(lambda line, p=proposal: line.proposal_id == p)
            lines._apply(proposal)
        self._workflow_write({"state": "accepted", "decided_by_id": self.env.uid})
        self._log_decision(accepted=True)
        self.proposal_id._settle()

    def action_reject(self):
        self._workflow_run("reject")
        return True

    def _action_reject(self):
        self._workflow_write({"state": "rejected", "decided_by_id": self.env.uid})
        self._log_decision(accepted=False)
        self.proposal_id._settle()

    def _apply(self, proposal):
        """Write the accepted values on the dossier and its customer (tracked), file the
        documents, and forward registration data of an opened dossier as one correction
        request; then say on the dossier what changed."""
        archive = proposal.archive_id
        if archive.state == "destroyed":
            raise UserError(self.env._("A destroyed archive cannot be updated."))
        archive_vals, partner_vals, registration = {}, {}, {}
        changes, partner_changes = [], []
        for line in self.filtered(lambda line: line.kind == "field"):
            key = line.field_name
            model, fname = proposable.PROPOSABLE[key]
            value = proposable.parse(self.env, key, line.new_value)
            current = proposable.current_value(archive, key)
            record = archive.partner_id if model == proposable.PARTNER else archive
            if proposable.to_text(record._fields[fname], value) == current:
                continue
            change = (proposable.label(self.env, key), current, line.new_value or "")
            changes.append(change)
            if key in proposable.REGISTRATION and archive.state != "draft":
                registration[line] = value
            elif model == proposable.ARCHIVE:
                archive_vals[fname] = value
            else:
                partner_vals[fname] = value
                partner_changes.append(change)
        if archive_vals:
            archive.write(archive_vals)
        if partner_vals:
            # sudo: the keeper updates his customer's data on the customer's own word,
            # without the Contact Creation right; the partner's chatter tracks it.
            archive.partner_id.sudo().write(partner_vals)
        if registration:
            correction = self._forward_as_correction(proposal, registration)
            for line in registration:
                line._workflow_write({"correction_id": correction.id})
        for line in self.filtered(lambda line: line.kind == "document"):
            document = line._file_document(archive)
            line._workflow_write({"document_id": document.id})
            changes.append((self.env._("Document"), "", document.name))
        if changes:
            proposal._post_changes(changes, partner_changes)

    def _forward_as_correction(self, proposal, registration):
        vals = {
            "archive_id": proposal.archive_id.id,
            "reason": self.env._(
                "Proposed in %(proposal)s (%(origin)s), accepted by %(user)s.",
                proposal=proposal.name,
                origin=proposal.respondent_name or proposal.user_id.name,
                user=self.env.user.name,
            ),
        }
        for line, value in registration.items():
            vals[CORRECTION_FIELDS[line.field_name]] = value
        return self.env["customer.archive.correction"].create(vals)

    def _file_document(self, archive):
        return self.env["customer.archive.document"].create(
            {
                "archive_id": archive.id,
                "type_id": self.document_type_id.id,
                "name": self.document_name,
                "date": self.document_date,
                "original": "copy",
                "attachment_ids": [(6, 0, self.attachment_ids.ids)],
            }
        )

    def _log_decision(self, accepted):
        for proposal in self.proposal_id:
            lines = self.filtered(lambda line, p=proposal: line.proposal_id == p)
            values = {
                "user": self.env.user.name,
                "changes": ", ".join(lines.mapped("display_name")),
            }
            message = (
                self.env._("Accepted by %(user)s: %(changes)s", **values)
                if accepted
                else self.env._("Rejected by %(user)s: %(changes)s", **values)
            )
            proposal._message_log(body=Markup("<p>%s</p>") % message)
