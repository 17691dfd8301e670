"""The care surfaces (visits, plans, the data form, proposals) keep the
dossier's confidentiality, tried as each user who must be refused, through the ORM, the
forms as the web client saves them and over RPC."""

import re
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import CustomerArchiveRpcCase

VISIT = "customer.archive.visit"
PLAN = "customer.archive.visit.plan"


@tagged("post_install", "-at_install")
class TestCareConfidentiality(CustomerArchiveRpcCase):
    """``archive_secret`` is secret: its customer is sold by ``reader``, it is kept by
    ``manager``; ``archive_other`` is sold by ``reader2``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        archives = cls.archive_own | cls.archive_other | cls.archive_kept | cls.archive_secret
        archives.action_activate()
        cls.contact_secret = cls.env["res.partner"].create(
            {"name": "林晓红", "parent_id": cls.partner_secret.id}
        )
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
        spec = {"archive_id": {}, "partner_id": {"fields": {"display_name": {}}}}
        for model in (VISIT, "customer.archive.proposal", "customer.archive.consent"):
            Model = self.env[model].with_user(self.reader)
            with self.subTest(model=model):
                with self.assertRaises(AccessError) as caught:
                    Model.onchange({"archive_id": self.archive_secret.id}, ["archive_id"], spec)
                self._assert_secret_kept(str(caught.exception))
        with self.assertRpcFault() as caught:
            self.rpc(
                self.reader,
                VISIT,
                "onchange",
                [],
                {"archive_id": self.archive_other.id},
                ["archive_id"],
                spec,
            )
        self.assertNotIn(self.partner_other.name, caught.exception.faultString)
        # one's own dossier still fills in its customer
        result = (
            self.env[VISIT]
            .with_user(self.reader)
            .onchange({"archive_id": self.archive_own.id}, ["archive_id"], spec)
        )
        self.assertEqual(result["value"]["partner_id"]["id"], self.partner_own.id)

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
            ._render_qweb_html("customer_archive.customer_archive_visit_plan_report", plan.ids)[0]
            .decode()
        )
        self.assertIn(self.reader.name, html)
        self.assertNotIn(self.reader2.name, html)
        self.assertNotIn(self.partner_other.name, html)

    def test_dossier_shows_a_borrower_his_own_loans_only(self):
        """A borrower reading a dossier lent to him sees his own loans of it, not the
        other borrowers'."""
        mine = self.approved_loan(self.archive_other)
        mine.with_user(self.officer).action_hand_out()
        other = self.env["customer.archive.loan"].create(
            {
                "user_id": self.reader2.id,
                "archive_id": self.archive_other.id,
                "purpose": "核对发票",
                "kind": "consult",
                "scope": "full",
                "date_due": fields.Date.today() + timedelta(days=7),
            }
        )
        self.env.invalidate_all()
        archive = self.archive_other.with_user(self.reader)
        self.assertEqual(archive.read(["name"])[0]["name"], self.archive_other.name)
        self.assertNotIn("loan_ids", archive.read()[0])
        with self.assertRaises(AccessError):
            archive.read(["loan_ids"])
        for model, record in (
            ("customer.archive", self.archive_other),
            ("customer.archive.document", self.document_own),
        ):
            with self.assertRpcFault():
                self.rpc(self.reader, model, "read", record.ids, ["loan_ids"])
        loans = (
            self.env["customer.archive.loan"]
            .with_user(self.reader)
            .search([("archive_id", "=", self.archive_other.id)])
        )
        self.assertEqual(loans, mine)
        self.assertTrue(other.exists())

    # ------------------------------------------------------------ the data form
    def _portal_proposal(self, user):
        return (
            self.env["customer.archive.proposal"]
            .with_user(user)
            .create({"archive_id": self.archive_own.id, "origin": "portal"})
        )

    def test_data_form_link_is_never_returned_to_its_sender(self):
        """Sending the data form mails the link to the customer: the action, the
        proposal, its chatter and the messages its sender may read hold no token."""
        self.partner_own.email = "info@pujiang.example.com"
        proposal = self._portal_proposal(self.reader)
        result = self.rpc(
            self.reader, "customer.archive.proposal", "action_send_link", proposal.ids
        )
        token = proposal.sudo().link_token
        self.assertTrue(token)
        self.assertNotIn(token, str(result))
        read = self.rpc(self.reader, "customer.archive.proposal", "read", proposal.ids, [])
        self.assertNotIn(token, str(read))
        messages = self.rpc(
            self.reader, "mail.message", "search_read", [("body", "ilike", token)], ["body"]
        ) + self.rpc(
            self.reader,
            "mail.message",
            "search_read",
            [("author_id", "=", self.reader.partner_id.id)],
            ["body"],
        )
        self.assertNotIn(token, str(messages))

    def test_data_form_link_needs_the_customers_email(self):
        """Without the customer's email, no link is made (none to copy)."""
        self.partner_own.email = False
        proposal = self._portal_proposal(self.reader)
        with self.assertRaises(UserError):
            proposal.action_send_link()
        self.assertFalse(proposal.sudo().link_token)

    def test_consents_of_the_form_wait_for_the_keeper(self):
        """The consents ticked on the form are not current until the keeper decides the
        proposal: then they are recorded."""
        proposal = self._portal_proposal(self.reader)
        token = proposal._new_token()
        url = f"/customer-archive/form/{proposal.id}/{token}"
        page = self.url_open(url)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.url_open(
            url,
            data={
                "csrf_token": csrf,
                "respondent_name": "刘海燕",
                "phone": "021-5555 0000",
                "consent_keep": "1",
                "consent_marketing": "1",
                "consent_share": "1",
            },
        )
        self.assertEqual(response.status_code, 200)
        proposal.invalidate_recordset()
        self.assertEqual(proposal.state, "submitted")
        Consent = self.env["customer.archive.consent"]
        self.assertFalse(
            Consent.search([("archive_id", "=", self.archive_own.id), ("is_current", "=", True)])
        )
        proposal.with_user(self.officer).action_accept()
        current = Consent.search(
            [("archive_id", "=", self.archive_own.id), ("is_current", "=", True)]
        )
        self.assertEqual(set(current.mapped("purpose")), {"keep", "marketing", "share"})
        self.assertEqual(proposal.consent_ids, current)

    def test_keeper_decides_no_proposal_of_his_own(self):
        """A keeper who made a data form proposal cannot decide it, nor add his own
        change to the customer's answers; another officer decides it."""
        officer2 = new_test_user(
            self.env,
            "ca_officer2",
            "base.group_user,customer_archive.group_officer",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        proposal = self._portal_proposal(self.officer)
        with self.assertRaises(UserError):
            self.env["customer.archive.proposal.line"].with_user(self.officer).create(
                {"proposal_id": proposal.id, "field_name": "phone", "new_value": "021-1234 5678"}
            )
        proposal.sudo()._portal_submit({"phone": "021-5555 0000"}, ["keep"], "刘海燕")
        for action in ("action_accept", "action_reject"):
            with self.subTest(action=action), self.assertRaises(AccessError):
                getattr(proposal.with_user(self.officer), action)()
            with self.assertRaises(AccessError):
                getattr(proposal.line_ids.with_user(self.officer), action)()
        proposal.with_user(officer2).action_accept()
        self.assertEqual(proposal.state, "accepted")

    # ------------------------------------------------------------ lists of dossiers
    def test_list_call_beyond_the_list_is_a_consultation(self):
        """A list page is no consultation, but a list call asking the dossier's other
        fields is logged as one per dossier it returned; grouping by a field the list
        does not show is refused."""
        Log = self.env["customer.archive.access.log"]
        before = Log.search_count([])
        Archive = self.env["customer.archive"].with_user(self.reader)
        Archive.web_search_read(
            [], {"display_name": {}, "partner_id": {"fields": {"display_name": {}}}}
        )
        self.assertEqual(Log.search_count([]), before)
        rows = self.rpc(
            self.reader,
            "customer.archive",
            "web_search_read",
            [("id", "=", self.archive_own.id)],
            {"credit_code": {}, "business_scope": {}, "current_problems": {}},
        )
        self.assertEqual(rows["length"], 1)
        logged = Log.search(
            [("archive_id", "=", self.archive_own.id), ("user_id", "=", self.reader.id)]
        )
        self.assertEqual(len(logged), 1)
        with self.assertRaises(AccessError):
            Archive.read_group([], ["current_problems"], ["current_problems"])
        with self.assertRpcFault():
            self.rpc(
                self.reader,
                "customer.archive",
                "web_read_group",
                [],
                ["competitor_info"],
                ["competitor_info"],
            )
        with self.assertRpcFault():
            self.rpc(
                self.reader,
                "customer.archive",
                "read_group",
                [],
                ["registered_capital:sum"],
                ["user_id"],
            )
        # what the lists show groups as before
        self.assertTrue(Archive.read_group([], ["credit_code"], ["customer_grade"]))

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
