"""A database from before the split keeps its surveys: the core's 18.0.3.0.0 migration
hands the survey records' xml ids to this addon and has it installed."""

import importlib.util

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path

_SCRIPT = file_path("customer_archive/migrations/18.0.3.0.0/pre-migration.py")
_spec = importlib.util.spec_from_file_location("customer_archive_migration_3_0", _SCRIPT)
migration = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(migration)


@tagged("post_install", "-at_install")
class TestSurveyMigration(TransactionCase):
    def test_survey_records_move_to_the_companion(self):
        """The campaign model's and the corrective action's xml ids change module; the
        consent purpose "survey" stays the core's."""
        cr = self.env.cr
        cr.execute(
            """UPDATE ir_model_data SET module = 'customer_archive'
                WHERE module = 'customer_archive_survey'
                  AND name IN ('model_customer_archive_survey_campaign',
                               'mail_activity_type_corrective_action')"""
        )
        self.assertEqual(cr.rowcount, 2)
        migration.migrate(cr, "18.0.2.5.0")
        cr.execute(
            """SELECT name, module FROM ir_model_data
                WHERE name IN ('model_customer_archive_survey_campaign',
                               'mail_activity_type_corrective_action',
                               'selection__customer_archive_consent__purpose__survey')"""
        )
        self.assertEqual(
            dict(cr.fetchall()),
            {
                "model_customer_archive_survey_campaign": "customer_archive_survey",
                "mail_activity_type_corrective_action": "customer_archive_survey",
                "selection__customer_archive_consent__purpose__survey": "customer_archive",
            },
        )
