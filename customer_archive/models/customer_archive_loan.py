from datetime import timedelta

from psycopg2.errors import UniqueViolation

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .customer_archive import MANAGER, OFFICER

MAX_DAYS_PARAM = "customer_archive.loan_max_days"
DEFAULT_MAX_DAYS = 30
REMIND_DAYS_BEFORE_DUE = 2

# state -> states it may move to
TRANSITIONS = {
    "draft": {"submitted", "cancelled"},
    "submitted": {"approved", "rejected", "cancelled", "draft"},
    "approved": {"out", "cancelled"},
    "out": {"returned"},
    "rejected": {"draft"},
    "returned": set(),
    "cancelled": {"draft"},
}
# states in which the loan holds its documents (or the paper file)
HOLDING_STATES = ("approved", "out")
# set by the workflow only; writing them directly is refused
WORKFLOW_FIELDS = {"approver_id", "officer_id", "date_out", "date_returned"}


class CustomerArchiveLoan(models.Model):
    """A request to consult, borrow or copy a customer archive (客户资料借阅单)."""

    _name = "customer.archive.loan"
    _description = "Customer Archive Loan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="Number", readonly=True, copy=False, default="/")
    user_id = fields.Many2one(
        "res.users",
        string="Borrower",
        required=True,
        default=lambda self: self.env.user,
        tracking=True,
        index=True,
        domain="[('share', '=', False)]",
    )
    archive_id = fields.Many2one(
        "customer.archive",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        check_company=True,
        domain="[('state', '=', 'active'), ('confidentiality', '!=', 'secret')]",
    )
    partner_id = fields.Many2one(related="archive_id.partner_id", string="Customer")
    company_id = fields.Many2one(
        related="archive_id.company_id", store=True, index=True, precompute=True
    )
    document_ids = fields.Many2many(
        "customer.archive.document",
        "customer_archive_loan_document_rel",
        "loan_id",
        "document_id",
        string="Documents",
        domain="[('archive_id', '=', archive_id)]",
        help="Leave empty to ask for the whole archive.",
    )
    purpose = fields.Text(required=True)
    kind = fields.Selection(
        [
            ("consult", "Consult on the Spot"),
            ("borrow", "Borrow"),
            ("issue", "Issue a Copy"),
        ],
        required=True,
        default="consult",
        tracking=True,
    )
    scope = fields.Selection(
        [("summary", "Summary"), ("full", "Full Archive")],
        required=True,
        default="summary",
        tracking=True,
        help="Summary: company name, contact names and titles only. "
        "Full: the whole archive, readable by the borrower while the loan is out.",
    )
    date_start = fields.Date(
        string="From", required=True, default=fields.Date.context_today, tracking=True
    )
    date_due = fields.Date(string="Due Date", required=True, tracking=True, index=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("approved", "Approved"),
            ("out", "Handed Out"),
            ("returned", "Returned"),
            ("rejected", "Rejected"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        copy=False,
        tracking=True,
        index=True,
    )
    approver_id = fields.Many2one("res.users", copy=False, tracking=True)
    officer_id = fields.Many2one("res.users", string="Handed Out By", copy=False, tracking=True)
    date_out = fields.Datetime(string="Handed Out On", copy=False)
    date_returned = fields.Datetime(string="Returned On", copy=False)
    return_condition = fields.Text(string="Condition on Return", copy=False)
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue")
    summary = fields.Text(compute="_compute_summary")
    hold_ids = fields.One2many("customer.archive.loan.hold", "loan_id")

    can_submit = fields.Boolean(compute="_compute_can_actions")
    can_approve = fields.Boolean(compute="_compute_can_actions")
    can_hand_out = fields.Boolean(compute="_compute_can_actions")
    can_return = fields.Boolean(compute="_compute_can_actions")
    can_cancel = fields.Boolean(compute="_compute_can_actions")
    can_reset = fields.Boolean(compute="_compute_can_actions")

    @api.depends("state", "date_due")
    @api.depends_context("date")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for loan in self:
            loan.is_overdue = loan.state == "out" and loan.date_due < today

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(operator)
        overdue = [("state", "=", "out"), ("date_due", "<", fields.Date.context_today(self))]
        return overdue if (operator == "=") == value else ["!", *overdue]

    @api.depends("partner_id", "state", "scope")
    def _compute_summary(self):
        """What a summary loan discloses: 单位名称、姓名、职务, nothing else."""
        for loan in self:
            partner = loan.partner_id
            if loan.state != "out" or not partner:
                loan.summary = False
                continue
            lines = [partner.name]
            lines += [
                f"{contact.name} — {contact.function}" if contact.function else contact.name
                for contact in partner.child_ids.filtered(lambda c: c.type == "contact")
            ]
            loan.summary = "\n".join(lines)

    @api.depends("state", "user_id", "archive_id.confidentiality")
    @api.depends_context("uid")
    def _compute_can_actions(self):
        user = self.env.user
        is_officer = user.has_group(OFFICER)
        for loan in self:
            own = loan.user_id == user
            loan.can_submit = loan.state == "draft" and (own or is_officer)
            loan.can_approve = loan.state == "submitted" and loan._may_approve(user)
            loan.can_hand_out = loan.state == "approved" and is_officer
            loan.can_return = loan.state == "out" and is_officer
            loan.can_cancel = loan.state in ("draft", "submitted", "approved") and (
                own or is_officer
            )
            loan.can_reset = loan.state in ("rejected", "cancelled") and (own or is_officer)

    @api.constrains("date_start", "date_due")
    def _check_dates(self):
        max_days = self._max_days()
        for loan in self:
            if loan.date_due < loan.date_start:
                raise ValidationError(self.env._("The due date cannot be before the start date."))
            if (loan.date_due - loan.date_start).days > max_days:
                raise ValidationError(
                    self.env._(
                        "A loan lasts at most %(days)s days: choose a due date "
                        "on or before %(date)s.",
                        days=max_days,
                        date=loan.date_start + timedelta(days=max_days),
                    )
                )

    @api.constrains("archive_id", "document_ids", "kind")
    def _check_lendable(self):
        for loan in self:
            loan._check_archive_lendable()
            # sudo: the borrower may name documents he cannot read yet.
            if loan.sudo().document_ids.archive_id - loan.archive_id:
                raise ValidationError(
                    self.env._("The documents of a loan must belong to its archive.")
                )
            if loan.kind != "consult":
                originals = loan._originals()
                if originals:
                    raise ValidationError(
                        self.env._(
                            "Originals may be consulted on the spot, never borrowed or issued "
                            "(原始资料只可查阅,不可借阅、发放): %(documents)s.",
                            documents=", ".join(originals),
                        )
                    )

    def _check_archive_lendable(self):
        # sudo: the borrower usually may not read the archive he asks for; only its
        # state and confidentiality are looked at.
        archive = self.archive_id.sudo()
        if archive.state != "active":
            raise ValidationError(
                self.env._(
                    "Archive %(number)s is not active: it cannot be lent.", number=archive.name
                )
            )
        if archive.confidentiality == "secret":
            raise ValidationError(
                self.env._("Archive %(number)s is secret: it is never lent.", number=archive.name)
            )

    def _originals(self):
        """Names of the originals this loan would take out of the archive room."""
        documents = self.document_ids.sudo()
        if documents:
            return documents.filtered(lambda d: d.original == "original").mapped("name")
        if self.archive_id.sudo().has_paper_original:
            return [self.env._("the paper file of %(number)s", number=self.archive_id.sudo().name)]
        return []

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                # sudo: borrowers do not read ir.sequence; numbering is ours.
                vals["name"] = self.env["ir.sequence"].sudo().next_by_code("customer.archive.loan")
            if (
                vals.get("user_id", self.env.uid) != self.env.uid
                and not self.env.su
                and not self.env.user.has_group(OFFICER)
            ):
                raise AccessError(self.env._("You can only ask for loans in your own name."))
            if WORKFLOW_FIELDS & vals.keys() or vals.get("state", "draft") != "draft":
                raise AccessError(self.env._("A loan starts as a draft."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._check_write(vals)
        return super().write(vals)

    def _check_write(self, vals):
        """Workflow fields change only through the actions; the request itself only
        while it is a draft, except for what the officer writes on return."""
        if WORKFLOW_FIELDS & vals.keys() and "state" not in vals:
            raise AccessError(self.env._("This field is set by the loan workflow."))
        if "state" in vals:
            for loan in self:
                loan._check_transition(vals["state"])
        if "return_condition" in vals and not self.env.user.has_group(OFFICER):
            raise AccessError(self.env._("Only an archive officer hands out and checks in."))
        request_fields = vals.keys() - WORKFLOW_FIELDS - {"state", "return_condition"}
        if request_fields and any(loan.state != "draft" for loan in self):
            raise UserError(self.env._("Only draft loans can be changed."))

    def _check_transition(self, new_state):
        self.ensure_one()
        if new_state not in TRANSITIONS[self.state]:
            states = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "Loan %(loan)s cannot go from %(from_state)s to %(to_state)s.",
                    loan=self.name,
                    from_state=states[self.state],
                    to_state=states[new_state],
                )
            )
        user = self.env.user
        is_officer = user.has_group(OFFICER)
        if new_state in ("approved", "rejected") and not self._may_approve(user):
            if self.user_id == user:
                raise AccessError(self.env._("You cannot approve or reject your own loan."))
            if self.archive_id.sudo().confidentiality == "confidential":
                raise AccessError(
                    self.env._(
                        "Only an archive manager may decide on loans of confidential archives."
                    )
                )
            raise AccessError(self.env._("Only an archive officer may decide on loans."))
        if new_state in ("out", "returned") and not is_officer:
            raise AccessError(self.env._("Only an archive officer hands out and checks in."))
        if (
            new_state in ("submitted", "cancelled", "draft")
            and self.user_id != user
            and not is_officer
        ):
            raise AccessError(self.env._("This loan is not yours."))

    def _may_approve(self, user):
        """Officers decide on normal archives, managers on confidential ones; never the
        borrower on his own loan."""
        if self.user_id == user:
            return False
        if self.archive_id.sudo().confidentiality == "confidential":
            return user.has_group(MANAGER)
        return user.has_group(OFFICER)

    def action_submit(self):
        for loan in self:
            loan._check_archive_lendable()
        self.write({"state": "submitted"})
        for loan in self:
            loan._schedule_activity(
                "customer_archive.mail_activity_type_loan_approval",
                loan._default_approver(),
                self.env._("Approve loan %(loan)s", loan=loan.name),
            )
        self._note_on_archive(self.env._("Loan requested"))
        return True

    def action_approve(self):
        for loan in self:
            loan._check_transition("approved")
            loan._check_archive_lendable()
        self._hold_documents()
        self.write({"state": "approved", "approver_id": self.env.uid})
        self.activity_feedback(["customer_archive.mail_activity_type_loan_approval"])
        for loan in self:
            loan._schedule_activity(
                "customer_archive.mail_activity_type_loan_handout",
                loan.archive_id.sudo().user_id,
                self.env._("Hand out loan %(loan)s", loan=loan.name),
            )
        self._note_on_archive(self.env._("Loan approved"))
        return True

    def action_reject(self):
        self.write({"state": "rejected", "approver_id": self.env.uid})
        self.activity_unlink(["customer_archive.mail_activity_type_loan_approval"])
        self._note_on_archive(self.env._("Loan rejected"))
        return True

    def action_hand_out(self):
        self.write({"state": "out", "officer_id": self.env.uid, "date_out": fields.Datetime.now()})
        self.activity_feedback(["customer_archive.mail_activity_type_loan_handout"])
        self._note_on_archive(self.env._("Handed out"))
        return True

    def action_return(self):
        for loan in self:
            if loan.state != "out":
                raise UserError(
                    self.env._("Loan %(loan)s is not out: it cannot be returned.", loan=loan.name)
                )
        self.write({"state": "returned", "date_returned": fields.Datetime.now()})
        self._release_documents()
        self.activity_unlink(
            [
                "customer_archive.mail_activity_type_loan_due",
                "customer_archive.mail_activity_type_loan_overdue",
            ]
        )
        self._note_on_archive(self.env._("Returned"))
        return True

    def action_cancel(self):
        self.write({"state": "cancelled"})
        self._release_documents()
        self.activity_unlink(
            [
                "customer_archive.mail_activity_type_loan_approval",
                "customer_archive.mail_activity_type_loan_handout",
            ]
        )
        self._note_on_archive(self.env._("Loan cancelled"))
        return True

    def action_reset(self):
        self.write({"state": "draft"})
        return True

    def _default_approver(self):
        """Who is asked to approve: the keeper for a normal archive, a manager for a
        confidential one; never the borrower."""
        archive = self.archive_id.sudo()
        if archive.confidentiality != "confidential" and archive.user_id not in (
            self.user_id,
            self.env["res.users"],
        ):
            return archive.user_id
        managers = (
            self.env.ref(MANAGER)
            .sudo()
            .users.filtered(
                lambda u: not u.share and u != self.user_id and self.company_id in u.company_ids
            )
        )
        return managers[:1]

    def _schedule_activity(self, activity_xmlid, user, summary, date_deadline=None):
        if not user:
            return
        # sudo: the borrower schedules the approver's activity on his own loan.
        self.sudo().activity_schedule(
            activity_xmlid, date_deadline=date_deadline, summary=summary, user_id=user.id
        )

    def _note_on_archive(self, event):
        """Log each loan step on the archive too, for its history."""
        for loan in self:
            # sudo: the borrower may not read the archive; the note is the archive's record.
            loan.archive_id.sudo().message_post(
                body=self.env._(
                    "%(event)s: %(loan)s (%(kind)s, %(scope)s) for %(borrower)s, due %(due)s",
                    event=event,
                    loan=loan.name,
                    kind=dict(loan._fields["kind"]._description_selection(self.env))[loan.kind],
                    scope=dict(loan._fields["scope"]._description_selection(self.env))[loan.scope],
                    borrower=loan.user_id.name,
                    due=loan.date_due,
                ),
                author_id=self.env.user.partner_id.id,
                subtype_xmlid="mail.mt_note",
            )

    def _hold_documents(self):
        """Reserve the documents (or the whole paper file) of the loans: the database
        refuses a second hold, so two approvals racing cannot both succeed."""
        Hold = self.env["customer.archive.loan.hold"].sudo()
        vals_list = []
        for loan in self:
            if loan.document_ids:
                vals_list += [
                    {"loan_id": loan.id, "archive_id": loan.archive_id.id, "document_id": doc.id}
                    for doc in loan.document_ids
                ]
            else:
                vals_list.append({"loan_id": loan.id, "archive_id": loan.archive_id.id})
        Hold._check_free(vals_list)
        try:
            with self.env.cr.savepoint():
                Hold.create(vals_list)
                Hold.flush_model()
        except UniqueViolation:
            raise UserError(
                self.env._("A document of this loan was just lent to someone else.")
            ) from None

    def _release_documents(self):
        # sudo: holds are bookkeeping of the workflow, not visible to users.
        self.sudo().hold_ids.unlink()

    def _max_days(self):
        value = self.env["ir.config_parameter"].sudo().get_param(MAX_DAYS_PARAM)
        return int(value) if value else DEFAULT_MAX_DAYS

    @api.model
    def _cron_remind_loans(self):
        """Remind borrowers two days before the due date; escalate overdue loans to the
        managers. Each reminder is scheduled once: an open one is not repeated."""
        today = fields.Date.context_today(self)
        due_soon = self.search(
            [
                ("state", "=", "out"),
                ("date_due", ">=", today),
                ("date_due", "<=", today + timedelta(days=REMIND_DAYS_BEFORE_DUE)),
            ]
        )
        for loan in due_soon._without_activity("customer_archive.mail_activity_type_loan_due"):
            loan._schedule_activity(
                "customer_archive.mail_activity_type_loan_due",
                loan.user_id,
                self.env._("Return loan %(loan)s by %(date)s", loan=loan.name, date=loan.date_due),
                date_deadline=loan.date_due,
            )
        overdue = self.search([("is_overdue", "=", True)])
        managers = self.env.ref(MANAGER).sudo().users.filtered(lambda u: not u.share)
        for loan in overdue._without_activity("customer_archive.mail_activity_type_loan_overdue"):
            for manager in managers.filtered(lambda u, loan=loan: loan.company_id in u.company_ids):
                loan._schedule_activity(
                    "customer_archive.mail_activity_type_loan_overdue",
                    manager,
                    self.env._(
                        "Loan %(loan)s to %(borrower)s is overdue since %(date)s",
                        loan=loan.name,
                        borrower=loan.user_id.name,
                        date=loan.date_due,
                    ),
                )

    def _without_activity(self, activity_xmlid):
        """The loans that have no open activity of that type yet (one query)."""
        activity_type = self.env.ref(activity_xmlid)
        busy = (
            self.env["mail.activity"]
            .sudo()
            ._read_group(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "=", activity_type.id),
                ],
                ["res_id"],
            )
        )
        busy_ids = {res_id for (res_id,) in busy}
        return self.filtered(lambda loan: loan.id not in busy_ids)

    @api.model
    def _action_new_loan(self, archive):
        return {
            "type": "ir.actions.act_window",
            "res_model": "customer.archive.loan",
            "view_mode": "form",
            "target": "current",
            "context": {"default_archive_id": archive.id},
        }

    def action_print_slip(self):
        return self.env.ref("customer_archive.customer_archive_loan_report").report_action(self)


class CustomerArchive(models.Model):
    _inherit = "customer.archive"

    loan_ids = fields.One2many("customer.archive.loan", "archive_id", string="Loans")
    loan_count = fields.Integer(compute="_compute_loan_state")
    is_out = fields.Boolean(
        string="Out on Loan",
        compute="_compute_loan_state",
        help="A loan of this archive is handed out and not yet returned.",
    )

    @api.depends("loan_ids.state")
    def _compute_loan_state(self):
        # sudo: whether the file is out is known to whoever may read the archive,
        # even if he may not read the loans of others.
        groups = (
            self.env["customer.archive.loan"]
            .sudo()
            ._read_group([("archive_id", "in", self.ids)], ["archive_id", "state"], ["__count"])
        )
        counts, out = {}, set()
        for archive, state, count in groups:
            counts[archive.id] = counts.get(archive.id, 0) + count
            if state == "out":
                out.add(archive.id)
        for archive in self:
            archive.loan_count = counts.get(archive.id, 0)
            archive.is_out = archive.id in out

    def action_request_loan(self):
        self.ensure_one()
        return self.env["customer.archive.loan"]._action_new_loan(self)

    def action_view_loans(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_archive.customer_archive_loan_action"
        )
        action["domain"] = [("archive_id", "=", self.id)]
        action["context"] = {"default_archive_id": self.id}
        return action


class CustomerArchiveDocument(models.Model):
    _inherit = "customer.archive.document"

    loan_ids = fields.Many2many(
        "customer.archive.loan",
        "customer_archive_loan_document_rel",
        "document_id",
        "loan_id",
        string="Loans",
    )


class ResPartner(models.Model):
    _inherit = "res.partner"

    def action_request_customer_archive_loan(self):
        """Ask to borrow the archive of this customer, from the partner form."""
        self.ensure_one()
        # sudo: the reader asking to borrow an archive usually cannot read it yet.
        archive = (
            self.env["customer.archive"]
            .sudo()
            .search([("partner_id", "=", self.commercial_partner_id.id)], limit=1)
        )
        if not archive:
            raise UserError(
                self.env._(
                    "%(partner)s has no archive to borrow.",
                    partner=self.commercial_partner_id.display_name,
                )
            )
        return self.env["customer.archive.loan"]._action_new_loan(archive)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    customer_archive_loan_max_days = fields.Integer(
        string="Maximum Loan Days", config_parameter=MAX_DAYS_PARAM, default=DEFAULT_MAX_DAYS
    )

    @api.constrains("customer_archive_loan_max_days")
    def _check_customer_archive_loan_max_days(self):
        if any(settings.customer_archive_loan_max_days < 1 for settings in self):
            raise ValidationError(self.env._("A loan must be allowed to last at least one day."))
