"""Customers as the archive sees them: the dossier summary on the partner form, the
registered name, risk signals, and the classification results (DESIGN §3).

The classification results live in ``customer.classification``, a row per customer and
company (each company classifies its customers with its own policy); the partner reads
the current company's row through related fields. They are stored by the recompute of
``customer.classification.policy`` (a daily cron and a button), never by a compute on
invoices, so opening a partner form computes nothing but the "why" text from the stored
figures. Every one of them is for the archive groups only (``groups=READER``); Odoo strips
them from the views of other users.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..tools import customer_archive_import_match as match
from ..tools import customer_classification_why as why
from ..tools.customer_archive_locks import CORRECTION_DOOR
from . import customer_classification as classification
from .customer_archive import CONFIDENTIALITY, MANAGER, OFFICER, READER
from .customer_archive_workflow_mixin import changed_fields, door_open


def _classification_field(field_class, fname, **kwargs):
    """A result or decision of the current company's classification row, readable by the
    archive groups (the amounts by officers and managers only). Never tracked by the
    ORM: the recompute and a manager's decision log their changes in batches
    (``customer.classification._log_changes``)."""
    kwargs.setdefault("readonly", True)
    kwargs.setdefault("groups", READER)
    return field_class(
        related=f"customer_classification_id.{fname}",
        # the row is the current company's (Odoo takes a related field's context from
        # its last field only)
        depends_context=("company",),
        copy=False,
        **kwargs,
    )


# The classification fields of a customer, written on its row; and with the row itself,
# which only the rules set, what is guarded.
ON_ROW = {*classification.RESULT_FIELDS, *classification.MANUAL_FIELDS}
CLASSIFIED = {
    *ON_ROW,
    "customer_classification_id",
    "customer_classification_ids",
    "customer_override_user_id",
    "customer_override_date",
}
# The fields read through the row (related, so Odoo reads them as superuser): their groups
# are checked by the searches and SQL that use them (_search, _field_to_sql).
GUARDED = frozenset(
    {*ON_ROW, "customer_classification_id", "customer_override_user_id", "customer_override_date"}
)
SEARCH_GUARDED = GUARDED | {"customer_classification_ids"}


class ResPartner(models.Model):
    _inherit = "res.partner"

    customer_archive_ids = fields.One2many(
        "customer.archive", "partner_id", string="Customer Archives", groups=READER
    )
    # Not sensitive: whether a dossier exists and its state, for filters and group-bys.
    customer_archive_state = fields.Selection(
        [
            ("none", "No Archive"),
            ("draft", "Draft"),
            ("active", "Active"),
            ("closed", "Closed"),
            ("destroyed", "Destroyed"),
        ],
        string="Archive State",
        compute="_compute_customer_archive_state",
        store=True,
        groups=READER,
    )
    # Not sensitive either: who keeps the dossier, to group customers by keeper.
    customer_archive_user_id = fields.Many2one(
        "res.users",
        string="Dossier Keeper",
        compute="_compute_customer_archive_state",
        store=True,
        groups=READER,
    )
    # The summary is computed as the current user (non-stored computes do not run
    # as superuser), so it is empty wherever the dossier's record rules refuse him.
    customer_archive_id = fields.Many2one(
        "customer.archive",
        compute="_compute_customer_archive_summary",
        groups=READER,
    )
    customer_archive_keeper_id = fields.Many2one(
        "res.users",
        string="Archive Keeper",
        compute="_compute_customer_archive_summary",
        groups=READER,
    )
    customer_archive_confidentiality = fields.Selection(
        CONFIDENTIALITY,
        string="Archive Confidentiality",
        compute="_compute_customer_archive_summary",
        groups=READER,
    )
    customer_archive_date_open = fields.Date(
        string="Archive Opened", compute="_compute_customer_archive_summary", groups=READER
    )
    customer_archive_document_count = fields.Integer(
        string="Archive Documents", compute="_compute_customer_archive_summary", groups=READER
    )
    customer_archive_location_id = fields.Many2one(
        "customer.archive.location",
        string="Paper File Location",
        compute="_compute_customer_archive_summary",
        groups=READER,
    )

    customer_risk_signal_ids = fields.One2many(
        "customer.risk.signal", "partner_id", string="Risk Signals", groups=READER
    )
    customer_under_watch = fields.Boolean(
        string="Under Watch",
        compute="_compute_customer_under_watch",
        store=True,
        tracking=True,
        groups=READER,
        help="At least one danger signal of arrears is open on this customer.",
    )

    # The classification of the current company's customer, read where it lives: its row
    # of ``customer.classification`` (nothing of it is stored on the partner, so the
    # recompute never writes res_partner). The results below are related fields through
    # it: the form, lists and filters read the row, group-bys, sums and orders join it
    # (_field_to_sql); their groups here decide who reads them (sudoed related fields).
    customer_classification_ids = fields.One2many(
        "customer.classification",
        "partner_id",
        string="Classifications",
        readonly=True,
        copy=False,
        groups=READER,
    )
    customer_classification_id = fields.Many2one(
        "customer.classification",
        string="Classification",
        compute="_compute_customer_classification_id",
        search="_search_customer_classification_id",
        groups=READER,
    )

    # Results of the rules
    customer_grade = _classification_field(fields.Selection, "customer_grade")
    customer_grade_computed = _classification_field(fields.Selection, "customer_grade_computed")
    customer_tier = _classification_field(fields.Selection, "customer_tier")
    customer_loyalty = _classification_field(fields.Selection, "customer_loyalty")
    customer_value_class = _classification_field(fields.Selection, "customer_value_class")
    customer_rfm_recency = _classification_field(fields.Integer, "customer_rfm_recency")
    customer_rfm_frequency = _classification_field(fields.Integer, "customer_rfm_frequency")
    customer_rfm_monetary = _classification_field(fields.Integer, "customer_rfm_monetary")
    customer_top = _classification_field(fields.Boolean, "customer_top")
    customer_revenue_share = _classification_field(fields.Selection, "customer_revenue_share")
    # The amounts are officers' and managers': a reader sees them, in the "why" text, only
    # for the customers whose dossier he may read.
    customer_yearly_amount = _classification_field(
        fields.Float, "customer_yearly_amount", groups=OFFICER
    )
    customer_overdue_amount = _classification_field(
        fields.Float, "customer_overdue_amount", groups=OFFICER
    )
    customer_average_amount = _classification_field(
        fields.Float, "customer_average_amount", groups=OFFICER
    )
    customer_invoice_count = _classification_field(fields.Integer, "customer_invoice_count")
    customer_last_invoice_date = _classification_field(fields.Date, "customer_last_invoice_date")
    customer_purchase_interval = _classification_field(fields.Integer, "customer_purchase_interval")
    customer_next_purchase_date = _classification_field(fields.Date, "customer_next_purchase_date")
    customer_cycle_reminded_date = _classification_field(
        fields.Date, "customer_cycle_reminded_date"
    )
    customer_classified_date = _classification_field(fields.Date, "customer_classified_date")
    customer_classification_hash = _classification_field(
        fields.Char, "customer_classification_hash", groups="base.group_system"
    )

    # Manual decisions, kept on the same row (with who decided and when)
    customer_grade_override = _classification_field(
        fields.Selection, "customer_grade_override", readonly=False
    )
    customer_tier_override = _classification_field(
        fields.Selection, "customer_tier_override", readonly=False
    )
    customer_override_reason = _classification_field(
        fields.Char, "customer_override_reason", readonly=False
    )
    customer_key_account = _classification_field(
        fields.Boolean, "customer_key_account", readonly=False
    )
    customer_special_class = _classification_field(
        fields.Boolean, "customer_special_class", readonly=False
    )
    customer_override_user_id = _classification_field(fields.Many2one, "override_user_id")
    customer_override_date = _classification_field(fields.Datetime, "override_date")

    # Care dates (生日档案) of an individual customer or a key contact of a company:
    # personal data, for the archive officers; the care cron reads them.
    care_birthday = fields.Date(string="Birthday", groups=OFFICER)
    care_anniversary = fields.Date(
        string="Anniversary", groups=OFFICER, help="A date the person celebrates, e.g. a wedding."
    )
    care_key_contact = fields.Boolean(
        string="Key Contact",
        groups=READER,
        help="The salesperson greets this contact of a company customer on his birthday and "
        "anniversary, if he agreed to it (consent for care).",
    )

    # Explanations and credit terms, computed from the stored figures when read
    customer_classification_why = fields.Text(
        string="Why", compute="_compute_customer_classification_why", groups=READER
    )
    customer_suggested_payment_term_id = fields.Many2one(
        "account.payment.term",
        string="Suggested Payment Terms",
        compute="_compute_customer_suggested_terms",
        groups=READER,
    )
    customer_suggested_credit_limit = fields.Float(
        string="Suggested Credit Limit", compute="_compute_customer_suggested_terms", groups=READER
    )
    # The name as duplicates are found (DESIGN §2): width, spacing, case and the wording
    # of the legal form (有限公司/有限责任公司/股份) do not count. Indexed for the import.
    customer_archive_name_key = fields.Char(
        string="Name Key", compute="_compute_customer_archive_name_key", store=True, index=True
    )
    customer_archive_duplicate_info = fields.Text(
        string="Likely Duplicates",
        compute="_compute_customer_archive_duplicate_info",
        groups=READER,
        help="Other customers with the same normalised name, phone or email.",
    )

    @api.depends(
        "customer_archive_ids.state", "customer_archive_ids.user_id", "commercial_partner_id"
    )
    def _compute_customer_archive_state(self):
        archives = (
            self.env["customer.archive"]
            .sudo()
            .with_context(active_test=False)
            .search([("partner_id", "in", self.commercial_partner_id.ids)])
        )
        archive_by_partner = {archive.partner_id: archive for archive in archives}
        for partner in self:
            archive = archive_by_partner.get(partner.commercial_partner_id)
            partner.customer_archive_state = archive.state if archive else "none"
            partner.customer_archive_user_id = archive.user_id if archive else False

    @api.depends("commercial_partner_id")
    @api.depends_context("uid")
    def _compute_customer_archive_summary(self):
        # One query under the user's rules, by the dossier's partner index, fetching the
        # fields shown with it (its name for its display name); the documents are
        # counted only where there is a dossier.
        archives = self.env["customer.archive"].search_fetch(
            [("partner_id", "in", self.commercial_partner_id.ids)],
            ["name", "partner_id", "user_id", "confidentiality", "date_open", "location_id"],
            order="id",
        )
        archive_by_partner = {archive.partner_id: archive for archive in archives}
        for partner in self:
            archive = archive_by_partner.get(
                partner.commercial_partner_id, self.env["customer.archive"]
            )
            partner.customer_archive_id = archive
            partner.customer_archive_keeper_id = archive.user_id
            partner.customer_archive_confidentiality = archive.confidentiality
            partner.customer_archive_date_open = archive.date_open
            partner.customer_archive_document_count = archive.document_count
            partner.customer_archive_location_id = archive.location_id

    @api.depends("customer_classification_ids")
    @api.depends_context("company")
    def _compute_customer_classification_id(self):
        """The current company's row, fetched at once with what the user may read of it
        (what the related fields then show, without a second query)."""
        Row = self.env["customer.classification"]
        user = self.env.user
        readable = [
            fname
            for fname, field in Row._fields.items()
            if field.store and (self.env.su or not field.groups or user.has_groups(field.groups))
        ]
        rows = Row.search_fetch(
            [("partner_id", "in", self._origin.ids), ("company_id", "=", self.env.company.id)],
            readable,
        )
        by_partner = {row.partner_id.id: row for row in rows}
        for partner in self:
            partner.customer_classification_id = by_partner.get(partner._origin.id, Row)

    def _search_customer_classification_id(self, operator, value):
        """Customers by their row of the current company (the related fields' searches
        come here as ``in`` a query of rows, and ``= False`` for those without one)."""
        company = [("company_id", "=", self.env.company.id)]
        if operator in ("=", "!=") and not value:
            found = "any" if operator == "!=" else "not any"
            return [("customer_classification_ids", found, company)]
        if operator in ("=", "!="):
            operator, value = ("in" if operator == "=" else "not in"), [value]
        if operator not in ("in", "not in"):
            raise UserError(
                self.env._("Customers cannot be searched by their classification that way.")
            )
        found = "any" if operator == "in" else "not any"
        return [("customer_classification_ids", found, [*company, ("id", "in", value)])]

    @api.depends("customer_risk_signal_ids.state")
    def _compute_customer_under_watch(self):
        for partner in self:
            partner.customer_under_watch = any(
                signal.state == "open" for signal in partner.sudo().customer_risk_signal_ids
            )

    @api.depends("name")
    def _compute_customer_archive_name_key(self):
        for partner in self:
            partner.customer_archive_name_key = match.name_key(partner.name)

    @api.depends("name", "phone", "mobile", "email", "parent_id")
    @api.depends_context("uid")
    def _compute_customer_archive_duplicate_info(self):
        """A warning on the form (DESIGN §2): the other customers that look the same.
        Of a customer whose dossier the user may not read only the owner's name is
        shown."""
        others = self.env["customer.archive.duplicate"]._likely_duplicates_of(self)
        for partner in self:
            lines = [partner._customer_archive_duplicate_line(other) for other in others[partner]]
            partner.customer_archive_duplicate_info = "\n".join(lines) or False

    def _customer_archive_duplicate_line(self, other):
        # sudo: the dossier of the other customer, to tell whether the user may read it
        archive = other.sudo().customer_archive_ids[:1]
        if archive and not self.env["customer.archive"].search_count(
            [("id", "=", archive.id)], limit=1
        ):
            owner = archive.partner_id.user_id or archive.user_id
            return self.env._(
                "A customer of %(owner)s that you may not read.", owner=owner.name or "-"
            )
        return self.env._(
            "%(name)s (phone %(phone)s, %(email)s)",
            name=other.name,
            phone=other.phone or other.mobile or "-",
            email=other.email or "-",
        )

    @api.depends_context("company", "lang", "uid")
    @api.depends(*ON_ROW)
    def _compute_customer_classification_why(self):
        policy = self.env["customer.classification.policy"]._get_company_policy()
        with_amounts = self._customer_amounts_visible()
        for partner in self:
            partner.customer_classification_why = (
                "\n".join(why.why_lines(partner, policy, partner in with_amounts))
                if partner.customer_classified_date
                else False
            )

    def _customer_amounts_visible(self):
        """The partners of ``self`` whose amounts the user may see: all for officers, else
        those whose dossier he may read: the summary's ``customer_archive_id``, found
        under his rules, and shown on the same form."""
        if self.env.user.has_group(OFFICER):
            return self
        return self.filtered("customer_archive_id")

    @api.depends_context("company")
    @api.depends("customer_grade")
    def _compute_customer_suggested_terms(self):
        policy = self.env["customer.classification.policy"]._get_company_policy()
        for partner in self:
            term, limit = policy._get_credit_terms(partner.customer_grade)
            partner.customer_suggested_payment_term_id = term
            partner.customer_suggested_credit_limit = limit

    @api.constrains("care_birthday", "care_anniversary")
    def _check_care_dates(self):
        today = fields.Date.context_today(self)
        for partner in self:
            for day in (partner.care_birthday, partner.care_anniversary):
                if day and (day > today or day.year < 1900):
                    raise ValidationError(
                        self.env._("A birthday or an anniversary is a past date, after 1900.")
                    )

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        # Private override: Odoo checks a field's groups in a search on stored fields only
        # (in _field_to_sql); a related one, as the classification's are, it searches as
        # superuser, so a filter on it would ignore the field's groups.
        if not self.env.su:
            related = {
                leaf[0].split(".", 1)[0]
                for leaf in domain or ()
                if isinstance(leaf, (list, tuple)) and len(leaf) == 3 and isinstance(leaf[0], str)
            }
            related &= SEARCH_GUARDED
            if related:
                self.check_field_access_rights("read", list(related))
        return super()._search(domain, offset=offset, limit=limit, order=order)

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        # Private override, for a group-by, sum or order by the classification: its fields
        # are on the current company's row, joined here once (Odoo would not know how to
        # reach a computed Many2one); and Odoo checks a field's groups here for stored
        # fields only, so the related ones' groups are checked here.
        if fname not in GUARDED or query is None:
            return super()._field_to_sql(alias, fname, query, flush)
        self.check_field_access_rights("read", [fname])
        Row = self.env["customer.classification"]
        row_alias = query.make_alias(alias, "customer_classification")
        query.add_join(
            "LEFT JOIN",
            row_alias,
            Row._table,
            SQL(
                "%s = %s AND %s = %s",
                SQL.identifier(row_alias, "partner_id", to_flush=Row._fields["partner_id"]),
                SQL.identifier(alias, "id"),
                SQL.identifier(row_alias, "company_id"),
                self.env.company.id,
            ),
        )
        if fname == "customer_classification_id":
            return SQL.identifier(row_alias, "id")
        # the row's field of the same groups, read as the user
        return Row._field_to_sql(row_alias, self._fields[fname].related.split(".")[1], query, flush)

    @api.model
    def name_create(self, name):
        """A quick create ("创建…") of a name that reads as an organisation's makes a
        company, as the form's 公司 would: customers are mostly companies."""
        partners = self
        if match.looks_like_company(name) and "default_is_company" not in self.env.context:
            partners = self.with_context(default_is_company=True)
        return super(ResPartner, partners).name_create(name)

    @api.model
    def default_get(self, fields_list):
        """ "创建并编辑" from a many2one opens the form with the name typed: a name that
        reads as an organisation's opens it as a company."""
        result = super().default_get(fields_list)
        context = self.env.context
        if (
            "is_company" in fields_list
            and "default_is_company" not in context
            and not context.get("default_parent_id")
            and match.looks_like_company(context.get("default_name"))
        ):
            result["is_company"] = True
        return result

    @api.model_create_multi
    def create(self, vals_list):
        # a new customer has no classification row yet: the decisions sent with him are
        # stored on one made once he exists
        decisions = []
        for vals in vals_list:
            changed = self._check_classification_write(vals)
            decided = {fname: vals.pop(fname) for fname in ON_ROW & vals.keys()}
            decisions.append({fname: decided[fname] for fname in changed & ON_ROW})
        partners = super().create(vals_list)
        for partner, decided in zip(partners, decisions, strict=True):
            if any(decided.values()):
                partner._write_classification(decided)
        return partners

    def write(self, vals):
        if self.env.context.get("customer_archive_merge"):
            # The merge has given the contact kept one classification row per company
            # (base_partner_merge_automatic_wizard); Odoo's merge then writes what the
            # contact kept lacked through the ORM, which the guard below would refuse.
            # Dropping values writes less, never more: a context cannot open a door.
            vals = {fname: value for fname, value in vals.items() if fname not in CLASSIFIED}
        if "name" in vals:
            self._check_registered_name(vals["name"])
        changed = self._check_classification_write(vals)
        decided = {fname: vals.pop(fname) for fname in ON_ROW & vals.keys()}
        result = super().write(vals)
        if "user_id" in vals:
            # sudo: the dossiers' followers change with the salesperson, seen or not
            self.sudo().customer_archive_ids._prune_followers()
        if changed & ON_ROW:
            self._write_classification({fname: decided[fname] for fname in changed & ON_ROW})
        return result

    def _check_registered_name(self, name):
        """The name of a customer with an opened dossier is registration data: it changes
        by an approved correction request only."""
        if door_open("customer.archive", CORRECTION_DOOR):
            return
        renamed = self.filtered(lambda partner: (partner.name or "") != (name or ""))
        if not renamed:
            return
        # sudo: the lock holds whether or not the user may read the dossier.
        archive = (
            self.env["customer.archive"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [("partner_id", "in", renamed.ids), ("state", "in", ("active", "closed"))],
                limit=1,
            )
        )
        if archive:
            raise UserError(
                self.env._(
                    "The name of %(partner)s is registration data of its archive "
                    "%(archive)s. Request a correction to change it.",
                    partner=archive.partner_id.name,
                    archive=archive.name,
                )
            )

    def _check_classification_write(self, vals):
        """Results are the rules' business; overrides and flags a manager's. Return the
        classification fields whose values change.

        Only a value that changes counts: the web client sends every field of the form
        on save, the classification's defaults and current values included (a new
        company, a salesperson's edit of a classified customer), and those are no
        decision of anybody's."""
        changed = self._classification_changes(vals)
        if self.env.su:
            return changed
        if changed - set(classification.MANUAL_FIELDS):
            raise self._classification_computed_error()
        if changed and not self.env.user.has_group(MANAGER):
            raise AccessError(
                self.env._("Only archive managers may override the classification of customers.")
            )
        return changed

    @api.model
    def _classification_computed_error(self):
        """The refusal of a result written by hand (on the customer or his dossier)."""
        return AccessError(
            self.env._(
                "The classification of customers is computed from their invoices; "
                "override the grade or tier instead."
            )
        )

    def _classification_changes(self, vals):
        """The classification fields of ``vals`` whose value differs from what is stored
        (on create: from empty, which is what every new customer starts with)."""
        if not self:
            return {fname for fname in CLASSIFIED & vals.keys() if vals[fname]}
        # sudo: compared only, never returned; the caller's right to write is checked
        return changed_fields(self.sudo(), vals, CLASSIFIED)

    def _write_classification(self, vals):
        """Store results (the rules', as superuser) or a manager's decisions (checked by
        ``_check_classification_write``) on the current company's rows of these
        customers, made where there is none yet."""
        # sudo: the rows are written by the rules and, for a decision the caller was
        # allowed to make, on his behalf; nobody writes them directly
        rows = self.sudo()._customer_classification_rows()
        rows.write(vals)

    def _customer_classification_rows(self):
        """The current company's classification rows of these customers, made where
        missing (one by one: a manager's decision, a test; the recompute makes them in
        SQL)."""
        company = self.env.company
        missing = self.filtered(lambda partner: not partner.customer_classification_id)
        if missing:
            self.env["customer.classification"].create(
                [{"partner_id": partner.id, "company_id": company.id} for partner in missing]
            )
        return self.customer_classification_id

    def action_open_customer_archive(self):
        """Smart button: open the dossier, or start one for an officer."""
        self.ensure_one()
        partner = self.commercial_partner_id
        archive = partner.customer_archive_id
        if archive:
            return {
                "type": "ir.actions.act_window",
                "res_model": "customer.archive",
                "res_id": archive.id,
                "view_mode": "form",
            }
        if partner.customer_archive_state != "none":
            raise UserError(
                self.env._(
                    "You may not open the archive of %(partner)s. "
                    "Ask an archive officer to lend it to you.",
                    partner=partner.display_name,
                )
            )
        if not self.env.user.has_group(OFFICER):
            raise UserError(
                self.env._(
                    "%(partner)s has no archive yet. Ask an archive officer to open one.",
                    partner=partner.display_name,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "customer.archive",
            "view_mode": "form",
            "context": {"default_partner_id": partner.id},
        }

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

    def action_apply_suggested_credit_terms(self):
        """Set the suggested payment terms and credit limit as the customer's own."""
        if not self.env.user.has_group(MANAGER):
            raise AccessError(
                self.env._("Only archive managers may apply the suggested credit terms.")
            )
        for partner in self:
            vals = {"credit_limit": partner.customer_suggested_credit_limit}
            if partner.customer_suggested_payment_term_id:
                vals["property_payment_term_id"] = partner.customer_suggested_payment_term_id.id
            partner.write(vals)
        return True
