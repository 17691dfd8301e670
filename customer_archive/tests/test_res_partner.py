from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CustomerArchiveCase


@tagged("post_install", "-at_install")
class TestResPartnerArchive(CustomerArchiveCase):
    def test_summary_shown_for_own_customer(self):
        """The partner form shows its archive summary to the customer's salesperson."""
        partner = self.partner_own.with_user(self.reader)
        self.assertEqual(partner.customer_archive_id, self.archive_own)
        self.assertEqual(partner.customer_archive_keeper_id, self.officer)
        self.assertEqual(partner.customer_archive_document_count, 1)  # confidential one hidden

    def test_summary_empty_where_archive_refused(self):
        """Nothing of a refused archive is readable through the partner."""
        for partner in (self.partner_other, self.partner_secret):
            as_reader = partner.with_user(self.reader)
            self.assertFalse(as_reader.customer_archive_id)
            self.assertFalse(as_reader.customer_archive_keeper_id)
            self.assertFalse(as_reader.customer_archive_confidentiality)
            self.assertFalse(as_reader.customer_archive_ids)

    def test_contact_person_shows_company_archive(self):
        """A contact person's form shows the archive of his company."""
        self.assertEqual(
            self.contact_own.with_user(self.reader).customer_archive_id, self.archive_own
        )

    def test_plain_employee_keeps_partner_but_not_archive_fields(self):
        """Employees outside the archive groups read partners as before, not their archive."""
        partner = self.partner_own.with_user(self.user_plain)
        self.assertEqual(partner.name, "上海浦江贸易有限公司")
        with self.assertRaises(AccessError):
            partner.read(["customer_archive_id"])
        self.assertNotIn("customer_archive_id", partner.fields_get())

    def test_archive_state_filter_and_group_by(self):
        """Partners filter and group by whether and how their archive stands."""
        Partner = self.env["res.partner"].with_user(self.reader)
        domain = [("id", "in", (self.partner_own | self.partner_free | self.partner_kept).ids)]
        with_archive = Partner.search(
            [*domain, ("customer_archive_state", "not in", ("none", False))]
        )
        self.assertEqual(with_archive, self.partner_own | self.partner_kept)
        groups = dict(Partner._read_group(domain, ["customer_archive_state"], ["__count"]))
        self.assertEqual(groups, {"draft": 2, "none": 1})
        self.archive_kept.action_activate()
        self.assertEqual(self.partner_kept.customer_archive_state, "active")

    def test_smart_button_opens_or_starts_archive(self):
        """The partner's Archive button opens the archive, or starts one for an officer."""
        action = self.partner_own.with_user(self.reader).action_open_customer_archive()
        self.assertEqual(action["res_id"], self.archive_own.id)
        action = self.partner_free.with_user(self.officer).action_open_customer_archive()
        self.assertEqual(action["context"]["default_partner_id"], self.partner_free.id)
        with self.assertRaisesRegex(UserError, "no archive yet"):
            self.partner_free.with_user(self.reader).action_open_customer_archive()
        with self.assertRaisesRegex(UserError, "lend it"):
            self.partner_other.with_user(self.reader).action_open_customer_archive()
