from . import test_dashboard_access, test_dashboard_data, test_dashboard_tour
