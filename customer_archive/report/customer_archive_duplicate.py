"""Likely duplicates (DESIGN §2, issue 12): groups of customers that share a normalised
name, a phone number or an email, read from a database view, each with a button into
Odoo's own partner merge.

A customer is a company or individual without a parent that is a customer (invoiced)
or has a dossier. The name key is the stored ``customer_archive_name_key`` (width,
spacing, case and the wording of the legal form do not count); phones count by their
digits without the country prefix 86 (seven digits at least: ``110`` is no match);
emails without case or spacing. These are the rules the form's warning and the import
use (``customer_archive_import_match``)."""

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

from ..tools import customer_archive_import_match as match

KINDS = [("name", "Name"), ("phone", "Phone"), ("email", "Email")]
# a group's id: its first customer's id times SLOTS plus the slot of the key it shares
# (a customer has one name, one email, a phone and a mobile), times COMPANIES plus its
# company's id: stable while the group keeps its first customer, and never the id of
# another group (below 1 000 companies; a bigint)
SLOTS = 4
COMPANIES = 1000


class CustomerArchiveDuplicate(models.Model):
    _name = "customer.archive.duplicate"
    _description = "Likely Duplicate Customers"
    _auto = False
    _rec_name = "key"
    _order = "partner_count desc, kind, key"
    # flushed before the view is read
    _depends = {
        "res.partner": [
            "active",
            "parent_id",
            "company_id",
            "customer_rank",
            "customer_archive_name_key",
            "phone",
            "mobile",
            "email",
        ],
        "customer.archive": ["partner_id", "company_id"],
    }

    company_id = fields.Many2one("res.company", readonly=True)
    kind = fields.Selection(KINDS, string="Shared", readonly=True)
    key = fields.Char(string="Shared Value", readonly=True)
    partner_count = fields.Integer(string="Customers", readonly=True, aggregator="sum")
    archive_count = fields.Integer(
        string="With an Archive",
        readonly=True,
        aggregator="sum",
        help="How many of these customers have a dossier. Two dossiers are never merged: "
        "one of them must be destroyed through the destruction register first.",
    )
    member_ids = fields.Char(readonly=True)
    partner_ids = fields.Many2many(
        "res.partner", string="Customers to Compare", compute="_compute_partner_ids"
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        digits = "regexp_replace(normalize(coalesce(%s, ''), NFKC), '[^0-9]', '', 'g')"
        phone, mobile = digits % "p.phone", digits % "p.mobile"
        self.env.cr.execute(
            SQL(
                f"""
                CREATE OR REPLACE VIEW %s AS (
                    WITH customers AS (
                        SELECT p.id,
                               coalesce(p.company_id, a.company_id) AS company_id,
                               p.customer_archive_name_key AS name_key,
                               {phone} AS phone,
                               {mobile} AS mobile,
                               lower(trim(normalize(coalesce(p.email, ''), NFKC))) AS email,
                               a.partner_id IS NOT NULL AS has_archive
                          FROM res_partner p
                     LEFT JOIN customer_archive a ON a.partner_id = p.id
                         WHERE p.active
                           AND p.parent_id IS NULL
                           AND (p.customer_rank > 0 OR a.partner_id IS NOT NULL)
                    ), phones AS (
                        SELECT id, company_id, 2 AS slot, phone AS digits, has_archive
                          FROM customers
                        UNION ALL
                        SELECT id, company_id, 3, mobile, has_archive FROM customers
                    ), phone_keys AS (
                        SELECT DISTINCT ON (id, key) id, company_id, slot, key, has_archive
                          FROM (
                              SELECT id, company_id, slot, has_archive,
                                     CASE
                                         WHEN left(digits, 4) = '0086' THEN substr(digits, 5)
                                         WHEN left(digits, 2) = '86' AND length(digits) = 13
                                             THEN substr(digits, 3)
                                         ELSE digits
                                     END AS key
                                FROM phones
                          ) numbers
                         WHERE length(key) >= 7
                         ORDER BY id, key, slot
                    ), keys AS (
                        SELECT id, company_id, 0 AS slot, 'name' AS kind, name_key AS key,
                               has_archive
                          FROM customers
                         WHERE coalesce(name_key, '') != ''
                        UNION ALL
                        SELECT id, company_id, 1, 'email', email, has_archive
                          FROM customers
                         WHERE position('@' IN email) > 1
                        UNION ALL
                        SELECT id, company_id, slot, 'phone', key, has_archive FROM phone_keys
                    ), scoped AS (
                        -- a customer of one company is compared with that company's
                        -- customers and with the shared ones; the shared ones with each
                        -- company's and among themselves
                        SELECT id, slot, kind, key, has_archive, company_id AS scope
                          FROM keys
                        UNION ALL
                        SELECT k.id, k.slot, k.kind, k.key, k.has_archive, c.company_id
                          FROM keys k
                          JOIN (
                              SELECT DISTINCT kind, key, company_id
                                FROM keys
                               WHERE company_id IS NOT NULL
                          ) c ON c.kind = k.kind AND c.key = k.key
                         WHERE k.company_id IS NULL
                    )
                    SELECT min(id::bigint * %s + slot) * %s + coalesce(scope, 0) AS id,
                           scope AS company_id,
                           kind,
                           key,
                           count(*) AS partner_count,
                           count(*) FILTER (WHERE has_archive) AS archive_count,
                           string_agg(id::text, ',' ORDER BY id) AS member_ids
                      FROM scoped
                  GROUP BY scope, kind, key
                    HAVING count(*) > 1
                )
                """,
                SQL.identifier(self._table),
                SLOTS,
                COMPANIES,
            )
        )

    @api.depends("member_ids")
    def _compute_partner_ids(self):
        Partner = self.env["res.partner"]
        for group in self:
            ids = [int(pid) for pid in (group.member_ids or "").split(",") if pid]
            # only the contacts the user may read (another company's are left out)
            group.partner_ids = Partner.browse(ids).exists()._filtered_access("read")

    def action_open_partners(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Likely Duplicates: %(value)s", value=self.key),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", self.partner_ids.ids)],
        }

    def action_merge(self):
        """Odoo's own merge wizard, on the customers of the group."""
        self.ensure_one()
        wizard = self.env["base.partner.merge.automatic.wizard"]
        if not wizard.has_access("create"):
            raise UserError(
                _("Merging contacts needs the right Contact Creation. Ask your administrator.")
            )
        partners = self.partner_ids
        if len(partners) < 2:
            raise UserError(_("Fewer than two of these customers are left: nothing to merge."))
        return {
            "type": "ir.actions.act_window",
            "name": _("Merge Contacts"),
            "res_model": wizard._name,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "active_model": "res.partner",
                "active_ids": partners.ids,
                # the wizard closes once the group is merged (see its action_merge)
                "customer_archive_duplicate_merge": True,
            },
        }

    @api.model
    def _likely_duplicates_of(self, partners):
        """For each of ``partners``, the other commercial partners with the same
        name key, phone or email: one search for all."""
        keys = {
            partner: (
                match.name_key(partner.name),
                {match.phone_key(partner.phone), match.phone_key(partner.mobile)} - {False},
                match.email_key(partner.email),
            )
            for partner in partners
            if not partner.parent_id
        }
        result = {partner: partners.browse() for partner in partners}
        commercial = partners.filtered(lambda partner: not partner.parent_id)
        names = [key[0] for key in keys.values() if key[0]]
        phones = [p for p in commercial.mapped("phone") + commercial.mapped("mobile") if p]
        emails = [email for email in commercial.mapped("email") if email]
        domains = [
            [(fname, "in", values)]
            for fname, values in (
                ("customer_archive_name_key", names),
                ("phone", phones),
                ("mobile", phones),
                ("email", emails),
            )
            if values
        ]
        if not domains:
            return result
        # sudo: a likely duplicate is found among every customer; what is shown of it
        # is decided by res.partner's _customer_archive_duplicate_line
        candidates = (
            partners.sudo()
            .with_context(active_test=False)
            .search_fetch(
                expression.AND(
                    [
                        [("parent_id", "=", False), ("id", "not in", partners._origin.ids)],
                        expression.OR(domains),
                    ]
                ),
                ["name", "customer_archive_name_key", "phone", "mobile", "email", "user_id"],
                limit=50,
            )
        )
        for partner, (name, partner_phones, email) in keys.items():
            result[partner] = candidates.filtered(
                lambda other, n=name, p=partner_phones, e=email: (
                    (n and other.customer_archive_name_key == n)
                    or (p & {match.phone_key(other.phone), match.phone_key(other.mobile)})
                    or (e and match.email_key(other.email) == e)
                )
            )
        return result
