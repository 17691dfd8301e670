from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from odoo.addons.customer_archive.tests.common import (
    RPC_FAULT_CODE_WARNING,
    CustomerArchiveCase,
    CustomerArchiveRpcCase,
)

TODAY = date(2026, 11, 2)
NOW = datetime(2026, 11, 2, 2, 0)
TOMORROW_10 = datetime(2026, 11, 3, 2, 0)  # 10:00 in Shanghai


class VisitCase(CustomerArchiveCase):
    """``reader`` visits ``partner_own`` (he sells to it; ``officer`` keeps its archive);
    ``reader2`` sells to ``partner_other``; ``manager`` supervises."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.archive_own | cls.archive_other | cls.archive_kept).action_activate()
        cls.Visit = cls.env["customer.archive.visit"]
        cls.Plan = cls.env["customer.archive.visit.plan"]

    def _visit(self, user=None, archive=None, **values):
        user = user or self.reader
        vals = {
            "archive_id": (archive or self.archive_own).id,
            "user_id": user.id,
            "date_due": TODAY + timedelta(days=10),
            "purpose": "了解产品使用情况",
        }
        vals.update(values)
        return self.Visit.with_user(user).create(vals)

    def _appointed(self, visit, when=None):
        """Book ``visit`` at ``when``; by default an hour ago (a visit just made)."""
        when = when or fields.Datetime.now() - timedelta(hours=1)
        visit.write({"date_appointment": when, "contact_id": self.contact_own.id})
        visit.action_appoint()
        return visit

    def _done(self, visit):
        self._appointed(visit)
        visit.write(
            {
                "met_person": "刘海燕",
                "needs": "希望缩短交货周期",
                "complaints": "上批货晚到三天",
                "follow_up": "与物流确认交货安排",
            }
        )
        visit.action_done()
        return visit

    def _activities(self, visit, xmlid):
        activity_type = self.env.ref(xmlid)
        return visit.sudo().activity_ids.filtered(lambda a: a.activity_type_id == activity_type)


@tagged("post_install", "-at_install")
class TestCustomerArchiveVisit(VisitCase):
    @freeze_time(NOW)
    def test_whole_flow_by_the_right_users(self):
        """Planned → appointed (meeting) → done → reviewed by a manager → filed on the
        dossier under the visit-report subtype, each with its activity."""
        with Form(self.Visit.with_user(self.reader)) as form:
            form.archive_id = self.archive_own
            form.purpose = "了解产品使用情况"
        visit = form.record
        self.assertEqual(visit.state, "planned")
        self.assertEqual(visit.user_id, self.reader)
        self.assertTrue(visit.name.startswith("HF-2026-"))
        self.assertEqual(
            self._activities(visit, "customer_archive_visit.mail_activity_type_visit").user_id,
            self.reader,
        )

        self._appointed(visit, TOMORROW_10)
        self.assertEqual(visit.state, "appointed")
        event = visit.sudo().calendar_event_id
        self.assertEqual(event.user_id, self.reader)
        self.assertEqual(event.start, TOMORROW_10)
        self.assertFalse(self._activities(visit, "customer_archive_visit.mail_activity_type_visit"))
        self.assertTrue(visit.sudo().activity_ids.filtered("calendar_event_id"))

        visit.write(
            {"met_person": "刘海燕", "complaints": "上批货晚到三天", "follow_up": "确认交货"}
        )
        with freeze_time(TOMORROW_10 + timedelta(hours=2)):
            visit.action_done()
        self.assertEqual(visit.state, "done")
        self.assertTrue(visit.date_done)
        review = self._activities(visit, "customer_archive_visit.mail_activity_type_visit_review")
        self.assertIn(review.user_id, self.manager | self.manager2)
        self.assertFalse(visit.sudo().activity_ids.filtered("calendar_event_id"))

        visit.with_user(self.manager).write({"review_note": "处理投诉后回复客户"})
        visit.with_user(self.manager).action_review()
        self.assertEqual(visit.state, "reviewed")
        self.assertEqual(visit.reviewer_id, self.manager)
        filing = self._activities(visit, "customer_archive_visit.mail_activity_type_visit_file")
        self.assertEqual(filing.user_id, self.officer)

        visit.with_user(self.officer).action_file()
        self.assertEqual(visit.state, "filed")
        report = self.archive_own.message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("customer_archive.mt_visit_report")
        )
        self.assertEqual(len(report), 1)
        self.assertIn("上批货晚到三天", report.body)
        self.assertIn("处理投诉后回复客户", report.body)

    @freeze_time(NOW)
    def test_web_client_saves_new_visit_and_plan(self):
        """The web client sends every field of the form with its default: a new visit
        saves for the reader, a new plan for the manager."""
        visit = self.web_create(
            "customer.archive.visit", self.reader, {"archive_id": self.archive_own.id}
        )
        self.assertEqual((visit.state, visit.user_id), ("planned", self.reader))
        plan = self.web_create(
            "customer.archive.visit.plan",
            self.manager,
            {"name": "回访", "purpose": "了解意见", "filter_salesperson_id": self.reader2.id},
        )
        self.assertEqual((plan.state, plan.archive_ids), ("draft", self.archive_other))

    @freeze_time(NOW)
    def test_web_client_books_a_new_visit_with_its_button(self):
        """On a new visit 确认预约 shows as soon as a time and a contact are filled in,
        before any save; the web client then saves the form and runs the button: one
        click books the visit."""
        values = {
            "archive_id": self.archive_own.id,
            "contact_id": self.contact_own.id,
            "date_appointment": fields.Datetime.to_string(TOMORROW_10),
        }
        spec = {fname: {} for fname in (*values, "user_id", "state", "can_appoint")}
        shown = self.Visit.with_user(self.reader).onchange(values, ["date_appointment"], spec)
        self.assertTrue(shown["value"]["can_appoint"])
        visit = self.web_create("customer.archive.visit", self.reader, values)
        visit.with_user(self.reader).action_appoint()
        self.assertEqual(visit.state, "appointed")
        self.assertEqual(visit.sudo().calendar_event_id.start, TOMORROW_10)

    @freeze_time(NOW)
    def test_each_step_refused_to_the_wrong_user(self):
        """Appoint and record: the visitor or an officer; review: a manager; file: an
        officer. Anybody else is refused and the visit does not move."""
        visit = self._visit()
        visit.write(
            {"date_appointment": NOW - timedelta(hours=1), "contact_id": self.contact_own.id}
        )
        with self.assertRaises(AccessError):
            visit.with_user(self.reader2).action_appoint()
        with self.assertRaises(AccessError):
            visit.with_user(self.user_plain).action_appoint()
        visit.action_appoint()
        visit.write({"met_person": "刘海燕"})
        with self.assertRaises(AccessError):
            visit.with_user(self.reader2).action_done()
        visit.action_done()
        for user in (self.reader, self.officer):
            with self.assertRaises(AccessError):
                visit.with_user(user).action_review()
        with self.assertRaises(UserError):
            visit.with_user(self.officer).action_file()  # not reviewed yet
        visit.with_user(self.manager).action_review()
        with self.assertRaises(AccessError):
            visit.with_user(self.reader).action_file()
        self.assertEqual(visit.state, "reviewed")

    @freeze_time(NOW)
    def test_visit_never_reviewed_by_its_own_visitor(self):
        """A manager who made the visit cannot review it; another manager can."""
        visit = self._done(self._visit(user=self.manager))
        with self.assertRaisesRegex(AccessError, "its Visitor is you"):
            visit.action_review()
        self.assertEqual(visit.state, "done")
        review = self._activities(visit, "customer_archive_visit.mail_activity_type_visit_review")
        self.assertEqual(review.user_id, self.manager2)
        visit.with_user(self.manager2).action_review()
        self.assertEqual(visit.reviewer_id, self.manager2)

    @freeze_time(NOW)
    def test_appointment_in_the_past_or_incomplete_refused(self):
        """An appointment needs a contact and a date within the coming year, or the
        last 30 days (a visit recorded afterwards)."""
        visit = self._visit()
        with self.assertRaisesRegex(UserError, "contact person"):
            visit.action_appoint()
        visit.write(
            {"contact_id": self.contact_own.id, "date_appointment": NOW - timedelta(days=40)}
        )
        with self.assertRaisesRegex(UserError, "in the past"):
            visit.action_appoint()
        visit.write({"date_appointment": NOW + timedelta(days=400)})
        with self.assertRaises(UserError):
            visit.action_appoint()
        self.assertEqual(visit.state, "planned")
        self.assertFalse(visit.sudo().calendar_event_id)

    @freeze_time(NOW)
    def test_visit_not_done_before_its_booked_time(self):
        """A visit booked for tomorrow 10:00 is not recorded as done today (no button,
        a clear refusal); once the meeting has taken place, it is."""
        visit = self._appointed(self._visit(), TOMORROW_10)
        visit.write({"met_person": "刘海燕"})
        self.assertFalse(visit.can_done)
        with self.assertRaisesRegex(UserError, "is booked for"):
            visit.action_done()
        self.assertEqual(visit.state, "appointed")
        with freeze_time(TOMORROW_10 + timedelta(minutes=30)):
            visit.invalidate_recordset(["can_done"])
            self.assertTrue(visit.can_done)
            visit.action_done()
        self.assertEqual(visit.state, "done")

    @freeze_time(NOW)
    def test_visit_made_without_booking_recorded_afterwards(self):
        """A visit made this morning without booking is booked at its time and recorded
        as done at once, as a salesperson does back at the office."""
        visit = self._appointed(self._visit(), NOW - timedelta(hours=3))
        visit.write({"met_person": "刘海燕", "needs": "希望缩短交货周期"})
        visit.action_done()
        self.assertEqual(visit.state, "done")

    @freeze_time(NOW)
    def test_bad_input_refused(self):
        """A contact of another customer, an absurd due date, a huge text: refused."""
        with self.assertRaises(ValidationError):
            self._visit(contact_id=self.partner_other.id)
        with self.assertRaises(ValidationError):
            self._visit(date_due=date(2099, 1, 1))
        with self.assertRaises(ValidationError):
            self._visit(met_person="某" * 1000)
        with self.assertRaises(ValidationError):
            self._visit(archive=self.archive_secret.sudo(), user=self.manager)  # a draft
        self.assertFalse(self.Visit.search([("archive_id", "in", self.archive_own.ids)]))

    @freeze_time(NOW)
    def test_visit_done_only_with_whom_was_met(self):
        visit = self._appointed(self._visit())
        with self.assertRaisesRegex(UserError, "whom you met"):
            visit.action_done()
        self.assertEqual(visit.state, "appointed")

    @freeze_time(NOW)
    def test_state_and_stamps_change_only_by_the_buttons(self):
        """Writing the state or a stamp is refused, even to a manager."""
        visit = self._visit()
        for vals in ({"state": "filed"}, {"reviewer_id": self.manager.id}):
            with self.assertRaises(AccessError):
                visit.with_user(self.manager).write(vals)
        with self.assertRaises(AccessError):
            self._visit(state="done")
        self.assertEqual(visit.state, "planned")

    @freeze_time(NOW)
    def test_record_closed_once_done_and_comment_for_supervisors(self):
        visit = self._done(self._visit())
        with self.assertRaises(UserError):
            visit.write({"needs": "改写"})
        with self.assertRaises(UserError):
            visit.write({"date_due": TODAY + timedelta(days=3)})
        with self.assertRaises(AccessError):
            visit.write({"review_note": "自己写的审阅意见"})
        visit.write({"follow_up_done": True})
        self.assertFalse(visit.follow_up_open)

    @freeze_time(NOW)
    def test_readers_see_and_plan_visits_of_their_own_customers(self):
        """A reader sees the visits of his customers only and cannot plan a visit to
        another's customer, nor a visit in someone else's name; officers see all."""
        own = self._visit()
        other = self._visit(user=self.reader2, archive=self.archive_other)
        self.assertEqual(self.Visit.with_user(self.reader).search([]), own)
        with self.assertRaises(AccessError):
            other.with_user(self.reader).read(["name"])
        with self.assertRaises(AccessError):
            self._visit(archive=self.archive_other)
        with self.assertRaises(AccessError):
            self._visit(user=self.reader, user_id=self.reader2.id)
        with self.assertRaises(AccessError):
            own.write({"archive_id": self.archive_other.id})
        with self.assertRaises(AccessError):
            self.Visit.with_user(self.user_plain).search([])
        self.assertEqual(self.Visit.with_user(self.officer).search([]), own | other)

    @freeze_time(NOW)
    def test_cancel_archives_the_meeting(self):
        visit = self._appointed(self._visit())
        event = visit.sudo().calendar_event_id
        with self.assertRaises(AccessError):
            visit.with_user(self.reader2).action_cancel()
        visit.action_cancel()
        self.assertEqual(visit.state, "cancelled")
        self.assertFalse(event.active)
        self.assertFalse(visit.sudo().activity_ids)

    @freeze_time(NOW)
    def test_visit_record_and_report_print(self):
        """The 回访记录表 and the plan's 回访报告 render with the visit's record."""
        visit = self._done(self._visit())
        html = self.env["ir.actions.report"]._render_qweb_html(
            "customer_archive_visit.customer_archive_visit_report", visit.ids
        )[0]
        self.assertIn("上批货晚到三天", html.decode())
        self.assertIn(self.company.name, html.decode())


@tagged("post_install", "-at_install")
class TestCustomerArchiveVisitPlan(VisitCase):
    def _plan_vals(self, **values):
        vals = {
            "name": "第四季度回访",
            "date_start": TODAY,
            "date_end": TODAY + timedelta(days=30),
            "purpose": "了解客户意见",
        }
        vals.update(values)
        return vals

    @freeze_time(NOW)
    def test_manager_saves_plan_from_form_with_filters(self):
        """Choosing a salesperson in the form lists his customers' active dossiers."""
        with Form(self.Plan.with_user(self.manager)) as form:
            form.name = "王芳的客户回访"
            form.purpose = "了解客户意见"
            form.filter_salesperson_id = self.reader
        plan = form.record
        self.assertEqual(plan.archive_ids, self.archive_own)

    @freeze_time(NOW)
    def test_plan_without_customers_refused(self):
        """A plan that chooses no customer is not saved."""
        with self.assertRaisesRegex(ValidationError, "no customers"):
            self.Plan.with_user(self.manager).create(self._plan_vals())
        with self.assertRaises(ValidationError):
            self.Plan.with_user(self.manager).create(
                self._plan_vals(filter_state_id=self.env.ref("base.state_cn_SH").id)
            )

    @freeze_time(NOW)
    def test_generate_one_visit_per_customer_once(self):
        """Generating gives each customer one visit, for its salesperson (else the
        plan's responsible), with an activity; again, nothing more."""
        plan = self.Plan.with_user(self.manager).create(
            self._plan_vals(archive_ids=[Command.set((self.archive_own | self.archive_kept).ids)])
        )
        plan.action_generate()
        self.assertEqual(plan.state, "open")
        by_archive = {visit.archive_id: visit for visit in plan.visit_ids}
        self.assertEqual(set(by_archive), {self.archive_own, self.archive_kept})
        self.assertEqual(by_archive[self.archive_own].user_id, self.reader)
        self.assertEqual(by_archive[self.archive_kept].user_id, self.manager)
        self.assertEqual(by_archive[self.archive_own].date_due, plan.date_end)
        self.assertTrue(
            self._activities(
                by_archive[self.archive_own], "customer_archive_visit.mail_activity_type_visit"
            )
        )
        plan.action_generate()
        self.assertEqual(len(plan.visit_ids), 2)
        plan.write({"archive_ids": [Command.link(self.archive_other.id)]})
        plan.action_generate()
        self.assertEqual(len(plan.visit_ids), 3)

    @freeze_time(NOW)
    def test_generate_skips_customers_with_an_open_visit(self):
        """A customer already booked for a visit (by hand, or by another plan) gets no
        second visit from a plan; the plan says whom it skipped."""
        booked = self._appointed(self._visit(), TOMORROW_10)
        plan = self.Plan.with_user(self.manager).create(
            self._plan_vals(archive_ids=[Command.set((self.archive_own | self.archive_kept).ids)])
        )
        plan.action_generate()
        self.assertEqual(plan.visit_ids.archive_id, self.archive_kept)
        open_visits = self.Visit.search(
            [("archive_id", "=", self.archive_own.id), ("state", "in", ("planned", "appointed"))]
        )
        self.assertEqual(open_visits, booked)
        [result] = plan.message_ids.filtered(lambda m: "Skipped" in (m.body or ""))
        self.assertIn(self.partner_own.name, result.body)
        self.assertIn("1 visit(s) planned", result.body)
        # a second plan for the same customers skips both: their visits are still open
        plan2 = self.Plan.with_user(self.manager).create(
            self._plan_vals(archive_ids=[Command.set((self.archive_own | self.archive_kept).ids)])
        )
        plan2.action_generate()
        self.assertFalse(plan2.visit_ids)

    @freeze_time(NOW)
    def test_last_visit_filter(self):
        """“Not visited for N days” leaves out customers visited more recently."""
        visit = self._done(self._visit())
        self.assertEqual(visit.state, "done")
        plan = self.Plan.with_user(self.manager).create(
            self._plan_vals(filter_days_since_visit=30, filter_salesperson_id=self.reader2.id)
        )
        self.assertEqual(plan.archive_ids, self.archive_other)
        with self.assertRaises(ValidationError):
            self.Plan.with_user(self.manager).create(
                self._plan_vals(filter_days_since_visit=30, filter_salesperson_id=self.reader.id)
            )

    @freeze_time(NOW)
    def test_only_managers_plan_and_generate(self):
        plan = self.Plan.with_user(self.manager).create(
            self._plan_vals(archive_ids=[Command.set(self.archive_own.ids)])
        )
        with self.assertRaises(AccessError):
            self.Plan.with_user(self.reader).create(
                self._plan_vals(archive_ids=[Command.set(self.archive_own.ids)])
            )
        for user in (self.reader, self.officer):
            with self.assertRaises(AccessError):
                plan.with_user(user).action_generate()
        self.assertFalse(plan.visit_ids)

    @freeze_time(NOW)
    def test_bad_period_refused(self):
        for vals in (
            {"date_end": TODAY - timedelta(days=1)},
            {"date_end": TODAY + timedelta(days=800)},
            {"date_start": date(1990, 1, 1), "date_end": date(1990, 2, 1)},
            {"filter_days_since_visit": -5},
        ):
            with self.assertRaises(ValidationError):
                self.Plan.with_user(self.manager).create(
                    self._plan_vals(archive_ids=[Command.set(self.archive_own.ids)], **vals)
                )

    @freeze_time(NOW)
    def test_period_report_counts_per_salesperson(self):
        """The 回访报告 counts planned, done and overdue visits, complaints and open
        follow-ups per visitor."""
        plan = self.Plan.with_user(self.manager).create(
            self._plan_vals(archive_ids=[Command.set((self.archive_own | self.archive_other).ids)])
        )
        plan.action_generate()
        own = plan.visit_ids.filtered(lambda v: v.archive_id == self.archive_own)
        self._done(own.with_user(self.reader))
        with freeze_time(plan.date_end + timedelta(days=1)):
            lines = {line["user"]: line for line in plan._report_lines()}
            self.assertEqual(lines[self.reader]["made"], 1)
            self.assertEqual(lines[self.reader]["complaints"], 1)
            self.assertEqual(lines[self.reader]["follow_ups"], 1)
            self.assertEqual(lines[self.reader2]["overdue"], 1)
            self.assertTrue(
                self.Visit.search([("is_overdue", "=", True), ("plan_id", "=", plan.id)])
            )
        html = self.env["ir.actions.report"]._render_qweb_html(
            "customer_archive_visit.customer_archive_visit_plan_report", plan.ids
        )[0]
        self.assertIn("上批货晚到三天", html.decode())


@tagged("post_install", "-at_install")
class TestCustomerArchiveVisitRule(VisitCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls.env["customer.archive.visit.rule"].create(
            {"name": "每月回访", "company_id": cls.company.id, "interval_days": 30}
        )

    def _proposed(self):
        return self.Visit.search([("rule_id", "=", self.rule.id)])

    def test_cron_proposes_visits_once(self):
        """Customers with a salesperson and no visit within the interval get one
        proposed visit with an activity; running the cron again adds none."""
        with freeze_time(NOW):
            self.env["customer.archive.visit.rule"]._cron_propose_visits()
            proposed = self._proposed()
            self.assertEqual(proposed.archive_id, self.archive_own | self.archive_other)
            self.assertEqual(set(proposed.mapped("state")), {"planned"})
            own = proposed.filtered(lambda v: v.archive_id == self.archive_own)
            self.assertEqual(own.user_id, self.reader)
            self.assertTrue(
                self._activities(own, "customer_archive_visit.mail_activity_type_visit")
            )
            self.env["customer.archive.visit.rule"]._cron_propose_visits()
            self.assertEqual(self._proposed(), proposed)

    def test_cron_waits_for_the_interval_after_a_visit(self):
        """A customer visited recently is not proposed; after the interval he is."""
        with freeze_time(NOW):
            self._done(self._visit())
            self.env["customer.archive.visit.rule"]._cron_propose_visits()
            self.assertEqual(self._proposed().archive_id, self.archive_other)
        with freeze_time(NOW + timedelta(days=31)):
            self.env["customer.archive.visit.rule"]._cron_propose_visits()
            self.assertEqual(self._proposed().archive_id, self.archive_own | self.archive_other)

    def test_cron_texts_in_the_salespersons_language(self):
        """The proposal and its activity are written in the salesperson's language."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"].search(
            [("name", "=", "customer_archive")]
        )._update_translations(["zh_CN"])
        self.reader.lang = "zh_CN"
        with freeze_time(NOW):
            self.env["customer.archive.visit.rule"]._cron_propose_visits()
        own = self._proposed().filtered(lambda v: v.archive_id == self.archive_own)
        activity = self._activities(own, "customer_archive_visit.mail_activity_type_visit")
        self.assertIn("回访", own.purpose)
        self.assertIn("拜访", activity.summary)

    def test_rule_bounds(self):
        Rule = self.env["customer.archive.visit.rule"]
        for vals in ({"interval_days": 0}, {"interval_days": 100000}, {"lead_days": -1}):
            with self.assertRaises(ValidationError):
                Rule.create({"name": "坏规则", "company_id": self.company.id, **vals})


@tagged("post_install", "-at_install")
class TestCustomerArchiveVisitRpc(VisitCase, CustomerArchiveRpcCase):
    def test_rpc_wrong_users_refused(self):
        """Over RPC: a reader cannot review, force the state or read another's visit;
        an appointment in the past is a clear warning."""
        visit = self._visit(date_due=date.today() + timedelta(days=5))
        self.rpc(
            self.reader,
            "customer.archive.visit",
            "write",
            visit.ids,
            {"contact_id": self.contact_own.id, "date_appointment": "2020-01-01 08:00:00"},
        )
        with self.assertRpcFault(RPC_FAULT_CODE_WARNING):
            self.rpc(self.reader, "customer.archive.visit", "action_appoint", visit.ids)
        with self.assertRpcFault():
            self.rpc(self.reader, "customer.archive.visit", "write", visit.ids, {"state": "done"})
        with self.assertRpcFault():
            self.rpc(self.reader2, "customer.archive.visit", "read", visit.ids, ["name"])
        with self.assertRpcFault():
            self.rpc(self.reader2, "customer.archive.visit", "action_cancel", visit.ids)
        with self.assertRpcFault():
            self.rpc(
                self.reader2,
                "customer.archive.visit",
                "create",
                {"archive_id": self.archive_own.id, "date_due": str(date.today())},
            )
        self.assertEqual(visit.state, "planned")

    def test_rpc_review_by_own_visitor_and_plan_by_reader_refused(self):
        visit = self._done(
            self._visit(user=self.manager, date_due=date.today() + timedelta(days=5))
        )
        with self.assertRpcFault():
            self.rpc(self.manager, "customer.archive.visit", "action_review", visit.ids)
        with self.assertRpcFault():
            self.rpc(self.reader, "customer.archive.visit", "action_review", visit.ids)
        self.rpc(self.manager2, "customer.archive.visit", "action_review", visit.ids)
        self.assertEqual(visit.state, "reviewed")
        with self.assertRpcFault():
            self.rpc(self.reader, "customer.archive.visit", "action_file", visit.ids)
        with self.assertRpcFault(RPC_FAULT_CODE_WARNING):
            self.rpc(
                self.manager,
                "customer.archive.visit.plan",
                "create",
                {"name": "空计划", "purpose": "无", "date_start": str(date.today())},
            )
        plan = self.Plan.with_user(self.manager).create(
            {
                "name": "计划",
                "purpose": "了解意见",
                "archive_ids": [Command.set(self.archive_other.ids)],
            }
        )
        with self.assertRpcFault():
            self.rpc(self.reader, "customer.archive.visit.plan", "action_generate", plan.ids)
        self.assertFalse(plan.visit_ids)
