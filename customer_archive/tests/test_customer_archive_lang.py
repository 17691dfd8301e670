from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import CustomerArchiveCase


@tagged("post_install", "-at_install")
class TestCustomerArchiveMessageLanguage(CustomerArchiveCase):
    """Every user reads Chinese; the crons and the superuser run in English: what the
    addon writes is in the language of who reads it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["customer_archive"], ["zh_CN"])
        (cls.reader | cls.officer | cls.manager | cls.manager2).write({"lang": "zh_CN"})
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))
        (cls.archive_own | cls.archive_other).action_activate()

    def zh(self, source, **kwargs):
        """``source`` as a zh_CN reader reads it; it must have a translation."""
        text = self.env(context=dict(self.env.context, lang="zh_CN"))._(source, **kwargs)
        self.assertNotEqual(text, source % kwargs if kwargs else source, "not translated")
        return text

    def type_summary(self, xmlid):
        """The default summary of an activity type as a zh_CN reader reads it."""
        activity_type = self.env.ref(xmlid)
        text = activity_type.with_context(lang="zh_CN").summary
        self.assertNotEqual(text, activity_type.with_context(lang="en_US").summary)
        return text

    def activity(self, record, xmlid):
        activity_type = self.env.ref(xmlid)
        return record.activity_ids.filtered(lambda act: act.activity_type_id == activity_type)

    def test_review_and_licence_reminders_in_the_keepers_language(self):
        """The review cron, run as the English superuser, writes the keeper's reminders
        in Chinese: the review's summary, the expired licences' note."""
        self.assertEqual(self.env.lang, "en_US")
        self.archive_own.write({"date_open": "2025-01-01", "review_interval": 2})
        licence_type = self.env["customer.archive.document.type"].search(
            [("has_validity", "=", True)], limit=1
        )
        self.env["customer.archive.document"].create(
            {
                "archive_id": self.archive_other.id,
                "type_id": licence_type.id,
                "name": "营业执照",
                "valid_until": fields.Date.today() - timedelta(days=5),
            }
        )
        self.env["customer.archive"].sudo()._cron_review_reminders()
        review = self.activity(
            self.archive_own, "customer_archive.mail_activity_type_archive_review"
        )
        self.assertEqual(review.user_id, self.officer)
        self.assertEqual(
            review.summary, self.type_summary("customer_archive.mail_activity_type_archive_review")
        )
        licence = self.activity(
            self.archive_other, "customer_archive.mail_activity_type_licence_expired"
        )
        self.assertEqual(
            licence.summary,
            self.type_summary("customer_archive.mail_activity_type_licence_expired"),
        )
        self.assertIn(self.zh("These licences have expired:"), str(licence.note))

    def test_loan_activities_and_notes_in_chinese(self):
        """A loan's approval activity, its "done" note and the archive's notes are in
        the approver's and the followers' language, whoever runs the step."""
        Loan = self.with_mail(self.env["customer.archive.loan"])
        loan = Loan.create(
            {
                "user_id": self.reader.id,
                "archive_id": self.archive_other.id,
                "purpose": "核对合同条款",
                "date_due": fields.Date.today() + timedelta(days=7),
            }
        )
        loan.action_submit()  # as the English superuser, like demo data at install
        approval = self.activity(loan, "customer_archive.mail_activity_type_loan_approval")
        self.assertEqual(approval.user_id, self.manager | self.manager2)
        self.assertEqual(
            set(approval.mapped("summary")), {self.zh("Approve loan %(loan)s", loan=loan.name)}
        )
        note = self.archive_other.message_ids[:1]
        self.assertIn(self.zh("Loan requested"), str(note.body))
        loan.with_user(self.manager).with_context(lang="en_US").action_approve()
        done = loan.message_ids.filtered(
            lambda message: message.subtype_id == self.env.ref("mail.mt_activities")
        )[:1]
        type_name = (
            self.env.ref("customer_archive.mail_activity_type_loan_approval")
            .with_context(lang="zh_CN")
            .name
        )
        self.assertNotEqual(type_name, "Approve Archive Loan")
        self.assertIn(type_name, str(done.body))
        handout = self.activity(loan, "customer_archive.mail_activity_type_loan_handout")
        self.assertEqual(handout.summary, self.zh("Hand out loan %(loan)s", loan=loan.name))

    def test_english_reader_keeps_english(self):
        """A user who reads English gets English: the language is the reader's."""
        self.manager.lang = "en_US"
        loan = self.env["customer.archive.loan"].create(
            {
                "user_id": self.reader.id,
                "archive_id": self.archive_other.id,
                "purpose": "核对",
                "date_due": fields.Date.today() + timedelta(days=7),
            }
        )
        loan.with_context(lang="zh_CN").action_submit()
        approval = self.activity(loan, "customer_archive.mail_activity_type_loan_approval")
        by_user = {activity.user_id: activity.summary for activity in approval}
        self.assertEqual(by_user[self.manager], f"Approve loan {loan.name}")
        self.assertNotEqual(by_user[self.manager2], f"Approve loan {loan.name}")

    def test_risk_signal_and_correction_in_chinese(self):
        """A risk signal's activity and a correction's note are in Chinese."""
        self.env["customer.classification.policy"].create(
            {"company_id": self.company.id, "manager_id": self.manager.id}
        )
        signal_type = self.env.ref("customer_archive.risk_signal_type_late_payment")
        signal = self.env["customer.risk.signal"].create(
            {"partner_id": self.partner_own.id, "type_id": signal_type.id}
        )
        activity = signal.activity_ids
        self.assertEqual(activity.user_id, self.manager)
        self.assertEqual(
            activity.summary,
            self.zh(
                "Risk signal: %(signal)s",
                signal=signal_type.with_context(lang="zh_CN").display_name,
            ),
        )
        correction = self.with_mail(self.env["customer.archive.correction"]).create(
            {
                "archive_id": self.archive_own.id,
                "user_id": self.env.uid,
                "reason": "工商变更",
                "new_legal_representative": "王建国",
            }
        )
        prefix = self.zh(
            "Correction %(request)s requested by %(user)s: %(changes)s",
            request=correction.name,
            user=correction.user_id.name,
            changes="",
        )
        self.assertIn(prefix, str(self.archive_own.message_ids[:1].body))

    def test_purchase_cycle_reminder_in_the_salespersons_language(self):
        """The purchase-cycle reminder the classification cron writes is in Chinese."""
        policy = self.env["customer.classification.policy"].create(
            {"company_id": self.company.id, "manager_id": self.manager.id}
        )
        policy._classification_remind([{"id": self.partner_own.id}])
        activity = self.activity(
            self.partner_own, "customer_archive.mail_activity_type_purchase_cycle"
        )
        self.assertEqual(activity.user_id, self.reader)
        self.assertEqual(activity.summary, self.zh("Ask the customer about a new order"))
