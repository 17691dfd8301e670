{
    "name": "Customer Archive Return Visits",
    "summary": "Return visits to customers (客户回访) on the customer archive: visit plans, "
    "the visit record and its review and filing, frequency rules by grade, meetings in "
    "the visitor's calendar",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/customer-archive/customer_archive",
    "author": "customer_archive team",
    "maintainers": ["customer-archive"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": False,
    "installable": True,
    "depends": ["customer_archive", "calendar"],
    "data": [
        "security/ir.model.access.csv",
        "security/customer_archive_visit_rules.xml",
        "data/ir_sequence_data.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "views/customer_archive_visit_views.xml",
        "views/customer_archive_visit_plan_views.xml",
        "views/customer_archive_visit_rule_views.xml",
        "report/customer_archive_visit_reports.xml",
        "report/customer_archive_visit_templates.xml",
        "views/menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "customer_archive_visit/static/tests/tours/*.js",
        ],
    },
    "demo": [
        "demo/customer_archive_visit_demo.xml",
    ],
}
