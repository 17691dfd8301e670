from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import CustomerArchiveRpcCase

CLASSIFIED = {
    "customer_grade": "a",
    "customer_grade_computed": "a",
    "customer_tier": "important",
    "customer_loyalty": "loyal",
    "customer_value_class": "important_value",
    "customer_rfm_recency": 5,
    "customer_rfm_frequency": 4,
    "customer_rfm_monetary": 5,
    "customer_yearly_amount": 156000.0,
    "customer_invoice_count": 9,
    "customer_last_invoice_date": "2026-11-20",
    "customer_classified_date": "2026-12-01",
    "customer_classification_hash": "demo-like",
}


class WebClientSaveCase(CustomerArchiveRpcCase):
    """Customers classified as the nightly recompute leaves them, and saves of whole
    forms as the web client sends them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        creation = cls.env.ref("base.group_partner_manager")
        (cls.reader | cls.officer | cls.manager).write({"groups_id": [Command.link(creation.id)]})
        cls.classify(cls.partner_own | cls.partner_other | cls.partner_free)

    @classmethod
    def classify(cls, partners, **values):
        """Results stored as the nightly recompute stores them."""
        # sudo: the results are the recompute's, which runs as superuser
        partners.sudo().with_company(cls.company).write(dict(CLASSIFIED, **values))

    def web_write(self, record, user, values):
        """Save an edit as the harshest client would: every stored field of the form
        view sent back with the value it shows, then ``values`` on top."""
        record = record.with_user(user)
        view_fields = record.get_views([(False, "form")])["models"][record._name]["fields"]
        names = [
            name
            for name in view_fields
            if name != "id"
            and record._fields[name].store
            and not record._fields[name].compute
            and record._fields[name].type not in ("one2many", "many2many")
        ]
        [shown] = record.web_read({name: {} for name in names})
        vals = {name: shown[name] for name in names}
        for name, value in vals.items():
            if isinstance(value, dict):  # a many2one as the client reads it
                vals[name] = value.get("id", False)
        vals.update(values)
        record.web_save(vals, {"id": {}})
        return record


@tagged("post_install", "-at_install")
class TestWebClientSaves(WebClientSaveCase):
    """The core forms the addon changes (the partner form, its quick create, the merge
    wizard, the user form, the settings) save as the web client saves them — every field
    of the view, invisible ones and defaults included — as each role that uses them, on
    customers the rules have classified, as a company's are."""

    def test_salesperson_and_keeper_create_a_company_customer(self):
        """联系人 › 新建 › 公司, a name and a phone, 保存: the salesperson and the keeper
        create a company; nobody is told about the classification."""
        for user, name in (
            (self.reader, "南京紫金软件有限公司"),
            (self.officer, "武汉江城物流有限公司"),
        ):
            partner = self.web_create(
                "res.partner",
                user,
                {"name": name, "company_type": "company", "is_company": True, "phone": "025-1"},
            )
            self.assertTrue(partner.is_company)
            self.assertEqual(partner.name, name)
            form = Form(self.env["res.partner"].with_user(user))
            form.company_type = "company"
            form.name = name + "南京分公司"
            form.phone = "025-8888 0000"
            self.assertTrue(form.save().is_company)

    def test_salesperson_edits_a_classified_customer(self):
        """The salesperson changes the phone of her classified customer with the whole
        form sent back: saved, the classification untouched."""
        self.web_write(self.partner_own, self.reader, {"phone": "021-6666 8888"})
        partner = self.partner_own.with_company(self.company)
        self.assertEqual(partner.phone, "021-6666 8888")
        self.assertEqual(partner.customer_grade, "a")
        form = Form(self.partner_own.with_user(self.officer).with_company(self.company))
        form.website = "https://pujiang.example.com"
        form.save()
        self.assertEqual(partner.customer_tier, "important")

    def test_guard_still_refuses_a_changed_result_or_override(self):
        """A value that changes is still refused: results to everyone, overrides to all
        but managers — through the form's save and over RPC."""
        with self.assertRaises(AccessError):
            self.web_write(self.partner_own, self.reader, {"customer_grade": "d"})
        with self.assertRaises(AccessError):
            self.web_write(self.partner_own, self.officer, {"customer_key_account": True})
        with self.assertRaises(AccessError):
            self.web_create(
                "res.partner", self.officer, {"name": "假分类有限公司", "customer_grade": "a"}
            )
        with self.assertRpcFault():
            self.rpc(
                self.manager,
                "res.partner",
                "write",
                [self.partner_own.id],
                {"customer_tier": "ordinary"},
            )
        with self.assertRpcFault():
            self.rpc(
                self.officer,
                "res.partner",
                "create",
                [{"name": "假重点客户有限公司", "customer_key_account": True}],
            )
        partner = self.partner_own.with_company(self.company)
        self.assertEqual((partner.customer_grade, partner.customer_tier), ("a", "important"))
        self.assertFalse(partner.customer_key_account)

    def test_quick_create_of_a_company_name_makes_a_company(self):
        """ "创建…" of 北京…有限公司 makes a company; of a person's name, a person;
        "创建并编辑" opens the form as a company for a company's name."""
        Partner = self.env["res.partner"].with_user(self.reader)
        company_id, _name = Partner.name_create("北京华信科技有限公司")
        person_id, _name = Partner.name_create("陈小明")
        english_id, _name = Partner.name_create("Harbour Trading Co., Ltd.")
        self.assertTrue(Partner.browse(company_id).is_company)
        self.assertFalse(Partner.browse(person_id).is_company)
        self.assertTrue(Partner.browse(english_id).is_company)
        form = Form(Partner.with_context(default_name="天津滨海化工厂"))
        self.assertEqual(form.company_type, "company")
        form = Form(
            Partner.with_context(
                default_name="天津滨海化工厂", default_parent_id=self.partner_own.id
            )
        )
        self.assertEqual(form.company_type, "person")

    def merge(self, user, partners, kept):
        Wizard = self.env["base.partner.merge.automatic.wizard"].with_user(user)
        context = {"active_model": "res.partner", "active_ids": partners.ids}
        wizard = self.web_create(
            "base.partner.merge.automatic.wizard",
            user,
            {"dst_partner_id": kept.id, "partner_ids": [Command.set(partners.ids)]},
            context=context,
        )
        wizard.with_context(**context).action_merge()
        return Wizard

    def test_keeper_and_manager_merge_classified_customers(self):
        """A customer typed twice, both classified, one with the dossier: the keeper
        merges them from the wizard's form, and so does a manager another pair; the
        dossier stays with its customer, who keeps its own classification and gets what
        it lacked from the duplicate."""
        Partner = self.env["res.partner"].with_company(self.company)
        twice = Partner.create({"name": "上海浦江贸易有限责任公司", "is_company": True})
        self.classify(twice, customer_grade="c", customer_tier="ordinary")
        self.merge(self.officer, self.partner_own | twice, self.partner_own)
        self.assertFalse(twice.exists())
        self.assertEqual(self.archive_own.partner_id, self.partner_own)
        self.assertEqual(self.partner_own.with_company(self.company).customer_grade, "a")
        other_twice = Partner.create({"name": "深圳鹏城电子有限公司", "is_company": True})
        self.classify(other_twice, customer_grade="b", customer_key_account=True)
        self.merge(self.manager, self.partner_other | other_twice, self.partner_other)
        self.assertFalse(other_twice.exists())
        partner = self.partner_other.with_company(self.company)
        self.assertEqual(partner.customer_grade, "a")
        self.assertTrue(
            partner.customer_key_account, "what the kept one lacked comes from the duplicate"
        )

    def test_reader_may_not_merge_into_a_dossier(self):
        """A salesperson with Odoo's contact creation may not merge into a customer with
        a dossier; nothing merged."""
        twice = self.env["res.partner"].create(
            {"name": "上海浦江贸易(集团)有限公司", "is_company": True}
        )
        with self.assertRaisesRegex(UserError, "archive officer or manager"):
            self.merge(self.reader, self.partner_own | twice, self.partner_own)
        self.assertTrue(twice.exists())

    def test_user_form_and_settings_save(self):
        """The administrator saves a new user with an archive group from the user form,
        and the archive's settings page, both with every field of the view."""
        admin = self.env.ref("base.user_admin")
        admin.write({"company_ids": [Command.link(self.company.id)]})
        user = self.web_create(
            "res.users",
            admin,
            {"name": "孙丽", "login": "sunli_web", "company_id": self.company.id},
            context={"allowed_company_ids": [self.company.id]},
        )
        user.write({"groups_id": [Command.link(self.env.ref("customer_archive.group_officer").id)]})
        self.assertTrue(user.has_group("customer_archive.group_officer"))
        settings = self.web_create(
            "res.config.settings", admin, {}, context={"allowed_company_ids": [self.company.id]}
        )
        settings.execute()
