"""Confidentiality in every path (DESIGN §6): what a user may not read does not reach
him through an onchange, an activity, a follower, an error message or a figure; bad
input is refused with nothing written; every consultation of a dossier is logged."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import (
    RPC_FAULT_CODE_WARNING,
    CustomerArchiveCase,
    CustomerArchiveRpcCase,
    make_credit_code,
)


class ConfidentialityCase(CustomerArchiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.archive_own | cls.archive_other | cls.archive_kept).action_activate()
        cls.Log = cls.env["customer.archive.access.log"]

    def logs(self, archive, user=None):
        domain = [("archive_id", "=", archive.id)]
        if user:
            domain.append(("user_id", "=", user.id))
        return self.Log.search(domain)


@tagged("post_install", "-at_install")
class TestLeaks(ConfidentialityCase):
    def test_onchange_refused_to_who_may_not_create(self):
        """onchange of a dossier answers only who may create dossiers, and a new form
        shows nothing of the customer's classification."""
        spec = {"partner_id": {}, "customer_grade": {}, "customer_tier": {}}
        for user in (self.user_plain, self.reader):
            with self.assertRaises(AccessError):
                self.env["customer.archive"].with_user(user).onchange(
                    {"partner_id": self.partner_own.id}, ["partner_id"], spec
                )
        result = (
            self.env["customer.archive"]
            .with_user(self.officer)
            .onchange({"partner_id": self.partner_free.id}, ["partner_id"], spec)
        )
        self.assertFalse(result["value"].get("customer_grade"))

    def test_archive_fields_refused_outside_their_group(self):
        """The archive's fields on the partner are tested once per read for their common
        group: outside it they are refused, alone or beside fields of other groups, and
        a reader still gets no officer's amount beside them."""
        partner = self.partner_own
        for fnames in (["customer_grade"], ["name", "customer_archive_id", "customer_tier"]):
            with self.assertRaises(AccessError):
                partner.with_user(self.user_plain).read(fnames)
        partner.invalidate_recordset()
        row = partner.with_user(self.reader).read(["name", "customer_grade", "customer_archive_id"])
        self.assertEqual(row[0]["customer_archive_id"][0], self.archive_own.id)
        with self.assertRaises(AccessError):
            partner.with_user(self.reader).read(["customer_grade", "customer_overdue_amount"])

    def test_replaced_keeper_stops_following(self):
        """A keeper replaced on a dossier he may no longer read stops following it."""
        archive = self.archive_kept
        archive.message_subscribe(self.reader.partner_id.ids)
        self.with_mail(archive.with_user(self.officer)).write({"user_id": self.officer.id})
        self.assertNotIn(self.reader.partner_id, archive.message_partner_ids)
        self.assertIn(self.officer.partner_id, archive.message_partner_ids)

    def test_salesperson_change_prunes_followers(self):
        """The former salesperson stops following the customer's dossier."""
        self.archive_own.message_subscribe(self.reader.partner_id.ids)
        self.partner_own.write({"user_id": self.reader2.id})
        self.assertNotIn(self.reader.partner_id, self.archive_own.message_partner_ids)

    def test_reader_names_no_document_he_may_not_read(self):
        """A reader cannot put a document he may not read on his loan: its title would
        print on the slip."""
        with self.assertRaises(ValidationError) as caught:
            self.env["customer.archive.loan"].with_user(self.reader).create(
                {
                    "archive_id": self.archive_own.id,
                    "purpose": "核对",
                    "date_due": fields.Date.today() + timedelta(days=3),
                    "document_ids": [Command.set(self.document_own_confidential.ids)],
                }
            )
        self.assertNotIn("授信审批", str(caught.exception))

    def test_secret_dossier_ends_its_loans(self):
        """Made secret, a dossier's pending loans are cancelled and a loan that is out
        no longer opens it to the borrower."""
        out = self.approved_loan(self.archive_other)
        out.with_user(self.officer).action_hand_out()
        pending = self.env["customer.archive.loan"].create(
            {
                "user_id": self.reader2.id,
                "archive_id": self.archive_other.id,
                "purpose": "走访",
                "date_due": fields.Date.today() + timedelta(days=3),
            }
        )
        Archive = self.env["customer.archive"].with_user(self.reader)
        self.assertTrue(Archive.search([("id", "=", self.archive_other.id)]))
        self.archive_other.with_user(self.manager).write({"confidentiality": "secret"})
        self.assertEqual(pending.state, "cancelled")
        self.assertFalse(Archive.search([("id", "=", self.archive_other.id)]))
        self.assertTrue(out.activity_ids)

    def test_amounts_only_where_the_dossier_is_readable(self):
        """A reader reads grades but no amounts; the why text gives him the amounts of
        his own customers only; officers read them all."""
        Partner = self.env["res.partner"].with_user(self.reader)
        with self.assertRaises(AccessError):
            Partner.browse(self.partner_other.id).read(["customer_yearly_amount"])
        Partner.browse(self.partner_other.id).read(["customer_grade"])
        self.env["res.partner"].with_user(self.officer).browse(self.partner_other.id).read(
            ["customer_yearly_amount"]
        )
        partners = (self.partner_own | self.partner_other).with_user(self.reader)
        self.assertEqual(partners._customer_amounts_visible(), self.partner_own)

    def test_risk_signal_not_on_the_partner(self):
        """An employee outside the archive groups reads the customer's activities, but
        nothing of its risk signals."""
        self.env["customer.risk.signal"].with_user(self.reader).create(
            {
                "partner_id": self.partner_own.id,
                "type_id": self.env.ref("customer_archive.risk_signal_type_lawsuit").id,
                "note": "法院传票",
            }
        )
        activities = (
            self.env["mail.activity"]
            .with_user(self.user_plain)
            .search([("res_model", "=", "res.partner"), ("res_id", "=", self.partner_own.id)])
        )
        self.assertFalse(activities)


@tagged("post_install", "-at_install")
class TestBadInput(ConfidentialityCase):
    def test_absurd_numbers_and_dates_refused(self):
        """Negative capital or staff, a share over 100 %, a founding date in 9999 are
        refused with a clear error; nothing is written."""
        draft = self.env["customer.archive"].create({"partner_id": self.partner_free.id})
        archive = draft.with_user(self.officer)
        for vals in (
            {"registered_capital": -1},
            {"registered_capital": 10**16},
            {"employee_count": -5},
            {"market_share": 250},
            {"date_founded": "9999-01-01"},
            {"date_founded": "0001-01-01"},
            {"date_relationship_start": "2020-01-01", "date_relationship_end": "2019-01-01"},
        ):
            with self.subTest(vals=vals):
                with self.assertRaises(ValidationError):
                    with self.env.cr.savepoint():
                        archive.write(vals)
        self.assertEqual(draft.registered_capital, 0)
        self.assertFalse(draft.date_founded)

    def test_huge_text_refused_before_anything_is_written(self):
        """A 1 MB legal representative or credit code is refused by name, not by the
        database."""
        huge = "张" * 1_000_000
        draft = self.env["customer.archive"].create({"partner_id": self.partner_free.id})
        with self.assertRaises(ValidationError) as caught:
            draft.with_user(self.officer).write({"legal_representative": huge})
        self.assertIn("100", str(caught.exception))
        self.assertFalse(draft.legal_representative)
        partner = self.env["res.partner"].create(
            {"name": "长沙星城商贸有限公司", "is_company": True}
        )
        with self.assertRaises(ValidationError):
            self.env["customer.archive"].with_user(self.officer).create(
                {"partner_id": partner.id, "credit_code": "9" * 1_000_000}
            )
        self.assertFalse(self.env["customer.archive"].search([("partner_id", "=", partner.id)]))

    def test_loan_dated_year_one_refused(self):
        """A loan starts within a year of today."""
        with self.assertRaises(ValidationError):
            self.env["customer.archive.loan"].with_user(self.reader).create(
                {
                    "archive_id": self.archive_other.id,
                    "purpose": "核对",
                    "date_start": "0001-01-01",
                    "date_due": "0001-01-05",
                }
            )

    def test_valid_code_still_saves(self):
        """Bounds refuse nothing ordinary."""
        with Form(self.env["customer.archive"].with_user(self.officer)) as form:
            form.partner_id = self.partner_free
            form.credit_code = make_credit_code(55)
            form.registered_capital = 5_000_000
            form.market_share = 12.5
            form.employee_count = 320
        self.assertEqual(form.record.employee_count, 320)


@tagged("post_install", "-at_install")
class TestConsultationLog(ConfidentialityCase):
    def test_form_open_logged_once_refusal_not(self):
        """Opening a dossier's form logs one row; a refused read logs none; a list page
        logs nothing."""
        spec = {"name": {}, "legal_representative": {}, "document_ids": {"fields": {"name": {}}}}
        self.archive_own.with_user(self.reader).web_read(spec)
        self.assertEqual(len(self.logs(self.archive_own, self.reader)), 1)
        self.assertEqual(self.logs(self.archive_own, self.reader).how, "form")
        with self.assertRaises(AccessError):
            self.archive_other.with_user(self.reader).web_read(spec)
        self.assertFalse(self.logs(self.archive_other, self.reader))
        self.env["customer.archive"].with_user(self.reader).web_search_read(
            [], {"name": {}, "partner_id": {"fields": {"display_name": {}}}}
        )
        self.assertEqual(len(self.logs(self.archive_own, self.reader)), 1)

    def test_consulting_reads_served_read_write(self):
        """The web client's call_kw serves a method on a read-only transaction when the
        first ``_readonly`` it finds up the classes says so: the reads that write the
        log say no, the list page (no log) stays read-only."""

        def readonly(method_name):
            for cls in type(self.env["customer.archive"]).mro():
                method = getattr(cls, method_name, None)
                if method is not None and hasattr(method, "_readonly"):
                    return method._readonly
            return False

        for method_name in ("web_read", "read", "search_read"):
            self.assertFalse(readonly(method_name), method_name)
        self.assertTrue(readonly("web_search_read"))

    def test_api_read_logged(self):
        """A read call logs one row per dossier read."""
        (self.archive_own | self.archive_kept).with_user(self.reader).read(["name"])
        self.assertEqual(len(self.logs(self.archive_own, self.reader)), 1)
        self.assertEqual(len(self.logs(self.archive_kept, self.reader)), 1)

    def test_log_immutable_and_private(self):
        """Nobody writes, deletes or forges a row, admin included; a reader reads his
        own rows, a manager all."""
        self.archive_own.with_user(self.reader).read(["name"])
        self.archive_own.with_user(self.officer).read(["name"])
        row = self.logs(self.archive_own, self.reader)
        for env_row in (row.with_user(self.manager), row.sudo()):
            with self.assertRaises(AccessError):
                env_row.write({"user_id": self.manager.id})
            with self.assertRaises(AccessError):
                env_row.unlink()
        with self.assertRaises(AccessError):
            self.Log.sudo().create(
                {
                    "date": fields.Datetime.now(),
                    "user_id": self.manager.id,
                    "archive_id": self.archive_own.id,
                    "how": "form",
                }
            )
        mine = self.Log.with_user(self.reader).search([("archive_id", "=", self.archive_own.id)])
        self.assertEqual(mine.user_id, self.reader)
        every = self.Log.with_user(self.manager).search([("archive_id", "=", self.archive_own.id)])
        self.assertEqual(every.user_id, self.reader | self.officer)

    def test_export_for_officers_only_and_logged(self):
        """Readers cannot export dossiers (严禁复印); an officer's export is logged."""
        with self.assertRaises(AccessError):
            self.archive_own.with_user(self.reader).export_data(["name"])
        self.archive_own.with_user(self.officer).export_data(["name", "legal_representative"])
        self.assertEqual(self.logs(self.archive_own, self.officer).how, "export")

    def test_hand_out_logged_for_the_borrower(self):
        """A loan handed out is a consultation by its borrower."""
        loan = self.approved_loan(self.archive_other)
        loan.with_user(self.officer).action_hand_out()
        self.assertEqual(self.logs(self.archive_other, self.reader).how, "loan")

    def test_prune_drops_rows_past_retention(self):
        """The cron drops rows older than the retention period, nothing younger."""
        with freeze_time(fields.Datetime.now() - relativedelta(years=3, days=2)):
            self.archive_own.with_user(self.reader).read(["name"])
        self.archive_kept.with_user(self.reader).read(["name"])
        self.Log._cron_prune()
        self.assertFalse(self.logs(self.archive_own, self.reader))
        self.assertTrue(self.logs(self.archive_kept, self.reader))


@tagged("post_install", "-at_install")
class TestConfidentialityRpc(ConfidentialityCase, CustomerArchiveRpcCase):
    def test_rpc_onchange_export_and_log_refused(self):
        """Over RPC: no onchange for an employee outside the groups, no export for a
        reader, no change of the log for the administrator."""
        with self.assertRpcFault():
            self.rpc(
                self.user_plain,
                "customer.archive",
                "onchange",
                [],
                {"partner_id": self.partner_own.id},
                ["partner_id"],
                {"partner_id": {}, "customer_grade": {}},
            )
        with self.assertRpcFault():
            self.rpc(self.reader, "customer.archive", "export_data", self.archive_own.ids, ["name"])
        self.rpc(self.reader, "customer.archive", "read", self.archive_own.ids, ["name"])
        row = self.logs(self.archive_own, self.reader)
        self.assertEqual(row.how, "api")
        admin = self.env.ref("base.user_admin")
        admin.write({"company_ids": [Command.link(self.company.id)]})
        with self.assertRpcFault():
            self.rpc(admin, "customer.archive.access.log", "unlink", row.ids)
        with self.assertRpcFault():
            self.rpc(admin, "customer.archive.access.log", "write", row.ids, {"how": "form"})
        with self.assertRpcFault():
            self.rpc(
                self.reader,
                "res.partner",
                "read",
                self.partner_other.ids,
                ["customer_overdue_amount"],
            )
        outsider = self.env["res.partner"].create({"name": "外部", "email": "x@example.com"})
        with self.assertRpcFault(RPC_FAULT_CODE_WARNING):
            self.rpc(
                self.officer,
                "customer.archive",
                "message_post",
                self.archive_own.ids,
                body="档案",
                partner_ids=outsider.ids,
            )
        with self.assertRpcFault(RPC_FAULT_CODE_WARNING):
            self.rpc(
                self.officer,
                "customer.archive",
                "message_subscribe",
                self.archive_own.ids,
                outsider.ids,
            )


@tagged("post_install", "-at_install")
class TestPersonalData(ConfidentialityCase):
    def issue_loan(self):
        return (
            self.env["customer.archive.loan"]
            .with_user(self.reader2)
            .create(
                {
                    "archive_id": self.archive_other.id,
                    "purpose": "提供给律师",
                    "kind": "issue",
                    "date_due": fields.Date.today() + timedelta(days=3),
                }
            )
        )

    def test_copy_leaves_only_with_current_consent(self):
        """A copy issued to an outside party is refused without the customer's current
        consent to share, and allowed once an officer records it from the dossier."""
        loan = self.issue_loan()
        with self.assertRaises(UserError) as caught:
            loan.with_user(self.reader2).action_submit()
        self.assertIn("consent", str(caught.exception))
        with Form(self.archive_other.with_user(self.officer)) as form:
            with form.consent_ids.new() as consent:
                consent.partner_id = self.partner_other
                consent.purpose = "share"
                consent.channel = "paper"
        self.assertTrue(self.archive_other.share_consent)
        loan.with_user(self.reader2).action_submit()
        self.archive_other.consent_ids.write({"date_withdrawn": fields.Date.today()})
        self.assertFalse(self.archive_other.share_consent)
        with self.assertRaises(UserError):
            loan.with_user(self.manager).action_approve()

    def test_mail_to_an_outside_address_needs_consent(self):
        """A report mailed from the dossier to an outside address, or an outside
        follower, gives dossier data to a third party: refused without the customer's
        consent, with nothing posted; staff and the customer's own people may receive it."""
        lawyer = self.env["res.partner"].create({"name": "律师事务所", "email": "law@example.com"})
        archive = self.archive_other.with_user(self.officer).with_context(mail_notrack=True)
        messages = archive.message_ids
        composer = Form(
            self.env["mail.compose.message"]
            .with_user(self.officer)
            .with_context(
                default_model="customer.archive",
                default_res_ids=archive.ids,
                default_composition_mode="comment",
                default_message_type="comment",
            )
        )
        composer.body = "档案卡见附件"
        composer.partner_ids.add(lawyer)
        wizard = composer.save()
        with self.assertRaises(UserError) as caught:
            wizard._action_send_mail()
        self.assertIn(lawyer.name, str(caught.exception))
        with self.assertRaises(UserError):
            archive.message_subscribe(partner_ids=lawyer.ids)
        self.assertEqual(archive.message_ids, messages)
        self.assertNotIn(lawyer, archive.message_partner_ids)
        # staff and the customer's own contact are not outside addresses
        contact = self.env["res.partner"].create(
            {"name": "联系人", "parent_id": self.partner_other.id, "email": "c@example.com"}
        )
        archive.message_post(body="内部", partner_ids=(self.manager.partner_id | contact).ids)
        self.env["customer.archive.consent"].with_user(self.officer).create(
            {"archive_id": archive.id, "partner_id": self.partner_other.id, "purpose": "share"}
        )
        archive.message_post(body="已同意", partner_ids=lawyer.ids)
        archive.message_subscribe(partner_ids=lawyer.ids)
        self.assertIn(lawyer, archive.message_partner_ids)

    def test_consent_of_a_stranger_refused(self):
        """A consent is given by the customer or one of its contacts, in the past."""
        Consent = self.env["customer.archive.consent"].with_user(self.officer)
        with self.assertRaises(ValidationError):
            Consent.create({"archive_id": self.archive_other.id, "partner_id": self.partner_own.id})
        with self.assertRaises(ValidationError):
            Consent.create(
                {
                    "archive_id": self.archive_other.id,
                    "partner_id": self.partner_other.id,
                    "date": fields.Date.today() + timedelta(days=10),
                }
            )
        with self.assertRaises(AccessError):
            self.env["customer.archive.consent"].with_user(self.reader2).create(
                {"archive_id": self.archive_other.id, "partner_id": self.partner_other.id}
            )

    def test_erasure_refused_under_retention(self):
        """Personal data is erased on request only once the archive need not be kept."""
        archive = self.archive_own
        with self.assertRaises(UserError) as caught:
            archive.with_user(self.officer).action_erase_personal_data()
        self.assertIn("relationship", str(caught.exception))
        self.assertEqual(str(archive.birthday), "1975-05-04")
        archive.date_relationship_end = fields.Date.today() - relativedelta(years=10)
        archive.with_user(self.officer).action_erase_personal_data()
        self.assertFalse(archive.birthday)
        with self.assertRaises(AccessError):
            archive.with_user(self.reader).action_erase_personal_data()

    def test_personal_data_as_a_file_logged(self):
        """An officer produces the customer's personal data as a file; it is logged."""
        action = self.archive_own.with_user(self.officer).action_export_personal_data()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        self.assertIn("1975-05-04", attachment.raw.decode())
        self.assertEqual(self.logs(self.archive_own, self.officer).how, "export")
        with self.assertRaises(AccessError):
            self.archive_own.with_user(self.reader).action_export_personal_data()
