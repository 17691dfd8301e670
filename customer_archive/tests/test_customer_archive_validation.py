from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import CustomerArchiveCase, make_credit_code


@tagged("post_install", "-at_install")
class TestCustomerArchiveValidation(CustomerArchiveCase):
    def _create(self, **values):
        return (
            self.env["customer.archive"]
            .with_user(self.officer)
            .create(dict({"partner_id": self.partner_free.id}, **values))
        )

    def _count(self):
        return self.env["customer.archive"].sudo().search_count([])

    def test_credit_code_bad_check_digit_refused(self):
        """A credit code whose check digit does not match is refused and nothing is written."""
        code = make_credit_code(3)
        wrong = code[:-1] + ("1" if code[-1] != "1" else "2")
        before = self._count()
        with self.assertRaises(ValidationError) as caught:
            self._create(credit_code=wrong)
        self.assertIn("check digit", str(caught.exception))
        self.assertEqual(self._count(), before)

    def test_credit_code_wrong_length_refused(self):
        """A credit code of the wrong length is refused with the expected length named."""
        with self.assertRaises(ValidationError) as caught:
            self._create(credit_code="9131011512345")
        self.assertIn("18", str(caught.exception))

    def test_credit_code_is_normalised(self):
        """Spaces, dashes and lower case are removed before storing the code."""
        code = make_credit_code(4)
        archive = self._create(credit_code=f" {code[:6].lower()}-{code[6:]} ")
        self.assertEqual(archive.credit_code, code)

    def test_credit_code_unique_per_company(self):
        """The same credit code cannot be registered twice in one company."""
        before = self._count()
        with self.assertRaises(ValidationError) as caught:
            self._create(credit_code=self.archive_own.credit_code)
        self.assertIn("already registered", str(caught.exception))
        self.assertEqual(self._count(), before)

    def test_credit_code_unique_across_invisible_archives(self):
        """Uniqueness holds even against an archive the officer cannot see."""
        code = make_credit_code(5)
        self.archive_secret.credit_code = code
        with self.assertRaises(ValidationError) as caught:
            self._create(credit_code=code)
        self.assertIn("already registered", str(caught.exception))

    def test_credit_code_same_in_other_company_allowed(self):
        """Another company may register the same credit code for its own customer."""
        other_company = self.env["res.company"].create({"name": "分公司"})
        partner = self.env["res.partner"].create(
            {"name": "分公司客户", "company_id": other_company.id}
        )
        archive = self.env["customer.archive"].create(
            {
                "partner_id": partner.id,
                "company_id": other_company.id,
                "credit_code": self.archive_own.credit_code,
            }
        )
        self.assertEqual(archive.credit_code, self.archive_own.credit_code)

    def test_second_archive_for_partner_refused(self):
        """A customer has one archive: a second one is refused."""
        before = self._count()
        with self.assertRaises(ValidationError) as caught:
            self._create(partner_id=self.partner_other.id)
        self.assertIn("already has an archive", str(caught.exception))
        self.assertEqual(self._count(), before)

    def test_archive_for_contact_person_refused(self):
        """Archives are opened on the company, not on one of its contact persons."""
        with self.assertRaises(ValidationError) as caught:
            self._create(partner_id=self.contact_own.id)
        self.assertIn("contact person", str(caught.exception))

    def test_location_cycle_refused(self):
        """A storage location cannot be placed inside itself."""
        Location = self.env["customer.archive.location"].with_user(self.officer)
        room = Location.create({"name": "档案室", "kind": "room"})
        cabinet = Location.create({"name": "柜 1", "parent_id": room.id})
        self.assertEqual(cabinet.complete_name, "档案室 / 柜 1")
        with self.assertRaises(UserError):
            room.parent_id = cabinet
