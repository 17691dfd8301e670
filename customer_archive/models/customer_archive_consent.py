"""Consent to keep and use personal data (个人信息), on record.

One row per consent a customer (or a key contact of a company customer) gave: for what
purpose, when, through which channel, with the evidence attached, and when it was
withdrawn. Giving dossier data to an outside party needs a current consent for that
purpose (对外提供客户信息时,应征得客户同意)."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.customer_archive_input import bind_attachments, check_lengths

PURPOSES = [
    ("keep", "Keep in the Customer Archive"),
    ("share", "Give to Third Parties"),
    ("care", "Care and Greetings"),
    ("marketing", "Marketing"),
    ("survey", "Satisfaction Surveys"),
]


class CustomerArchiveConsent(models.Model):
    _name = "customer.archive.consent"
    _inherit = ["customer.archive.attached.mixin"]
    _description = "Customer Archive Consent"
    _order = "date desc, id desc"
    _check_company_auto = True

    archive_id = fields.Many2one("customer.archive", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(
        related="archive_id.company_id", store=True, index=True, precompute=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Person",
        required=True,
        help="The individual customer, or a key contact of the company customer.",
    )
    purpose = fields.Selection(PURPOSES, string="Consent Purpose", required=True, default="share")
    date = fields.Date(string="Given On", required=True, default=fields.Date.context_today)
    channel = fields.Selection(
        [
            ("paper", "Signed Form"),
            ("email", "Email"),
            ("phone", "Phone, Noted"),
            ("portal", "Online Form"),
        ],
        required=True,
        default="paper",
    )
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "customer_archive_consent_attachment_rel",
        "consent_id",
        "attachment_id",
        string="Evidence",
    )
    date_withdrawn = fields.Date(string="Withdrawn On")
    note = fields.Text()
    is_current = fields.Boolean(
        string="Current", compute="_compute_is_current", search="_search_is_current"
    )

    @api.depends("date", "date_withdrawn")
    @api.depends_context("date")
    def _compute_is_current(self):
        today = fields.Date.context_today(self)
        for consent in self:
            consent.is_current = consent.date <= today and (
                not consent.date_withdrawn or consent.date_withdrawn > today
            )

    def _search_is_current(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(operator)
        today = fields.Date.context_today(self)
        current = [
            ("date", "<=", today),
            "|",
            ("date_withdrawn", "=", False),
            ("date_withdrawn", ">", today),
        ]
        return current if (operator == "=") == value else ["!", *current]

    @api.depends("partner_id", "purpose")
    def _compute_display_name(self):
        purposes = dict(self._fields["purpose"]._description_selection(self.env))
        for consent in self:
            consent.display_name = (
                f"{consent.partner_id.name or ''} — {purposes.get(consent.purpose, '')}"
            )

    @api.constrains("archive_id", "partner_id", "date", "date_withdrawn")
    def _check_consent(self):
        today = fields.Date.context_today(self)
        for consent in self:
            customer = consent.archive_id.partner_id
            if consent.partner_id not in customer | customer.child_ids:
                raise ValidationError(
                    self.env._(
                        "%(person)s is neither the customer %(customer)s nor one of its contacts.",
                        person=consent.partner_id.display_name,
                        customer=customer.display_name,
                    )
                )
            if consent.date > today or consent.date.year < 1900:
                raise ValidationError(self.env._("A consent is given on a past date."))
            if consent.date_withdrawn and consent.date_withdrawn < consent.date:
                raise ValidationError(
                    self.env._("A consent cannot be withdrawn before it was given.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_lengths(self, vals)
        consents = super().create(vals_list)
        bind_attachments(consents)
        return consents

    def write(self, vals):
        check_lengths(self, vals)
        result = super().write(vals)
        if "attachment_ids" in vals:
            bind_attachments(self)
        return result
