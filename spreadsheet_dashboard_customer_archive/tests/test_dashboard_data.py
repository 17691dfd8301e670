from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import file_open
from odoo.tools.translate import PoFileReader, extract_spreadsheet_terms

from odoo.addons.spreadsheet.utils.validate_data import fields_in_spreadsheet

from .common import DASHBOARD_FILE, DashboardCase, group_spec, measure_name


@tagged("post_install", "-at_install")
class TestDashboardData(DashboardCase):
    def _fields_get(self, model, names):
        if not names:  # fields_get([]) describes every field
            return {}
        Model = self.env[model].with_user(self.manager)
        return Model.fields_get(names, ["type", "groupable", "aggregator", "sortable", "store"])

    def _aggregate_spec(self, model, measure, aggregator=None):
        """``field:aggregator`` as the web client asks for a measure: its own aggregator,
        else the field's (fields_get says none when the field cannot be summed)."""
        if measure == "__count":
            return "__count"
        info = self._fields_get(model, [measure])[measure]
        aggregator = aggregator or info.get("aggregator")
        self.assertTrue(aggregator, f"{model}.{measure} has no aggregator for a measure")
        return f"{measure}:{aggregator}"

    def _assert_groupable(self, model, specs):
        names = [spec.split(":")[0] for spec in specs]
        for name, info in self._fields_get(model, names).items():
            self.assertTrue(info["groupable"], f"{model}.{name} is not groupable")

    def test_every_field_exists(self):
        """Every model and field chain the dashboard names exists (pivots, lists, charts,
        domains, filters)."""
        used = fields_in_spreadsheet(self.data)
        self.assertGreaterEqual(len(used), 7, "grades, loans, reviews, visits, surveys, care")
        for model, chains in used.items():
            self.assertIn(model, self.env, f"model {model} does not exist")
            for chain in chains:
                current = model
                for name in chain.split("."):
                    self.assertIn(name, self.env[current]._fields, f"{current}.{name} is missing")
                    current = self.env[current]._fields[name].comodel_name or current

    def test_pivots_read_as_manager(self):
        """Each pivot groups and sums as the manager: its rows and columns are groupable,
        its measures aggregatable, and read_group answers on its domain."""
        pivots = self.odoo_pivots()
        self.assertEqual(len(pivots), 9)
        for pivot in pivots:
            model = pivot["model"]
            groupby = [group_spec(d) for d in pivot["rows"] + pivot["columns"]]
            self._assert_groupable(model, groupby)
            aggregates = []
            for measure in pivot["measures"]:
                name = measure_name(measure)
                if name != "__count":
                    info = self._fields_get(model, [name])[name]
                    self.assertTrue(info["store"], f"{model}.{name} is no stored measure")
                aggregates.append(self._aggregate_spec(model, name, measure.get("aggregator")))
            Model = self.env[model].with_user(self.manager)
            groups = Model._read_group(pivot["domain"], groupby, aggregates)
            self.assertIsInstance(groups, list, pivot["name"])

    def test_charts_read_as_manager(self):
        """Each Odoo chart groups its model by groupable fields and sums a measure the
        graph view can sum, as the manager."""
        charts = self.odoo_charts()
        self.assertEqual(len(charts), 7)
        for chart in charts:
            meta = chart["metaData"]
            model = meta["resModel"]
            self._assert_groupable(model, meta["groupBy"])
            aggregate = self._aggregate_spec(model, meta["measure"])
            Model = self.env[model].with_user(self.manager)
            Model._read_group(chart["searchParams"]["domain"], meta["groupBy"], [aggregate])

    def test_lists_read_as_manager(self):
        """Each list reads its columns in its order as the manager."""
        for definition in self.data["lists"].values():
            model = definition["model"]
            orders = [order["name"] for order in definition["orderBy"]]
            for name, info in self._fields_get(model, orders).items():
                self.assertTrue(info["sortable"], f"{model}.{name} cannot order a list")
            order = ", ".join(
                f"{o['name']} {'asc' if o['asc'] else 'desc'}" for o in definition["orderBy"]
            )
            Model = self.env[model].with_user(self.manager)
            Model.search_read(definition["domain"], definition["columns"], order=order, limit=10)

    def test_month_filter_matches_dates(self):
        """The care month filter applies to date fields only, of the care occasions."""
        (month_filter,) = self.data["globalFilters"]
        sources = [*self.odoo_pivots(), *self.data["lists"].values(), *self.odoo_charts()]
        matched = []
        for source in sources:
            matching = source.get("fieldMatching", {}).get(month_filter["id"])
            if not matching:
                continue
            model = source.get("model") or source["metaData"]["resModel"]
            field = self.env[model]._fields[matching["chain"]]
            self.assertIn(field.type, ("date", "datetime"))
            matched.append(model)
        self.assertEqual(set(matched), {"customer.archive.care.occasion"})
        self.assertEqual(len(matched), 3, "the pivot, the list and the chart of the month")

    def test_menus_open_for_manager(self):
        """Every title link and chart opens a menu with an action the manager sees."""
        menu_xml_ids = self.menu_xml_ids()
        self.assertGreaterEqual(len(menu_xml_ids), 6)
        visible = self.env["ir.ui.menu"].with_user(self.manager).load_menus(False)
        for xml_id in menu_xml_ids:
            menu = self.env.ref(xml_id, raise_if_not_found=False)
            self.assertTrue(menu, f"menu {xml_id} does not exist")
            self.assertTrue(menu.action, f"menu {xml_id} opens nothing")
            self.assertIn(menu.id, visible, f"menu {xml_id} is hidden from the manager")

    def test_reviews_due_counted(self):
        """The "Reviews Due" figure and list count the dossier whose review date passed,
        not the one reviewed on schedule."""
        Partner = self.env["res.partner"].with_company(self.company)
        Archive = self.env["customer.archive"].with_company(self.company)
        today = fields.Date.context_today(Archive)
        late, fresh = Archive.create(
            [
                {
                    "partner_id": Partner.create({"name": name, "is_company": True}).id,
                    "user_id": self.officer.id,
                    "date_open": date_open,
                    "review_interval": 2,
                }
                for name, date_open in (
                    ("南京紫金电器有限公司", today - relativedelta(months=3)),
                    ("苏州园林设计有限公司", today),
                )
            ]
        )
        (late | fresh).with_user(self.officer).action_activate()

        pivot = self.data["pivots"]["5"]
        self.assertEqual(pivot["name"], "Reviews Due")
        Model = self.env[pivot["model"]].with_user(self.manager)
        [(count,)] = Model._read_group(pivot["domain"], [], ["__count"])
        self.assertEqual(count, 1)
        listed = Model.search(self.data["lists"]["2"]["domain"])
        self.assertEqual(listed, late)

    def test_terms_translated(self):
        """Every text of the spreadsheet is exported and translated to Chinese."""
        with file_open(DASHBOARD_FILE, "rb") as dashboard_file:
            extracted = extract_spreadsheet_terms(dashboard_file, [], [], {})
            terms = {term for __, __, term, __ in extracted}
        self.assertIn("Reviews Due", terms)
        path = "spreadsheet_dashboard_customer_archive/i18n/zh_CN.po"
        with file_open(path, "rb") as po_file:
            translated = {entry["src"]: entry["value"] for entry in PoFileReader(po_file)}
        missing = sorted(term for term in terms if not translated.get(term))
        self.assertFalse(missing, "spreadsheet texts without a Chinese translation")
        self.assertEqual(translated.get("Customer Archive"), "客户档案")

    def test_dashboard_name_in_chinese(self):
        """A manager reading Chinese sees the dashboard as 客户档案."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["spreadsheet_dashboard_customer_archive"], ["zh_CN"], overwrite=True
        )
        self.manager.lang = "zh_CN"
        dashboard = self.dashboard.with_user(self.manager).with_context(lang="zh_CN")
        self.assertEqual(dashboard.name, "客户档案")
