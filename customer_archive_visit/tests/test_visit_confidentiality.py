"""The return visits and their plans keep the
dossier's confidentiality, tried as each user who must be refused, through the ORM, the
forms as the web client saves them and over RPC."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.customer_archive.tests.common import ConfidentialityCase

VISIT = "customer.archive.visit"
PLAN = "customer.archive.visit.plan"


@tagged("post_install", "-at_install")
class TestVisitConfidentiality(ConfidentialityCase):
    """See ConfidentialityCase for the dossiers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.secret_visit = cls.env[VISIT].create(
            {
                "archive_id": cls.archive_secret.id,
                "user_id": cls.manager.id,
                "purpose": "年度走访",
                "needs": "机密需求：增加授信额度",
            }
        )

    def _assert_secret_kept(self, text):
        for secret in (self.partner_secret.name, self.archive_secret.name, "机密需求"):
            self.assertNotIn(secret, text)

    # ------------------------------------------------------------ visits
    def test_salesperson_reads_no_visit_of_a_secret_dossier(self):
        """The salesperson of a secret dossier's customer finds none of its visits, by
        search or by id, through the ORM and over RPC."""
        Visit = self.env[VISIT].with_user(self.reader)
        self.assertFalse(Visit.search([("archive_id", "=", self.archive_secret.id)]))
        with self.assertRaises(AccessError):
            self.secret_visit.with_user(self.reader).read(["needs"])
        self.assertFalse(
            self.rpc(self.reader, VISIT, "search", [("partner_id", "=", self.partner_secret.id)])
        )
        with self.assertRpcFault():
            self.rpc(self.reader, VISIT, "read", self.secret_visit.ids, ["needs"])

    def test_officer_reads_no_visit_of_a_secret_dossier_he_does_not_keep(self):
        """An officer reads the visits of every dossier but the secret ones he does not
        keep; the manager who keeps it reads them."""
        with self.assertRaises(AccessError):
            self.secret_visit.with_user(self.officer).read(["needs"])
        self.assertTrue(self.secret_visit.with_user(self.manager).read(["needs"]))

    def test_visit_created_only_on_a_dossier_one_may_read(self):
        """A salesperson may not plan a visit on a secret dossier of his customer, nor on
        another salesperson's customer: refused before anything names the dossier or
        its customer, also with a contact of another customer, from the web client's
        form and over RPC."""
        for archive in (self.archive_secret, self.archive_other):
            for values in (
                {"archive_id": archive.id},
                {"archive_id": archive.id, "contact_id": self.contact_own.id},
            ):
                with self.subTest(archive=archive.name, values=values):
                    with self.assertRaises(AccessError) as caught:
                        self.web_create(VISIT, self.reader, values)
                    message = str(caught.exception)
                    self.assertNotIn(archive.partner_id.name, message)
                    self.assertNotIn(archive.name, message)
        with self.assertRpcFault() as caught:
            self.rpc(
                self.reader,
                VISIT,
                "create",
                {
                    "archive_id": self.archive_secret.id,
                    "user_id": self.reader.id,
                    "contact_id": self.contact_own.id,
                },
            )
        self._assert_secret_kept(caught.exception.faultString)
        self.assertEqual(
            self.env[VISIT].search_count([("archive_id", "=", self.archive_secret.id)]), 1
        )

    def test_visit_moved_only_to_a_dossier_one_may_read(self):
        """A planned visit of the salesperson's own customer cannot be moved to the
        secret dossier of another of his customers."""
        visit = self.web_create(VISIT, self.reader, {"archive_id": self.archive_own.id})
        with self.assertRaises(AccessError) as caught:
            visit.write({"archive_id": self.archive_secret.id})
        self._assert_secret_kept(str(caught.exception))
        self.assertEqual(visit.archive_id, self.archive_own)

    def test_onchange_names_no_customer_of_an_unreadable_dossier(self):
        """``onchange`` with the id of a dossier the user may not read is refused; it does
        not return its customer, through the ORM or over RPC."""
        self.assert_onchange_names_no_customer(
            VISIT, (self.partner_secret.name, self.archive_secret.name, "机密需求")
        )

    def test_visitor_must_be_able_to_read_the_dossier(self):
        """An officer cannot give a salesperson a visit of a secret dossier, nor of a
        customer he may not read."""
        for archive, visitor in (
            (self.archive_secret, self.reader),
            (self.archive_other, self.reader),
        ):
            with self.subTest(archive=archive.name), self.assertRaises(AccessError):
                self.web_create(
                    VISIT, self.manager, {"archive_id": archive.id, "user_id": visitor.id}
                )
        visit = self.web_create(
            VISIT, self.manager, {"archive_id": self.archive_own.id, "user_id": self.reader.id}
        )
        with self.assertRaises(AccessError):
            visit.write({"user_id": self.reader2.id})

    def test_plan_gives_visits_of_secret_dossiers_to_their_keeper(self):
        """A manager's plan over a secret dossier gives its visit to its keeper, never to
        the salesperson who may not read it; so does a frequency rule."""
        self.secret_visit.action_cancel()
        plan = (
            self.env[PLAN]
            .with_user(self.manager)
            .create(
                {
                    "name": "年度回访",
                    "purpose": "年度走访",
                    "archive_ids": [Command.set((self.archive_own | self.archive_secret).ids)],
                }
            )
        )
        plan.action_generate()
        visitors = {visit.archive_id: visit.user_id for visit in plan.visit_ids}
        self.assertEqual(visitors[self.archive_secret], self.manager)
        self.assertEqual(visitors[self.archive_own], self.reader)
        plan.visit_ids.action_cancel()
        self.env["customer.archive.visit.rule"].create(
            {"name": "每月回访", "company_id": self.company.id, "interval_days": 30}
        )
        proposed = self.env["customer.archive.visit.rule"]._cron_propose_visits()
        by_archive = {visit.archive_id: visit.user_id for visit in proposed}
        self.assertEqual(by_archive[self.archive_secret], self.manager)
        self.assertEqual(by_archive[self.archive_own], self.reader)

    def test_plan_shows_a_salesperson_his_own_visits_only(self):
        """A salesperson reading a plan or printing its report sees his own visits, not
        the other salespeople's (customer, complaints), through ``read``, the web
        client's form and over RPC; its counts are his."""
        plan = (
            self.env[PLAN]
            .with_user(self.manager)
            .create(
                {
                    "name": "第四季度回访",
                    "purpose": "了解产品使用情况",
                    "archive_ids": [Command.set((self.archive_own | self.archive_other).ids)],
                }
            )
        )
        plan.action_generate()
        other = plan.visit_ids.filtered(lambda v: v.archive_id == self.archive_other)
        other.write({"complaints": "鹏城投诉：包装破损"})
        mine = plan.visit_ids - other
        as_reader = plan.with_user(self.reader)
        self.env.invalidate_all()
        self.assertEqual(as_reader.read(["visit_ids"])[0]["visit_ids"], mine.ids)
        web = as_reader.web_read(
            {
                "visit_ids": {"fields": {"partner_id": {"fields": {"display_name": {}}}}},
                "visit_count": {},
            }
        )[0]
        self.assertEqual([row["id"] for row in web["visit_ids"]], mine.ids)
        self.assertEqual(web["visit_count"], 1)
        self.assertEqual(
            self.rpc(self.reader, PLAN, "read", plan.ids, ["visit_ids"])[0]["visit_ids"], mine.ids
        )
        self.env.invalidate_all()
        html = (
            self.env["ir.actions.report"]
            .with_user(self.reader)
            ._render_qweb_html(
                "customer_archive_visit.customer_archive_visit_plan_report", plan.ids
            )[0]
            .decode()
        )
        self.assertIn(self.reader.name, html)
        self.assertNotIn(self.reader2.name, html)
        self.assertNotIn(self.partner_other.name, html)

    def test_visits_of_a_dossier_made_secret_go_to_its_keeper(self):
        """When a dossier is made secret, its open visits held by a salesperson who may no
        longer read it go to its keeper, with their activities; he stops following them
        and reads them no more."""
        visit = self.web_create(VISIT, self.reader, {"archive_id": self.archive_own.id})
        self.assertTrue(visit.sudo().activity_ids.filtered(lambda a: a.user_id == self.reader))
        self.archive_own.with_user(self.manager).write({"confidentiality": "secret"})
        with self.assertRaises(AccessError):
            visit.read(["user_id"])
        visit = visit.sudo()
        self.assertEqual(visit.user_id, self.officer)
        self.assertEqual(visit.activity_ids.user_id, self.officer)
        self.assertNotIn(self.reader.partner_id, visit.message_partner_ids)
        self.assertFalse(self.env[VISIT].with_user(self.reader).search([("id", "=", visit.id)]))
