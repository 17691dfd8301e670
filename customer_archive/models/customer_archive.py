import json
import re

from dateutil.relativedelta import relativedelta
from lxml import etree
from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import customer_archive_credit_code as credit_code
from ..tools import customer_archive_list_export as list_export
from ..tools.customer_archive_input import check_lengths
from ..tools.customer_archive_lang import by_chatter_lang, for_user
from .customer_archive_access_log import consultation
from .customer_archive_workflow_mixin import Transition, changed_fields, door_open, next_numbers

READER = "customer_archive.group_reader"
OFFICER = "customer_archive.group_officer"
MANAGER = "customer_archive.group_manager"

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
# Registration data (登记): once the dossier is opened (not a draft any more) it
# changes only by an approved correction request, for everyone.
LOCKED_FIELDS = ("credit_code", "legal_representative", "registered_capital")
CORRECTION_DOOR = "correction"
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
REVIEW_ACTIVITY = "customer_archive.mail_activity_type_archive_review"
LICENCE_ACTIVITY = "customer_archive.mail_activity_type_licence_expired"
# the personal data of an individual customer (个人信息), erased on request
PERSONAL_FIELDS = ("birthday", "gender", "education", "hobbies", "family_info")
# fields whose read is no consultation of the dossier (a name shown in another form)
NOT_CONSULTED = {"id", "display_name"}
# the largest registered capital and staff a form accepts: beyond, a typing mistake
MAX_AMOUNT = 10**15
MAX_EMPLOYEES = 10**7


class CustomerArchive(models.Model):
    """The dossier of one commercial partner (客户档案).

    Kept apart from ``res.partner`` so that record rules can restrict the
    dossier without restricting the partner, which invoices, orders and users
    need everywhere.
    """

    _name = "customer.archive"
    _description = "Customer Archive"
    _inherit = ["customer.archive.workflow.mixin", "mail.thread", "mail.activity.mixin"]
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
    # Personal data of individual customers: officers only (personal information law).
    birthday = fields.Date(groups=OFFICER)
    gender = fields.Selection(
        [("male", "Male"), ("female", "Female"), ("other", "Other")], groups=OFFICER
    )
    education = fields.Char(groups=OFFICER)
    hobbies = fields.Text(groups=OFFICER)
    family_info = fields.Text(string="Family", groups=OFFICER)
    consent_ids = fields.One2many("customer.archive.consent", "archive_id", string="Consents")
    share_consent = fields.Boolean(
        string="Consent to Share",
        compute="_compute_share_consent",
        help="The customer's current consent that their information may be given to third "
        "parties (对外提供客户信息时,应征得客户同意), from the consents on record.",
    )

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

    # Periodic review (定期全面修订核查)
    review_interval = fields.Integer(
        string="Review Interval (Months)",
        default=lambda self: self.env.company.customer_archive_review_interval,
        tracking=True,
        help="Months between two full reviews of this archive; 0 means no periodic review.",
    )
    date_last_review = fields.Date(string="Last Review", copy=False, readonly=True, tracking=True)
    date_next_review = fields.Date(
        string="Next Review",
        compute="_compute_date_next_review",
        store=True,
        index=True,
        help="The last review (or the opening date) plus the review interval.",
    )
    is_review_due = fields.Boolean(
        string="Review Due", compute="_compute_is_review_due", search="_search_is_review_due"
    )

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
    registration_locked = fields.Boolean(compute="_compute_registration_locked")

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

    # Consultation log (查阅记录), for managers
    access_log_count = fields.Integer(
        string="Consultations", compute="_compute_access_log_count", groups=MANAGER
    )

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

    @api.depends("date_last_review", "date_open", "review_interval")
    def _compute_date_next_review(self):
        for archive in self:
            start = archive.date_last_review or archive.date_open
            archive.date_next_review = (
                start + relativedelta(months=archive.review_interval)
                if start and archive.review_interval > 0
                else False
            )

    @api.depends("date_next_review", "state")
    @api.depends_context("date")
    def _compute_is_review_due(self):
        today = fields.Date.context_today(self)
        for archive in self:
            archive.is_review_due = bool(
                archive.state == "active"
                and archive.date_next_review
                and archive.date_next_review <= today
            )

    def _search_is_review_due(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(operator)
        today = fields.Date.context_today(self)
        if (operator == "=") == value:
            return [("state", "=", "active"), ("date_next_review", "<=", today)]
        return [
            "|",
            "|",
            ("state", "!=", "active"),
            ("date_next_review", "=", False),
            ("date_next_review", ">", today),
        ]

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

    def _search_is_out(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(operator)
        # sudo: as in _compute_loan_state, whether the file is out is known to whoever
        # may read the archive; the archives' own rules still apply to the search.
        out = self.env["customer.archive.loan"].sudo()._search([("state", "=", "out")])
        operator = "in" if (operator == "=") == value else "not in"
        return [("id", operator, out.subselect("archive_id"))]

    @api.depends("consent_ids.purpose", "consent_ids.date", "consent_ids.date_withdrawn")
    @api.depends_context("date")
    def _compute_share_consent(self):
        for archive in self:
            archive.share_consent = archive._has_consent("share")

    def _has_consent(self, purpose):
        """Whether the customer himself gave a current consent for ``purpose``."""
        self.ensure_one()
        return any(
            consent.purpose == purpose
            and consent.partner_id == self.partner_id
            and consent.is_current
            for consent in self.consent_ids
        )

    # ------------------------------------------------- outside addresses
    def message_post(self, **kwargs):
        """A message of the dossier sent to an outside address (a report by email, say)
        gives dossier data to a third party: refused without the customer's consent."""
        if kwargs.get("partner_ids"):
            self._check_outside_recipients(self.env["res.partner"].browse(kwargs["partner_ids"]))
        return super().message_post(**kwargs)

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        """An outside follower would receive every later message of the dossier."""
        if partner_ids:
            self._check_outside_recipients(self.env["res.partner"].browse(partner_ids))
        return super().message_subscribe(partner_ids=partner_ids, subtype_ids=subtype_ids)

    def _check_outside_recipients(self, partners):
        """Refuse recipients outside the company — neither staff nor the customer's own
        people — unless the customer's consent to giving his data to third parties is
        current (对外提供客户信息时,应征得客户同意)."""
        # sudo: whether a recipient is staff, and whether the customer consented, are
        # looked at whoever sends; nothing of them is shown but the recipients' names,
        # which the sender chose himself.
        partners = partners.sudo()
        for archive in self.sudo():
            customer = archive.partner_id.commercial_partner_id
            outside = partners.filtered(
                lambda partner, customer=customer: (
                    partner.commercial_partner_id != customer
                    and not any(not user.share for user in partner.user_ids)
                )
            )
            if outside and not archive._has_consent("share"):
                raise UserError(
                    self.env._(
                        "Dossier data goes to an outside address (%(names)s) only with the "
                        "customer's current consent to giving his data to third parties: "
                        "record the consent on the dossier first.",
                        names=", ".join(outside.mapped("display_name")),
                    )
                )

    def _count_by_archive(self, model_name):
        """{dossier: number of its ``model_name`` records the user may read}, one query."""
        return dict(
            self.env[model_name]._read_group(
                [("archive_id", "in", self.ids)], ["archive_id"], ["__count"]
            )
        )

    def _compute_access_log_count(self):
        counts = self._count_by_archive("customer.archive.access.log")
        for archive in self:
            archive.access_log_count = counts.get(archive, 0)

    @api.depends("correction_ids")
    def _compute_correction_count(self):
        counts = self._count_by_archive("customer.archive.correction")
        for archive in self:
            archive.correction_count = counts.get(archive, 0)

    @api.depends("state")
    def _compute_registration_locked(self):
        for archive in self:
            archive.registration_locked = archive.state != "draft"

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
        if not door_open(self._name) and vals.keys() - STUB_WRITABLE_FIELDS:
            self._check_not_destroyed()
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
            self._end_loans()
            # sudo: the visits of others are handed over by whoever makes the dossier secret
            self.env["customer.archive.visit"].sudo().search(
                [("archive_id", "in", self.ids)]
            )._hand_to_who_may_read()
        if vals.keys() & {"user_id", "confidentiality", "partner_id"}:
            self._prune_followers()
        return result

    def _end_loans(self):
        """A dossier made secret is lent no more: pending loans are cancelled, and a file
        that is out no longer opens the dossier to its borrower (the record rules leave
        secret dossiers out of loans); its keeper is asked to call it back."""
        # sudo: the loans of others are ended by whoever classifies the dossier secret
        loans = self.sudo().loan_ids
        pending = loans.filtered(lambda loan: loan.state in ("draft", "submitted", "approved"))
        if pending:
            pending.with_user(self.env.user)._workflow_run("cancel")
        for loan in loans.filtered(lambda loan: loan.state == "out"):
            keeper = loan.archive_id.user_id or self.env.user
            in_lang = for_user(loan, keeper)
            in_lang.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=in_lang.env._("Call the file back: the archive is now secret"),
                user_id=keeper.id,
            )

    # ------------------------------------------------- consultation log
    # A consultation writes its log row: these reads are served on a read/write
    # transaction (``_readonly = False`` stops the web client's call_kw route from
    # looking further up, where ``@api.readonly`` would send them to a read-only one,
    # fail on the insert and run again).
    def web_read(self, specification):
        """A form opened: one consultation of the dossier(s) read."""
        with consultation("form") as outer:
            result = super().web_read(specification)
            if outer and set(specification) - NOT_CONSULTED:
                self.env["customer.archive.access.log"]._log(self, "form")
        return result

    web_read._readonly = False

    @api.model
    def web_search_read(self, domain, specification, **kwargs):
        """A list page is not a consultation of the dossiers it lists; a list call that
        asks for more than the list views show is one of each dossier it returns (served
        read-only, such a call fails on the log's insert and Odoo runs it again on a
        read/write transaction)."""
        with consultation("list") as outer:
            result = super().web_search_read(domain, specification, **kwargs)
            beyond = set(specification) - self._list_field_names()
            if outer and beyond and result["records"]:
                self.env["customer.archive.access.log"]._log(
                    self.browse([row["id"] for row in result["records"]]), "api"
                )
        return result

    @api.model
    def read_group(  # noqa: PLR0917 (Odoo's signature)
        self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
    ):
        """Groups and totals of what the list views show: grouping by or totalling another
        field of the dossiers would read it without a consultation."""
        # officers and managers read every dossier they may list in full anyway
        if not self.env.su and not self.env.user.has_group(OFFICER):
            groupbys = [groupby] if isinstance(groupby, str) else list(groupby or [])
            names = {spec.split(":")[0].split(".")[0] for spec in [*fields, *groupbys]}
            names = {name.split("(")[-1].strip(") ") for name in names}
            beyond = names - self._list_field_names() - {"__count"}
            if beyond:
                raise AccessError(
                    self.env._(
                        "Customer archives are grouped and totalled by what their lists show, "
                        "not by %(field)s: open the archives to read it.",
                        field=sorted(beyond)[0][:64],
                    )
                )
        return super().read_group(
            domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy
        )

    @api.model
    @tools.ormcache(cache="templates")
    def _list_field_names(self):
        """The fields the list, kanban, search, pivot, graph, calendar and activity views
        of dossiers show or group by, and the group-bys their actions open them with: what
        a list page may return without a consultation. Cached with the views (a changed
        view clears it)."""
        kinds = ("list", "kanban", "search", "pivot", "graph", "calendar", "activity")
        # every primary view of these kinds (an action may open its own), with its
        # extensions; their own fields, not get_views' "models", which lists every field
        # for the search view's custom filters
        Model = self.sudo()
        views = (
            self.env["ir.ui.view"]
            .sudo()
            .search([("model", "=", self._name), ("type", "in", kinds), ("mode", "=", "primary")])
        )
        names = set(NOT_CONSULTED) | {"write_date", "active", "company_id", "currency_id"}
        for view in views:
            arch = etree.fromstring(Model.get_view(view.id, view.type)["arch"])
            names.update(node.get("name") for node in arch.iter("field"))
            if view.type == "search":
                names.update(
                    re.findall(
                        r"""['"]group_by['"]\s*:\s*['"](\w+)""",
                        etree.tostring(arch, encoding="unicode"),
                    )
                )
        # the group-bys the actions open the views with (pivot, graph, group_by)
        actions = self.env["ir.actions.act_window"].sudo().search([("res_model", "=", self._name)])
        for context in actions.mapped("context"):
            names.update(re.findall(r"""['"](\w+)(?::\w+)?['"]""", context or ""))
        return frozenset(names)

    def read(self, fields=None, load="_classic_read"):
        """A read over the API: one consultation of each dossier read."""
        with consultation("api") as outer:
            result = super().read(fields, load=load)
            if outer and (fields is None or set(fields) - NOT_CONSULTED):
                self.env["customer.archive.access.log"]._log(self, "api")
        return result

    read._readonly = False

    @api.model
    def search_read(self, domain=None, fields=None, offset=0, limit=None, order=None, **kwargs):
        with consultation("api") as outer:
            result = super().search_read(
                domain, fields, offset=offset, limit=limit, order=order, **kwargs
            )
            if outer and result and (fields is None or set(fields) - NOT_CONSULTED):
                self.env["customer.archive.access.log"]._log(
                    self.browse([row["id"] for row in result]), "api"
                )
        return result

    search_read._readonly = False

    def export_data(self, fields_to_export):
        """Exporting dossier data is for officers and managers (严禁复印), and logged."""
        if not (self.env.su or self.env.user.has_group(OFFICER)):
            raise AccessError(
                self.env._("Only archive officers and managers may export archive data.")
            )
        with consultation("export"):
            result = super().export_data(fields_to_export)
        self.env["customer.archive.access.log"]._log(self, "export")
        return result

    # ------------------------------------------------------- personal data
    def action_export_personal_data(self):
        """The customer's personal data as a file (个人信息副本), for an officer to hand
        to the customer who asks for it; logged as an export."""
        self.ensure_one()
        if not self.env.user.has_group(OFFICER):
            raise AccessError(
                self.env._("Only archive officers and managers may export archive data.")
            )
        customer = self.partner_id
        data = {
            "archive": self.name,
            "customer": {
                "name": customer.name,
                "phone": customer.phone or "",
                "email": customer.email or "",
                "address": customer.contact_address or "",
            },
            "personal": {
                fname: str(self._fields[fname].convert_to_export(self[fname], self) or "")
                for fname in PERSONAL_FIELDS
            },
            "contacts": [
                {
                    "name": contact.name,
                    "function": contact.function or "",
                    "phone": contact.phone or "",
                    "email": contact.email or "",
                }
                for contact in customer.child_ids
            ],
            "consents": [
                {
                    "person": consent.partner_id.name,
                    "purpose": consent.purpose,
                    "date": str(consent.date),
                    "withdrawn": str(consent.date_withdrawn or ""),
                }
                for consent in self.consent_ids
            ],
        }
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"{self.name}-personal-data.json",
                "raw": json.dumps(data, ensure_ascii=False, indent=2).encode(),
                "mimetype": "application/json",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        self.env["customer.archive.access.log"]._log(self, "export")
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def action_erase_personal_data(self):
        """Erase the customer's personal data on request: refused, with the reason, while
        the archive must still be kept (保存期限)."""
        if not self.env.user.has_group(OFFICER):
            raise AccessError(self.env._("Only an archive officer may erase personal data."))
        today = fields.Date.context_today(self)
        for archive in self:
            if not archive.retention_date or archive.retention_date > today:
                raise UserError(
                    self.env._(
                        "The personal data of %(archive)s cannot be erased yet: the archive "
                        "is kept until %(date)s (retention period).",
                        archive=archive.display_name,
                        date=archive.retention_date,
                    )
                    if archive.retention_date
                    else self.env._(
                        "The personal data of %(archive)s cannot be erased yet: the "
                        "relationship has not ended, or a document is kept permanently.",
                        archive=archive.display_name,
                    )
                )
        self.write(dict.fromkeys(PERSONAL_FIELDS, False))
        for archives in by_chatter_lang(self):
            body = archives.env._(
                "Personal data erased on the customer's request by %(user)s.",
                user=self.env.user.name,
            )
            for archive in archives:
                archive.message_post(body=body, subtype_xmlid="mail.mt_note")
        return True

    def action_export_customer_list(self):
        """The customer list (客户一览表) as ``.xlsx``: the selected dossiers, or all the
        user may read, with the fields he may read; an export like any other."""
        archives = self or self.search([])
        attachment = self.env["ir.attachment"].create(
            {
                "name": self.env._("Customer List %(date)s.xlsx", date=fields.Date.today()),
                "raw": list_export.customer_list_xlsx(archives),
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def action_view_access_log(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_archive.customer_archive_access_log_action"
        )
        action["domain"] = [("archive_id", "=", self.id)]
        return action

    def _prune_followers(self):
        """Who may no longer read a dossier stops following it: a replaced keeper, a
        salesperson whose customer became secret or changed hands, no longer receives
        its messages (complaints included)."""
        # sudo: the followers of every dossier are looked at, whoever changed it
        for archive in self.sudo():
            gone = archive.message_partner_ids.filtered(
                lambda partner, archive=archive: (
                    not any(
                        archive.with_user(user)
                        .with_context(allowed_company_ids=user.company_ids.ids)
                        .has_access("read")
                        for user in partner.user_ids
                        if not user.share
                    )
                )
            )
            if gone:
                archive.message_unsubscribe(gone.ids)

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

    def _check_confidentiality_right(self, vals):
        """Only managers classify a dossier as secret (绝密) or touch a secret one."""
        if vals.get("confidentiality") != "secret" and all(
            archive.confidentiality != "secret" for archive in self
        ):
            return
        if self.env.su or self.env.user.has_group(MANAGER):
            return
        raise AccessError(self.env._("Only an archive manager may handle secret archives."))

    def _check_registration_lock(self, vals):
        """Registration data of an opened dossier changes by correction request only."""
        if not (vals.keys() & set(LOCKED_FIELDS)) or door_open(self._name, CORRECTION_DOOR):
            return
        if door_open(self._name):  # a destruction empties the dossier down to its stub
            return
        for archive in self.filtered(lambda archive: archive.state != "draft"):
            changed = [
                field
                for field in LOCKED_FIELDS
                if field in vals and archive._registration_value_differs(field, vals[field])
            ]
            if changed:
                raise UserError(
                    self.env._(
                        "The registration data of archive %(archive)s is locked "
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
            value = credit_code.normalize(value)
        return (current or "") != (value or "")

    def _check_not_destroyed(self):
        # One query, not a read of the records: the recompute writes the copies of
        # 100 000 dossiers, and a read would load every column of them into memory.
        # sudo: the check holds for dossiers the writer may not read (a document's).
        destroyed = (
            self.sudo()
            .with_context(active_test=False)
            .search([("id", "in", self.ids), ("state", "=", "destroyed")], limit=1)
        )
        if destroyed:
            raise UserError(
                self.env._(
                    "Archive %(archive)s was destroyed (register %(register)s); "
                    "it can no longer be changed.",
                    archive=destroyed[0].display_name,
                    register=destroyed[0].destruction_id.name or "",
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
            return self.env._(
                "Archive %(archive)s is destroyed only by carrying out an approved "
                "destruction register.",
                archive=self.display_name,
            )
        return False

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

    def action_mark_reviewed(self):
        """Stamp today's review, which moves the next review date, and close the reminder."""
        self._workflow_run("mark_reviewed")
        return True

    def _action_mark_reviewed(self):
        self._workflow_write({"date_last_review": fields.Date.context_today(self)})
        for archives in by_chatter_lang(self):
            archives.activity_feedback(
                [REVIEW_ACTIVITY], feedback=archives.env._("Archive reviewed.")
            )

    def _action_destroy(self, register):
        """Reduce the archives to stubs: files, documents, history and content go, the
        number, customer, dates and the register's reference stay.

        Called as superuser by the register's done action: a manager approved it.
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
        self.with_context(tracking_disable=True)._workflow_write(
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
        for archives in by_chatter_lang(self):
            body = Markup("<p>%s</p>") % archives.env._(
                "Archive destroyed with register %(register)s; this stub remains.",
                register=register.name,
            )
            archives._message_log_batch(dict.fromkeys(archives.ids, body))

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

    def _action_log_event(self, subtype_xmlid):
        """Open the chatter composer for an event note of its own subtype."""
        self.ensure_one()
        subtype = self.env.ref(subtype_xmlid)
        return {
            "type": "ir.actions.act_window",
            "name": subtype.name,
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_subtype_id": subtype.id,
                "default_message_type": "comment",
                "default_composition_mode": "comment",
            },
        }

    def action_log_visit(self):
        return self._action_log_event("customer_archive.mt_visit_report")

    def action_log_contact(self):
        return self._action_log_event("customer_archive.mt_contact_report")

    def action_log_complaint(self):
        return self._action_log_event("customer_archive.mt_complaint")

    def action_log_major_change(self):
        return self._action_log_event("customer_archive.mt_major_change")

    def _check_classification_unchanged(self, vals):
        """The customer's classification shown on the dossier is read from its row: a
        value sent for it (a client sends what the form shows) must be the one shown."""
        fnames = {"customer_grade", "customer_tier", "customer_loyalty", "customer_value_class"}
        # sudo: compared only; nothing is written
        if fnames & vals.keys() and changed_fields(self.sudo(), vals, fnames):
            raise self.env["res.partner"]._classification_computed_error()

    # --------------------------------------------------------------- crons
    def _open_activity_res_ids(self, activity_xmlid):
        """Ids of the archives in ``self`` that already have an open activity of that type."""
        activity_type = self.env.ref(activity_xmlid, raise_if_not_found=False)
        if not activity_type or not self:
            return set()
        groups = self.env["mail.activity"]._read_group(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("activity_type_id", "=", activity_type.id),
            ],
            ["res_id"],
        )
        return {res_id for (res_id,) in groups}

    @api.model
    def _get_review_due_domain(self):
        return [
            ("is_review_due", "=", True),
            ("user_id", "!=", False),
            ("user_id.active", "=", True),
        ]

    @api.model
    def _cron_review_reminders(self):
        """Open one review activity for the keeper of every archive whose review is due,
        and one activity for every active archive holding an expired licence."""
        self._schedule_review_activities()
        self._schedule_licence_activities()

    @api.model
    def _schedule_review_activities(self):
        due = self.search(self._get_review_due_domain())
        pending = due._open_activity_res_ids(REVIEW_ACTIVITY)
        for archive in due.filtered(lambda archive: archive.id not in pending):
            # the type's summary ("Review the customer archive") in the keeper's language
            for_user(archive, archive.user_id).activity_schedule(
                REVIEW_ACTIVITY,
                date_deadline=archive.date_next_review,
                user_id=archive.user_id.id,
            )

    @api.model
    def _schedule_licence_activities(self):
        expired = self.env["customer.archive.document"].search(
            [
                ("has_validity", "=", True),
                ("is_expired", "=", True),
                ("archive_id.state", "=", "active"),
                ("archive_id.user_id", "!=", False),
            ]
        )
        archives = expired.archive_id
        pending = archives._open_activity_res_ids(LICENCE_ACTIVITY)
        for archive in archives.filtered(lambda archive: archive.id not in pending):
            documents = expired.filtered(lambda document, a=archive: document.archive_id == a)
            items = Markup("").join(
                Markup("<li>%s (%s)</li>") % (document.name, document.valid_until)
                for document in documents
            )
            in_lang = for_user(archive, archive.user_id)
            in_lang.activity_schedule(
                LICENCE_ACTIVITY,
                note=Markup("<p>%s</p><ul>%s</ul>")
                % (in_lang.env._("These licences have expired:"), items),
                user_id=archive.user_id.id,
            )
