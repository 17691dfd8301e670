from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumValidationError

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

READER = "customer_archive.group_reader"
OFFICER = "customer_archive.group_officer"
MANAGER = "customer_archive.group_manager"

CONFIDENTIALITY = [
    ("normal", "Normal"),
    ("confidential", "Confidential"),
    ("secret", "Secret"),
]


class CustomerArchive(models.Model):
    """The dossier of one commercial partner (客户档案).

    Kept apart from ``res.partner`` so that record rules can restrict the
    dossier without restricting the partner, which invoices, orders and users
    need everywhere.
    """

    _name = "customer.archive"
    _description = "Customer Archive"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name desc, id desc"
    _check_company_auto = True
    # Readers log visits, contact reports and complaints on dossiers they may read.
    _mail_post_access = "read"

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
        [("draft", "Draft"), ("active", "Active"), ("closed", "Closed")],
        default="draft",
        required=True,
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
    salesperson_id = fields.Many2one(
        related="partner_id.user_id", string="Salesperson", readonly=True
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
    share_consent = fields.Boolean(
        string="Consent to Share",
        tracking=True,
        help="The customer agreed that their information may be given to third parties "
        "(对外提供客户信息时,应征得客户同意).",
    )
    share_consent_date = fields.Date(string="Consent Date", tracking=True)

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
        [("active", "Active"), ("neutral", "Neutral"), ("passive", "Passive")],
        tracking=True,
    )
    competitor_info = fields.Text(string="Competitors")
    date_relationship_start = fields.Date(string="Relationship Since")

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

    # Workflow buttons
    can_activate = fields.Boolean(compute="_compute_can_actions")
    can_close = fields.Boolean(compute="_compute_can_actions")
    can_reopen = fields.Boolean(compute="_compute_can_actions")

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
    def _compute_document_count(self):
        counts = dict(
            self.env["customer.archive.document"]._read_group(
                [("archive_id", "in", self.ids)], ["archive_id"], ["__count"]
            )
        )
        for archive in self:
            archive.document_count = counts.get(archive, 0)

    @api.depends("state")
    @api.depends_context("uid")
    def _compute_can_actions(self):
        is_officer = self.env.user.has_group(OFFICER)
        for archive in self:
            archive.can_activate = is_officer and archive.state == "draft"
            archive.can_close = is_officer and archive.state == "active"
            archive.can_reopen = is_officer and archive.state == "closed"

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

    @api.constrains("credit_code")
    def _check_credit_code(self):
        for archive in self.filtered("credit_code"):
            try:
                uscc.validate(archive.credit_code)
            except StdnumValidationError as error:
                raise ValidationError(
                    self.env._(
                        "%(code)s is not a valid unified social credit code: %(reason)s",
                        code=archive.credit_code,
                        reason=self._credit_code_error_reason(error),
                    )
                ) from error

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

    def _credit_code_error_reason(self, error):
        if isinstance(error, InvalidLength):
            return self.env._("it must have 18 characters.")
        if isinstance(error, InvalidChecksum):
            return self.env._("the check digit does not match.")
        if isinstance(error, InvalidFormat):
            return self.env._("it contains characters that are not allowed.")
        return self.env._("it is not in the expected format.")

    @api.model
    def _normalize_credit_code(self, code):
        return uscc.compact(code) if code else code

    def _check_confidentiality_right(self, vals):
        """Only managers classify a dossier as secret (绝密) or touch a secret one."""
        if self.env.su or self.env.user.has_group(MANAGER):
            return
        if vals.get("confidentiality") == "secret" or any(
            archive.confidentiality == "secret" for archive in self
        ):
            raise AccessError(self.env._("Only an archive manager may handle secret archives."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_confidentiality_right(vals)
            if vals.get("credit_code"):
                vals["credit_code"] = self._normalize_credit_code(vals["credit_code"])
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
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self._next_archive_number(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_confidentiality_right(vals)
        if vals.get("credit_code"):
            vals = dict(vals, credit_code=self._normalize_credit_code(vals["credit_code"]))
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
        return super().write(vals)

    def _next_archive_number(self, vals):
        sequence_date = vals.get("date_open") or fields.Date.context_today(self)
        company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
        # sudo: readers of ir.sequence are not archive officers; numbering is ours.
        number = (
            self.env["ir.sequence"]
            .sudo()
            .with_company(company)
            .next_by_code("customer.archive", sequence_date=sequence_date)
        )
        if not number:
            raise UserError(self.env._("The sequence for archive numbers is missing."))
        return number

    def _check_officer(self):
        if not self.env.user.has_group(OFFICER):
            raise AccessError(self.env._("Only an archive officer may change the archive state."))

    def action_activate(self):
        self._check_officer()
        if any(archive.state != "draft" for archive in self):
            raise UserError(self.env._("Only draft archives can be activated."))
        self.write({"state": "active"})

    def action_close(self):
        self._check_officer()
        if any(archive.state != "active" for archive in self):
            raise UserError(self.env._("Only active archives can be closed."))
        self.write({"state": "closed"})

    def action_reopen(self):
        self._check_officer()
        if any(archive.state != "closed" for archive in self):
            raise UserError(self.env._("Only closed archives can be reopened."))
        self.write({"state": "active"})

    def action_view_documents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_archive.customer_archive_document_action"
        )
        action["domain"] = [("archive_id", "=", self.id)]
        action["context"] = {"default_archive_id": self.id}
        return action

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
