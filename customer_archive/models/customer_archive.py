from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import customer_archive_credit_code as credit_code
from ..tools.customer_archive_groups import MANAGER, OFFICER, READER
from ..tools.customer_archive_input import MAX_AMOUNT, MAX_EMPLOYEES, check_lengths

# the mixins the dossier is made of, defined before it: Odoo builds models in the order
# of their classes
from . import (  # noqa: F401
    customer_archive_chatter_mixin,
    customer_archive_consultation_mixin,
    customer_archive_lock_mixin,
    customer_archive_personal_mixin,
    customer_archive_review_mixin,
)
from .customer_archive_workflow_mixin import Transition, changed_fields, next_numbers

__all__ = ["MANAGER", "OFFICER", "READER"]

CONFIDENTIALITY = [
    ("normal", "Normal"),
    ("confidential", "Confidential"),
    ("secret", "Secret"),
]
ARCHIVE_STATES = [
    ("draft", "Draft"),
    ("active", "Active"),
    ("closed", "Closed"),
    ("destroyed", "Destroyed"),
]


class CustomerArchive(models.Model):
    """The dossier of one commercial partner (客户档案).

    Kept apart from ``res.partner`` so that record rules can restrict the
    dossier without restricting the partner, which invoices, orders and users
    need everywhere.
    """

    _name = "customer.archive"
    _description = "Customer Archive"
    _inherit = [
        "customer.archive.workflow.mixin",
        "customer.archive.consultation.mixin",
        "customer.archive.chatter.mixin",
        "customer.archive.lock.mixin",
        "customer.archive.personal.mixin",
        "customer.archive.review.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "name desc, id desc"
    # a dossier is found by its number or by its customer's name (many2one fields)
    _rec_names_search = ["name", "partner_id"]
    _check_company_auto = True
    # Readers log visits, contact reports and complaints on dossiers they may read.
    _mail_post_access = "read"

    _workflow_transitions = (
        Transition("activate", ("draft",), "active", OFFICER),
        Transition("close", ("active",), "closed", OFFICER),
        Transition("reopen", ("closed",), "active", OFFICER),
        Transition("mark_reviewed", ("active",), None, OFFICER),
        # taken by an approved destruction register only, when it is carried out
        Transition(
            "destroy",
            ("draft", "active", "closed"),
            "destroyed",
            OFFICER,
            ("_rule_listed_on_approved_register",),
        ),
    )
    _workflow_stamped_fields = ("date_last_review", "destruction_id", "date_destroyed")
    _workflow_locked_fields = ("name",)
    _text_limits = {
        "credit_code": 64,
        "legal_representative": 100,
        "fax": 64,
        "postcode": 32,
        "education": 100,
        "market_region": 100,
    }

    # Registration (登记)
    name = fields.Char(
        string="Archive Number",
        required=True,
        readonly=True,
        copy=False,
        default="/",
        index="trigram",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        check_company=True,
        domain="[('parent_id', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        ARCHIVE_STATES,
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Keeper",
        default=lambda self: self.env.user,
        tracking=True,
        index=True,
        domain="[('share', '=', False)]",
        help="The archive officer responsible for this dossier (专人负责).",
    )
    # Stored and indexed for the readers' record rule, which would otherwise scan the
    # partners for their salesperson; the ORM keeps it in step with the partner.
    salesperson_id = fields.Many2one(
        related="partner_id.user_id", string="Salesperson", store=True, index=True
    )
    date_open = fields.Date(
        string="Opening Date", default=fields.Date.context_today, required=True, tracking=True
    )
    confidentiality = fields.Selection(
        CONFIDENTIALITY, default="normal", required=True, tracking=True, index=True
    )
    is_company = fields.Boolean(related="partner_id.is_company", string="Is a Company")
    active = fields.Boolean(default=True, tracking=True)

    # Basic data (客户基础资料)
    legal_representative = fields.Char(tracking=True)
    credit_code = fields.Char(
        string="Unified Social Credit Code",
        tracking=True,
        copy=False,
        index=True,
        help="统一社会信用代码: 18 characters, the last one a check digit.",
    )
    currency_id = fields.Many2one(
        "res.currency",
        string="Capital Currency",
        default=lambda self: self.env.company.currency_id,
    )
    registered_capital = fields.Monetary(currency_field="currency_id", tracking=True)
    business_scope = fields.Text()
    date_founded = fields.Date(string="Founding Date")
    company_type = fields.Selection(
        [
            ("state", "State-owned"),
            ("collective", "Collective"),
            ("private", "Private"),
            ("foreign", "Foreign-invested"),
            ("joint", "Joint Venture"),
            ("individual", "Individual Business"),
            ("public", "Public Institution"),
            ("other", "Other"),
        ],
        string="Nature of Company",
        tracking=True,
    )
    employee_count = fields.Integer(string="Employees")
    fax = fields.Char()
    postcode = fields.Char()

    # Characteristics (客户特征)
    market_region = fields.Char(tracking=True)
    sales_capability = fields.Selection(
        [("weak", "Weak"), ("average", "Average"), ("strong", "Strong")]
    )
    development_potential = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High")], tracking=True
    )
    business_philosophy = fields.Text()
    size = fields.Selection(
        [("small", "Small"), ("medium", "Medium"), ("large", "Large")], tracking=True
    )
    industry_id = fields.Many2one("res.partner.industry", tracking=True)
    # the customer's province, to filter and group dossiers (grouped by the ORM's join)
    partner_state_id = fields.Many2one(related="partner_id.state_id", string="Province")

    # Business status (业务状况); market share changes often and needs no history.
    market_share = fields.Float(string="Market Share (%)", digits=(5, 2))
    market_position = fields.Selection(
        [
            ("leader", "Leader"),
            ("challenger", "Challenger"),
            ("follower", "Follower"),
            ("niche", "Niche"),
        ],
        tracking=True,
    )
    cooperation_attitude = fields.Selection(
        [("active", "Proactive"), ("neutral", "Neutral"), ("passive", "Passive")],
        tracking=True,
    )
    competitor_info = fields.Text(string="Competitors")
    date_relationship_start = fields.Date(string="Relationship Since")
    date_relationship_end = fields.Date(
        string="Relationship Ended",
        tracking=True,
        help="The retention periods of the archive and of most documents count from this date.",
    )

    # Current state (交易活动现状)
    current_problems = fields.Text(string="Problems")
    current_strategy = fields.Text(string="Strategy")
    reputation = fields.Selection(
        [("good", "Good"), ("average", "Average"), ("poor", "Poor")], tracking=True
    )
    credit_notes = fields.Text(groups=OFFICER)

    # Paper file (双轨制) and document directory (客户档案目录)
    has_paper_original = fields.Boolean(string="Paper Original Kept", tracking=True)
    location_id = fields.Many2one(
        "customer.archive.location",
        string="Storage Location",
        tracking=True,
        check_company=True,
    )
    document_ids = fields.One2many("customer.archive.document", "archive_id", string="Documents")
    document_count = fields.Integer(compute="_compute_document_count")

    # Loans (借阅)
    # the record rules' path to the loans (a borrower reads the dossier lent to him):
    # read by administrators only, as Odoo evaluates a rule as superuser and keeps what it
    # read in the cache, where every loan of the dossier would then be listed to a reader
    loan_ids = fields.One2many(
        "customer.archive.loan", "archive_id", string="Loans", groups="base.group_system"
    )
    loan_count = fields.Integer(compute="_compute_loan_state")
    is_out = fields.Boolean(
        string="Out on Loan",
        compute="_compute_loan_state",
        search="_search_is_out",
        help="A loan of this archive is handed out and not yet returned.",
    )

    # Corrections of the registration data (信息更正)
    correction_ids = fields.One2many("customer.archive.correction", "archive_id")
    correction_count = fields.Integer(compute="_compute_correction_count")

    # Retention and destruction (保存期限, 销毁清册)
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

    # The customer's classification, read where it lives (the current company's row of
    # ``customer.classification``, through the customer): to show, filter and group
    # dossiers by it, with nothing copied to keep in step.
    customer_grade = fields.Selection(related="partner_id.customer_grade")
    customer_tier = fields.Selection(related="partner_id.customer_tier")
    customer_loyalty = fields.Selection(related="partner_id.customer_loyalty")
    customer_value_class = fields.Selection(related="partner_id.customer_value_class")

    # Workflow buttons
    can_activate = fields.Boolean(compute="_compute_workflow_can")
    can_close = fields.Boolean(compute="_compute_workflow_can")
    can_reopen = fields.Boolean(compute="_compute_workflow_can")
    can_mark_reviewed = fields.Boolean(compute="_compute_workflow_can")

    _sql_constraints = [
        (
            "partner_unique",
            "unique(partner_id)",
            "A customer can have only one archive.",
        ),
        (
            "credit_code_company_unique",
            "unique(company_id, credit_code)",
            "This unified social credit code is already registered in another archive.",
        ),
    ]

    @api.depends("document_ids")
    @api.depends_context("uid")
    def _compute_document_count(self):
        counts = self._count_by_archive("customer.archive.document")
        for archive in self:
            archive.document_count = counts.get(archive, 0)

    @api.depends("loan_ids.state")
    def _compute_loan_state(self):
        counts, out = self.env["customer.archive.loan"]._lending_by_archive(self)
        for archive in self:
            archive.loan_count = counts.get(archive.id, 0)
            archive.is_out = archive.id in out

    def _search_is_out(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(operator)
        out = self.env["customer.archive.loan"]._out_archives_query()
        operator = "in" if (operator == "=") == value else "not in"
        return [("id", operator, out)]

    def _count_by_archive(self, model_name):
        """{dossier: number of its ``model_name`` records the user may read}, one query."""
        return dict(
            self.env[model_name]._read_group(
                [("archive_id", "in", self.ids)], ["archive_id"], ["__count"]
            )
        )

    @api.depends("correction_ids")
    def _compute_correction_count(self):
        counts = self._count_by_archive("customer.archive.correction")
        for archive in self:
            archive.correction_count = counts.get(archive, 0)

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

    @api.depends("name", "partner_id")
    def _compute_display_name(self):
        for archive in self:
            archive.display_name = (
                f"{archive.name} {archive.partner_id.name}" if archive.partner_id else archive.name
            )

    @api.constrains("partner_id")
    def _check_partner_commercial(self):
        for archive in self:
            partner = archive.partner_id
            if partner != partner.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "%(contact)s is a contact person of %(company)s. "
                        "Open the archive on the company itself.",
                        contact=partner.display_name,
                        company=partner.commercial_partner_id.display_name,
                    )
                )

    @api.constrains(
        "registered_capital",
        "employee_count",
        "market_share",
        "review_interval",
        "date_founded",
        "date_open",
        "date_relationship_start",
        "date_relationship_end",
    )
    def _check_bounds(self):
        """Amounts and counts are not negative nor absurd, a share is a percentage, and
        dates lie between 1900 and today (the opening date up to a year ahead)."""
        _ = self.env._
        today = fields.Date.context_today(self)
        first = fields.Date.to_date("1900-01-01")
        for archive in self:
            numbers = [
                (archive.registered_capital, 0, MAX_AMOUNT, "registered_capital"),
                (archive.employee_count, 0, MAX_EMPLOYEES, "employee_count"),
                (archive.market_share, 0, 100, "market_share"),
                (archive.review_interval, 0, 120, "review_interval"),
            ]
            for value, low, high, fname in numbers:
                if not low <= (value or 0) <= high:
                    raise ValidationError(
                        _(
                            "%(field)s must lie between %(low)s and %(high)s.",
                            field=self._fields[fname].get_description(self.env)["string"],
                            low=low,
                            high=high,
                        )
                    )
            dates = [
                (archive.date_founded, today, "date_founded"),
                (archive.date_open, today + relativedelta(years=1), "date_open"),
                (archive.date_relationship_start, today, "date_relationship_start"),
                (archive.date_relationship_end, today, "date_relationship_end"),
            ]
            for value, last, fname in dates:
                if value and not first <= value <= last:
                    raise ValidationError(
                        _(
                            "%(field)s must lie between %(first)s and %(last)s.",
                            field=self._fields[fname].get_description(self.env)["string"],
                            first=first,
                            last=last,
                        )
                    )
            start, end = archive.date_relationship_start, archive.date_relationship_end
            if start and end and end < start:
                raise ValidationError(_("The relationship cannot end before it starts."))

    @api.constrains("credit_code")
    def _check_credit_code(self):
        for archive in self.filtered("credit_code"):
            credit_code.validate(self.env, archive.credit_code)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_lengths(self, vals, self._text_limits)
            self._check_confidentiality_right(vals)
            if vals.get("credit_code"):
                vals["credit_code"] = credit_code.normalize(vals["credit_code"])
        self._check_duplicates(
            [
                (
                    vals.get("partner_id"),
                    vals.get("company_id") or self.env.company.id,
                    vals.get("credit_code"),
                )
                for vals in vals_list
            ]
        )
        # numbered by company and opening date, all the numbers of each at once
        batches = {}
        for vals in vals_list:
            key = (vals.get("company_id") or self.env.company.id, vals.get("date_open"))
            batches.setdefault(key, []).append(vals)
        for (company_id, date_open), batch in batches.items():
            numbers = next_numbers(
                self.env,
                "customer.archive",
                len(batch),
                sequence_date=date_open,
                company=self.env["res.company"].browse(company_id),
            )
            for vals, number in zip(batch, numbers, strict=True):
                vals["name"] = number
        return super().create(vals_list)

    def write(self, vals):
        check_lengths(self, vals, self._text_limits)
        self._check_confidentiality_right(vals)
        self._check_classification_unchanged(vals)
        self._check_stub_unchanged(vals)
        if vals.get("credit_code"):
            vals = dict(vals, credit_code=credit_code.normalize(vals["credit_code"]))
        self._check_registration_lock(vals)
        if {"partner_id", "company_id", "credit_code"} & vals.keys():
            self._check_duplicates(
                [
                    (
                        vals.get("partner_id", archive.partner_id.id),
                        vals.get("company_id", archive.company_id.id),
                        vals.get("credit_code", archive.credit_code),
                    )
                    for archive in self
                ]
            )
        result = super().write(vals)
        if vals.get("confidentiality") == "secret":
            self.env["customer.archive.loan"]._end_for_secret(self)
        if vals.keys() & {"user_id", "confidentiality", "partner_id"}:
            self._prune_followers()
        return result

    def _check_duplicates(self, rows):
        """Refuse a second archive of a partner, or a credit code registered twice in a
        company, before the unique constraints would, with a message that says which.

        :param rows: list of ``(partner_id, company_id, credit_code)`` to be saved by the
            archives in ``self`` (empty on create)
        """
        # sudo: an archive the user may not read still counts as the partner's archive.
        Archive = self.sudo().with_context(active_test=False)
        partner_ids = [partner_id for partner_id, _company, _code in rows if partner_id]
        codes = [code for _partner, _company, code in rows if code]
        others = Archive.search(
            [
                ("id", "not in", self.ids),
                "|",
                ("partner_id", "in", partner_ids),
                ("credit_code", "in", codes),
            ]
        )
        if not others:
            return
        by_partner = {other.partner_id.id: other for other in others}
        by_code = {(other.company_id.id, other.credit_code): other for other in others}
        for partner_id, company_id, code in rows:
            if partner_id in by_partner:
                raise ValidationError(
                    self.env._(
                        "%(partner)s already has an archive (%(number)s).",
                        partner=self.env["res.partner"].browse(partner_id).display_name,
                        number=by_partner[partner_id].name,
                    )
                )
            if (company_id, code) in by_code:
                raise ValidationError(
                    self.env._(
                        "The unified social credit code %(code)s is already registered "
                        "in archive %(number)s.",
                        code=code,
                        number=by_code[company_id, code].name,
                    )
                )

    # ------------------------------------------------------------ workflow
    def _rule_listed_on_approved_register(self):
        # sudo: the register may list archives the officer carrying it out cannot read.
        listed = (
            self.env["customer.archive.destruction.line"]
            .sudo()
            .search_count(
                [
                    ("archive_id", "=", self.id),
                    ("kind", "=", "archive"),
                    ("register_id.state", "=", "approved"),
                ],
                limit=1,
            )
        )
        if not listed:
            return AccessError(
                self.env._(
                    "Archive %(archive)s is destroyed only by carrying out an approved "
                    "destruction register.",
                    archive=self.display_name,
                )
            )
        return None

    def action_activate(self):
        self._workflow_run("activate")
        return True

    def _action_activate(self):
        self._workflow_write({"state": "active"})

    def action_activate_drafts(self):
        """启用 for the selected dossiers (the imported ones, together): the drafts among
        them, each through the transition and guard of the button."""
        drafts = self.filtered(lambda archive: archive.state == "draft")
        if not drafts:
            raise UserError(
                self.env._(
                    "None of the selected archives is a draft: there is nothing to activate."
                )
            )
        drafts.action_activate()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("%(count)s archives activated.", count=len(drafts)),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_close(self):
        self._workflow_run("close")
        return True

    def _action_close(self):
        self._workflow_write({"state": "closed"})

    def action_reopen(self):
        self._workflow_run("reopen")
        return True

    def _action_reopen(self):
        self._workflow_write({"state": "active"})

    def _action_destroy(self, register):
        """Reduce the archives to stubs: the register's work (its lines)."""
        self.env["customer.archive.destruction.line"]._reduce_to_stubs(self, register)

    # ---------------------------------------------------------- the demo story
    @api.model
    def _load_demo(self, step):
        """Run a step of the demo story (``demo/story.py``): called by the demo data
        only, as superuser; private, so out of reach over RPC."""
        from ..demo import story  # noqa: PLC0415 (demo code: imported by the demo data only)

        story.STEPS[step](self.env)

    # ------------------------------------------------------------- buttons
    def action_view_documents(self):
        return self._action_view_related("customer_archive.customer_archive_document_action")

    def action_view_loans(self):
        return self._action_view_related("customer_archive.customer_archive_loan_action")

    def action_view_corrections(self):
        return self._action_view_related("customer_archive.customer_archive_correction_action")

    def _action_view_related(self, action_xmlid):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(action_xmlid)
        action["domain"] = [("archive_id", "=", self.id)]
        action["context"] = {"default_archive_id": self.id}
        return action

    def action_request_loan(self):
        self.ensure_one()
        return self.env["customer.archive.loan"]._action_new_loan(self)

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

    def _check_classification_unchanged(self, vals):
        """The customer's classification shown on the dossier is read from its row: a
        value sent for it (a client sends what the form shows) must be the one shown."""
        fnames = {"customer_grade", "customer_tier", "customer_loyalty", "customer_value_class"}
        # sudo: compared only; nothing is written
        if fnames & vals.keys() and changed_fields(self.sudo(), vals, fnames):
            raise self.env["res.partner"]._classification_computed_error()
