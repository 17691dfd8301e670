import json
import re

from odoo import Command
from odoo.tests import TransactionCase, new_test_user

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

READER = "base.group_user,customer_archive.group_reader"
OFFICER = "base.group_user,customer_archive.group_officer"
MANAGER = "base.group_user,customer_archive.group_manager"

DASHBOARD = "spreadsheet_dashboard_customer_archive.spreadsheet_dashboard_customer_archive"
DASHBOARD_FILE = "spreadsheet_dashboard_customer_archive/data/files/customer_archive_dashboard.json"
MENU_LINK = re.compile(r"^\[[^\[]+\]\(odoo://ir_menu_xml_id/(.+)\)$")


def group_spec(dimension):
    """The read_group spec of a pivot row or column: ``field`` or ``field:granularity``."""
    name = dimension.get("fieldName") or dimension["name"]
    granularity = dimension.get("granularity")
    return f"{name}:{granularity}" if granularity else name


def measure_name(measure):
    return measure.get("fieldName") or measure["name"]


class DashboardCase(TransactionCase):
    """A company of its own with an archive reader, officer and manager (as the core's
    tests build them), and the dashboard's spreadsheet data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.company = cls.env["res.company"].create({"name": "仪表板测试公司"})
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.company.id]))
        values = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}
        cls.reader = new_test_user(cls.env, "cad_reader", READER, name="王芳", **values)
        cls.officer = new_test_user(cls.env, "cad_officer", OFFICER, name="李静", **values)
        cls.manager = new_test_user(cls.env, "cad_manager", MANAGER, name="张伟", **values)
        cls.dashboard = cls.env.ref(DASHBOARD)
        cls.data = json.loads(cls.dashboard.spreadsheet_data)

    def odoo_pivots(self):
        return [p for p in self.data["pivots"].values() if p.get("type", "ODOO") == "ODOO"]

    def odoo_charts(self):
        return [
            figure["data"]
            for sheet in self.data["sheets"]
            for figure in sheet["figures"]
            if figure["tag"] == "chart" and figure["data"]["type"].startswith("odoo_")
        ]

    def menu_xml_ids(self):
        """The menus the dashboard opens: its title links and its charts' menus."""
        linked = {
            match[1]
            for sheet in self.data["sheets"]
            for cell in sheet["cells"].values()
            if (match := MENU_LINK.match(cell.get("content", "")))
        }
        return linked | set(self.data.get("chartOdooMenusReferences", {}).values())
