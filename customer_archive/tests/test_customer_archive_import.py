import base64
import csv
import io

import openpyxl
import xlwt

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .common import OFFICER, RPC_FAULT_CODE_WARNING, CustomerArchiveCase, CustomerArchiveRpcCase
from .common import make_credit_code as code

HEADER = [
    "客户名称",
    "统一社会信用代码",
    "法定代表人",
    "注册资本",
    "成立日期",
    "省份",
    "电话",
    "备注",
]


def xlsx_file(rows, title=None, merge=None):
    """A real .xlsx made by openpyxl: an optional title row above the rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
        if merge:
            sheet.merge_cells(merge)
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def xls_file(rows):
    """A real .xls (BIFF8) made by xlwt."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("客户")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def csv_file(rows, encoding="utf-8"):
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode(encoding)


class ImportCase(CustomerArchiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # importing creates contacts: the keepers who import have that right
        creation = cls.env.ref("base.group_partner_manager")
        (cls.officer | cls.manager).write({"groups_id": [(4, creation.id)]})

    def new_import(self, data, file_name="客户名单.xlsx", user=None, **vals):
        return (
            self.env["customer.archive.import"]
            .with_user(user or self.officer)
            .create({"file": base64.b64encode(data), "file_name": file_name, **vals})
        )

    def checked(self, data, file_name="客户名单.xlsx", user=None, **vals):
        record = self.new_import(data, file_name, user, **vals)
        record.action_check()
        return record

    def errors(self, record):
        return [
            (line.row, line.column or "", line.message)
            for line in record.line_ids
            if line.kind == "error"
        ]

    def assertOneError(self, record, row, column, text):
        """The record is refused with one error naming the row, the column and why."""
        errors = self.errors(record)
        self.assertEqual(len(errors), 1, errors)
        self.assertEqual(errors[0][:2], (row, column), errors)
        self.assertIn(text, errors[0][2])

    def partners(self, *names):
        return self.env["res.partner"].search([("name", "in", names)])


@tagged("post_install", "-at_install")
class TestCustomerArchiveImport(ImportCase):
    def test_dry_run_writes_nothing_and_import_creates_partner_and_archive(self):
        """The check lists what would be created; only the import creates partner and
        archive, with every column in its place."""
        data = xlsx_file(
            [
                [*HEADER, "邮箱", "企业性质", "规模", "业务员", "奇怪列"],
                [
                    "宁波海港物流有限公司",
                    code(101),
                    "陈刚",
                    "500万",
                    "2019-3-5",
                    "浙江",
                    "0574-87654321",
                    "老客户",
                    "info@nbhg.cn",
                    "民营",
                    "中型",
                    "ca_reader",
                    "x",
                ],
            ]
        )
        record = self.checked(data)
        self.assertEqual(record.state, "checked")
        self.assertEqual((record.row_count, record.create_count, record.error_count), (1, 1, 0))
        self.assertFalse(self.partners("宁波海港物流有限公司"))
        unknown = record.line_ids.filtered(lambda line: line.kind == "unknown")
        self.assertEqual(unknown.mapped("column"), ["奇怪列"])

        record.action_import()
        self.assertEqual(record.state, "done")
        partner = self.partners("宁波海港物流有限公司")
        archive = partner.customer_archive_ids
        self.assertEqual(archive.credit_code, code(101))
        self.assertEqual(archive.registered_capital, 5000000)
        self.assertEqual(str(archive.date_founded), "2019-03-05")
        self.assertEqual((archive.company_type, archive.size), ("private", "medium"))
        self.assertEqual(partner.state_id, self.env.ref("base.state_cn_ZJ"))
        self.assertEqual((partner.phone, partner.email), ("0574-87654321", "info@nbhg.cn"))
        self.assertEqual(partner.user_id, self.reader)
        self.assertEqual(archive.company_id, self.company)

    def test_imported_customer_has_the_defaults_of_one_created_by_hand(self):
        """The import gives the defaults of the form-only fields once per chunk: what it
        creates is what the ORM creates for the same user, field by field, and the
        dossiers are numbered in turn like one opened by hand."""
        record = self.checked(
            xlsx_file([HEADER, ["杭州默认值测试有限公司", code(131), "", "", "", "", "", ""]])
        )
        record.action_import()
        self.assertEqual(record.state, "done", self.errors(record))
        imported = self.partners("杭州默认值测试有限公司")
        by_hand = (
            self.env["res.partner"]
            .with_user(self.officer)
            .create({"name": "杭州手工默认值有限公司", "is_company": True})
        )
        archive = (
            self.env["customer.archive"].with_user(self.officer).create({"partner_id": by_hand.id})
        )
        skipped = {"id", "name", "display_name", "complete_name", "commercial_company_name"}
        skipped |= {"create_date", "write_date", "calendar_last_notif_ack", "vat"}
        skipped |= {"customer_archive_ids", "customer_archive_id", "customer_archive_name_key"}
        for model, made, hand in (
            ("res.partner", imported, by_hand),
            ("customer.archive", imported.customer_archive_ids, archive),
        ):
            for name, field in self.env[model]._fields.items():
                if not field.default or name in skipped or name.startswith("credit"):
                    continue
                with self.subTest(model=model, field=name):
                    self.assertEqual(made[name], hand[name])
        sequence = imported.customer_archive_ids.name
        self.assertEqual(archive.name[:-4], sequence[:-4])
        self.assertEqual(int(archive.name[-4:]), int(sequence[-4:]) + 1)

    def test_xls_with_numbers_and_dates_as_excel_stores_them(self):
        """An .xls made by Excel's old format: phone numbers stored as numbers, dates
        as serials, capital in 万 in the header, all read as meant."""
        data = xls_file(
            [
                ["单位名称", "信用代码", "注册资本(万元)", "成立日期", "手机", "员工人数"],
                ["苏州园林设计有限公司", code(102), 300, 43529, 13800138000, "120"],
            ]
        )
        record = self.checked(data, "老客户.xls")
        self.assertEqual(record.file_format, "xls")
        record.action_import()
        self.assertEqual(record.state, "done", self.errors(record))
        partner = self.partners("苏州园林设计有限公司")
        self.assertEqual(partner.mobile, "13800138000")
        archive = partner.customer_archive_ids
        self.assertEqual(archive.registered_capital, 3000000)
        self.assertEqual(str(archive.date_founded), "2019-03-05")
        self.assertEqual(archive.employee_count, 120)

    def test_csv_in_gb18030_and_utf8_with_bom(self):
        """CSV files from Chinese Excel (GB18030) and with a UTF-8 BOM both read."""
        rows = [["客户名称", "地址"], ["温州鞋业有限公司", "温州市鹿城区"]]
        for encoding, name in (("gb18030", "温州鞋业有限公司"), ("utf-8-sig", "温州鞋业二厂")):
            rows[1][0] = name
            record = self.checked(csv_file(rows, encoding), "list.csv")
            self.assertEqual((record.file_format, record.error_count), ("csv", 0))
            record.action_import()
            self.assertEqual(self.partners(name).street, "温州市鹿城区")

    def test_format_told_by_content_not_name(self):
        """A .xlsx renamed .xls and a CSV renamed .xlsx import as what they are."""
        record = self.checked(xlsx_file([["Name"], ["Renamed Workbook Ltd"]]), "a.xls")
        self.assertEqual((record.file_format, record.error_count), ("xlsx", 0))
        record = self.checked(csv_file([["Name"], ["Renamed Text Ltd"]]), "b.xlsx")
        self.assertEqual((record.file_format, record.error_count), ("csv", 0))
        record.action_import()
        self.assertTrue(self.partners("Renamed Text Ltd"))

    def test_empty_file_and_header_only_are_refused(self):
        """An empty file and a header without rows say so, and nothing is created."""
        with self.assertRaisesRegex(UserError, "empty"):
            self.new_import(b"")  # a required file: refused before anything
        record = self.checked(xlsx_file([]))
        self.assertOneError(record, 0, "", "empty")
        record = self.checked(xlsx_file([HEADER]))
        self.assertOneError(record, 0, "", "no customer rows")

    def test_corrupt_and_password_protected_files_are_refused(self):
        """A damaged workbook and a password-protected one are named as such."""
        damaged = xlsx_file([HEADER, ["某公司"]])[:500]
        with mute_logger("odoo.tools.mimetypes"):  # the attachment's guess of its type
            record = self.checked(damaged)
        self.assertOneError(record, 0, "", "damaged")
        # what Excel writes for a workbook with a password: an OLE2 container holding
        # the stream EncryptionInfo and the encrypted package
        ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
        protected = ole2 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 1024
        record = self.checked(protected)
        self.assertOneError(record, 0, "", "password")
        with self.assertRaisesRegex(UserError, "correct the file"):
            record.action_import()  # checked with errors: refused, nothing done
        self.assertEqual(record.state, "checked")

    def test_title_row_merged_above_the_header(self):
        """A merged title above the header: the header is found in the second row and
        the row numbers are the spreadsheet's."""
        data = xlsx_file(
            [HEADER, ["厦门海湾贸易有限公司", code(103), "", "", "2019/13/40"]],
            title="2025年客户一览表",
            merge="A1:H1",
        )
        record = self.checked(data)
        self.assertOneError(record, 3, "成立日期", "not a date")

    def test_table_away_from_the_top_left_corner(self):
        """A table that starts at B3 (empty rows above it, an empty column before it)
        is found, its columns in their places and its rows numbered as the sheet's."""
        book = openpyxl.Workbook()
        sheet = book.active
        rows = [HEADER, ["泉州港湾贸易有限公司", code(104)], ["漳州港湾贸易有限公司", "坏代码"]]
        for r, row in enumerate(rows, start=3):
            for c, value in enumerate(row, start=2):
                sheet.cell(row=r, column=c, value=value)
        stream = io.BytesIO()
        book.save(stream)
        record = self.checked(stream.getvalue())
        self.assertOneError(record, 5, "统一社会信用代码", "")

    def test_credit_codes_typed_carelessly_are_normalised(self):
        """Lowercase, spaces and full-width digits in a credit code are undone."""
        typed = code(104).lower()
        typed = typed[:6] + " " + typed[6:]
        full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in code(105))
        record = self.checked(
            xlsx_file(
                [
                    ["客户名称", "统一社会信用代码"],
                    ["甲有限公司", typed],
                    ["乙有限公司", full_width],
                ]
            )
        )
        self.assertEqual(record.error_count, 0, self.errors(record))
        record.action_import()
        codes = set(
            self.partners("甲有限公司", "乙有限公司").customer_archive_ids.mapped("credit_code")
        )
        self.assertEqual(codes, {code(104), code(105)})

    def test_invalid_check_digit_names_row_and_column(self):
        """A wrong check digit: the row and column are named and nothing is imported."""
        wrong = code(106)[:-1] + ("0" if code(106)[-1] != "0" else "1")
        record = self.checked(xlsx_file([HEADER, ["丙有限公司", wrong], ["丁有限公司", code(107)]]))
        self.assertOneError(record, 2, "统一社会信用代码", "check digit")
        with self.assertRaises(UserError):
            record.action_import()
        self.assertFalse(self.partners("丙有限公司", "丁有限公司"))

    def test_dates_as_serials_and_text(self):
        """Excel serials, 2019-3-5 and 2019年3月5日 are one date; a future date is not."""
        data = xlsx_file(
            [
                ["客户名称", "成立日期"],
                ["日期一公司", 43529],
                ["日期二公司", "2019-3-5"],
                ["日期三公司", "2019年3月5日"],
                ["日期四公司", "2999-01-01"],
            ]
        )
        record = self.checked(data)
        self.assertOneError(record, 5, "成立日期", "2999-01-01")
        ok = self.checked(
            xlsx_file(
                [
                    ["客户名称", "成立日期"],
                    ["日期一公司", 43529],
                    ["日期二公司", "2019-3-5"],
                    ["日期三公司", "2019年3月5日"],
                ]
            )
        )
        ok.action_import()
        dates = self.partners("日期一公司", "日期二公司", "日期三公司").customer_archive_ids
        self.assertEqual(set(map(str, dates.mapped("date_founded"))), {"2019-03-05"})

    def test_duplicate_rows_in_the_file(self):
        """The same credit code twice in a file, or the same name and phone, is refused
        on the second row."""
        record = self.checked(
            xlsx_file([HEADER, ["戊有限公司", code(108)], ["戊有限责任公司", code(108)]])
        )
        self.assertOneError(record, 3, "统一社会信用代码", "row 2")
        record = self.checked(
            xlsx_file(
                [
                    HEADER,
                    ["己有限公司", "", "", "", "", "", "021-1234"],
                    ["己 有限责任公司", "", "", "", "", "", "0211234"],
                ]
            )
        )
        self.assertOneError(record, 3, "客户名称", "row 2")

    def test_existing_customer_is_completed_not_duplicated(self):
        """A row with the credit code of an existing archive fills its empty fields;
        a filled field that differs is listed and kept, unless "overwrite"."""
        self.archive_own.write({"business_scope": False, "fax": "021-0000"})
        data = xlsx_file(
            [
                ["客户名称", "统一社会信用代码", "经营范围", "传真"],
                ["上海浦江贸易", code(1), "进出口贸易", "021-9999"],
            ]
        )
        record = self.checked(data)
        self.assertEqual(
            (record.create_count, record.update_count, record.conflict_count), (0, 1, 1)
        )
        record.action_import()
        self.assertEqual(self.archive_own.business_scope, "进出口贸易")
        self.assertEqual(self.archive_own.fax, "021-0000")
        self.assertEqual(self.partner_own.name, "上海浦江贸易有限公司")
        record = self.checked(data, overwrite=True)
        record.action_import()
        self.assertEqual(self.archive_own.fax, "021-9999")
        self.assertEqual(
            self.env["customer.archive"].search_count([("credit_code", "=", code(1))]), 1
        )

    def test_name_variants_match_the_existing_customer(self):
        """Full-width, spacing and 有限责任公司 for 有限公司 find the same customer."""
        self.partner_free.phone = "028-66668888"
        record = self.checked(
            xlsx_file(
                [["公司名称", "电话", "法人"], ["成都天府物流有限责任公司 ", "02866668888", "何平"]]
            )
        )
        self.assertEqual((record.create_count, record.update_count), (0, 1))
        record.action_import()
        self.assertEqual(self.partner_free.customer_archive_ids.legal_representative, "何平")

    def test_row_matching_a_customer_the_user_may_not_read(self):
        """An officer's file naming a secret customer is refused with the keeper's name
        only, and nothing is written."""
        self.partner_secret.phone = "0592-1234567"
        record = self.checked(
            xlsx_file(
                [
                    ["客户名称", "电话"],
                    ["厦门鹭岛进出口有限公司", "0592-1234567"],
                    ["新客户有限公司", ""],
                ]
            )
        )
        self.assertOneError(record, 2, "客户名称", self.manager.name)
        self.assertNotIn("林晓红", str(record.line_ids.mapped("message")))
        with self.assertRaises(UserError):
            record.action_import()
        self.assertFalse(self.partners("新客户有限公司"))

    def test_formulas_give_their_saved_value_never_evaluated(self):
        """A formula cell without a saved value imports nothing, never the formula."""
        record = self.checked(xlsx_file([["客户名称", "备注"], ["公式有限公司", "=1+1"]]))
        record.action_import()
        self.assertFalse(self.partners("公式有限公司").comment)
        record = self.checked(xlsx_file([["客户名称", "备注"], ['=CONCAT("a","b")', "x"]]))
        self.assertOneError(record, 2, "客户名称", "name is missing")

    def test_row_limit_file_size_and_long_cells(self):
        """Over the row limit, a 50 MB file and a 100 000-character cell are refused with
        a message that says where and why."""
        self.env["ir.config_parameter"].set_param("customer_archive.import_max_rows", "2")
        record = self.checked(xlsx_file([["客户名称"], ["一"], ["二"], ["三"]]))
        self.assertOneError(record, 4, "", "more than 2")
        with self.assertRaisesRegex(UserError, "MB"):
            self.new_import(b"a" * (50 * 1024 * 1024), "big.csv")
        record = self.checked(xlsx_file([["客户名称", "备注"], ["长文本有限公司", "长" * 100000]]))
        self.assertOneError(record, 2, "备注", "too long")

    def test_failed_import_writes_nothing(self):
        """A row that fails at import time (the data changed since the check) leaves
        every other row unwritten and the record failed, saying why."""
        record = self.checked(
            xlsx_file([HEADER, ["庚有限公司", code(109)], ["辛有限公司", code(110)]])
        )
        self.assertEqual(record.error_count, 0)
        self.env["customer.archive"].create(
            {
                "partner_id": self.env["res.partner"]
                .create({"name": "他人", "is_company": True})
                .id,
                "credit_code": code(110),
                "confidentiality": "secret",
                "user_id": self.manager.id,
            }
        )
        record.action_import()
        self.assertEqual(record.state, "failed")
        self.assertEqual(record.create_count, 0)
        self.assertFalse(self.partners("庚有限公司", "辛有限公司"))
        self.assertOneError(record, 3, "客户名称", "may not read")

    def test_mapping_is_editable_and_remembered(self):
        """A column mapped by hand is used by the next check and by the next file with
        the same headers."""
        data = xlsx_file([["客户名称", "负责人"], ["壬有限公司", "孙明"]])
        record = self.checked(data)
        column = record.column_ids.filtered(lambda c: c.header == "负责人")
        self.assertFalse(column.key)
        column.with_user(self.officer).key = "legal_representative"
        record.action_check()
        self.assertFalse(record.line_ids.filtered(lambda line: line.kind == "unknown"))
        second = self.checked(data, "又一份.xlsx")
        self.assertEqual(
            second.column_ids.filtered(lambda c: c.header == "负责人").key, "legal_representative"
        )
        second.action_import()
        self.assertEqual(
            self.partners("壬有限公司").customer_archive_ids.legal_representative, "孙明"
        )

    def test_officer_saves_the_form(self):
        """An officer uploads a file from the form and saves it."""
        with Form(self.env["customer.archive.import"].with_user(self.officer)) as form:
            form.file = base64.b64encode(xlsx_file([["Name"], ["Form Ltd"]]))
            form.file_name = "form.xlsx"
        self.assertEqual(form.record.state, "draft")

    def test_steps_by_their_buttons_and_their_users_only(self):
        """Readers may not import; the state is not written; another officer may not
        take the steps of someone else's import; a manager may."""
        with self.assertRaises(AccessError):
            self.new_import(xlsx_file([["Name"], ["X Ltd"]]), user=self.reader)
        record = self.new_import(xlsx_file([["Name"], ["Y Ltd"]]))
        with self.assertRaises(AccessError):
            record.with_user(self.officer).write({"state": "done"})
        officer2 = new_test_user(
            self.env,
            "ca_officer2",
            OFFICER,
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        with self.assertRaises(AccessError):
            record.with_user(officer2).action_check()
        record.with_user(self.manager).action_check()
        with self.assertRaises(AccessError):
            record.with_user(self.reader).action_import()
        record.with_user(self.officer).action_import()
        self.assertEqual(record.state, "done")

    def test_import_needs_the_right_to_create_contacts(self):
        """An officer without the Contact Creation right is told so by the check."""
        self.officer.write({"groups_id": [(3, self.env.ref("base.group_partner_manager").id)]})
        record = self.checked(xlsx_file([["Name"], ["Z Ltd"]]))
        self.assertOneError(record, 0, "", "Contact Creation")


@tagged("post_install", "-at_install")
class TestImportStorageAndActivation(ImportCase):
    """What an officer does right after an import: the shelves, the activation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Location = cls.env["customer.archive.location"].with_company(cls.company)
        cls.room = Location.create({"name": "一号档案室", "kind": "room"})
        cls.cabinet_a = Location.create({"name": "A柜", "parent_id": cls.room.id})
        cls.cabinet_b = Location.create({"name": "B柜", "parent_id": cls.room.id})
        cls.shelf_a1 = Location.create(
            {"name": "第1层", "kind": "shelf", "parent_id": cls.cabinet_a.id}
        )
        cls.shelf_b1 = Location.create(
            {"name": "第1层", "kind": "shelf", "parent_id": cls.cabinet_b.id}
        )

    def test_storage_place_column_by_name_or_full_location(self):
        """存放位置 takes a place by its own name or its full location (spacing around
        / ignored); the dossier then keeps its paper original there."""
        record = self.checked(
            xlsx_file(
                [
                    ["客户名称", "存放位置"],
                    ["甲位置有限公司", "A柜"],
                    ["乙位置有限公司", "一号档案室/B柜/第1层"],
                ]
            )
        )
        self.assertEqual(record.error_count, 0, self.errors(record))
        record.action_import()
        first = self.partners("甲位置有限公司").customer_archive_ids
        second = self.partners("乙位置有限公司").customer_archive_ids
        self.assertEqual((first.location_id, first.has_paper_original), (self.cabinet_a, True))
        self.assertEqual(second.location_id, self.shelf_b1)

    def test_unknown_or_ambiguous_storage_place_is_a_row_error(self):
        """An unknown place, or a name two shelves share, is an error of its row and
        column in the dry run, and nothing is imported."""
        record = self.checked(
            xlsx_file(
                [
                    ["客户名称", "存放位置"],
                    ["丙位置有限公司", "地下室"],
                    ["丁位置有限公司", "第1层"],
                ]
            )
        )
        errors = self.errors(record)
        self.assertEqual([error[:2] for error in errors], [(2, "存放位置"), (3, "存放位置")])
        self.assertIn("地下室", errors[0][2])
        self.assertIn("full location", errors[1][2])
        with self.assertRaises(UserError):
            record.action_import()
        self.assertFalse(self.partners("丙位置有限公司", "丁位置有限公司"))

    def test_imported_archives_are_activated_together(self):
        """After an import, its archives button lists them and one button activates the
        drafts, each through the dossier's transition (a reader may not)."""
        record = self.checked(xlsx_file([["客户名称"], ["一号导入有限公司"], ["二号导入有限公司"]]))
        record.action_import()
        record.invalidate_recordset()
        self.assertEqual((record.archive_count, record.draft_archive_count), (2, 2))
        action = record.action_open_archives()
        archives = self.env["customer.archive"].search(action["domain"])
        self.assertEqual(archives.partner_id, self.partners("一号导入有限公司", "二号导入有限公司"))
        self.assertEqual(set(archives.mapped("state")), {"draft"})
        with self.assertRaises(AccessError):
            archives.with_user(self.reader).action_activate_drafts()
        result = record.with_user(self.officer).action_activate_archives()
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(set(archives.mapped("state")), {"active"})
        record.invalidate_recordset()
        self.assertEqual(record.draft_archive_count, 0)

    def test_activate_selection_skips_non_drafts_and_refuses_none(self):
        """Activate on a list selection activates its drafts and leaves the others; a
        selection without drafts is told there is nothing to do."""
        draft = self.archive_kept
        self.archive_own.action_activate()
        selection = (draft | self.archive_own).with_user(self.officer)
        selection.action_activate_drafts()
        self.assertEqual((draft.state, self.archive_own.state), ("active", "active"))
        with self.assertRaises(UserError):
            selection.action_activate_drafts()

    def test_result_line_dialog_shows_no_internal_field(self):
        """A result line opened from the import shows its row, column, value, reason,
        type and customer, not the internal sort key."""
        views = (
            self.env["customer.archive.import"].with_user(self.officer).get_views([(False, "form")])
        )
        line_fields = views["models"]["customer.archive.import.line"]["fields"]
        self.assertNotIn("kind_sequence", line_fields)
        self.assertIn("message", line_fields)


@tagged("post_install", "-at_install")
class TestCustomerArchiveImportRpc(ImportCase, CustomerArchiveRpcCase):
    def test_import_over_rpc_as_officer_refused_for_reader(self):
        """An integration imports without the browser: create, check, import; a reader
        is refused."""
        data = base64.b64encode(xlsx_file([HEADER, ["RPC 导入有限公司", code(111)]])).decode()
        import_id = self.rpc(
            self.officer,
            "customer.archive.import",
            "create",
            {"file": data, "file_name": "rpc.xlsx"},
        )
        self.rpc(self.officer, "customer.archive.import", "action_check", [import_id])
        self.rpc(self.officer, "customer.archive.import", "action_import", [import_id])
        [result] = self.rpc(
            self.officer, "customer.archive.import", "read", [import_id], ["state", "create_count"]
        )
        self.assertEqual((result["state"], result["create_count"]), ("done", 1))
        with self.assertRpcFault():
            self.rpc(
                self.reader,
                "customer.archive.import",
                "create",
                {"file": data, "file_name": "rpc.xlsx"},
            )
        with self.assertRpcFault():
            self.rpc(self.reader, "customer.archive.import", "action_check", [import_id])
        with self.assertRpcFault():
            self.rpc(
                self.officer, "customer.archive.import", "write", [import_id], {"state": "draft"}
            )
        bad = base64.b64encode(xlsx_file([HEADER, ["坏行有限公司", "123"]])).decode()
        bad_id = self.rpc(
            self.officer,
            "customer.archive.import",
            "create",
            {"file": bad, "file_name": "bad.xlsx"},
        )
        self.rpc(self.officer, "customer.archive.import", "action_check", [bad_id])
        with self.assertRpcFault(RPC_FAULT_CODE_WARNING):
            self.rpc(self.officer, "customer.archive.import", "action_import", [bad_id])
        self.assertFalse(self.partners("坏行有限公司"))


@tagged("post_install", "-at_install")
class TestCustomerList(ImportCase):
    def _rows(self, action):
        attachment_id = int(action["url"].split("/")[3].split("?")[0])
        data = self.env["ir.attachment"].browse(attachment_id).raw
        sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
        return [list(row) for row in sheet.iter_rows(values_only=True)]

    def test_customer_list_has_what_the_officer_may_read(self):
        """The officer's customer list has the archive columns and his dossiers, not
        the secret one; a reader may not export it."""
        Archive = self.env["customer.archive"]
        rows = self._rows(Archive.with_user(self.officer).action_export_customer_list())
        self.assertIn("Unified Social Credit Code", rows[0])
        names = {row[1] for row in rows[1:]}
        self.assertIn("上海浦江贸易有限公司", names)
        self.assertNotIn("厦门鹭岛进出口有限公司", names)
        with self.assertRaises(AccessError):
            Archive.with_user(self.reader).action_export_customer_list()


@tagged("post_install", "-at_install")
class TestLikelyDuplicates(CustomerArchiveCase):
    def test_form_warns_of_likely_duplicates_without_their_data(self):
        """Typing a customer that looks like existing ones warns on the form; of one
        whose dossier the user may not read only its owner's name is shown."""
        form = Form(self.env["res.partner"].with_user(self.reader))
        form.name = "上海浦江贸易有限责任公司"
        self.assertIn("上海浦江贸易有限公司", form.customer_archive_duplicate_info)
        form.name = "深圳鹏城电子(股份)有限公司"
        warning = form.customer_archive_duplicate_info
        self.assertIn(self.reader2.name, warning)
        self.assertNotIn("深圳鹏城", warning)
        form.name = "全新客户有限公司"
        self.assertFalse(form.customer_archive_duplicate_info)
