from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import customer_archive_credit_code as credit_code
from ..tools.customer_archive_input import bind_attachments
from ..tools.customer_archive_locks import CORRECTION_DOOR
from .customer_archive import MANAGER, OFFICER, READER
from .customer_archive_workflow_mixin import Transition, open_door

# what a correction request can change: request field suffix -> (model, field)
CORRECTABLE = {
    "partner_name": ("res.partner", "name"),
    "credit_code": ("customer.archive", "credit_code"),
    "legal_representative": ("customer.archive", "legal_representative"),
    "registered_capital": ("customer.archive", "registered_capital"),
}
# what the requester states; nobody changes it afterwards: a new request is filed
REQUEST_FIELDS = (
    "name",
    "archive_id",
    "user_id",
    "reason",
    *(f"{prefix}_{key}" for key in CORRECTABLE for prefix in ("old", "new")),
)
CHECK_ACTIVITY = "customer_archive.mail_activity_type_correction_check"
APPROVE_ACTIVITY = "customer_archive.mail_activity_type_correction_approve"


class CustomerArchiveCorrection(models.Model):
    """A request to correct locked registration data of a dossier (信息更正:
    方案 → 审核 → 审批): the old and new values and a reason, checked by an officer
    (审核), then approved by a manager (审批), neither of them the requester."""

    _name = "customer.archive.correction"
    _description = "Customer Archive Correction Request"
    _inherit = [
        "customer.archive.attached.mixin",
        "customer.archive.workflow.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "id desc"
    _check_company_auto = True
    # Requesters may not write the request, yet discuss it in its chatter.
    _mail_post_access = "read"

    _workflow_requester_override = MANAGER
    _workflow_transitions = (
        Transition("check", ("to_check",), "checked", OFFICER, ("_rule_not_requester",)),
        Transition(
            "approve",
            ("checked",),
            "approved",
            MANAGER,
            ("_rule_not_requester", "_rule_not_checker", "_rule_still_current"),
        ),
        Transition(
            "reject",
            ("to_check", "checked"),
            "rejected",
            OFFICER,
            ("_rule_not_requester", "_rule_manager_once_checked"),
        ),
        Transition(
            "cancel", ("to_check", "checked"), "cancelled", READER, ("_rule_own_or_override",)
        ),
    )
    _workflow_stamped_fields = ("checker_id", "date_checked", "approver_id", "date_decided")
    # the supporting documents are part of the request too; later ones go to the chatter
    _workflow_locked_fields = (*REQUEST_FIELDS, "attachment_ids")

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    archive_id = fields.Many2one(
        "customer.archive",
        required=True,
        index=True,
        ondelete="cascade",
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
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "customer_archive_correction_attachment_rel",
        "correction_id",
        "attachment_id",
        string="Supporting Documents",
        help="The documents that show the right values (the new business licence, the "
        "notice of change, ...). Later ones are attached in the chatter.",
    )
    state = fields.Selection(
        [
            ("to_check", "To Check"),
            ("checked", "To Approve"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("cancelled", "Cancelled"),
        ],
        default="to_check",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    checker_id = fields.Many2one(
        "res.users", string="Checked By", readonly=True, copy=False, tracking=True
    )
    date_checked = fields.Datetime(string="Checked On", readonly=True, copy=False)
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
    can_check = fields.Boolean(compute="_compute_workflow_can")
    can_approve = fields.Boolean(compute="_compute_workflow_can")
    can_reject = fields.Boolean(compute="_compute_workflow_can")
    can_cancel = fields.Boolean(compute="_compute_workflow_can")

    @api.depends(
        "currency_id", *(f"{prefix}_{key}" for key in CORRECTABLE for prefix in ("old", "new"))
    )
    def _compute_change_summary(self):
        for request in self:
            request.change_summary = "\n".join(
                f"{label}: {old or ''} → {new or ''}" for label, old, new in request._get_changes()
            )

    def _workflow_can_depends(self):
        return ["state", "user_id", "checker_id"]

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
            if vals.get("user_id", self.env.uid) != self.env.uid and not self.env.su:
                raise AccessError(self.env._("You can only request corrections in your own name."))
            archive = Archive.browse(vals.get("archive_id") or [])
            archive.check_access("read")
            if archive.state == "destroyed":
                raise UserError(self.env._("A destroyed archive cannot be corrected."))
            current = self._get_current_values(archive, prefix="old_")
            vals.update(current)
            for key in CORRECTABLE:
                vals.setdefault(f"new_{key}", current[f"old_{key}"])
            if vals.get("new_credit_code"):
                vals["new_credit_code"] = credit_code.normalize(vals["new_credit_code"])
            vals["name"] = self._next_number("customer.archive.correction")
        requests = super().create(vals_list)
        bind_attachments(requests)
        for request in requests:
            request._check_request()
        requests._post_request_note()
        for request in requests:
            request._workflow_schedule(
                CHECK_ACTIVITY,
                request._workflow_users(
                    OFFICER, request.company_id, exclude=request.user_id, above=MANAGER
                ),
                lambda env, request=request: env._(
                    "Check correction %(request)s of %(archive)s",
                    request=request.name,
                    archive=request.partner_id.name,
                ),
            )
        return requests

    def _check_request(self):
        self.ensure_one()
        if not (self.reason or "").strip():
            raise ValidationError(self.env._("State the reason for the correction."))
        if not self._get_changes():
            raise ValidationError(self.env._("The request changes nothing."))
        credit_code.validate(self.env, self.new_credit_code)
        if not (self.new_partner_name or "").strip():
            raise ValidationError(self.env._("The customer name cannot be empty."))

    def _post_request_note(self):
        for request in self:
            # sudo: any reader of the dossier may file a request; the note is part of it.
            request.archive_id.sudo()._post_in_readers_lang(
                lambda env, request=request: (
                    Markup("<p>%s</p>")
                    % env._(
                        "Correction %(request)s requested by %(user)s: %(changes)s",
                        request=request.name,
                        user=request.user_id.name,
                        changes=request.with_context(lang=env.lang)._format_changes(),
                    )
                )
            )

    # ------------------------------------------------------------ workflow
    def _rule_not_checker(self):
        if self.checker_id == self.env.user:
            return AccessError(
                self.env._(
                    "You checked correction %(request)s; another manager must approve it.",
                    request=self.name,
                )
            )
        return None

    def _rule_manager_once_checked(self):
        if self.state == "checked" and not (self.env.su or self.env.user.has_group(MANAGER)):
            return AccessError(
                self.env._("Only an archive manager may decide a checked correction.")
            )
        return None

    def _rule_still_current(self):
        current = self._get_current_values(self.archive_id, prefix="old_")
        if any(
            self._value_differs(key, self[f"old_{key}"], current[f"old_{key}"])
            for key in CORRECTABLE
        ):
            return UserError(
                self.env._(
                    "The registration data of %(archive)s changed since correction %(request)s "
                    "was requested. Reject it and file a new one.",
                    archive=self.archive_id.display_name,
                    request=self.name,
                )
            )
        return None

    def action_check(self):
        """审核: an officer confirms the request is sound and passes it to a manager."""
        self._workflow_run("check")
        return True

    def _action_check(self):
        self._workflow_write(
            {"state": "checked", "checker_id": self.env.uid, "date_checked": fields.Datetime.now()}
        )
        # sudo: the activities given to officers or managers are closed by who takes the step
        self.sudo()._workflow_feedback([CHECK_ACTIVITY])
        for request in self:
            request._workflow_schedule(
                APPROVE_ACTIVITY,
                request._workflow_users(
                    MANAGER, request.company_id, exclude=request.user_id | request.checker_id
                ),
                lambda env, request=request: env._(
                    "Approve correction %(request)s of %(archive)s",
                    request=request.name,
                    archive=request.partner_id.name,
                ),
            )
            request.archive_id._post_in_readers_lang(
                lambda env, request=request: (
                    Markup("<p>%s</p>")
                    % env._(
                        "Correction %(request)s checked by %(user)s.",
                        request=request.name,
                        user=self.env.user.name,
                    )
                )
            )

    def action_approve(self):
        """审批: apply the new values to the dossier (tracked) and close the request."""
        self._workflow_run("approve")
        return True

    def _action_approve(self):
        for request in self:
            archive = request.archive_id
            archive_vals = {
                field: request[f"new_{key}"]
                for key, (model, field) in CORRECTABLE.items()
                if model == "customer.archive"
                and request._value_differs(key, request[f"old_{key}"], request[f"new_{key}"])
            }
            with open_door(archive._name, CORRECTION_DOOR):
                if archive_vals:
                    archive.write(archive_vals)
                if archive.partner_id.name != request.new_partner_name:
                    # sudo: the customer's name is corrected on a manager's approval, who
                    # need not have the Contact Creation right.
                    archive.partner_id.sudo().write({"name": request.new_partner_name})
            archive._post_in_readers_lang(
                lambda env, request=request: (
                    Markup("<p>%s</p>")
                    % env._(
                        "Correction %(request)s approved by %(user)s: %(changes)s. Reason: %(reason)s",  # noqa: E501
                        request=request.name,
                        user=self.env.user.name,
                        changes=request.with_context(lang=env.lang)._format_changes(),
                        reason=request.reason,
                    )
                )
            )
        self._workflow_write(
            {
                "state": "approved",
                "approver_id": self.env.uid,
                "date_decided": fields.Datetime.now(),
            }
        )
        # sudo: the activities given to officers or managers are closed by who takes the step
        self.sudo()._workflow_feedback([APPROVE_ACTIVITY])

    def action_reject(self):
        self._workflow_run("reject")
        return True

    def _action_reject(self):
        self._workflow_write(
            {
                "state": "rejected",
                "approver_id": self.env.uid,
                "date_decided": fields.Datetime.now(),
            }
        )
        # sudo: the activities given to officers or managers are closed by who takes the step
        self.sudo()._workflow_feedback([CHECK_ACTIVITY, APPROVE_ACTIVITY])
        for request in self:
            request.archive_id._post_in_readers_lang(
                lambda env, request=request: (
                    Markup("<p>%s</p>")
                    % env._(
                        "Correction %(request)s rejected by %(user)s.",
                        request=request.name,
                        user=self.env.user.name,
                    )
                )
            )

    def action_cancel(self):
        self._workflow_run("cancel")
        return True

    def _action_cancel(self):
        self._workflow_write({"state": "cancelled"})
        # sudo: the requester withdraws the request the officers and managers were asked on
        self.sudo().activity_unlink([CHECK_ACTIVITY, APPROVE_ACTIVITY])
