"""The keeper's forms after an import: the storage place, the dossier search, the
correction request's documents, the customer kanban and the archive card."""

import base64
import re

from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import CustomerArchiveCase


@tagged("post_install", "-at_install")
class TestStorageLocationForm(CustomerArchiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Location = cls.env["customer.archive.location"].with_company(cls.company)
        cls.room = Location.create({"name": "二号档案室", "kind": "room"})
        cls.shelf = Location.create({"name": "第3层", "kind": "shelf", "parent_id": cls.room.id})
        cls.archive_own.write({"has_paper_original": True, "location_id": cls.shelf.id})

    def test_officer_saves_a_new_place_as_the_web_client_does(self):
        """A keeper creates a storage place from its form (every field of the view sent
        with its default) and it holds nothing yet."""
        location = self.web_create(
            "customer.archive.location",
            self.officer,
            {"name": "C柜", "parent_id": self.room.id},
        )
        self.assertEqual(location.complete_name, "二号档案室 / C柜")
        self.assertEqual((location.archive_count, location.archive_ids.ids), (0, []))

    def test_place_form_lists_what_stands_on_it(self):
        """The shelf's form lists the dossier on it; the room counts the dossiers of its
        shelves and its button opens them; an edit of the form saves."""
        with Form(self.shelf.with_user(self.officer)) as form:
            self.assertEqual(form.archive_ids._records[0]["id"], self.archive_own.id)
            form.note = "靠窗"
        self.assertEqual(self.shelf.note, "靠窗")
        room = self.room.with_user(self.officer)
        self.assertEqual(room.archive_count, 1)
        self.assertFalse(room.archive_ids)
        action = room.action_view_archives()
        self.assertEqual(self.env["customer.archive"].search(action["domain"]), self.archive_own)

    def test_reader_sees_only_the_dossiers_he_may_read_on_a_place(self):
        """A reader opening a place sees only his own customers' dossiers on it."""
        self.archive_other.write({"has_paper_original": True, "location_id": self.shelf.id})
        self.assertEqual(self.shelf.with_user(self.officer).archive_count, 2)
        self.assertEqual(self.shelf.with_user(self.reader2).archive_ids, self.archive_other)


@tagged("post_install", "-at_install")
class TestDossierSearch(CustomerArchiveCase):
    def _default_search(self, text):
        """The dossiers found by typing ``text`` in the search box and pressing Enter:
        the first field of the search view."""
        Archive = self.env["customer.archive"].with_user(self.officer)
        arch = Archive.get_views([(False, "search")])["views"]["search"]["arch"]
        first = etree.fromstring(arch).xpath("//field")[0]
        domain = first.get("filter_domain") or f"[('{first.get('name')}', 'ilike', self)]"
        return Archive.search(safe_eval(domain, {"self": text}))

    def test_enter_finds_a_dossier_by_customer_name_or_number(self):
        """Typing part of the customer's name, the archive number or the credit code and
        Enter finds the dossier."""
        self.assertEqual(self._default_search("浦江贸易"), self.archive_own)
        self.assertEqual(self._default_search(self.archive_own.name), self.archive_own)
        self.assertEqual(self._default_search(self.archive_own.credit_code), self.archive_own)


@tagged("post_install", "-at_install")
class TestCorrectionDocuments(CustomerArchiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.archive_own.action_activate()

    def _upload(self, user, name="营业执照.pdf"):
        """A file as the form's upload button stores it: not bound to a record yet."""
        return (
            self.env["ir.attachment"]
            .with_user(user)
            .create(
                {
                    "name": name,
                    "datas": base64.b64encode(b"%PDF-1.4 new licence"),
                    "res_model": "customer.archive.correction",
                    "res_id": 0,
                }
            )
        )

    def test_requester_attaches_the_new_licence_and_the_checker_reads_it(self):
        """A salesperson files a correction with the new licence attached (saved as the
        web client does); the officer who checks it opens the file, which is in the
        request's chatter too; nobody swaps it afterwards."""
        licence = self._upload(self.reader)
        request = self.web_create(
            "customer.archive.correction",
            self.reader,
            {
                "archive_id": self.archive_own.id,
                "new_legal_representative": "陈建国",
                "reason": "法定代表人已变更,见新营业执照",
                "attachment_ids": [Command.link(licence.id)],
            },
            context={"default_archive_id": self.archive_own.id},
        )
        self.assertEqual(request.attachment_ids, licence)
        self.assertEqual((licence.res_model, licence.res_id), (request._name, request.id))
        as_officer = licence.with_user(self.officer)
        self.assertEqual(as_officer.raw, b"%PDF-1.4 new licence")
        in_chatter = (
            self.env["ir.attachment"]
            .with_user(self.officer)
            .search([("res_model", "=", request._name), ("res_id", "=", request.id)])
        )
        self.assertEqual(in_chatter, licence)
        other = self._upload(self.reader, "别的文件.pdf")
        with self.assertRaises(AccessError):
            request.with_user(self.reader).write({"attachment_ids": [Command.set(other.ids)]})

    def test_form_shows_the_upload_field_to_the_requester(self):
        """The correction form a requester fills has the documents field."""
        with Form(
            self.env["customer.archive.correction"]
            .with_user(self.reader)
            .with_context(default_archive_id=self.archive_own.id)
        ) as form:
            form.new_legal_representative = "陈建国"
            form.reason = "法定代表人已变更"
            form.attachment_ids.add(self._upload(self.reader))
        self.assertEqual(len(form.record.attachment_ids), 1)


@tagged("post_install", "-at_install")
class TestCustomerKanbanBadges(CustomerArchiveCase):
    def test_archive_users_see_grade_and_tier_on_the_customer_cards(self):
        """The contacts kanban of an archive user shows the grade and tier badges; other
        users' kanban is Odoo's."""
        arch = self.env["res.partner"].with_user(self.reader).get_views([(False, "kanban")])
        kanban = etree.fromstring(arch["views"]["kanban"]["arch"])
        badges = kanban.xpath("//div[@name='customer_classification_badges']//field")
        self.assertEqual([b.get("name") for b in badges], ["customer_grade", "customer_tier"])
        plain = self.env["res.partner"].with_user(self.user_plain).get_views([(False, "kanban")])
        self.assertNotIn("customer_grade", plain["views"]["kanban"]["arch"])


@tagged("post_install", "-at_install")
class TestArchiveCardLayout(CustomerArchiveCase):
    def test_email_stays_in_its_column_when_the_phone_is_empty(self):
        """On the archive card, a customer without phone still has an empty phone cell,
        so 电子邮件 and its value stay in the third and fourth columns."""
        self.partner_own.write({"phone": False, "mobile": False, "email": "info@pujiang.cn"})
        html, _format = (
            self.env["ir.actions.report"]
            .with_user(self.officer)
            ._render_qweb_html("customer_archive.customer_archive_card", self.archive_own.ids)
        )
        row = etree.fromstring(html, etree.HTMLParser()).xpath(
            "//tr[th[normalize-space()='Phone']]"
        )[0]
        cells = [(cell.tag, re.sub(r"\s+", "", "".join(cell.itertext()))) for cell in row]
        self.assertEqual(
            cells, [("th", "Phone"), ("td", ""), ("th", "Email"), ("td", "info@pujiang.cn")]
        )
