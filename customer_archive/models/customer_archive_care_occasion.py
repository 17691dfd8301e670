"""Care dates (生日档案, 节日问候): the occasions on which a salesperson greets a customer.

The daily cron lists, for every active dossier whose customer agreed to be cared for
(consent purpose "care"), the birthdays and anniversaries of the individual customer and
of the key contacts of a company customer, the anniversary of the relationship (first
invoice, else the relationship start, else the opening of the dossier) and the
festivals. Each occasion is one row with a unique key: the care calendar shows them, and
the salesperson's activity is opened once per occasion, N days ahead (a company
setting), however often the cron runs."""

from collections import defaultdict
from datetime import date, timedelta

from odoo import api, fields, models

CARE_ACTIVITY = "customer_archive.mail_activity_type_care"
# how far ahead the care calendar lists occasions, activities or not
CALENDAR_DAYS = 30

KINDS = [
    ("birthday", "Birthday"),
    ("anniversary", "Anniversary"),
    ("relationship", "Relationship Anniversary"),
    ("festival", "Festival"),
]


def next_anniversary(start, today):
    """The first anniversary of ``start`` on or after ``today`` (29 February: the 28th
    in other years); ``None`` for a date not yet past."""
    if not start:
        return None
    for year in (today.year, today.year + 1):
        try:
            day = start.replace(year=year)
        except ValueError:
            day = date(year, 2, 28)
        if day >= today and day.year > start.year:
            return day
    return None


class CustomerArchiveCareOccasion(models.Model):
    _name = "customer.archive.care.occasion"
    _inherit = ["customer.archive.attached.mixin"]
    _description = "Customer Care Occasion"
    _order = "date, id"

    key = fields.Char(required=True, readonly=True, index=True)
    kind = fields.Selection(KINDS, string="Occasion", required=True, readonly=True)
    archive_id = fields.Many2one(
        "customer.archive", required=True, readonly=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(related="archive_id.partner_id", string="Customer")
    person_id = fields.Many2one("res.partner", readonly=True)
    festival_id = fields.Many2one("customer.archive.festival", readonly=True, ondelete="cascade")
    date = fields.Date(required=True, readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True, index=True)
    company_id = fields.Many2one(
        related="archive_id.company_id", store=True, index=True, precompute=True
    )
    activity_opened = fields.Boolean(readonly=True)

    _sql_constraints = [
        ("key_unique", "UNIQUE(key)", "This care occasion is already on record."),
    ]

    @api.depends("kind", "person_id", "festival_id", "archive_id.partner_id")
    def _compute_display_name(self):
        """What and whom: "元旦 · 北京华信科技有限公司", "生日 · 陈建国(北京华信科技有限公司)".
        A festival is one occasion per customer: the customer tells them apart."""
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for occasion in self:
            what = occasion.festival_id.name or kinds.get(occasion.kind, "")
            customer, person = occasion.partner_id, occasion.person_id
            who = customer.name or ""
            if person and person != customer:
                who = f"{person.name}({who})" if who else person.name
            occasion.display_name = " · ".join(filter(None, (what, who)))

    # ------------------------------------------------------------------ cron
    @api.model
    def _cron_open_care_activities(self):
        """Record the coming occasions and open the salespeople's activities that are due.

        A fixed number of queries, whatever the number of customers."""
        today = fields.Date.context_today(self)
        # the active dossiers whose customer or a contact consented to care, found from
        # the consents (a few), not from every dossier (a million at a large company)
        consents = self.env["customer.archive.consent"].search(
            [
                ("purpose", "=", "care"),
                ("is_current", "=", True),
                ("archive_id.state", "=", "active"),
            ]
        )
        archives = consents.archive_id
        wanted = self._wanted_occasions(archives, today)
        existing = self.search([("key", "in", [vals["key"] for vals in wanted])])
        known = set(existing.mapped("key"))
        occasions = existing | self.create([vals for vals in wanted if vals["key"] not in known])
        # occasions no longer wanted (consent withdrawn, date changed) that nobody was told of
        self.search(
            [
                ("activity_opened", "=", False),
                ("date", ">=", today),
                ("key", "not in", [vals["key"] for vals in wanted]),
            ]
        ).unlink()
        due = occasions.filtered(
            lambda occasion: (
                not occasion.activity_opened
                and occasion.user_id
                and occasion.date
                <= today + timedelta(days=occasion.company_id.customer_archive_care_days)
            )
        )
        due._open_activities()

    @api.model
    def _wanted_occasions(self, archives, today):
        """The values of the occasions of ``archives`` from ``today`` to the horizon."""
        horizon = today + timedelta(
            days=max(CALENDAR_DAYS, *archives.company_id.mapped("customer_archive_care_days"), 0)
        )
        consents = self.env["customer.archive.consent"].search(
            [
                ("archive_id", "in", archives.ids),
                ("purpose", "=", "care"),
                ("is_current", "=", True),
            ]
        )
        consented = {(consent.archive_id.id, consent.partner_id.id) for consent in consents}
        cared = consents.archive_id & archives
        contacts_of = defaultdict(lambda: self.env["res.partner"])
        for contact in self.env["res.partner"].search(
            [("parent_id", "in", cared.partner_id.ids), ("care_key_contact", "=", True)]
        ):
            contacts_of[contact.parent_id.id] |= contact
        first_invoices = self._first_invoice_dates(cared)
        festivals = self.env["customer.archive.festival"].search(
            [("date", ">=", today), ("date", "<=", horizon)]
        )
        wanted = []

        def add(archive, kind, day, person=None, festival=None):
            if not day or day > horizon:
                return
            key = f"{kind}-{archive.id}-{person.id if person else 0}-"
            key += f"{festival.id if festival else 0}-{day.isoformat()}"
            wanted.append(
                {
                    "key": key,
                    "kind": kind,
                    "archive_id": archive.id,
                    "person_id": (person or archive.partner_id).id,
                    "festival_id": festival.id if festival else False,
                    "date": day,
                    "user_id": self._care_user(archive).id,
                }
            )

        for archive in cared:
            customer = archive.partner_id
            persons = contacts_of[customer.id]
            if not customer.is_company:
                persons |= customer
            for person in persons.filtered(lambda p, a=archive: (a.id, p.id) in consented):
                birthday = person.care_birthday
                if person == customer and not birthday:
                    birthday = archive.birthday
                add(archive, "birthday", next_anniversary(birthday, today), person)
                add(
                    archive, "anniversary", next_anniversary(person.care_anniversary, today), person
                )
            start = (
                first_invoices.get((customer.id, archive.company_id.id))
                or archive.date_relationship_start
                or archive.date_open
            )
            add(archive, "relationship", next_anniversary(start, today))
            for festival in festivals:
                add(archive, "festival", festival.date, festival=festival)
        return wanted

    @api.model
    def _care_user(self, archive):
        """Who greets the customer: his salesperson, the keeper of a secret dossier (which
        the salesperson may not open) or of a customer nobody sells to."""
        if archive.confidentiality == "secret":
            return archive.user_id
        return archive.salesperson_id or archive.user_id

    @api.model
    def _first_invoice_dates(self, archives):
        """{(customer id, company id): date of its first posted invoice}, one query."""
        groups = self.env["account.move"]._read_group(
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("commercial_partner_id", "in", archives.partner_id.ids),
                ("company_id", "in", archives.company_id.ids),
            ],
            ["commercial_partner_id", "company_id"],
            ["invoice_date:min"],
        )
        return {(partner.id, company.id): day for partner, company, day in groups}

    def _open_activities(self):
        """One care activity per occasion for its salesperson, written in his language."""
        if not self:
            return
        activity_type = self.env.ref(CARE_ACTIVITY)
        model_id = self.env["ir.model"]._get_id("customer.archive")
        vals_list = []
        for occasion in self:
            lang_self = occasion.with_context(lang=occasion.user_id.lang or "en_US")
            kinds = dict(lang_self._fields["kind"]._description_selection(lang_self.env))
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": occasion.archive_id.id,
                    "activity_type_id": activity_type.id,
                    "user_id": occasion.user_id.id,
                    "date_deadline": occasion.date,
                    "summary": lang_self.env._(
                        "Care: %(occasion)s of %(who)s on %(date)s (%(customer)s)",
                        occasion=occasion.festival_id.name or kinds[occasion.kind],
                        who=occasion.person_id.name,
                        date=occasion.date,
                        customer=occasion.partner_id.name,
                    ),
                }
            )
        # quick update: no assignment email per activity (a query-heavy render each); the
        # salesperson finds them in his activities, on their day
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(vals_list)
        self.write({"activity_opened": True})
