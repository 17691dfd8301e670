from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import DashboardCase


@tagged("post_install", "-at_install")
class TestDashboardAccess(DashboardCase):
    def test_manager_opens_dashboard(self):
        """An archive manager finds the dashboard and gets its spreadsheet to display."""
        Dashboard = self.env["spreadsheet.dashboard"].with_user(self.manager)
        self.assertIn(self.dashboard, Dashboard.search([]))
        data = self.dashboard.with_user(self.manager).get_readonly_dashboard()
        self.assertFalse(data.get("is_sample"))
        self.assertEqual(set(data["snapshot"]["pivots"]), set(self.data["pivots"]))
        groups = self.env["spreadsheet.dashboard.group"].with_user(self.manager).search([])
        self.assertIn(self.dashboard, groups.published_dashboard_ids)

    def test_reader_and_officer_do_not_see_it(self):
        """An archive reader (or officer) neither lists the dashboard nor reads it or its
        spreadsheet, even by its id."""
        for user in (self.reader, self.officer):
            Dashboard = self.env["spreadsheet.dashboard"].with_user(user)
            self.assertNotIn(self.dashboard, Dashboard.search([]))
            groups = self.env["spreadsheet.dashboard.group"].with_user(user).search([])
            self.assertNotIn(self.dashboard, groups.published_dashboard_ids)
            dashboard = self.dashboard.with_user(user)
            with self.assertRaises(AccessError):
                dashboard.read(["name"])
            # the spreadsheet is an attachment of the dashboard, read with its rights
            self.assertFalse(dashboard.spreadsheet_data)
            try:
                shown = dashboard.get_readonly_dashboard()
            except (AccessError, TypeError):  # no spreadsheet to load: an error
                shown = None
            self.assertFalse(shown and shown.get("snapshot"), "no figure reaches him")
