from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

# defined before the loan that inherits it: Odoo builds models in their classes' order
from . import customer_archive_loan_reminder_mixin  # noqa: F401
from .customer_archive import MANAGER, OFFICER, READER
from .customer_archive_workflow_mixin import Transition, door_open

MAX_DAYS_PARAM = "customer_archive.loan_max_days"
DEFAULT_MAX_DAYS = 30

# states in which the loan holds its documents (or the paper file)
HOLDING_STATES = ("approved", "out")
# what the borrower asks for: changed while the loan is a draft, frozen afterwards
REQUEST_FIELDS = {
    "user_id",
    "archive_id",
    "document_ids",
    "purpose",
    "kind",
    "scope",
    "date_start",
    "date_due",
}


class CustomerArchiveLoan(models.Model):
    """A request to consult, borrow or copy a customer archive (客户资料借阅单)."""

    _name = "customer.archive.loan"
    _description = "Customer Archive Loan"
    _inherit = [
        "customer.archive.attached.mixin",
        "customer.archive.workflow.mixin",
        "customer.archive.loan.reminder.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "id desc"
    _check_company_auto = True

    _workflow_transitions = (
        Transition(
            "submit", ("draft",), "submitted", READER, ("_rule_own_or_override", "_rule_lendable")
        ),
        Transition(
            "approve",
            ("submitted",),
            "approved",
            MANAGER,
            ("_rule_not_requester", "_rule_lendable"),
        ),
        Transition(
            "reject",
            ("submitted",),
            "rejected",
            MANAGER,
            ("_rule_not_requester",),
        ),
        Transition("hand_out", ("approved",), "out", OFFICER),
        Transition("return", ("out",), "returned", OFFICER),
        Transition(
            "cancel",
            ("draft", "submitted", "approved"),
            "cancelled",
            READER,
            ("_rule_own_or_override",),
        ),
        Transition("reset", ("rejected", "cancelled"), "draft", READER, ("_rule_own_or_override",)),
    )
    _workflow_stamped_fields = (
        "approver_id",
        "officer_id",
        "date_out",
        "date_returned",
        "return_state",
    )
    _workflow_locked_fields = ("name",)

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
        default="full",
        tracking=True,
        help="Full: the borrower reads the archive and its documents (or only the documents "
        "named) from hand-out until the loan is returned or due. "
        "Summary: only the company name and its contacts' names and titles, shown on the "
        "loan; the archive itself stays closed to him.",
    )
    date_start = fields.Date(
        string="From", required=True, default=fields.Date.context_today, tracking=True
    )
    date_due = fields.Date(
        string="Due Date",
        required=True,
        tracking=True,
        index=True,
        default=lambda self: self._default_date_due(),
        help="At most the longest loan period of the settings after the start.",
    )
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
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    approver_id = fields.Many2one("res.users", copy=False, readonly=True, tracking=True)
    officer_id = fields.Many2one(
        "res.users", string="Handed Out By", copy=False, readonly=True, tracking=True
    )
    date_out = fields.Datetime(string="Handed Out On", copy=False, readonly=True)
    date_returned = fields.Datetime(string="Returned On", copy=False, readonly=True)
    return_state = fields.Selection(
        [
            ("complete", "Complete"),
            ("missing", "Pages Missing"),
            ("damaged", "Damaged"),
        ],
        string="File Condition",
        copy=False,
        readonly=True,
        tracking=True,
        help="The state of the file when it came back, recorded by the archive keeper on check-in.",
    )
    return_condition = fields.Text(string="Condition on Return", copy=False)
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue")
    summary = fields.Text(compute="_compute_summary")
    hold_ids = fields.One2many("customer.archive.loan.hold", "loan_id")

    can_submit = fields.Boolean(compute="_compute_workflow_can")
    can_approve = fields.Boolean(compute="_compute_workflow_can")
    can_reject = fields.Boolean(compute="_compute_workflow_can")
    can_hand_out = fields.Boolean(compute="_compute_workflow_can")
    can_return = fields.Boolean(compute="_compute_workflow_can")
    can_cancel = fields.Boolean(compute="_compute_workflow_can")
    can_reset = fields.Boolean(compute="_compute_workflow_can")

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

    @api.depends("name", "partner_id")
    def _compute_display_name(self):
        """The number and the customer, as the desk's cards and the breadcrumbs show a
        loan: a manager with several loans to approve tells them apart."""
        for loan in self:
            loan.display_name = " · ".join(filter(None, [loan.name, loan.partner_id.name]))

    def _workflow_can_depends(self):
        return ["state", "user_id", "archive_id.confidentiality", "archive_id.state"]

    @api.model
    def _default_date_due(self):
        """The longest loan period of the settings from today, the default start."""
        return fields.Date.context_today(self) + timedelta(days=self._max_days())

    @api.onchange("date_start")
    def _onchange_date_start(self):
        """A start moved past the due date, or too far before it, moves the due date with
        it to the longest period."""
        if not self.date_start:
            return
        latest = self.date_start + timedelta(days=self._max_days())
        if not self.date_due or self.date_due < self.date_start or self.date_due > latest:
            self.date_due = latest

    @api.constrains("date_start", "date_due")
    def _check_dates(self):
        max_days = self._max_days()
        today = fields.Date.context_today(self)
        for loan in self:
            if abs((loan.date_start - today).days) > 366:
                raise ValidationError(
                    self.env._(
                        "A loan starts within a year of today, not on %(date)s.",
                        date=loan.date_start,
                    )
                )
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
            # sudo: checked whoever may read the documents; the borrower's right next.
            if loan.sudo().document_ids.archive_id - loan.archive_id:
                raise ValidationError(
                    self.env._("The documents of a loan must belong to its archive.")
                )
            loan._check_documents_readable()
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

    def _archive_reachable(self, archive):
        """A loan is asked for a dossier the borrower may not read: any that is lent
        (active, not secret, of his companies), besides those he may read."""
        if archive.has_access("read"):
            return True
        # sudo: only whether the dossier is lent at all is looked at
        archive = archive.sudo()
        return (
            archive.state == "active"
            and archive.confidentiality != "secret"
            and archive.company_id in self.env.companies
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
            # said without saying why: the borrower is not told the dossier is secret
            raise ValidationError(
                self.env._(
                    "Archive %(number)s cannot be lent; ask its keeper.", number=archive.name
                )
            )

    def _check_documents_readable(self):
        """A loan names only documents the user who writes it may read: the slip and the
        messages print their titles. A reader asks for the others by leaving the list
        empty (the whole archive), or an officer names them for him."""
        if self.env.su:
            return
        documents = self.sudo().document_ids
        readable = self.env["customer.archive.document"].search([("id", "in", documents.ids)])
        if documents - readable.sudo():
            raise ValidationError(
                self.env._(
                    "Name only documents you may read; leave the list empty to ask for the "
                    "whole archive."
                )
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
            self._check_borrower_right(vals.get("user_id", self.env.uid))
            vals["name"] = self._next_number("customer.archive.loan")
        return super().create(vals_list)

    def write(self, vals):
        self._check_request_write(vals)
        return super().write(vals)

    def _check_borrower_right(self, user_id):
        """A loan is asked in one's own name; an officer may ask for someone else."""
        if user_id != self.env.uid and not self.env.user.has_group(OFFICER):
            raise AccessError(self.env._("You can only ask for loans in your own name."))

    def _check_request_write(self, vals):
        """The request changes while it is a draft, the borrower only by an officer; the
        condition on return is the officer's, once the file is out."""
        if door_open(self._name):
            return
        changed = self._workflow_changed_fields(vals, REQUEST_FIELDS)
        if changed and any(loan.state != "draft" for loan in self):
            raise UserError(self.env._("Only draft loans can be changed."))
        if "user_id" in changed:
            self._check_borrower_right(vals["user_id"])
        if self._workflow_changed_fields(vals, {"return_condition"}):
            if not self.env.user.has_group(OFFICER):
                raise AccessError(self.env._("Only an archive officer hands out and checks in."))
            if any(loan.state != "out" for loan in self):
                raise UserError(self.env._("The condition is noted when the file comes back."))

    # ------------------------------------------------------------ workflow
    def _rule_lendable(self):
        try:
            self._check_archive_lendable()
        except ValidationError as error:
            return UserError(error.args[0])
        # sudo: only whether the customer consented is looked at, not the consents
        if self.kind == "issue" and not self.archive_id.sudo()._has_consent("share"):
            return UserError(
                self.env._(
                    "A copy of archive %(number)s leaves the company: the customer's current "
                    "consent to giving his data to third parties must be on record first.",
                    number=self.archive_id.sudo().name,
                )
            )
        return None

    def action_submit(self):
        self._workflow_run("submit")
        return True

    def _action_submit(self):
        self._workflow_write({"state": "submitted"})
        for loan in self:
            loan._workflow_schedule(
                "customer_archive.mail_activity_type_loan_approval",
                loan._approvers(),
                lambda env, loan=loan: env._("Approve loan %(loan)s", loan=loan.name),
            )
        self._note_on_archive(lambda env: env._("Loan requested"))

    def action_approve(self):
        self._workflow_run("approve")
        return True

    def _action_approve(self):
        self.env["customer.archive.loan.hold"]._hold_for(self)
        self._workflow_write({"state": "approved", "approver_id": self.env.uid})
        self._workflow_feedback(["customer_archive.mail_activity_type_loan_approval"])
        for loan in self:
            loan._workflow_schedule(
                "customer_archive.mail_activity_type_loan_handout",
                loan._keepers(),
                lambda env, loan=loan: env._("Hand out loan %(loan)s", loan=loan.name),
            )
        self._note_on_archive(lambda env: env._("Loan approved"))

    def action_reject(self):
        self._workflow_run("reject")
        return True

    def _action_reject(self):
        self._workflow_write({"state": "rejected", "approver_id": self.env.uid})
        self.activity_unlink(["customer_archive.mail_activity_type_loan_approval"])
        self._note_on_archive(lambda env: env._("Loan rejected"))

    def action_hand_out(self):
        self._workflow_run("hand_out")
        return True

    def _action_hand_out(self):
        self._workflow_write(
            {"state": "out", "officer_id": self.env.uid, "date_out": fields.Datetime.now()}
        )
        self._workflow_feedback(["customer_archive.mail_activity_type_loan_handout"])
        self._note_on_archive(lambda env: env._("Handed out"))
        Log = self.env["customer.archive.access.log"]
        for loan in self:
            Log._log(loan.archive_id, "loan", user=loan.user_id)

    def action_open_return(self):
        """Check In: the keeper says in what state the file came back (a dialog)."""
        self._workflow_check("return")
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Check In %(loan)s", loan=self.name),
            "res_model": "customer.archive.loan.return",
            "view_mode": "form",
            "target": "new",
            "context": {"default_loan_id": self.id},
        }

    def action_return(self, condition="complete", note=None):
        """Check the file in, in state ``condition`` (complete, missing or damaged) with
        ``note``; a file not complete needs a note and is reported to the manager."""
        self._workflow_run("return", condition, note)
        return True

    def _check_return_condition(self, condition, note):
        if note and not isinstance(note, str):
            raise UserError(self.env._("The condition on return is a text."))
        states = dict(self._fields["return_state"]._description_selection(self.env))
        if condition not in states:
            raise UserError(
                self.env._(
                    "Say whether the file came back %(states)s.", states=" / ".join(states.values())
                )
            )
        if condition != "complete" and any(
            not (note or loan.return_condition or "").strip() for loan in self
        ):
            raise UserError(
                self.env._(
                    "The file came back %(state)s: note what is missing or damaged.",
                    state=states[condition],
                )
            )

    def _action_return(self, condition="complete", note=None):
        self._check_return_condition(condition, note)
        vals = {
            "state": "returned",
            "date_returned": fields.Datetime.now(),
            "return_state": condition,
        }
        if note and note.strip():
            vals["return_condition"] = note.strip()
        self._workflow_write(vals)
        self.env["customer.archive.loan.hold"]._release_for(self)
        self.activity_unlink(
            [
                "customer_archive.mail_activity_type_loan_due",
                "customer_archive.mail_activity_type_loan_overdue",
            ]
        )
        self._note_on_archive(lambda env: env._("Returned"))
        if condition != "complete":
            self._report_damage()

    def _report_damage(self):
        """A file back incomplete or damaged: its manager is asked to decide what follows."""
        for loan in self:
            approver = loan.approver_id
            managers = (
                approver
                if approver and approver.has_group(MANAGER)
                else loan._workflow_users(MANAGER, loan.company_id)
            )
            loan._workflow_schedule(
                "customer_archive.mail_activity_type_loan_damaged",
                managers,
                lambda env, loan=loan: env._(
                    "Loan %(loan)s came back %(state)s: %(note)s",
                    loan=loan.name,
                    state=dict(loan._fields["return_state"]._description_selection(env))[
                        loan.return_state
                    ],
                    note=loan.return_condition,
                ),
            )

    def action_open_archive(self):
        """The borrower of a full loan that is out opens the archive he borrowed."""
        self.ensure_one()
        return self.archive_id.get_formview_action()

    def action_cancel(self):
        self._workflow_run("cancel")
        return True

    def _action_cancel(self):
        self._workflow_write({"state": "cancelled"})
        self.env["customer.archive.loan.hold"]._release_for(self)
        self.activity_unlink(
            [
                "customer_archive.mail_activity_type_loan_approval",
                "customer_archive.mail_activity_type_loan_handout",
            ]
        )
        self._note_on_archive(lambda env: env._("Loan cancelled"))

    def action_reset(self):
        self._workflow_run("reset")
        return True

    def _action_reset(self):
        self._workflow_write({"state": "draft", "approver_id": False})

    def _approvers(self):
        """Who is asked to approve: the archive managers of the company, never the
        borrower (the keeper hands the file out; a manager decides)."""
        return self._workflow_users(MANAGER, self.company_id, exclude=self.user_id)

    def _keepers(self):
        """Who hands the file out and takes it back: the archive's keeper when he is an
        archive officer, else who handed it out, else the company's officers."""
        # sudo: the keeper of the archive is named whoever takes the step
        keeper = self.archive_id.sudo().user_id
        if keeper and not keeper.share and keeper.has_group(OFFICER):
            return keeper
        return self.officer_id or self._workflow_users(OFFICER, self.company_id, above=MANAGER)

    def _note_on_archive(self, event):
        """Log each loan step on the archive too, for its history, in the archive's
        chatter language; ``event(env)`` names the step in it."""
        for loan in self:
            # sudo: the borrower may not read the archive; the note is the archive's record.
            loan.archive_id.sudo()._post_in_readers_lang(
                lambda env, loan=loan: env._(
                    "%(event)s: %(loan)s (%(kind)s, %(scope)s) for %(borrower)s, due %(due)s",
                    event=event(env),
                    loan=loan.name,
                    kind=dict(loan._fields["kind"]._description_selection(env))[loan.kind],
                    scope=dict(loan._fields["scope"]._description_selection(env))[loan.scope],
                    borrower=loan.user_id.name,
                    due=loan.date_due,
                ),
                author_id=self.env.user.partner_id.id,
            )

    # ------------------------------------------------------- for the dossiers
    @api.model
    def _lending_by_archive(self, archives):
        """``({dossier id: number of loans}, {ids of the dossiers out})``, one query."""
        # sudo: whether the file is out is known to whoever may read the archive,
        # even if he may not read the loans of others.
        groups = self.sudo()._read_group(
            [("archive_id", "in", archives.ids)], ["archive_id", "state"], ["__count"]
        )
        counts, out = {}, set()
        for archive, state, count in groups:
            counts[archive.id] = counts.get(archive.id, 0) + count
            if state == "out":
                out.add(archive.id)
        return counts, out

    @api.model
    def _out_archives_query(self):
        """The ids of the dossiers out on loan, as a subquery."""
        # sudo: as in _lending_by_archive, whether the file is out is known to whoever
        # may read the archive; the archives' own rules still apply to the search.
        return self.sudo()._search([("state", "=", "out")]).subselect("archive_id")

    @api.model
    def _end_for_secret(self, archives):
        """A dossier made secret is lent no more: pending loans are cancelled, and a file
        that is out no longer opens the dossier to its borrower (the record rules leave
        secret dossiers out of loans); its keeper is asked to call it back."""
        # sudo: the loans of others are ended by whoever classifies the dossier secret
        loans = archives.sudo().loan_ids
        pending = loans.filtered(lambda loan: loan.state in ("draft", "submitted", "approved"))
        if pending:
            pending.with_user(self.env.user)._workflow_run("cancel")
        for loan in loans.filtered(lambda loan: loan.state == "out"):
            loan._workflow_schedule(
                "mail.mail_activity_data_todo",
                loan.archive_id.user_id or self.env.user,
                lambda env: env._("Call the file back: the archive is now secret"),
            )

    def _max_days(self):
        value = self.env["ir.config_parameter"].sudo().get_param(MAX_DAYS_PARAM)
        return int(value) if value else DEFAULT_MAX_DAYS

    @api.model
    def _action_open_loans(self):
        """The Loans menu opens where the user's work is: a manager on the loans waiting
        for approval, an officer on those to approve or hand out, a reader on his own."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_archive.customer_archive_loan_action"
        )
        if self.env.user.has_group(MANAGER):
            defaults = {"search_default_to_approve": 1}
        elif self.env.user.has_group(OFFICER):
            defaults = {"search_default_to_approve": 1, "search_default_to_hand_out": 1}
        else:
            defaults = {"search_default_my_loans": 1}
        action["context"] = defaults
        return action

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
