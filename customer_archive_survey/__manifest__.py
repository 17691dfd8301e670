{
    "name": "Customer Archive Satisfaction Surveys",
    "summary": "The yearly customer satisfaction survey (顾客满意度调查) on the customer "
    "archive: campaigns, answers kept with their dossiers, the analysis report and "
    "corrective actions",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/customer-archive/customer_archive",
    "author": "customer_archive team",
    "maintainers": ["customer-archive"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": False,
    "installable": True,
    "depends": ["customer_archive", "survey"],
    "data": [
        "security/customer_archive_survey_security.xml",
        "security/ir.model.access.csv",
        "security/customer_archive_survey_rules.xml",
        "data/mail_activity_type_data.xml",
        "data/survey_survey_data.xml",
        "views/customer_archive_survey_campaign_views.xml",
        "views/customer_archive_survey_analysis_views.xml",
        "views/res_config_settings_views.xml",
        "report/customer_archive_survey_campaign_reports.xml",
        "report/customer_archive_survey_campaign_templates.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/customer_archive_survey_demo.xml",
    ],
}
