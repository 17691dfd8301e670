from markupsafe import Markup
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumValidationError

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .customer_archive import MANAGER

# registration data of a dossier that only a manager changes once it is active
LOCKED_FIELDS = ("name", "credit_code", "legal_representative", "registered_capital")
# what a correction request can change: request field suffix -> (model, field)
CORRECTABLE = {
    "partner_name": ("res.partner", "name"),
    "credit_code": ("customer.archive", "credit_code"),
    "legal_representative": ("customer.archive", "legal_representative"),
    "registered_capital": ("customer.archive", "registered_capital"),
}
# set by the workflow only
WORKFLOW_FIELDS = {"state", "user_id", "approver_id", "date_decided"}


class CustomerArchiveCorrection(models.Model):
    """A request to correct locked registration data of a dossier (信息更正:
    方案 → 审核 → 审批): the old and new values, a reason, a manager's decision."""

    _name = "customer.archive.correction"
    _description = "Customer Archive Correction Request"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True
    # Requesters may not write the request, yet discuss it in its chatter.
    _mail_post_access = "read"

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    archive_id = fields.Many2one(
        "customer.archive",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        domain="[('state', 'in', ('draft', 'active', 'closed'))]",
    )
    partner_id = fields.Many2one(related="archive_id.partner_id", string="Customer")
    company_id = fields.Many2one(
        related="archive_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="archive_id.currency_id")
    user_id = fields.Many2one(
        "res.users",
        string="Requested By",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
    )
    reason = fields.Text(required=True, help="What is wrong, and where the right value comes from.")
    state = fields.Selection(
        [
            ("to_approve", "To Approve"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("cancelled", "Cancelled"),
        ],
        default="to_approve",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    approver_id = fields.Many2one(
        "res.users", string="Decided By", readonly=True, copy=False, tracking=True
    )
    date_decided = fields.Datetime(string="Decided On", readonly=True, copy=False)
    old_partner_name = fields.Char(string="Current Customer Name", readonly=True)
    new_partner_name = fields.Char(string="New Customer Name")
    old_credit_code = fields.Char(string="Current Credit Code", readonly=True)
    new_credit_code = fields.Char()
    old_legal_representative = fields.Char(string="Current Legal Representative", readonly=True)
    new_legal_representative = fields.Char()
    old_registered_capital = fields.Monetary(string="Current Registered Capital", readonly=True)
    new_registered_capital = fields.Monetary()
    change_summary = fields.Text(string="Changes", compute="_compute_change_summary")
    can_decide = fields.Boolean(compute="_compute_can_actions")
    can_cancel = fields.Boolean(compute="_compute_can_actions")

    @api.depends(
        "currency_id", *(f"{prefix}_{key}" for key in CORRECTABLE for prefix in ("old", "new"))
    )
    def _compute_change_summary(self):
        for request in self:
            request.change_summary = "\n".join(
                f"{label}: {old or ''} → {new or ''}" for label, old, new in request._get_changes()
            )

    @api.depends("state", "user_id")
    @api.depends_context("uid")
    def _compute_can_actions(self):
        user = self.env.user
        is_manager = user.has_group(MANAGER)
        for request in self:
            pending = request.state == "to_approve"
            request.can_decide = pending and is_manager and request.user_id != user
            request.can_cancel = pending and (request.user_id == user or is_manager)

    @api.onchange("archive_id")
    def _onchange_archive_id(self):
        """Start the new values from the current ones, so the user changes only what is wrong."""
        self.update(self._get_current_values(self.archive_id, prefix="new_"))

    @api.model
    def _get_current_values(self, archive, prefix):
        values = {}
        for key, (model, field) in CORRECTABLE.items():
            record = archive.partner_id if model == "res.partner" else archive
            values[f"{prefix}{key}"] = record[field]
        return values

    def _get_changes(self):
        """``(label, old, new)`` for every value the request changes."""
        self.ensure_one()
        return [
            (self._fields[f"new_{key}"].get_description(self.env)["string"], old, new)
            for key in CORRECTABLE
            for old, new in [(self[f"old_{key}"], self[f"new_{key}"])]
            if self._value_differs(key, old, new)
        ]

    def _value_differs(self, key, old, new):
        if key == "registered_capital":
            if self.currency_id:
                return self.currency_id.compare_amounts(old or 0.0, new or 0.0) != 0
            return (old or 0.0) != (new or 0.0)
        return (old or "") != (new or "")

    def _format_changes(self):
        return "; ".join(
            f"{label}: {old or ''} → {new or ''}" for label, old, new in self._get_changes()
        )

    @api.model_create_multi
    def create(self, vals_list):
        Archive = self.env["customer.archive"]
        for vals in vals_list:
            if not self.env.su and WORKFLOW_FIELDS & vals.keys():
                raise AccessError(
                    self.env._("A correction request is decided by its buttons only.")
                )
            archive = Archive.browse(vals.get("archive_id") or [])
            archive.check_access("read")
            if archive.state == "destroyed":
                raise UserError(self.env._("A destroyed archive cannot be corrected."))
            current = self._get_current_values(archive, prefix="old_")
            vals.update(current)
            for key in CORRECTABLE:
                vals.setdefault(f"new_{key}", current[f"old_{key}"])
            if vals.get("new_credit_code"):
                vals["new_credit_code"] = Archive._normalize_credit_code(vals["new_credit_code"])
            if vals.get("name", "/") == "/":
                # sudo: the numbering sequence is ours, not the user's to read.
                vals["name"] = (
                    self.env["ir.sequence"].sudo().next_by_code("customer.archive.correction")
                    or "/"
                )
        requests = super().create(vals_list)
        for request in requests:
            request._check_request()
        requests._post_request_note()
        return requests

    def write(self, vals):
        if not self.env.su:
            raise AccessError(self.env._("A correction request cannot be changed; file a new one."))
        return super().write(vals)

    def _check_request(self):
        self.ensure_one()
        if not (self.reason or "").strip():
            raise ValidationError(self.env._("State the reason for the correction."))
        if not self._get_changes():
            raise ValidationError(self.env._("The request changes nothing."))
        if self.new_credit_code:
            try:
                uscc.validate(self.new_credit_code)
            except StdnumValidationError as error:
                raise ValidationError(
                    self.env._(
                        "%(code)s is not a valid unified social credit code: %(reason)s",
                        code=self.new_credit_code,
                        reason=self.archive_id._credit_code_error_reason(error),
                    )
                ) from error
        if not (self.new_partner_name or "").strip():
            raise ValidationError(self.env._("The customer name cannot be empty."))

    def _post_request_note(self):
        for request in self:
            # sudo: any reader of the dossier may file a request; the note is part of it.
            request.archive_id.sudo()._message_log(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Correction %(request)s requested by %(user)s: %(changes)s",
                    request=request.name,
                    user=request.user_id.name,
                    changes=request._format_changes(),
                )
            )

    def _check_decider(self):
        if not self.env.user.has_group(MANAGER):
            raise AccessError(self.env._("Only an archive manager may decide a correction."))
        for request in self:
            if request.state != "to_approve":
                raise UserError(
                    self.env._("Correction %(request)s is already decided.", request=request.name)
                )
            if request.user_id == self.env.user:
                raise UserError(
                    self.env._(
                        "You requested correction %(request)s; another manager must decide it.",
                        request=request.name,
                    )
                )

    def action_approve(self):
        """Apply the new values to the dossier (tracked) and close the request."""
        self._check_decider()
        for request in self:
            request._check_still_current()
        self._action_approve()
        return True

    def _check_still_current(self):
        current = self._get_current_values(self.archive_id, prefix="old_")
        if any(
            self._value_differs(key, self[f"old_{key}"], current[f"old_{key}"])
            for key in CORRECTABLE
        ):
            raise UserError(
                self.env._(
                    "The registration data of %(archive)s changed since correction %(request)s "
                    "was requested. Reject it and file a new one.",
                    archive=self.archive_id.display_name,
                    request=self.name,
                )
            )

    def _action_approve(self):
        for request in self:
            archive = request.archive_id
            archive_vals = {
                field: request[f"new_{key}"]
                for key, (model, field) in CORRECTABLE.items()
                if model == "customer.archive"
                and request._value_differs(key, request[f"old_{key}"], request[f"new_{key}"])
            }
            if archive_vals:
                archive.write(archive_vals)
            if archive.partner_id.name != request.new_partner_name:
                # sudo: the customer's name is corrected on a manager's approval, who need
                # not have the Contact Creation right.
                archive.partner_id.sudo().write({"name": request.new_partner_name})
            archive.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Correction %(request)s approved by %(user)s: %(changes)s. Reason: %(reason)s",
                    request=request.name,
                    user=self.env.user.name,
                    changes=request._format_changes(),
                    reason=request.reason,
                )
            )
        self._write_decision("approved")

    def action_reject(self):
        self._check_decider()
        self._write_decision("rejected")
        for request in self:
            request.archive_id.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Correction %(request)s rejected by %(user)s.",
                    request=request.name,
                    user=self.env.user.name,
                )
            )
        return True

    def action_cancel(self):
        is_manager = self.env.user.has_group(MANAGER)
        for request in self:
            if request.state != "to_approve":
                raise UserError(
                    self.env._("Correction %(request)s is already decided.", request=request.name)
                )
            if request.user_id != self.env.user and not is_manager:
                raise AccessError(self.env._("Only the requester may cancel a correction."))
        # sudo: the state is written by the workflow only, rights checked above.
        self.sudo().write({"state": "cancelled"})
        return True

    def _write_decision(self, state):
        # sudo: the state is written by the workflow only, rights checked by the caller.
        self.sudo().write(
            {"state": state, "approver_id": self.env.uid, "date_decided": fields.Datetime.now()}
        )


class CustomerArchive(models.Model):
    """Registration data of an active dossier is locked; it changes by correction request."""

    _inherit = "customer.archive"

    correction_ids = fields.One2many("customer.archive.correction", "archive_id")
    correction_count = fields.Integer(compute="_compute_correction_count")
    registration_locked = fields.Boolean(compute="_compute_registration_locked")

    @api.depends("correction_ids")
    def _compute_correction_count(self):
        counts = dict(
            self.env["customer.archive.correction"]._read_group(
                [("archive_id", "in", self.ids)], ["archive_id"], ["__count"]
            )
        )
        for archive in self:
            archive.correction_count = counts.get(archive, 0)

    @api.depends("state")
    @api.depends_context("uid")
    def _compute_registration_locked(self):
        is_manager = self.env.user.has_group(MANAGER)
        for archive in self:
            archive.registration_locked = archive.state == "active" and not is_manager

    def write(self, vals):
        self._check_registration_lock(vals)
        return super().write(vals)

    def _check_registration_lock(self, vals):
        if self.env.su or not (vals.keys() & set(LOCKED_FIELDS)):
            return
        if self.env.user.has_group(MANAGER):
            return
        for archive in self.filtered(lambda archive: archive.state == "active"):
            changed = [
                field
                for field in LOCKED_FIELDS
                if field in vals and archive._registration_value_differs(field, vals[field])
            ]
            if changed:
                raise UserError(
                    self.env._(
                        "The registration data of the active archive %(archive)s is locked "
                        "(%(fields)s). Request a correction to change it.",
                        fields=", ".join(
                            self._fields[field].get_description(self.env)["string"]
                            for field in changed
                        ),
                        archive=archive.display_name,
                    )
                )

    def _registration_value_differs(self, field, value):
        current = self[field]
        if field == "registered_capital":
            value = value or 0.0
            if self.currency_id:
                return self.currency_id.compare_amounts(current, value) != 0
            return current != value
        if field == "credit_code":
            value = self._normalize_credit_code(value)
        return (current or "") != (value or "")

    def action_request_correction(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Correction Request"),
            "res_model": "customer.archive.correction",
            "view_mode": "form",
            "target": "new",
            "context": {"default_archive_id": self.id},
        }

    def action_view_corrections(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_archive.customer_archive_correction_action"
        )
        action["domain"] = [("archive_id", "=", self.id)]
        action["context"] = {"default_archive_id": self.id}
        return action


class ResPartner(models.Model):
    """The registered name of a customer with an active dossier is locked as well."""

    _inherit = "res.partner"

    def write(self, vals):
        if "name" in vals and not self.env.su and not self.env.user.has_group(MANAGER):
            renamed = self.filtered(lambda partner: (partner.name or "") != (vals["name"] or ""))
            if renamed:
                # sudo: the lock holds whether or not the user may read the dossier.
                archive = (
                    self.env["customer.archive"]
                    .sudo()
                    .search([("partner_id", "in", renamed.ids), ("state", "=", "active")], limit=1)
                )
                if archive:
                    raise UserError(
                        self.env._(
                            "The name of %(partner)s is registration data of its active archive "
                            "%(archive)s. Request a correction to change it.",
                            partner=archive.partner_id.name,
                            archive=archive.name,
                        )
                    )
        return super().write(vals)
