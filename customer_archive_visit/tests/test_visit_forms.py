from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.customer_archive.tests.test_every_form_saves import TestEveryFormSaves


@tagged("post_install", "-at_install")
class TestVisitFormsSave(TestEveryFormSaves):
    """The visit's and the plan's forms save as the web client saves them (every field of
    the view with its default), as the role that uses them, on classified customers with
    active dossiers; then an edit sent back whole saves too. The core's forms are tried
    again with this addon's fields on them."""

    def test_salesperson_visit_form(self):
        """A visit of her own customer, from the salesperson's form."""
        self.assert_saves(
            "customer.archive.visit",
            self.reader,
            {"archive_id": self.archive_own.id, "purpose": "了解新年度采购计划"},
            {"purpose": "了解采购计划"},
        )

    def test_manager_plan_form(self):
        """A visit plan for grade A, from the manager's form."""
        self.assert_saves(
            "customer.archive.visit.plan",
            self.manager,
            {"name": "重点客户年度回访", "purpose": "年度回访", "filter_grade": "a"},
            {"name": "重点客户回访"},
        )

    def test_visit_dossier_field_of_a_new_form_finds_the_dossier(self):
        """On a new visit (no company yet) the 档案 field finds the dossier by its
        customer's name, with the field's domain evaluated on the new record."""
        Visit = self.env["customer.archive.visit"].with_user(self.officer)
        domain = Visit.fields_get(["archive_id"])["archive_id"].get("domain") or "[]"
        new_record = {"company_id": False, "state": "planned", "id": False}
        domain = safe_eval(domain, new_record) if isinstance(domain, str) else domain
        found = (
            self.env["customer.archive"]
            .with_user(self.reader)
            .name_search(self.partner_own.name, domain)
        )
        self.assertIn(self.archive_own.id, [row[0] for row in found])
