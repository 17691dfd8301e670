from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .customer_archive import MANAGER, OFFICER

LOAN_MODEL = "customer.archive.loan"
# loan states in which the files are promised or handed out
LOAN_HOLDING_STATES = ("approved", "out")
# registers whose lines still wait for destruction
OPEN_STATES = ("draft", "to_approve", "approved")
# set by the workflow only; writing them directly is refused
WORKFLOW_FIELDS = {
    "state",
    "user_id",
    "approver_id",
    "date_approved",
    "done_user_id",
    "date_done",
}


class CustomerArchiveDestruction(models.Model):
    """A destruction register (销毁清册): archives and documents past their retention,
    approved by a manager, then destroyed. Once done it is kept forever, unchanged."""

    _name = "customer.archive.destruction"
    _description = "Customer Archive Destruction Register"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="Number", required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("to_approve", "To Approve"),
            ("approved", "Approved"),
            ("done", "Destroyed"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        copy=False,
        tracking=True,
        index=True,
    )
    reason = fields.Text(
        default=lambda self: self.env._("The retention period has expired."),
        tracking=True,
    )
    method = fields.Char(
        string="Destruction Method", help="e.g. shredded, incinerated, files deleted."
    )
    witness = fields.Char(string="Witnessed By", help="Who supervises the destruction (监销人).")
    is_proposal = fields.Boolean(
        string="Proposed by the Scheduler",
        readonly=True,
        copy=False,
        help="Filled by the monthly retention check; it adds new due items to this draft.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Prepared By",
        readonly=True,
        copy=False,
        default=lambda self: self.env.user,
        tracking=True,
    )
    approver_id = fields.Many2one("res.users", string="Approved By", readonly=True, copy=False)
    date_approved = fields.Datetime(string="Approved On", readonly=True, copy=False)
    done_user_id = fields.Many2one("res.users", string="Destroyed By", readonly=True, copy=False)
    date_done = fields.Datetime(string="Destroyed On", readonly=True, copy=False)
    line_ids = fields.One2many(
        "customer.archive.destruction.line", "register_id", string="Lines", copy=True
    )
    line_count = fields.Integer(compute="_compute_line_count")
    can_submit = fields.Boolean(compute="_compute_can_actions")
    can_approve = fields.Boolean(compute="_compute_can_actions")
    can_done = fields.Boolean(compute="_compute_can_actions")
    can_draft = fields.Boolean(compute="_compute_can_actions")
    can_cancel = fields.Boolean(compute="_compute_can_actions")

    @api.depends("line_ids")
    def _compute_line_count(self):
        for register in self:
            register.line_count = len(register.line_ids)

    @api.depends("state", "user_id")
    @api.depends_context("uid")
    def _compute_can_actions(self):
        user = self.env.user
        is_officer = user.has_group(OFFICER)
        is_manager = user.has_group(MANAGER)
        for register in self:
            state = register.state
            register.can_submit = is_officer and state == "draft"
            register.can_approve = is_manager and state == "to_approve" and register.user_id != user
            register.can_done = is_officer and state == "approved"
            register.can_draft = is_officer and state in ("to_approve", "approved", "cancelled")
            register.can_cancel = is_officer and state in OPEN_STATES

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not self.env.su and (
                (WORKFLOW_FIELDS - {"state"}) & vals.keys() or vals.get("state", "draft") != "draft"
            ):
                raise AccessError(self._workflow_field_error())
            if vals.get("name", "/") == "/":
                # sudo: the numbering sequence is ours, not the user's to read.
                vals["name"] = (
                    self.env["ir.sequence"].sudo().next_by_code("customer.archive.destruction")
                    or "/"
                )
        return super().create(vals_list)

    def write(self, vals):
        self._check_not_done()
        if not self.env.su:
            if WORKFLOW_FIELDS & vals.keys():
                raise AccessError(self._workflow_field_error())
            self._check_draft()
        return super().write(vals)

    def unlink(self):
        self._check_not_done()
        if not self.env.su and any(
            register.state not in ("draft", "cancelled") for register in self
        ):
            raise UserError(self.env._("Only draft or cancelled registers can be deleted."))
        return super().unlink()

    def _workflow_field_error(self):
        return self.env._("The state of a destruction register changes through its buttons only.")

    def _check_not_done(self):
        """A destroyed register is kept permanently (永久保存), unchanged, whoever asks."""
        done = self.filtered(lambda register: register.state == "done")
        if done:
            raise UserError(
                self.env._(
                    "Destruction register %(register)s is done; it is kept permanently "
                    "and can neither be changed nor deleted.",
                    register=done[0].name,
                )
            )

    def _check_draft(self):
        if any(register.state != "draft" for register in self):
            raise UserError(
                self.env._("Only draft destruction registers can be changed; reset it to draft.")
            )

    def _check_rights(self, group, message):
        if not self.env.user.has_group(group):
            raise AccessError(message)

    def action_submit(self):
        self._check_rights(OFFICER, self.env._("Only an archive officer may submit a register."))
        for register in self:
            if register.state != "draft":
                raise UserError(self.env._("Only draft registers can be submitted."))
            if not register.line_ids:
                raise UserError(
                    self.env._("Register %(register)s has no lines.", register=register.name)
                )
            if not (register.reason or "").strip():
                raise UserError(self.env._("State why these files are destroyed."))
        self.line_ids._check_destroyable()
        self._action_submit()
        return True

    def _action_submit(self):
        # sudo: workflow fields are written by the workflow only, rights checked above.
        self.sudo().write({"state": "to_approve", "user_id": self.env.uid})

    def action_approve(self):
        self._check_rights(
            MANAGER, self.env._("Only an archive manager may approve a destruction register.")
        )
        for register in self:
            if register.state != "to_approve":
                raise UserError(self.env._("Only submitted registers can be approved."))
            if register.user_id == self.env.user:
                raise UserError(
                    self.env._(
                        "You prepared register %(register)s; another manager must approve it.",
                        register=register.name,
                    )
                )
        self.line_ids._check_destroyable()
        self._action_approve()
        return True

    def _action_approve(self):
        # sudo: workflow fields are written by the workflow only, rights checked above.
        self.sudo().write(
            {
                "state": "approved",
                "approver_id": self.env.uid,
                "date_approved": fields.Datetime.now(),
            }
        )

    def action_done(self):
        """Destroy what the approved register lists and close it for good."""
        self._check_rights(
            OFFICER, self.env._("Only an archive officer may carry out a destruction.")
        )
        if any(register.state != "approved" for register in self):
            raise UserError(self.env._("Only approved registers can be carried out."))
        self.line_ids._check_destroyable()
        self._action_done()
        return True

    def _action_done(self):
        for register in self:
            # sudo: a manager approved the destruction; the officer carrying it out may not
            # see confidential documents or secret archives, and the history goes too.
            register.sudo().line_ids._destroy()
            register.message_post(
                body=Markup("<p>%s</p>")
                % self.env._("%(count)s item(s) destroyed.", count=len(register.line_ids))
            )
        # sudo: workflow fields are written by the workflow only, rights checked above.
        self.sudo().write(
            {"state": "done", "done_user_id": self.env.uid, "date_done": fields.Datetime.now()}
        )

    def action_draft(self):
        self._check_rights(OFFICER, self.env._("Only an archive officer may reset a register."))
        if any(register.state not in ("to_approve", "approved", "cancelled") for register in self):
            raise UserError(self.env._("Only submitted, approved or cancelled registers go back."))
        # sudo: workflow fields are written by the workflow only, rights checked above.
        self.sudo().write({"state": "draft", "approver_id": False, "date_approved": False})
        return True

    def action_cancel(self):
        self._check_rights(OFFICER, self.env._("Only an archive officer may cancel a register."))
        if any(register.state not in OPEN_STATES for register in self):
            raise UserError(self.env._("A register that is done cannot be cancelled."))
        # sudo: workflow fields are written by the workflow only, rights checked above.
        self.sudo().write({"state": "cancelled"})
        return True

    @api.model
    def _cron_propose_destruction(self):
        """Put the archives and documents past their retention into a draft register per
        company, once: items already on an open register or under a loan are left out."""
        today = fields.Date.context_today(self)
        Line = self.env["customer.archive.destruction.line"]
        archives = (
            self.env["customer.archive"]
            .with_context(active_test=False)
            .search([("state", "!=", "destroyed"), ("retention_date", "<=", today)])
        )
        documents = self.env["customer.archive.document"].search(
            [
                ("retention_date", "<=", today),
                ("archive_id.state", "!=", "destroyed"),
                ("archive_id", "not in", archives.ids),
            ]
        )
        open_lines = Line.search([("register_id.state", "in", OPEN_STATES)])
        archives -= open_lines.filtered(lambda line: line.kind == "archive").archive_id
        documents -= open_lines.document_id
        line_vals = [{"kind": "archive", "archive_id": archive.id} for archive in archives] + [
            {"kind": "document", "archive_id": document.archive_id.id, "document_id": document.id}
            for document in documents
        ]
        loaned = Line._get_loaned_keys(line_vals)
        line_vals = [vals for vals in line_vals if Line._line_key(vals) not in loaned]
        if not line_vals:
            return self.browse()
        by_company = {}
        companies = (
            self.env["customer.archive"]
            .browse([vals["archive_id"] for vals in line_vals])
            .company_id
        )
        for vals in line_vals:
            company = self.env["customer.archive"].browse(vals["archive_id"]).company_id
            by_company.setdefault(company, []).append(vals)
        drafts = self.search(
            [
                ("state", "=", "draft"),
                ("is_proposal", "=", True),
                ("company_id", "in", companies.ids),
            ]
        )
        registers = self.browse()
        for company, vals_list in by_company.items():
            register = drafts.filtered(lambda draft, c=company: draft.company_id == c)[:1]
            if not register:
                register = self.create({"company_id": company.id, "is_proposal": True})
            register.write({"line_ids": [fields.Command.create(vals) for vals in vals_list]})
            registers |= register
        return registers
