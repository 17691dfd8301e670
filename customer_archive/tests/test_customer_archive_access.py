from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CustomerArchiveCase, make_credit_code


@tagged("post_install", "-at_install")
class TestCustomerArchiveAccess(CustomerArchiveCase):
    def _visible(self, user, model="customer.archive"):
        return self.env[model].with_user(user).search([("company_id", "=", self.company.id)])

    def test_reader_sees_own_customers_and_kept_archives_only(self):
        """A salesperson sees his customers' archives and those he keeps, nothing else."""
        self.assertEqual(self._visible(self.reader), self.archive_own | self.archive_kept)
        self.assertEqual(self._visible(self.reader2), self.archive_other)

    def test_reader_refused_other_customer_archive(self):
        """Reading another salesperson's customer archive by id is refused."""
        with self.assertRaises(AccessError):
            self.archive_other.with_user(self.reader).read(["legal_representative"])

    def test_reader_refused_secret_archive_of_own_customer(self):
        """Secret archives stay hidden even from the customer's own salesperson."""
        with self.assertRaises(AccessError):
            self.archive_secret.with_user(self.reader).read(["name"])

    def test_reader_cannot_create_write_unlink(self):
        """Readers only read: creating, editing and deleting archives is refused."""
        archive = self.archive_own.with_user(self.reader)
        with self.assertRaises(AccessError):
            archive.write({"legal_representative": "改名"})
        with self.assertRaises(AccessError):
            archive.unlink()
        with self.assertRaises(AccessError):
            self.env["customer.archive"].with_user(self.reader).create(
                {"partner_id": self.partner_free.id}
            )
        self.assertEqual(self.archive_own.legal_representative, "刘海燕")

    def test_reader_refused_personal_and_credit_fields(self):
        """Personal data and credit notes are for officers, even on one's own customer."""
        archive = self.archive_own.with_user(self.reader)
        for field in ("birthday", "credit_notes", "family_info"):
            with self.assertRaises(AccessError):
                archive.read([field])
        self.assertEqual(archive.legal_representative, "刘海燕")
        self.assertEqual(self.archive_own.with_user(self.officer).credit_notes, "按时付款")

    def test_officer_sees_all_but_secret(self):
        """The archive officer maintains every archive except the secret ones."""
        self.assertEqual(
            self._visible(self.officer),
            self.archive_own | self.archive_other | self.archive_kept,
        )
        with self.assertRaises(AccessError):
            self.archive_secret.with_user(self.officer).read(["name"])

    def test_officer_creates_and_writes_but_cannot_unlink(self):
        """Officers open and complete archives; deleting one is refused."""
        archive = (
            self.env["customer.archive"]
            .with_user(self.officer)
            .create({"partner_id": self.partner_free.id, "credit_code": make_credit_code(9)})
        )
        archive.write({"legal_representative": "赵敏"})
        self.assertEqual(archive.legal_representative, "赵敏")
        with self.assertRaises(AccessError):
            archive.unlink()
        self.assertTrue(archive.exists())

    def test_officer_cannot_make_archive_secret(self):
        """Only a manager classifies an archive as secret."""
        with self.assertRaises(AccessError):
            self.archive_other.with_user(self.officer).write({"confidentiality": "secret"})
        self.assertEqual(self.archive_other.confidentiality, "normal")
        self.archive_other.with_user(self.manager).write({"confidentiality": "secret"})
        self.assertEqual(self.archive_other.confidentiality, "secret")

    def test_manager_sees_and_deletes_all(self):
        """Managers see secret archives and may delete archives."""
        self.assertIn(self.archive_secret, self._visible(self.manager))
        self.archive_kept.with_user(self.manager).unlink()
        self.assertFalse(self.archive_kept.exists())

    def test_user_without_archive_group_is_refused(self):
        """Employees outside the archive groups cannot search archives at all."""
        with self.assertRaises(AccessError):
            self.env["customer.archive"].with_user(self.user_plain).search([])
        with self.assertRaises(AccessError):
            self.env["customer.archive.document"].with_user(self.user_plain).search([])

    def test_other_company_archive_is_hidden(self):
        """A manager of one company does not see the archives of another company."""
        other_company = self.env["res.company"].create({"name": "另一家公司"})
        partner = self.env["res.partner"].create(
            {"name": "外公司客户", "company_id": other_company.id}
        )
        archive = (
            self.env["customer.archive"]
            .with_company(other_company)
            .create({"partner_id": partner.id, "company_id": other_company.id})
        )
        self.assertFalse(
            self.env["customer.archive"].with_user(self.manager).search([("id", "=", archive.id)])
        )
        with self.assertRaises(AccessError):
            archive.with_user(self.manager).read(["name"])

    def test_documents_follow_archive_and_confidential_flag(self):
        """Readers see their customers' documents, but not the confidential ones."""
        self.assertEqual(self._visible(self.reader, "customer.archive.document"), self.document_own)
        self.assertEqual(
            self._visible(self.officer, "customer.archive.document"),
            self.document_own | self.document_own_confidential,
        )
        self.assertFalse(self._visible(self.reader2, "customer.archive.document"))
        with self.assertRaises(AccessError):
            self.document_own.with_user(self.reader).write({"name": "改"})

    def test_reader_posts_visit_report_on_own_archive(self):
        """Salespeople log visits on their customers' archives, not on others'."""
        subtype = self.env.ref("customer_archive.mt_visit_report")
        message = self.archive_own.with_user(self.reader).message_post(
            body="拜访采购部,确认下季度订单", subtype_id=subtype.id, message_type="comment"
        )
        self.assertEqual(message.subtype_id, subtype)
        with self.assertRaises(AccessError):
            self.archive_other.with_user(self.reader).message_post(
                body="不应成功", subtype_id=subtype.id, message_type="comment"
            )
