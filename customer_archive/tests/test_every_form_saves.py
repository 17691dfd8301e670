from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .test_web_client_saves import CLASSIFIED, WebClientSaveCase


@tagged("post_install", "-at_install")
class TestEveryFormSaves(WebClientSaveCase):
    """Every form of the addon a person fills in saves as the web client saves it (every
    field of the view with its default, invisible ones included), as the role that uses
    it, on classified customers with active dossiers; then an edit sent back whole saves
    too."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the dossiers are active, as a company's are
        (cls.archive_own | cls.archive_other).with_user(cls.officer).action_activate()

    def assert_saves(self, model, user, values, edit, context=None):
        """Created from its form by ``user`` and edited with the whole form sent back."""
        record = self.web_create(model, user, values, context=context)
        self.assertTrue(record.exists(), f"{model} created by {user.name}")
        if not edit:
            return record
        self.web_write(record, user, edit)
        for fname, value in edit.items():
            self.assertEqual(record[fname], value, f"{model}.{fname} saved by {user.name}")
        return record

    def test_keeper_forms(self):
        """The keeper's forms: a storage place, a document with its valid-until date,
        a dossier for a classified customer."""
        location = self.assert_saves(
            "customer.archive.location", self.officer, {"name": "一号档案柜"}, {"name": "一号柜"}
        )
        self.assert_saves(
            "customer.archive.document",
            self.officer,
            {
                "archive_id": self.archive_own.id,
                "type_id": self.env.ref("customer_archive.document_type_bl").id,
                "name": "营业执照副本",
                "valid_until": "2030-06-30",
            },
            {"name": "营业执照正本"},
        )
        archive = self.assert_saves(
            "customer.archive",
            self.officer,
            {"partner_id": self.partner_free.id, "location_id": location.id},
            {"legal_representative": "何平"},
        )
        self.assertEqual(archive.partner_id.with_company(self.company).customer_grade, "a")

    def test_salesperson_forms(self):
        """The salesperson's forms: a loan of a dossier not hers, a risk signal (a visit:
        customer_archive_visit)."""
        self.assert_saves(
            "customer.archive.loan",
            self.reader,
            {"archive_id": self.archive_other.id, "purpose": "需查阅其营业执照和历年合同"},
            {"purpose": "查阅营业执照"},
        )
        self.assert_saves(
            "customer.risk.signal",
            self.reader,
            {
                "partner_id": self.partner_own.id,
                "type_id": self.env.ref("customer_archive.risk_signal_type_lawsuit").id,
                "note": "法院传票",
            },
            None,  # a signal is the manager's to handle once flagged
        )

    def test_manager_forms(self):
        """The manager's forms: a risk signal type, the classification policy of the
        company (a visit plan: customer_archive_visit; a satisfaction campaign:
        customer_archive_survey)."""
        self.assert_saves(
            "customer.risk.signal.type",
            self.manager,
            {"name": "法人失联"},
            {"name": "法人长期失联"},
        )
        policy = self.env["customer.classification.policy"].create({"company_id": self.company.id})
        self.web_write(policy, self.manager, {"grade_a_amount": 120000.0})
        self.assertEqual(policy.grade_a_amount, 120000.0)
        self.assertEqual(
            self.partner_own.with_company(self.company).customer_grade,
            CLASSIFIED["customer_grade"],
        )

    def test_dossier_field_of_a_new_form_finds_the_dossier(self):
        """On a new form (no company yet: it follows the dossier) the 档案 field of a
        proposal, loan, document or correction finds the dossier by its customer's
        name, as the dropdown asks with the field's domain evaluated on the new record."""
        name = self.partner_own.name
        for model in (
            "customer.archive.proposal",
            "customer.archive.loan",
            "customer.archive.document",
            "customer.archive.correction",
        ):
            Model = self.env[model].with_user(self.officer)
            domain = Model.fields_get(["archive_id"])["archive_id"].get("domain") or "[]"
            new_record = {"company_id": False, "state": "draft", "id": False}
            domain = safe_eval(domain, new_record) if isinstance(domain, str) else domain
            found = self.env["customer.archive"].with_user(self.reader).name_search(name, domain)
            self.assertIn(self.archive_own.id, [row[0] for row in found], model)
