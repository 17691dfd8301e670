"""The demo story: sixty customers across China and a year and a half of their business.

Called once by ``demo/customer_archive_story_demo.xml``. The hand-written demo
customers (``demo/customer_archive_demo.xml``) get their invoices here too; the
others are created here, set-based: partners, contacts, dossiers and documents
in one ``create`` each, the invoices in one ``create`` and posted in one
``action_post``, their payments in one register. Every customer is given a
profile (how often and how much he buys, when he stopped, whether he pays) so
that after the classification runs every grade, loyalty stage, value class,
purchase-cycle reminder and risk signal occurs. Dates are relative to today.
Everything written is Chinese; the workflow steps are taken by the demo users
through their actions, in Chinese when the language is installed.
"""

import base64
import csv
import logging
import random
import time
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup
from stdnum.cn import uscc

from odoo import Command, fields
from odoo.tools.misc import file_open
from odoo.tools.translate import code_translations

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from .story_data import (
    ARREARS_AGES,
    COMPANY,
    COMPANY_LOGO,
    CONFIDENTIAL,
    CONTACT_FUNCTIONS,
    CONTACT_NAMES,
    CUSTOMERS_FILE,
    HISTORY_DAYS,
    KEY_ACCOUNTS,
    KNOWN_CUSTOMERS,
    ODOO_DEMO_COMPANY,
    PRODUCTS,
    PROFILES,
    PROVINCES,
    RISK_SIGNALS,
    SPECIAL_CLASS,
)

_logger = logging.getLogger(__name__)


class DemoStory:
    """The demo story's steps, in the environment of the demo data (superuser)."""

    def __init__(self, env):
        self.env = env

    def _demo_company(self):
        """Make Odoo's demo company the Chinese company of the demo: its name, address,
        phone, credit code and logo, and the yuan as its currency; called first by the
        demo data (``demo/res_company_demo.xml``), as superuser. A company a database
        was created with (its name typed in the database manager) is left as it is.

        Odoo refuses a new currency on a company with journal items, and the accounting
        demo posted American ones, in dollars, on this company: they are removed first,
        as ``account.chart.template._load`` removes a demo company's entries when its
        chart of accounts is replaced. The chart, journals and taxes stay; the story
        posts the company's own invoices, in yuan."""
        company = self.env.ref("base.main_company")
        if company.name not in ODOO_DEMO_COMPANY or not self.env.ref("base.module_account").demo:
            return
        cny, old_currency = self.env.ref("base.CNY"), company.currency_id
        if old_currency != cny:
            domain = [("company_id", "child_of", company.id)]
            for model in ("account.payment", "account.bank.statement", "account.move"):
                self.env[model].with_context(
                    active_test=False, **{MODULE_UNINSTALL_FLAG: True}
                ).search(domain).unlink()
        cny.active = True
        # the default price list follows (product leaves it in the old currency)
        self.env["product.pricelist"].with_context(active_test=False).search(
            [("currency_id", "=", old_currency.id), ("company_id", "in", [False, company.id])]
        ).currency_id = cny
        with file_open(COMPANY_LOGO, "rb") as logo:
            company.write(
                {
                    **COMPANY,
                    "currency_id": cny.id,
                    "state_id": self.env.ref("base.state_cn_SH").id,
                    "country_id": self.env.ref("base.cn").id,
                    "logo": base64.b64encode(logo.read()),
                }
            )

    def _generate_story(self):
        """Create the demo story; called once by the demo data, as superuser."""
        lang = "zh_CN" if self.env["res.lang"]._lang_get("zh_CN") else None
        if lang:
            self._demo_users().write({"lang": lang, "tz": "Asia/Shanghai"})
            # the addon's own terms (document and signal types…) are loaded after its demo
            # data; the story quotes them, in Chinese
            self.env["ir.module.module"]._load_module_terms(["customer_archive"], [lang])
        DemoStory(
            self.env(context=dict(self.env.context, lang=lang or self.env.lang))
        )._create_story()

    def _demo_chinese_creation_notes(self, lang="zh_CN"):
        """Word the creation notes of the demo records in Chinese: "客户档案 创建", not
        "Customer Archive 创建". Called last by the demo data, as superuser.

        Odoo loads data files without a language (``convert_file`` sets ``lang=None``), so
        mail's note takes the model's English name, while its "%s created" falls back to
        the user's language; the addon's own model names are translated only after its
        demo data. Records created in Chinese (the web client, the story) read right."""
        if not self.env["res.lang"]._lang_get(lang):
            return
        # the family's addons being installed: a companion's demo calls this step last too
        family = (
            self.env["ir.module.module"]
            .search(
                [
                    ("name", "=like", "customer_archive%"),
                    ("state", "in", ("installed", "to install", "to upgrade")),
                ]
            )
            .mapped("name")
        )
        self.env["ir.module.module"]._load_module_terms(family, [lang])
        created = code_translations.get_python_translations("mail", lang).get("%s created")
        if not created or "%s" not in created:
            return
        Message = self.env["mail.message"]
        notes = Message.search(
            [
                ("message_type", "=", "notification"),
                ("model", "!=", False),
                ("body", "like", created.replace("%s", "%")),
            ]
        )
        IrModel = self.env["ir.model"]
        for model in set(notes.mapped("model")):
            record = IrModel._get(model)
            english = record.with_context(lang="en_US").name
            chinese = record.with_context(lang=lang).name
            if not record or english == chinese:
                continue
            wrong = Markup("<p>%s</p>") % (created % english)
            right = Markup("<p>%s</p>") % (created % chinese)
            notes.filtered(lambda m, w=wrong, mo=model: m.model == mo and m.body == w).write(
                {"body": right}
            )

    def _create_story(self):
        started = time.monotonic()
        rng = random.Random(13)
        today = fields.Date.context_today(self.env.user)
        policy = self.env.ref("customer_archive.customer_classification_policy_main")
        policy.manager_id = self.env.ref("customer_archive.user_manager_demo")
        partners, profiles = self._demo_partners()
        self._demo_contacts(partners, rng)
        self._demo_likely_duplicate(partners)
        archives = self._demo_archives(partners, rng, today)
        self._demo_documents(archives, rng, today)
        self._demo_invoices(partners, profiles, rng, today)
        partners.filtered(lambda p: p.name in KEY_ACCOUNTS).customer_key_account = True
        partners.filtered(lambda p: p.name in SPECIAL_CLASS).customer_special_class = True
        self._demo_risk_signals(partners)
        self._demo_loans(archives, today)
        officer = self.env.ref("customer_archive.user_officer_demo")
        self.env.ref("customer_archive.customer_archive_destruction_demo").with_user(
            officer
        ).action_submit()
        # the salesperson reports a new legal representative of Huaxin
        self.env["customer.archive.correction"].with_user(
            self.env.ref("customer_archive.user_reader_demo")
        ).create(
            {
                "archive_id": self.env.ref("customer_archive.archive_huaxin_demo").id,
                "new_legal_representative": "陈立新",
                "reason": "客户来函告知法定代表人已变更,附新营业执照复印件。",
            }
        )
        policy._recompute_classification()
        self.env["customer.archive"]._cron_review_reminders()
        self.env["customer.archive.loan"]._cron_remind_loans()
        _logger.info(
            "Demo story: %s customers, %s invoices in %.1f s",
            len(partners),
            self.env["account.move"].search_count([("move_type", "=", "out_invoice")]),
            time.monotonic() - started,
        )

    def _demo_users(self):
        return (
            self.env.ref("customer_archive.user_reader_demo")
            | self.env.ref("customer_archive.user_reader2_demo")
            | self.env.ref("customer_archive.user_officer_demo")
            | self.env.ref("customer_archive.user_manager_demo")
        )

    def _demo_partners(self):
        """The hand-written customers and the new ones, with the profile of each."""
        ref = self.env.ref
        known = self.env["res.partner"]
        profiles = {}
        for xmlid, profile in KNOWN_CUSTOMERS.items():
            partner = ref(f"customer_archive.{xmlid}")
            known |= partner
            profiles[partner.id] = profile
        salespeople = {
            "r": ref("customer_archive.user_reader_demo").id,
            "r2": ref("customer_archive.user_reader2_demo").id,
            "a": ref("base.user_admin").id,
        }
        country = ref("base.cn")
        states = {code: ref(f"base.state_cn_{code}").id for code in PROVINCES}
        rows = self._demo_customer_rows()
        new = self.env["res.partner"].create(
            [
                {
                    "name": row["name"],
                    "is_company": True,
                    "street": row["street"],
                    "city": row["city"],
                    "state_id": states[row["province"]],
                    "country_id": country.id,
                    "zip": f"{PROVINCES[row['province']][0][:4]}00",
                    "phone": f"+86 {400 + index:03d} {8000 + index * 37:04d} {1000 + index:04d}",
                    "industry_id": ref(f"base.res_partner_industry_{row['industry']}").id,
                    "user_id": salespeople[row["salesperson"]],
                }
                for index, row in enumerate(rows)
            ]
        )
        for partner, row in zip(new, rows, strict=True):
            profiles[partner.id] = row["profile"]
        return known | new, profiles

    def _demo_likely_duplicate(self, partners):
        """A customer typed in a second time by its salesperson, its legal form written
        another way, with the same phone: the likely duplicates (疑似重复客户) show the
        pair for a manager to merge."""
        original = partners.filtered(lambda p: p.phone and p.name.endswith("有限公司"))[:1]
        if original:
            self.env["res.partner"].create(
                {
                    "name": original.name.replace("有限公司", "有限责任公司"),
                    "is_company": True,
                    "phone": original.phone,
                    "city": original.city,
                    "state_id": original.state_id.id,
                    "country_id": original.country_id.id,
                    "user_id": original.user_id.id,
                    "customer_rank": 1,
                }
            )

    def _demo_customer_rows(self):
        with file_open(CUSTOMERS_FILE) as lines:
            return list(csv.DictReader(lines))

    def _demo_contacts(self, partners, rng):
        """A key contact (姓名、职务) for every company."""
        self.env["res.partner"].create(
            [
                {
                    "name": CONTACT_NAMES[index % len(CONTACT_NAMES)],
                    "parent_id": partner.id,
                    "type": "contact",
                    "function": rng.choice(CONTACT_FUNCTIONS),
                }
                for index, partner in enumerate(partners)
            ]
        )

    def _demo_archives(self, partners, rng, today):
        """Dossiers for the new customers, most on a shelf; returns every dossier."""
        ref = self.env.ref
        rows = {row["name"]: row for row in self._demo_customer_rows()}
        shelves = self._demo_shelves()
        officer = ref("customer_archive.user_officer_demo")
        Archive = self.env["customer.archive"].with_context(mail_create_nolog=True)
        vals_list = []
        for index, partner in enumerate(partners.filtered(lambda p: p.name in rows)):
            row = rows[partner.name]
            province, profile, size = row["province"], row["profile"], row["size"]
            paper = index % 5 != 4
            since = today - timedelta(days=HISTORY_DAYS + rng.randint(30, 2000))
            # The archive was set up when the company adopted it, two months ago; a few
            # dossiers earlier, and never reviewed since: their review is due.
            opened = today - timedelta(
                days=rng.randint(65, 120) if index % 9 == 3 else rng.randint(5, 55)
            )
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "user_id": officer.id,
                    "confidentiality": "confidential" if partner.name in CONFIDENTIAL else "normal",
                    "legal_representative": row["legal_representative"],
                    "credit_code": self._demo_credit_code(PROVINCES[province][0], index),
                    "registered_capital": rng.choice((1, 2, 5, 10, 20, 50, 100)) * 1000000,
                    "currency_id": ref("base.CNY").id,
                    "business_scope": row["business_scope"],
                    "industry_id": partner.industry_id.id,
                    "market_region": PROVINCES[province][1],
                    "size": size,
                    "company_type": row["company_type"],
                    "postcode": partner.zip,
                    "employee_count": {"small": 40, "medium": 300, "large": 2500}[size]
                    + rng.randint(0, 30),
                    "date_founded": since - timedelta(days=rng.randint(365, 5000)),
                    "date_relationship_start": since,
                    "date_open": opened,
                    "sales_capability": rng.choice(("weak", "average", "strong")),
                    "development_potential": rng.choice(("low", "medium", "high")),
                    "cooperation_attitude": "passive"
                    if profile in ("at_risk", "lost")
                    else rng.choice(("active", "neutral")),
                    "reputation": "poor"
                    if profile == "d_arrears"
                    else rng.choice(("good", "average")),
                    "has_paper_original": paper,
                    "location_id": shelves[index % len(shelves)].id if paper else False,
                }
            )
        new = Archive.create(vals_list)
        new.action_activate()
        return partners.customer_archive_ids | new

    def _demo_shelves(self):
        """Two cabinets of the archive room: the hand-written one and a second."""
        ref = self.env.ref
        Location = self.env["customer.archive.location"]
        room = ref("customer_archive.location_room_demo")
        cabinet = Location.create({"name": "柜 02", "kind": "cabinet", "parent_id": room.id})
        shelves = Location.create(
            [{"name": f"层 {n}", "kind": "shelf", "parent_id": cabinet.id} for n in (1, 2, 3)]
        )
        return (
            ref("customer_archive.location_shelf_1_demo")
            | ref("customer_archive.location_shelf_2_demo")
            | shelves
        )

    @staticmethod
    def _demo_credit_code(region, serial):
        """A unified social credit code that passes its check digits."""
        body = f"91{region}{73000000 + serial * 7919:08d}"
        for org_check in "0123456789X":
            code = body + org_check
            code += uscc.calc_check_digit(code)
            if uscc.is_valid(code):
                return code
        raise ValueError(serial)

    def _demo_documents(self, archives, rng, today):
        """The file directory of each new dossier: licence, contracts, reports."""
        ref = self.env.ref
        types = {
            code: ref(f"customer_archive.document_type_{code}").id
            for code in ("bl", "con", "vis", "fin", "cmp", "tax")
        }
        vals_list = []
        new = archives.filtered(lambda a: not a.document_ids)
        for index, archive in enumerate(new):
            paper = "original" if archive.has_paper_original else "copy"
            # licences: most valid for years, a few expiring within the month, two expired
            if index % 11 == 5:
                valid_until = today + timedelta(days=rng.randint(5, 28))
            elif index % 17 == 2:
                valid_until = today - timedelta(days=rng.randint(10, 90))
            else:
                valid_until = today + timedelta(days=rng.randint(400, 3000))
            licence_date = archive.date_relationship_start or today
            vals_list.append(
                {
                    "archive_id": archive.id,
                    "type_id": types["bl"],
                    "name": "营业执照(副本)",
                    "original": paper,
                    "date": licence_date,
                    "valid_until": valid_until,
                }
            )
            for year_back in (1, 0):
                date = today - timedelta(days=365 * year_back + rng.randint(20, 200))
                vals_list.append(
                    {
                        "archive_id": archive.id,
                        "type_id": types["con"],
                        "name": f"{date.year} 年度购销合同",
                        "reference": f"HT-{date.year}-{archive.id:03d}{year_back}",
                        "original": "copy",
                        "date": date,
                    }
                )
            if index % 3 == 0:
                vals_list.append(
                    {
                        "archive_id": archive.id,
                        "type_id": types["vis"],
                        "name": "客户走访报告",
                        "original": "copy",
                        "date": today - timedelta(days=rng.randint(10, 120)),
                    }
                )
            if index % 4 == 1:
                vals_list.append(
                    {
                        "archive_id": archive.id,
                        "type_id": types["fin"],
                        "name": f"{today.year - 1} 年度财务报告",
                        "original": "copy",
                        "confidential": True,
                        "date": today - timedelta(days=rng.randint(30, 200)),
                    }
                )
            if index % 7 == 6:
                vals_list.append(
                    {
                        "archive_id": archive.id,
                        "type_id": types["cmp"],
                        "name": "客户投诉:交货延迟",
                        "original": "copy",
                        "date": today - timedelta(days=rng.randint(10, 300)),
                    }
                )
        self.env["customer.archive.document"].create(vals_list)

    def _demo_invoices(self, partners, profiles, rng, today):
        """A year and a half of posted invoices by profile, created and posted at once;
        paid, but for the last six weeks' and the arrears of grade D customers."""
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.env.company.id)], limit=1
        )
        industries = {
            self.env.ref(f"base.res_partner_industry_{code}").id: code for code in PRODUCTS
        }
        invoices, unpaid = [], set()
        for partner in partners:
            interval, last_age, first_age, amount, arrears = PROFILES[profiles[partner.id]]
            if not interval:
                continue
            products = PRODUCTS.get(industries.get(partner.industry_id.id), ("产品",))
            age = last_age
            while age <= first_age:
                date = today - timedelta(days=age)
                if arrears and ARREARS_AGES[0] <= age <= ARREARS_AGES[1]:
                    unpaid.add(len(invoices))
                elif age < 45:
                    unpaid.add(len(invoices))
                quantity = rng.choice((1, 2, 5, 10))
                invoices.append(
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "journal_id": journal.id,
                        "invoice_date": date,
                        "date": date,
                        "invoice_date_due": date + timedelta(days=30),
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": rng.choice(products),
                                    "quantity": quantity,
                                    "price_unit": round(
                                        amount * rng.uniform(0.7, 1.3) / quantity, -1
                                    ),
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                )
                age += max(interval + rng.randint(-3, 3), 1)
        order = sorted(range(len(invoices)), key=lambda i: invoices[i]["invoice_date"])
        moves = self.env["account.move"].create([invoices[i] for i in order])
        moves.action_post()
        to_pay = moves.browse(
            move_id for move_id, i in zip(moves.ids, order, strict=True) if i not in unpaid
        )
        self._demo_receipts(to_pay, today)

    def _demo_receipts(self, invoices, today):
        """The customers' payments: one bank entry, a line per customer, reconciled with
        his invoices in one plan (a payment per customer would post sixty entries)."""
        receivables = invoices.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        by_partner = defaultdict(lambda: self.env["account.move.line"])
        for line in receivables:
            by_partner[line.partner_id] |= line
        bank = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.env.company.id)], limit=1
        )
        receipt = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": bank.id,
                "date": today,
                "ref": "客户回款",
                "line_ids": [
                    Command.create(
                        {
                            "name": "客户回款",
                            "partner_id": partner.id,
                            "account_id": lines.account_id.id,
                            "credit": sum(lines.mapped("balance")),
                        }
                    )
                    for partner, lines in by_partner.items()
                ]
                + [
                    Command.create(
                        {
                            "name": "客户回款",
                            "account_id": bank.default_account_id.id,
                            "debit": sum(receivables.mapped("balance")),
                        }
                    )
                ],
            }
        )
        receipt.action_post()
        self.env["account.move.line"]._reconcile_plan(
            [by_partner[line.partner_id] | line for line in receipt.line_ids if line.partner_id]
        )

    def _demo_risk_signals(self, partners):
        """Every kind of danger signal, reported by the salespeople; each asks the
        manager to look at the customer."""
        by_name = {partner.name: partner for partner in partners}
        self.env["customer.risk.signal"].create(
            [
                {
                    "partner_id": by_name[name].id,
                    "type_id": self.env.ref(f"customer_archive.risk_signal_type_{kind}").id,
                    "note": note,
                    "user_id": (
                        by_name[name].user_id or self.env.ref("customer_archive.user_reader_demo")
                    ).id,
                }
                for name, kind, note in RISK_SIGNALS
            ]
        )

    def _demo_loans(self, archives, today):
        """Loans in every state, each step taken by its user through its action."""
        ref = self.env.ref
        reader = ref("customer_archive.user_reader_demo")
        reader2 = ref("customer_archive.user_reader2_demo")
        officer = ref("customer_archive.user_officer_demo")
        manager = ref("customer_archive.user_manager_demo")
        by_partner = {archive.partner_id.name: archive for archive in archives}

        def loan(user, customer, purpose, days=(0, 7), **values):
            return (
                self.env["customer.archive.loan"]
                .with_user(user)
                .create(
                    {
                        "user_id": user.id,
                        "archive_id": by_partner[customer].id,
                        "purpose": purpose,
                        "kind": values.get("kind", "consult"),
                        "scope": values.get("scope", "full"),
                        "date_start": today + timedelta(days=days[0]),
                        "date_due": today + timedelta(days=days[1]),
                    }
                )
            )

        loan(reader2, "北京华信科技有限公司", "了解华信的服务器采购历史,准备联合投标方案", (1, 8))
        # 王芳 asks to consult a customer she does not sell to; another of her loans is out
        submitted = loan(reader, "杭州西湖茶业有限公司", "核对茶叶采购合同条款,准备续约谈判")
        out = loan(
            reader,
            "南京金陵机械制造有限公司",
            "准备年度客户走访,了解合作历史",
            (0, 3),
            scope="summary",
        )
        approved = loan(
            reader, "天津滨海化工有限公司", "核对化工原料供货合同", (0, 5), scope="summary"
        )
        overdue = loan(reader2, "青岛海滨食品有限公司", "处理冷链运输投诉,查阅历史合同", (-20, -6))
        returned = loan(reader, "武汉江城建材有限公司", "年度对账,核对付款凭证", (-40, -30))
        # a dossier without paper original: its copies may be borrowed
        borrowed = loan(
            reader, "哈尔滨冰城食品有限公司", "准备冷链配送续约谈判", (-2, 12), kind="borrow"
        )
        rejected = loan(reader2, "上海浦江贸易有限公司", "想了解浦江的进口渠道")
        cancelled = loan(reader, "天津港通国际货运代理有限公司", "协助同事准备报价", (0, 3))
        steps = submitted | out | approved | overdue | returned | borrowed | rejected | cancelled
        for record in steps:
            record.with_user(record.user_id).action_submit()
        # a manager decides on every loan; the keeper hands out and takes back
        approved.with_user(manager).action_approve()
        (out | overdue | returned | borrowed).with_user(manager).action_approve()
        rejected.with_user(manager).action_reject()
        cancelled.with_user(reader).action_cancel()
        (out | overdue | returned | borrowed).with_user(officer).action_hand_out()
        returned.with_user(officer).write({"return_condition": "资料完整,无污损。"})
        returned.with_user(officer).action_return()


# the steps the demo data runs (``customer.archive._load_demo``)
STEPS = {
    "company": lambda env: DemoStory(env)._demo_company(),
    "story": lambda env: DemoStory(env)._generate_story(),
    "chinese_creation_notes": lambda env: DemoStory(env)._demo_chinese_creation_notes(),
}
