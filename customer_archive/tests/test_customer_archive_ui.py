from datetime import timedelta
from xmlrpc.client import Fault

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import (
    READER,
    RPC_FAULT_CODE_ACCESS_ERROR,
    CustomerArchiveCase,
    CustomerArchiveRpcCase,
)

HOME_ACTION = "customer_archive.mail_activity_archive_desk_action"
ANALYSIS_MENU = "customer_archive.customer_archive_analysis_menu"


class UiCase(CustomerArchiveCase):
    """The test company's customers classified, a licence expiring soon and a file out."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.province = cls.env["res.country.state"].search(
            [("country_id.code", "=", "CN")], limit=1
        )
        cls.partner_own.state_id = cls.province
        # sudo: the results are the rules' to write
        results = {
            cls.partner_own: {
                "customer_grade": "a",
                "customer_tier": "important",
                "customer_loyalty": "loyal",
                "customer_top": True,
                "customer_yearly_amount": 150000.0,
            },
            cls.partner_other: {
                "customer_grade": "d",
                "customer_tier": "ordinary",
                "customer_loyalty": "at_risk",
                "customer_yearly_amount": 500.0,
            },
            cls.partner_kept: {
                "customer_grade": "c",
                "customer_tier": "ordinary",
                "customer_loyalty": "lost",
                "customer_yearly_amount": 100.0,
            },
        }
        for partner, vals in results.items():
            partner.sudo().with_company(cls.company).write(
                dict(
                    vals,
                    customer_grade_computed=vals["customer_grade"],
                    customer_last_invoice_date=fields.Date.today(),
                )
            )
        cls.partner_kept.sudo().with_company(cls.company).write({"customer_key_account": True})
        (cls.archive_own | cls.archive_other | cls.archive_kept).action_activate()
        licence_type = cls.env["customer.archive.document.type"].search(
            [("has_validity", "=", True)], limit=1
        )
        cls.licence = cls.env["customer.archive.document"].create(
            {
                "archive_id": cls.archive_other.id,
                "type_id": licence_type.id,
                "name": "营业执照",
                "valid_until": fields.Date.today() + timedelta(days=10),
            }
        )

    def search_filter(self, model, view_xmlid, name, user):
        """The records that filter ``name`` of the search view finds for ``user``: its
        domain read from the view as the web client gets it, evaluated as it does."""
        Model = self.env[model].with_user(user)
        view = self.env.ref(view_xmlid)
        arch = Model.get_views([(view.id, "search")])["views"]["search"]["arch"]
        [node] = etree.fromstring(arch).xpath(f"//filter[@name='{name}']")
        today = fields.Date.context_today(Model)
        domain = safe_eval(
            node.get("domain"),
            {
                "uid": user.id,
                "context_today": lambda: today,
                "relativedelta": relativedelta,
            },
        )
        return Model.search(domain)


@tagged("post_install", "-at_install")
class TestCustomerArchiveSearch(UiCase):
    def test_partner_filters_find_the_customers_asked_for(self):
        """The partner search filters find my customers, at risk, lost, grade D, key
        accounts, stale dossiers, paper file out, licences expiring, without dossier."""
        view = "base.view_res_partner_filter"
        companies = self.partner_own | self.partner_other | self.partner_kept | self.partner_free

        def found(name, user=self.manager):
            return self.search_filter("res.partner", view, name, user) & companies

        self.assertEqual(found("customer_mine", self.reader), self.partner_own)
        self.assertEqual(found("customer_loyalty_at_risk"), self.partner_other)
        self.assertEqual(found("customer_loyalty_lost"), self.partner_kept)
        self.assertEqual(found("customer_grade_d"), self.partner_other)
        self.assertEqual(found("customer_key_accounts"), self.partner_kept)
        self.assertEqual(found("customer_licence_expiring"), self.partner_other)
        self.assertEqual(found("without_customer_archive"), self.partner_free)
        self.assertFalse(found("customer_archive_out"))
        self.approved_loan(self.archive_other).with_user(self.officer).action_hand_out()
        self.assertEqual(found("customer_archive_out"), self.partner_other)
        self.archive_own.write({"date_open": "2025-01-01", "review_interval": 2})
        self.assertEqual(found("customer_archive_stale"), self.partner_own)

    def test_dossier_filters_find_the_dossiers_asked_for(self):
        """The dossier search filters: at risk, lost, key accounts, file out, licences."""
        view = "customer_archive.customer_archive_view_search"

        def found(name, user=self.manager):
            return self.search_filter("customer.archive", view, name, user)

        self.assertEqual(found("customer_loyalty_at_risk"), self.archive_other)
        self.assertEqual(found("customer_loyalty_lost"), self.archive_kept)
        self.assertEqual(found("customer_key_accounts"), self.archive_kept)
        self.assertEqual(found("licence_expiring"), self.archive_other)
        self.assertEqual(found("customer_grade_d"), self.archive_other)
        self.assertFalse(found("paper_out"))
        self.approved_loan(self.archive_other).with_user(self.officer).action_hand_out()
        self.assertEqual(found("paper_out"), self.archive_other)
        self.assertEqual(found("paper_out", self.reader), self.archive_other, "lent to him")

    def test_group_by_grade_tier_province_industry_keeper(self):
        """Customers and dossiers group by grade, tier, province, industry and keeper."""
        Partner = self.env["res.partner"].with_user(self.manager)
        domain = [("id", "in", (self.partner_own | self.partner_other).ids)]
        for groupby in (
            "customer_grade",
            "customer_tier",
            "state_id",
            "industry_id",
            "customer_archive_user_id",
        ):
            groups = Partner.read_group(domain, [groupby], [groupby])
            self.assertEqual(sum(group[f"{groupby}_count"] for group in groups), 2, groupby)
        [keeper] = Partner.read_group(
            domain, ["customer_archive_user_id"], ["customer_archive_user_id"]
        )
        self.assertEqual(keeper["customer_archive_user_id"][0], self.officer.id)
        Archive = self.env["customer.archive"].with_user(self.manager)
        self.assertTrue(self.province)
        by_province = Archive.read_group(
            [("id", "=", self.archive_own.id)], ["partner_state_id"], ["partner_state_id"]
        )
        self.assertEqual(by_province[0]["partner_state_id"][0], self.province.id)

    def test_document_year_without_thousands_separator(self):
        """The filing year reads 2021, not 2,021, in the forms and lists that show it."""
        for view in (
            "customer_archive.customer_archive_document_view_form",
            "customer_archive.customer_archive_document_view_list",
            "customer_archive.customer_archive_view_form",
        ):
            arch = etree.fromstring(self.env.ref(view).arch)
            for node in arch.xpath("//field[@name='year']"):
                self.assertIn("'enable_formatting': false", node.get("options", ""), view)


@tagged("post_install", "-at_install")
class TestCustomerArchiveDashboards(UiCase):
    def _analysis_actions(self):
        menus = self.env["ir.ui.menu"].search(
            [("parent_id", "child_of", self.env.ref(ANALYSIS_MENU).id)]
        )
        return self.env["ir.actions.act_window"].browse(
            [
                menu.action.id
                for menu in menus
                if menu.action and menu.action._name == "ir.actions.act_window"
            ]
        )

    def test_every_dashboard_loads_for_a_manager(self):
        """Each action of the Analysis menu opens as a manager: its views load and its
        pivot and graph group-bys and measures are read."""
        actions = self._analysis_actions()
        self.assertGreaterEqual(len(actions), 9)
        for action in actions:
            Model = self.env[action.res_model].with_user(self.manager)
            domain = safe_eval(action.domain or "[]", {"uid": self.manager.id})
            context = safe_eval(action.context or "{}", {"uid": self.manager.id})
            views = [(view.view_id.id, view.view_mode) for view in action.view_ids]
            modes = action.view_mode.split(",")
            views += [(False, mode) for mode in modes if mode not in {v[1] for v in views}]
            result = Model.get_views(views, {"search_view_id": action.search_view_id.id})
            groupbys = (
                context.get("pivot_row_groupby", [])
                + context.get("pivot_column_groupby", [])
                + context.get("graph_groupbys", [])
                + context.get("group_by", [])
            )
            for mode in ("pivot", "graph"):
                if mode not in result["views"]:
                    continue
                arch = etree.fromstring(result["views"][mode]["arch"])
                for node in arch.xpath("//field"):
                    if node.get("type") == "measure":
                        Model.read_group(domain, [f"{node.get('name')}:sum"], [])
                    else:
                        interval = node.get("interval")
                        name = node.get("name")
                        groupbys.append(f"{name}:{interval}" if interval else name)
            for groupby in groupbys:
                Model.read_group(domain, ["__count"], [groupby], lazy=False)

    def test_revenue_share_legend_reads_words(self):
        """The 20/80 graph groups by words, not by true/false."""
        Partner = self.env["res.partner"].with_user(self.manager)
        domain = [("id", "in", (self.partner_own | self.partner_other | self.partner_kept).ids)]
        groups = Partner.read_group(
            domain, ["customer_yearly_amount:sum"], ["customer_revenue_share"]
        )
        shares = {group["customer_revenue_share"]: group for group in groups}
        self.assertEqual(set(shares), {"top", "rest"})
        self.assertEqual(shares["top"]["customer_yearly_amount"], 150000.0)
        self.assertEqual(shares["rest"]["customer_revenue_share_count"], 2)
        self.assertEqual(
            Partner.search(shares["top"]["__domain"]), self.partner_own, "a slice opens its list"
        )
        self.env["res.lang"]._activate_lang("zh_CN")
        labels = dict(
            Partner.with_context(lang="zh_CN").fields_get(["customer_revenue_share"])[
                "customer_revenue_share"
            ]["selection"]
        )
        self.assertNotIn(labels["top"].lower(), ("true", "false"))

    def test_analysis_menu_for_managers(self):
        """The Analysis menu is the managers'; a reader does not see it."""
        menu = self.env.ref(ANALYSIS_MENU)
        self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(self.manager)._visible_menu_ids())
        self.assertNotIn(menu.id, self.env["ir.ui.menu"].with_user(self.reader)._visible_menu_ids())

    def test_manager_loan_menu_opens_on_approvals(self):
        """The Loans menu opens a manager on the loans to approve, a reader on his own."""
        menu_action = self.env.ref("customer_archive.customer_archive_loan_menu_action")
        for user, default in (
            (self.manager, "search_default_to_approve"),
            (self.officer, "search_default_to_hand_out"),
            (self.reader, "search_default_my_loans"),
        ):
            action = menu_action.with_user(user).run()
            self.assertEqual(action["res_model"], "customer.archive.loan")
            self.assertIn(default, action["context"], user.name)
        self.assertNotIn(
            "search_default_my_loans", menu_action.with_user(self.manager).run()["context"]
        )


@tagged("post_install", "-at_install")
class TestCustomerArchiveBadges(CustomerArchiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["customer_archive"], ["zh_CN"])

    def test_badges_say_what_they_are(self):
        """Each badge of the partner form carries its label: 等级, 层级, 忠诚度, 价值."""
        Partner = self.env["res.partner"].with_user(self.reader).with_context(lang="zh_CN")
        arch = etree.fromstring(Partner.get_views([(False, "form")])["views"]["form"]["arch"])
        [badges] = arch.xpath("//div[@name='customer_classification_badges']")
        labels = {
            node.get("name"): node.xpath("./span")[0].text.strip()
            for node in badges.xpath("./span[starts-with(@name, 'badge_')]")
        }
        self.assertEqual(set(labels), {"badge_grade", "badge_tier", "badge_loyalty", "badge_value"})
        self.assertIn("等级", labels["badge_grade"])
        self.assertIn("层级", labels["badge_tier"])
        self.assertIn("忠诚", labels["badge_loyalty"])
        self.assertIn("价值", labels["badge_value"])

    def test_tier_and_loyalty_read_differently(self):
        """Tier "ordinary" and loyalty stage "ordinary" have distinct Chinese names."""
        info = (
            self.env["res.partner"]
            .with_context(lang="zh_CN")
            .fields_get(["customer_tier", "customer_loyalty"])
        )
        tier = dict(info["customer_tier"]["selection"])["ordinary"]
        stage = dict(info["customer_loyalty"]["selection"])["ordinary"]
        self.assertNotEqual(tier, stage)
        self.assertEqual(tier, "普通")
        self.assertEqual(stage, "一般")


@tagged("post_install", "-at_install")
class TestCustomerArchiveHome(CustomerArchiveCase):
    def test_archive_users_land_on_the_desk(self):
        """Archive users start on the archive desk, other employees where Odoo puts them."""
        desk = self.env.ref(HOME_ACTION)
        for user in (self.reader, self.officer, self.manager):
            self.assertEqual(user.action_id.id, desk.id, user.name)
        self.assertFalse(self.user_plain.action_id)
        self.user_plain.write({"groups_id": [Command.link(self.env.ref(READER.split(",")[1]).id)]})
        self.assertEqual(self.user_plain.action_id.id, desk.id, "on joining the group")

    def test_chosen_home_action_kept(self):
        """A home action chosen for a user is not replaced."""
        other = self.env.ref("base.action_res_users")
        user = new_test_user(
            self.env, "ca_home", READER, action_id=other.id, company_id=self.company.id
        )
        self.assertEqual(user.action_id.id, other.id)

    def test_desk_lists_what_waits(self):
        """The desk lists the user's archive activities: a loan waiting for his approval."""
        self.archive_other.action_activate()
        loan = (
            self.env["customer.archive.loan"]
            .with_user(self.reader)
            .create(
                {
                    "archive_id": self.archive_other.id,
                    "purpose": "核对",
                    "date_due": fields.Date.today() + timedelta(days=3),
                }
            )
        )
        loan.action_submit()
        action = self.env["ir.actions.act_window"]._for_xml_id(HOME_ACTION)
        approver = loan.activity_ids.user_id[:1]
        views = self.env["mail.activity"].with_user(approver).get_views(action["views"])
        self.assertEqual(set(views["views"]), {"kanban", "list"})
        domain = safe_eval(action["domain"], {"uid": approver.id})
        found = self.env["mail.activity"].with_user(approver).search(domain)
        self.assertEqual(found.res_id, loan.id)


@tagged("post_install", "-at_install")
class TestCustomerArchiveAccessHint(CustomerArchiveRpcCase):
    def test_refused_reader_told_to_borrow(self):
        """A reader refused a dossier is told he may request a loan; nothing of the
        dossier is named, a secret one included, in debug mode too."""
        self.reader.write({"groups_id": [Command.link(self.env.ref("base.group_no_one").id)]})
        for archive in (self.archive_other, self.archive_secret):
            with self.assertRaises(AccessError) as caught:
                archive.with_user(self.reader).read(["legal_representative"])
            message = str(caught.exception)
            self.assertIn("Request Loan", message)
            for secret in (archive.name, archive.partner_id.name, archive.legal_representative):
                self.assertNotIn(secret, message)
            with self.assertRaises(AccessError):
                archive.with_user(self.reader).check_access("read")

    def test_refused_reader_told_to_borrow_over_rpc(self):
        """Over RPC the refusal names the loan too, and not the secret dossier."""
        with self.assertRaises(Fault) as caught:
            self.rpc(self.reader, "customer.archive", "read", self.archive_secret.ids, ["name"])
        self.assertEqual(caught.exception.faultCode, RPC_FAULT_CODE_ACCESS_ERROR)
        text = caught.exception.faultString
        self.assertIn("Request Loan", text)
        self.assertNotIn(self.partner_secret.name, text)
        self.assertNotIn(self.archive_secret.name, text)

    def test_refusal_in_the_readers_language(self):
        """The hint is in the reader's language."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["customer_archive"], ["zh_CN"])
        self.reader.lang = "zh_CN"
        with self.assertRaises(AccessError) as caught:
            self.archive_other.with_user(self.reader).read(["legal_representative"])
        self.assertIn("借阅", str(caught.exception))
