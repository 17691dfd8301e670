from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CustomerArchiveCase


@tagged("post_install", "-at_install")
class TestCustomerArchiveSalesperson(CustomerArchiveCase):
    """The dossier keeps a stored copy of its customer's salesperson, which the rules read."""

    def _visible(self, user, model="customer.archive"):
        return self.env[model].with_user(user).search([("company_id", "=", self.company.id)])

    def test_salesperson_copy_follows_the_partner(self):
        """A customer handed to another salesperson moves his dossier with him."""
        self.partner_other.user_id = self.reader
        self.assertEqual(self.archive_other.salesperson_id, self.reader)
        self.assertEqual(
            self._visible(self.reader), self.archive_own | self.archive_other | self.archive_kept
        )
        self.assertFalse(self._visible(self.reader2))
        self.assertEqual(
            self.env["customer.archive"].search([("salesperson_id", "=", self.reader.id)]),
            self.archive_own | self.archive_other | self.archive_secret,
        )

    def test_salesperson_removed_ends_the_access(self):
        """A customer without salesperson leaves his former salesperson's archive list."""
        self.partner_own.user_id = False
        self.assertEqual(self._visible(self.reader), self.archive_kept)
        with self.assertRaises(AccessError):
            self.archive_own.with_user(self.reader).read(["name"])
        self.assertFalse(self.partner_own.with_user(self.reader).customer_archive_id)

    def test_officer_keeps_a_secret_archive(self):
        """An officer sees the secret dossier he keeps and its documents, no other secret one."""
        self.archive_secret.user_id = self.officer
        document = self.env["customer.archive.document"].create(
            {"archive_id": self.archive_secret.id, "type_id": self.doc_type.id, "name": "绝密协议"}
        )
        self.assertEqual(
            self._visible(self.officer),
            self.archive_own | self.archive_other | self.archive_kept | self.archive_secret,
        )
        self.assertIn(document, self._visible(self.officer, "customer.archive.document"))
        self.assertNotIn(self.archive_secret, self._visible(self.reader))
        self.archive_secret.user_id = self.manager
        self.assertNotIn(self.archive_secret, self._visible(self.officer))

    def test_partner_summary_counts_readable_documents(self):
        """The partner form's summary counts the documents its reader may open."""
        as_reader = self.partner_own.with_user(self.reader)
        self.assertEqual(as_reader.customer_archive_id, self.archive_own)
        self.assertEqual(as_reader.customer_archive_keeper_id, self.officer)
        self.assertEqual(as_reader.customer_archive_document_count, 1)
        self.env.invalidate_all()  # one request per user, as in the web client
        as_officer = self.partner_own.with_user(self.officer)
        self.assertEqual(as_officer.customer_archive_document_count, 2)
        as_other = self.partner_other.with_user(self.reader)
        self.assertFalse(as_other.customer_archive_id)
        self.assertFalse(as_other.customer_archive_keeper_id)
        self.assertEqual(as_other.customer_archive_document_count, 0)
