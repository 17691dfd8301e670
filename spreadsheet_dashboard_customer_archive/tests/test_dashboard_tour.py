from odoo.tests import HttpCase, tagged

from .common import DashboardCase


@tagged("post_install", "-at_install")
class TestDashboardTour(DashboardCase, HttpCase):
    def test_manager_opens_dashboard_in_app(self):
        """The manager opens the Dashboards app and the archive dashboard draws its figures."""
        tour = "spreadsheet_dashboard_customer_archive_manager"
        self.start_tour("/odoo/dashboards", tour, login="cad_manager")
