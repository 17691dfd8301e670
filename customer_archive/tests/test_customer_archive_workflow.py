import re

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import CustomerArchiveCase


@tagged("post_install", "-at_install")
class TestCustomerArchiveWorkflow(CustomerArchiveCase):
    def _flush_tracking(self):
        """Tracking values are written when the cursor flushes its precommit hooks."""
        self.env.flush_all()
        self.env.cr.flush()
        self.env.invalidate_all()

    def test_number_from_sequence_by_year(self):
        """Archives are numbered KH-<year>-<5 digits>, consecutively."""
        Archive = self.env["customer.archive"].with_user(self.officer)
        first = Archive.create({"partner_id": self.partner_free.id, "date_open": "2026-03-01"})
        partner = self.env["res.partner"].create(
            {"name": "武汉江城建材有限公司", "is_company": True}
        )
        second = Archive.create({"partner_id": partner.id, "date_open": "2026-04-01"})
        self.assertRegex(first.name, r"^KH-2026-\d{5}$")
        number = int(re.search(r"(\d{5})$", first.name).group(1))
        self.assertEqual(second.name, f"KH-2026-{number + 1:05d}")

    def test_form_creates_archive_as_officer(self):
        """An officer opens an archive through the form; it starts as a draft with a number."""
        with Form(self.env["customer.archive"].with_user(self.officer)) as form:
            form.partner_id = self.partner_free
            form.legal_representative = "赵敏"
            form.has_paper_original = True
            form.location_id = self.env["customer.archive.location"].create({"name": "柜 9"})
        archive = form.record
        self.assertEqual(archive.state, "draft")
        self.assertTrue(archive.name.startswith("KH-"))
        self.assertEqual(archive.user_id, self.officer)

    def test_state_flow_by_officer(self):
        """An officer activates, closes and reopens an archive; wrong steps are refused."""
        archive = self.archive_kept.with_user(self.officer)
        self.assertTrue(archive.can_activate)
        archive.action_activate()
        self.assertEqual(archive.state, "active")
        with self.assertRaises(UserError):
            archive.action_activate()
        archive.action_close()
        self.assertEqual(archive.state, "closed")
        archive.action_reopen()
        self.assertEqual(archive.state, "active")

    def test_reader_cannot_change_state(self):
        """A reader sees no state buttons and is refused the state actions."""
        archive = self.archive_kept.with_user(self.reader)
        self.assertFalse(archive.can_activate)
        with self.assertRaises(AccessError):
            archive.action_activate()
        self.assertEqual(self.archive_kept.state, "draft")

    def test_tracking_written_for_fields_with_history(self):
        """Changing keeper or legal representative is tracked; market share is not."""
        archive = self.with_mail(self.archive_own)
        archive.message_ids.unlink()
        archive.write({"legal_representative": "陈建国", "user_id": self.manager.id})
        self._flush_tracking()
        tracked = archive.message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("legal_representative", tracked)
        self.assertIn("user_id", tracked)
        archive.message_ids.unlink()
        archive.write({"market_share": 12.5})
        self._flush_tracking()
        self.assertFalse(archive.message_ids.tracking_value_ids)

    def test_log_visit_opens_composer_with_subtype(self):
        """ "Log Visit" opens the composer on the visit-report subtype."""
        action = self.archive_own.with_user(self.reader).action_log_visit()
        self.assertEqual(action["res_model"], "mail.compose.message")
        self.assertEqual(
            action["context"]["default_subtype_id"],
            self.env.ref("customer_archive.mt_visit_report").id,
        )

    def test_document_year_and_expiry(self):
        """A document files under its year; a licence past its date is found as expired."""
        licence = self.env["customer.archive.document"].create(
            {
                "archive_id": self.archive_own.id,
                "type_id": self.env.ref("customer_archive.document_type_bl").id,
                "name": "营业执照",
                "date": "2021-03-15",
                "valid_until": "2026-06-30",
            }
        )
        self.assertEqual(licence.year, 2021)
        Document = self.env["customer.archive.document"]
        with freeze_time("2026-06-30"):
            self.assertNotIn(licence, Document.search([("is_expired", "=", True)]))
        with freeze_time("2026-07-01"):
            self.assertIn(licence, Document.search([("is_expired", "=", True)]))
            self.assertTrue(Document.browse(licence.id).is_expired)

    def test_uploaded_files_bound_to_document(self):
        """Files attached to a document belong to it, so their access follows the archive."""
        attachment = self.env["ir.attachment"].create({"name": "licence.pdf", "raw": b"%PDF-1.4"})
        self.document_own.attachment_ids = [(4, attachment.id)]
        self.assertEqual(attachment.res_model, "customer.archive.document")
        self.assertEqual(attachment.res_id, self.document_own.id)
