from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.customer_archive_lang import chatter_lang
from .customer_archive import MANAGER, OFFICER
from .customer_archive_workflow_mixin import Transition, door_open

LOAN_MODEL = "customer.archive.loan"
# loan states in which the files are promised or handed out
LOAN_HOLDING_STATES = ("approved", "out")
# registers whose lines still wait for destruction
OPEN_STATES = ("draft", "to_approve", "approved")
APPROVE_ACTIVITY = "customer_archive.mail_activity_type_destruction_approve"
DONE_ACTIVITY = "customer_archive.mail_activity_type_destruction_done"


class CustomerArchiveDestruction(models.Model):
    """A destruction register (销毁清册): archives and documents past their retention,
    approved by every member of a review panel (会审), then destroyed. Once done it is
    kept forever, unchanged."""

    _name = "customer.archive.destruction"
    _description = "Customer Archive Destruction Register"
    _inherit = ["customer.archive.workflow.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    _workflow_transitions = (
        Transition("submit", ("draft",), "to_approve", OFFICER, ("_rule_complete",)),
        # every member of the panel approves once; the last approval approves the register
        Transition("approve", ("to_approve",), None, OFFICER, ("_rule_pending_panel_member",)),
        Transition("done", ("approved",), "done", OFFICER),
        Transition("draft", ("to_approve", "approved", "cancelled"), "draft", OFFICER),
        Transition("cancel", OPEN_STATES, "cancelled", OFFICER),
    )
    _workflow_stamped_fields = (
        "approved_user_ids",
        "approver_id",
        "date_approved",
        "done_user_id",
        "date_done",
    )
    # the preparer: who creates the register, then who submits it
    _workflow_locked_fields = ("name", "user_id")

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
        readonly=True,
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
    panel_ids = fields.Many2many(
        "res.users",
        "customer_archive_destruction_panel_rel",
        "register_id",
        "user_id",
        string="Review Panel",
        default=lambda self: self.env.company.customer_archive_destruction_panel_ids,
        domain="[('share', '=', False)]",
        help="Every member approves the register (会审); at least one archive manager who "
        "did not prepare it.",
    )
    approved_user_ids = fields.Many2many(
        "res.users",
        "customer_archive_destruction_approval_rel",
        "register_id",
        "user_id",
        string="Approved By Panel",
        readonly=True,
        copy=False,
    )
    pending_user_ids = fields.Many2many(
        "res.users", string="Approval Pending From", compute="_compute_pending_user_ids"
    )
    approver_id = fields.Many2one("res.users", string="Last Approval By", readonly=True, copy=False)
    date_approved = fields.Datetime(string="Approved On", readonly=True, copy=False)
    done_user_id = fields.Many2one("res.users", string="Destroyed By", readonly=True, copy=False)
    date_done = fields.Datetime(string="Destroyed On", readonly=True, copy=False)
    line_ids = fields.One2many(
        "customer.archive.destruction.line", "register_id", string="Lines", copy=True
    )
    line_count = fields.Integer(compute="_compute_line_count")
    can_submit = fields.Boolean(compute="_compute_workflow_can")
    can_approve = fields.Boolean(compute="_compute_workflow_can")
    can_done = fields.Boolean(compute="_compute_workflow_can")
    can_draft = fields.Boolean(compute="_compute_workflow_can")
    can_cancel = fields.Boolean(compute="_compute_workflow_can")

    @api.depends("line_ids")
    def _compute_line_count(self):
        for register in self:
            register.line_count = len(register.line_ids)

    @api.depends("panel_ids", "approved_user_ids")
    def _compute_pending_user_ids(self):
        for register in self:
            register.pending_user_ids = register.panel_ids - register.approved_user_ids

    def _workflow_can_depends(self):
        return ["state", "user_id", "panel_ids", "approved_user_ids", "line_ids", "reason"]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("user_id", self.env.uid) != self.env.uid and not self.env.su:
                raise AccessError(self.env._("You prepare registers in your own name only."))
            vals["name"] = self._next_number("customer.archive.destruction")
        return super().create(vals_list)

    def write(self, vals):
        self._check_not_done()
        self._workflow_check_write(vals)
        if not door_open(self._name):
            self._check_draft()
        return super().write(vals)

    def unlink(self):
        self._check_not_done()
        if any(register.state not in ("draft", "cancelled") for register in self):
            raise UserError(self.env._("Only draft or cancelled registers can be deleted."))
        return super().unlink()

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

    # ------------------------------------------------------------ workflow
    def _rule_complete(self):
        """A register goes to the panel with lines, a reason and a panel that has a
        manager besides the one who submits it, who is not on the panel himself."""
        if not self.line_ids:
            return UserError(self.env._("Register %(register)s has no lines.", register=self.name))
        if not (self.reason or "").strip():
            return UserError(self.env._("State why these files are destroyed."))
        if self.env.user in self.panel_ids:
            return UserError(
                self.env._(
                    "You prepare register %(register)s: you cannot be on its review panel.",
                    register=self.name,
                )
            )
        if not any(member._has_group(MANAGER) for member in self.panel_ids):
            return UserError(
                self.env._(
                    "The review panel of register %(register)s needs at least one archive manager.",
                    register=self.name,
                )
            )
        return None

    def _rule_pending_panel_member(self):
        if self.env.user not in self.panel_ids:
            return AccessError(
                self.env._(
                    "Only a member of the review panel of register %(register)s may approve it.",
                    register=self.name,
                )
            )
        if self.env.user in self.approved_user_ids:
            return UserError(
                self.env._("You already approved register %(register)s.", register=self.name)
            )
        if self.env.user == self.user_id:
            return AccessError(
                self.env._(
                    "You prepared register %(register)s; the panel approves it.",
                    register=self.name,
                )
            )
        return None

    def action_submit(self):
        self._workflow_run("submit")
        return True

    def _action_submit(self):
        self.line_ids._check_destroyable()
        self._workflow_write({"state": "to_approve", "user_id": self.env.uid})
        for register in self:
            register._workflow_schedule(
                APPROVE_ACTIVITY,
                register.panel_ids,
                lambda env, register=register: env._(
                    "Approve destruction register %(register)s", register=register.name
                ),
            )

    def action_approve(self):
        self._workflow_run("approve")
        return True

    def _action_approve(self):
        self.line_ids._check_destroyable()
        user = self.env.user
        for register in self:
            vals = {
                "approved_user_ids": [fields.Command.link(user.id)],
                "approver_id": user.id,
            }
            if not (register.panel_ids - register.approved_user_ids - user):
                vals.update(state="approved", date_approved=fields.Datetime.now())
            register._workflow_write(vals)
            # the "done" note in the register's chatter language
            lang = chatter_lang(register)
            register.activity_ids.filtered(
                lambda a, u=user: (
                    a.user_id == u and a.activity_type_id == self.env.ref(APPROVE_ACTIVITY)
                )
            ).with_context(lang=lang).action_feedback(
                feedback=register.with_context(lang=lang).env._("Approved.")
            )
            if register.state == "approved":
                register._schedule_destruction()

    def _schedule_destruction(self):
        """The approved register goes back to its preparer, who carries out the
        destruction."""
        preparer = self.user_id
        if not preparer or preparer.share:
            return
        # the last panel member asks the preparer to act on the register
        self._workflow_schedule(
            DONE_ACTIVITY,
            preparer,
            lambda env: env._(
                "Destroy the files of approved register %(register)s", register=self.name
            ),
        )

    def action_done(self):
        """Destroy what the approved register lists and close it for good."""
        self._workflow_run("done")
        return True

    def _action_done(self):
        self.line_ids._check_destroyable()
        for register in self:
            # sudo: the panel approved the destruction; the officer carrying it out may not
            # see confidential documents or secret archives, and the history goes too.
            register.sudo().line_ids._destroy()
            in_lang = register.with_context(lang=chatter_lang(register))
            in_lang.message_post(
                body=Markup("<p>%s</p>")
                % in_lang.env._("%(count)s item(s) destroyed.", count=len(register.line_ids))
            )
        self._workflow_write(
            {"state": "done", "done_user_id": self.env.uid, "date_done": fields.Datetime.now()}
        )
        self._workflow_feedback([DONE_ACTIVITY])

    def action_draft(self):
        self._workflow_run("draft")
        return True

    def _action_draft(self):
        self._workflow_write(
            {
                "state": "draft",
                "approved_user_ids": [fields.Command.clear()],
                "approver_id": False,
                "date_approved": False,
            }
        )
        self.activity_unlink([APPROVE_ACTIVITY, DONE_ACTIVITY])

    def action_cancel(self):
        self._workflow_run("cancel")
        return True

    def _action_cancel(self):
        self._workflow_write({"state": "cancelled"})
        self.activity_unlink([APPROVE_ACTIVITY, DONE_ACTIVITY])

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
