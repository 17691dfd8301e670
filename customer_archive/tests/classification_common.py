"""The classification's test company: a chart of accounts, a policy, invoicing helpers."""

from datetime import date, timedelta

from odoo import Command

from .common import (
    CustomerArchiveCase,
    run_background_jobs,
)

TODAY = date(2026, 6, 30)


def days_ago(days):
    return TODAY - timedelta(days=days)


class ClassificationCase(CustomerArchiveCase):
    """The test company with a chart of accounts, a policy and invoicing helpers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.company, install_demo=False
        )
        cls.policy = cls.env["customer.classification.policy"].create(
            {
                "company_id": cls.company.id,
                "manager_id": cls.manager.id,
                "payment_term_c_id": cls.env.ref(
                    "customer_archive.account_payment_term_before_delivery"
                ).id,
                "credit_limit_c": 0.0,
            }
        )
        Partner = cls.env["res.partner"].with_company(cls.company)
        cls.customers = Partner.create(
            [
                {
                    "name": f"客户 {index}",
                    "is_company": True,
                    "user_id": cls.reader.id,
                    "customer_rank": 1,
                }
                for index in range(6)
            ]
        )

    def invoice(self, partner, amount, invoice_date, move_type="out_invoice", **values):
        """Post a customer invoice (or refund) of one untaxed line, by default in the
        test company."""
        move = (
            self.env["account.move"]
            .with_company(values.pop("company", self.company))
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": invoice_date,
                    "date": invoice_date,
                    # not due before the test's today, unless a test wants arrears
                    "invoice_date_due": values.pop("due", TODAY + timedelta(days=30)),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "货品",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                    **values,
                }
            )
        )
        move.action_post()
        return move

    def pay(self, move, payment_date):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"payment_date": payment_date})._create_payments()

    def decide(self, partner, user=None, **values):
        """A manager's decision through the override wizard."""
        Wizard = (
            self.env["customer.classification.override"]
            .with_user(user or self.manager)
            .with_company(self.company)
            .with_context(active_model="res.partner", active_id=partner.id)
        )
        wizard = Wizard.create(values)
        wizard.action_apply()
        return wizard

    def classify(self):
        return self.policy._recompute_classification()

    def run_jobs(self, batch_seconds=3):
        return run_background_jobs(self, batch_seconds)

    def of(self, partner):
        """The partner as seen in the test company."""
        return partner.with_company(self.company)
