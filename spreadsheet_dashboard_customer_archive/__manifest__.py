{
    "name": "Customer Archive Dashboard",
    "summary": "The archive managers' dashboard (客户档案) in the Dashboards app: grades, "
    "provinces, loans, reviews, return visits, satisfaction and care occasions",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "website": "https://github.com/customer-archive/customer_archive",
    "author": "customer_archive team",
    "maintainers": ["customer-archive"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": [
        "spreadsheet_dashboard",
        "customer_archive",
        "customer_archive_survey",
        "customer_archive_visit",
    ],
    "data": [
        "data/dashboards.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "spreadsheet_dashboard_customer_archive/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    # installed with the family: the core and the companions whose figures it shows
    "auto_install": True,
}
