"""The satisfaction surveys moved to the companion addon ``customer_archive_survey``:
their models, fields, views, rules, data and demo records are handed to it (their
xml ids change module), so that the upgrade keeps the campaigns and the answers' links
instead of dropping them, and the companion is installed in the same run."""

# the records of customer_archive that stay though their xml ids name surveys: the
# consent purpose "survey" and the demo consents given for it
STAYING = (
    "selection__customer_archive_consent__purpose__survey",
    "consent_huaxin_chen_survey_demo",
    "consent_pengcheng_huang_survey_demo",
    "consent_haibin_li_survey_demo",
)
MOVED_BY_NAME = ("mail_activity_type_corrective_action",)


def migrate(cr, version):
    cr.execute(
        """UPDATE ir_model_data SET module = 'customer_archive_survey'
            WHERE module = 'customer_archive'
              AND (name LIKE '%%survey%%' OR name IN %s)
              AND name NOT IN %s""",
        (MOVED_BY_NAME, STAYING),
    )
    if not cr.rowcount:
        return
    cr.execute(
        """UPDATE ir_module_module SET state = 'to install'
            WHERE name = 'customer_archive_survey' AND state = 'uninstalled'"""
    )
