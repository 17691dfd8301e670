from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

# the modules whose words the journey's screens show
SCREENS_MODULES = [
    "base",
    "web",
    "mail",
    "contacts",
    "calendar",
    "customer_archive",
    "customer_archive_visit",
]


@tagged("post_install", "-at_install")
class TestVisitJourney(HttpCase):
    """The salesperson's return visit in Chromium, from the web client's home, in Chinese,
    as the demo user on the demo story's data."""

    def test_salesperson_records_her_booked_visit(self):
        """王芳 (查阅人) records the visit she booked with 浦江 once its time has come."""
        env = self.env(context=dict(self.env.context, **DISABLED_MAIL_CONTEXT))
        reader = env.ref("customer_archive.user_reader_demo")
        env["res.lang"]._activate_lang("zh_CN")
        env["ir.module.module"]._load_module_terms(SCREENS_MODULES, ["zh_CN"])
        reader.write({"lang": "zh_CN", "tz": "Asia/Shanghai"})
        visit = env.ref("customer_archive_visit.visit_appointed_demo")
        self.assertEqual((visit.state, visit.user_id), ("appointed", reader))
        # its time has come
        visit.sudo()._workflow_write(
            {"date_appointment": fields.Datetime.now() - timedelta(hours=1)}
        )

        self.start_tour(
            "/odoo", "customer_archive_visit_salesperson_journey", login="archive_reader"
        )
        self.assertEqual(visit.state, "done")
        self.assertEqual(visit.met_person, "采购部刘海燕经理")
        self.assertEqual(visit.needs, "明年进口量增加三成,希望签订年度框架协议。")
