"""The return visits moved to the companion addon ``customer_archive_visit`` (the core no
longer depends on ``calendar``): their models, fields, views, rules, data and demo records
are handed to it (their xml ids change module), so that the upgrade keeps the visits, the
plans and the rules instead of dropping them, and the companion is installed in the same
run."""

# the records of customer_archive that stay though their xml ids name visits: the visit
# report logged on a dossier (客户访问日报) and the demo's visit report document
STAYING = ("mt_visit_report", "document_yangcheng_visit_demo")


def migrate(cr, version):
    cr.execute(
        """UPDATE ir_model_data SET module = 'customer_archive_visit'
            WHERE module = 'customer_archive'
              AND name LIKE '%%visit%%'
              AND name NOT IN %s""",
        (STAYING,),
    )
    if not cr.rowcount:
        return
    cr.execute(
        """UPDATE ir_module_module SET state = 'to install'
            WHERE name = 'customer_archive_visit' AND state = 'uninstalled'"""
    )
