from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import RPC_FAULT_CODE_WARNING, CustomerArchiveRpcCase, make_credit_code


@tagged("post_install", "-at_install")
class TestCustomerArchiveDuplicate(CustomerArchiveRpcCase):
    """The "Likely duplicates" view and the way from it into Odoo's contact merge, which
    never deletes or silently moves a dossier."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partner_manager = cls.env.ref("base.group_partner_manager")
        (cls.officer | cls.manager).write({"groups_id": [Command.link(partner_manager.id)]})
        Partner = cls.env["res.partner"].with_company(cls.company)
        customer = {"is_company": True, "customer_rank": 1, "company_id": cls.company.id}
        # the same company typed three ways, one of them with a mobile in another form
        cls.dup_a = Partner.create(
            dict(customer, name="苏州精密机械有限公司", mobile="138 0013 8000")
        )
        cls.dup_b = Partner.create(dict(customer, name="苏州 精密机械 有限责任公司"))
        cls.dup_c = Partner.create(dict(customer, name="苏州精密机械厂", mobile="+86 13800138000"))
        # the same email with other case and spacing
        cls.mail_a = Partner.create(dict(customer, name="宁波港湾物流", email="Sales@NB.cn "))
        cls.mail_b = Partner.create(dict(customer, name="宁波港湾运输", email="sales@nb.cn"))
        # not customers: a contact person and a partner never invoiced without dossier
        Partner.create({"name": "苏州精密机械有限公司", "parent_id": cls.partner_own.id})
        cls.not_customer = Partner.create({"name": "苏州精密机械有限公司", "is_company": True})
        cls.Duplicate = cls.env["customer.archive.duplicate"]

    def group_of(self, partner, kind):
        groups = self.Duplicate.search([("kind", "=", kind)]).filtered(
            lambda group: partner in group.partner_ids
        )
        self.assertEqual(len(groups), 1, f"{partner.name} in one {kind} group")
        return groups

    def test_groups_by_name_phone_and_email(self):
        """Customers sharing a normalised name, a phone number or an email are grouped;
        contact persons and partners that are not customers are not."""
        by_name = self.group_of(self.dup_a, "name")
        self.assertEqual(by_name.partner_ids, self.dup_a | self.dup_b)
        self.assertEqual(by_name.partner_count, 2)
        self.assertEqual(by_name.archive_count, 0)
        by_phone = self.group_of(self.dup_a, "phone")
        self.assertEqual(by_phone.partner_ids, self.dup_a | self.dup_c)
        self.assertEqual(by_phone.key, "13800138000")
        by_email = self.group_of(self.mail_a, "email")
        self.assertEqual(by_email.partner_ids, self.mail_a | self.mail_b)
        self.assertNotIn(self.not_customer, self.Duplicate.search([]).partner_ids)
        groups = self.Duplicate.search([])
        self.assertEqual(len(set(groups.ids)), len(groups), "every group has its own id")

    def test_group_id_stays_while_the_group_keeps_its_first_customer(self):
        """A group's id depends on its first customer, not on the other groups: the row
        a manager opened is still the same group when he clicks its button."""
        group_id = self.group_of(self.dup_a, "name").id
        self.env["res.partner"].create(
            {"name": "苏州精密机械股份有限公司", "customer_rank": 1, "is_company": True}
        )
        self.env["res.partner"].create(
            {"name": "无锡太湖电器有限公司", "customer_rank": 1, "phone": "0510-8888 1234"}
        )
        self.env["res.partner"].create(
            {"name": "无锡太湖电器公司", "customer_rank": 1, "phone": "051088881234"}
        )
        self.env.invalidate_all()  # a new request
        group = self.group_of(self.dup_a, "name")
        self.assertEqual(group.id, group_id)
        self.assertEqual(group.partner_count, 3)

    def test_another_companys_customers_stay_in_their_company(self):
        """A customer of another company with the same name is not grouped with this
        company's, and its group is not shown to this company's officer: no customer
        name of another company reaches him. A customer shared by all companies is
        compared with each company's."""
        other = self.env["res.company"].create({"name": "另一家公司"})
        Partner = self.env["res.partner"]
        foreign = {"customer_rank": 1, "is_company": True, "company_id": other.id}
        Partner.create(dict(foreign, name="苏州精密机械有限公司"))
        Partner.create(dict(foreign, name="宁波北仑贸易有限公司"))
        Partner.create(dict(foreign, name="宁波北仑贸易有限责任公司"))
        shared = Partner.create({"name": "宁波港湾物流", "customer_rank": 1})
        self.assertEqual(self.group_of(self.dup_a, "name").partner_ids, self.dup_a | self.dup_b)
        officer_groups = self.Duplicate.with_user(self.officer).search([])
        self.assertNotIn("宁波北仑贸易有限公司", officer_groups.mapped("key"))
        self.assertEqual(set(officer_groups.company_id.ids), {self.company.id})
        by_name = officer_groups.filtered(lambda group: group.key == "宁波港湾物流")
        self.assertEqual(by_name.partner_ids, self.mail_a | shared)
        rows = self.rpc(self.officer, "customer.archive.duplicate", "search_read", [], ["key"])
        self.assertNotIn("宁波北仑贸易有限公司", {row["key"] for row in rows})

    def test_readers_and_plain_users_may_not_list_them(self):
        """The list is the archive officers' and managers'."""
        for user in (self.reader, self.user_plain):
            with self.assertRaises(AccessError):
                self.Duplicate.with_user(user).search([])
            with self.assertRpcFault():
                self.rpc(user, "customer.archive.duplicate", "search_read", [], fields=["key"])
        rows = self.rpc(self.officer, "customer.archive.duplicate", "search_read", [], ["key"])
        self.assertIn("13800138000", {row["key"] for row in rows})

    def test_merge_button_opens_odoos_merge_on_the_group(self):
        """The button opens Odoo's merge wizard with the group's customers and the one
        with the dossier as the contact kept; merging from its form as the manager
        leaves the dossier with its registered customer, which notes what it absorbed."""
        archive = self.env["customer.archive"].create(
            {"partner_id": self.dup_b.id, "credit_code": make_credit_code(77)}
        )
        group = self.group_of(self.dup_a, "name").with_user(self.manager)
        action = group.action_merge()
        self.assertEqual(action["res_model"], "base.partner.merge.automatic.wizard")
        self.assertEqual(set(action["context"]["active_ids"]), set((self.dup_a | self.dup_b).ids))
        Wizard = self.env[action["res_model"]].with_user(self.manager)
        with Form(Wizard.with_context(**action["context"])) as form:
            self.assertEqual(form.state, "selection")
            self.assertEqual(form.dst_partner_id, self.dup_b)
        form.record.action_merge()
        self.assertFalse(self.dup_a.exists())
        self.assertEqual(archive.partner_id, self.dup_b)
        self.assertEqual(archive.partner_id.name, "苏州 精密机械 有限责任公司")
        notes = archive.message_ids.mapped("body")
        self.assertTrue(any("苏州精密机械有限公司" in str(note) for note in notes), notes)

    def test_the_dossiers_customer_is_the_contact_kept(self):
        """Keeping the other contact would move the dossier to a customer of another
        name without a correction request: refused, nothing merged."""
        archive = self.env["customer.archive"].create({"partner_id": self.dup_b.id})
        group = self.group_of(self.dup_a, "name").with_user(self.manager)
        Wizard = self.env["base.partner.merge.automatic.wizard"].with_user(self.manager)
        wizard = Wizard.with_context(**group.action_merge()["context"])
        with self.assertRaisesRegex(UserError, "destination contact"):
            wizard.create({"dst_partner_id": self.dup_a.id}).action_merge()
        self.assertTrue(self.dup_b.exists() and self.dup_a.exists())
        self.assertEqual(archive.partner_id, self.dup_b)

    def test_merge_of_two_dossiers_refused_even_to_the_administrator(self):
        """Odoo would delete one of two dossiers (a customer keeps one): refused, for the
        administrator too, and both dossiers stay as they were."""
        archive_a = self.env["customer.archive"].create({"partner_id": self.dup_a.id})
        archive_b = self.env["customer.archive"].create({"partner_id": self.dup_b.id})
        group = self.group_of(self.dup_a, "name")
        self.assertEqual(group.archive_count, 2)
        admin = self.env.ref("base.user_admin")
        admin.company_ids |= self.company
        for user in (self.manager, admin):
            Wizard = self.env["base.partner.merge.automatic.wizard"].with_user(user)
            wizard = Wizard.with_context(**group.with_user(user).action_merge()["context"])
            with self.assertRaisesRegex(UserError, "destruction register"):
                wizard.create({"dst_partner_id": self.dup_a.id}).action_merge()
        self.assertTrue(self.dup_b.exists())
        self.assertEqual(archive_a.partner_id, self.dup_a)
        self.assertEqual(archive_b.partner_id, self.dup_b)

    def test_merge_into_a_dossier_is_for_officers(self):
        """The keeper merges a customer typed twice into the one with the dossier; a
        salesperson with Odoo's contact creation may not."""
        self.reader.write(
            {"groups_id": [Command.link(self.env.ref("base.group_partner_manager").id)]}
        )
        archive = self.env["customer.archive"].create({"partner_id": self.dup_a.id})
        by_name = self.group_of(self.dup_a, "name")
        context = by_name.with_user(self.officer).action_merge()["context"]
        Wizard = self.env["base.partner.merge.automatic.wizard"].with_context(**context)
        with self.assertRaisesRegex(UserError, "archive officer or manager"):
            Wizard.with_user(self.reader).create({"dst_partner_id": self.dup_a.id}).action_merge()
        self.assertTrue(self.dup_b.exists())
        Wizard.with_user(self.officer).create({"dst_partner_id": self.dup_a.id}).action_merge()
        self.assertFalse(self.dup_b.exists())
        self.assertEqual(archive.partner_id, self.dup_a)

    def test_merge_over_rpc_keeps_the_same_rules(self):
        """Over XML-RPC the wizard refuses the keeper and the manager another contact
        kept than the dossier's customer."""
        archive = self.env["customer.archive"].create({"partner_id": self.dup_b.id})
        context = {"active_model": "res.partner", "active_ids": (self.dup_a | self.dup_b).ids}
        model = "base.partner.merge.automatic.wizard"
        for user in (self.officer, self.manager):
            [wizard_id] = self.rpc(
                user, model, "create", [{"dst_partner_id": self.dup_a.id}], context=context
            )
            with self.assertRpcFault(RPC_FAULT_CODE_WARNING):
                self.rpc(user, model, "action_merge", [wizard_id], context=context)
        self.assertTrue(self.dup_a.exists() and self.dup_b.exists())
        self.assertEqual(archive.partner_id, self.dup_b)

    def test_merge_needs_contact_creation(self):
        """Without Odoo's right to create contacts the button says so in words."""
        self.manager2.write(
            {"groups_id": [Command.unlink(self.env.ref("base.group_partner_manager").id)]}
        )
        group = self.group_of(self.dup_a, "name").with_user(self.manager2)
        with self.assertRaisesRegex(UserError, "Contact Creation"):
            group.action_merge()
