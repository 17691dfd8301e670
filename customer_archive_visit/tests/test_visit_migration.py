"""A database from before the split keeps its visits: the core's 18.0.3.1.0 migration
hands the visit records' xml ids to this addon and has it installed."""

import importlib.util

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path

_SCRIPT = file_path("customer_archive/migrations/18.0.3.1.0/pre-migration.py")
_spec = importlib.util.spec_from_file_location("customer_archive_migration_3_1", _SCRIPT)
migration = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(migration)

MOVED = ("model_customer_archive_visit", "mail_activity_type_visit", "customer_archive_visit_menu")


@tagged("post_install", "-at_install")
class TestVisitMigration(TransactionCase):
    def test_visit_records_move_to_the_companion(self):
        """The visit model's, its activity type's and its menu's xml ids change module;
        the visit report subtype of the dossier's chatter stays the core's."""
        cr = self.env.cr
        cr.execute(
            """UPDATE ir_model_data SET module = 'customer_archive'
                WHERE module = 'customer_archive_visit' AND name IN %s""",
            (MOVED,),
        )
        self.assertEqual(cr.rowcount, 3)
        migration.migrate(cr, "18.0.3.0.0")
        cr.execute(
            """SELECT name, module FROM ir_model_data
                WHERE name IN %s
                   OR (name = 'mt_visit_report' AND model = 'mail.message.subtype')""",
            (MOVED,),
        )
        self.assertEqual(
            dict(cr.fetchall()),
            {
                "model_customer_archive_visit": "customer_archive_visit",
                "mail_activity_type_visit": "customer_archive_visit",
                "customer_archive_visit_menu": "customer_archive_visit",
                "mt_visit_report": "customer_archive",
            },
        )

    def test_nothing_to_move_installs_nothing(self):
        """A database with no visit record of the core (a new one) is left as it is."""
        cr = self.env.cr
        cr.execute("SELECT state FROM ir_module_module WHERE name = 'customer_archive_visit'")
        before = cr.fetchone()
        migration.migrate(cr, "18.0.3.0.0")
        cr.execute("SELECT state FROM ir_module_module WHERE name = 'customer_archive_visit'")
        self.assertEqual(cr.fetchone(), before)
