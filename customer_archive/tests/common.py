from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch
from xmlrpc.client import Fault

from stdnum.cn import uscc

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, new_test_user

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

# fault codes of odoo.addons.base.controllers.rpc
RPC_FAULT_CODE_WARNING = 2  # UserError, ValidationError
RPC_FAULT_CODE_ACCESS_ERROR = 4

READER = "base.group_user,customer_archive.group_reader"
OFFICER = "base.group_user,customer_archive.group_officer"
MANAGER = "base.group_user,customer_archive.group_manager"


def make_credit_code(serial, region="310115"):
    """A unified social credit code that passes its check digits, unique per serial."""
    body = f"91{region}{serial:08d}"
    for org_check in "0123456789X":
        code = body + org_check
        code += uscc.calc_check_digit(code)
        if uscc.is_valid(code):
            return code
    raise AssertionError(f"no valid credit code for serial {serial}")


class CustomerArchiveCase(TransactionCase):
    """A company of its own with one user per archive group and a few customers:

    - ``archive_own``: customer sold by ``reader``;
    - ``archive_other``: customer sold by ``reader2``;
    - ``archive_kept``: customer sold by nobody, kept by ``reader``;
    - ``archive_secret``: secret archive of a customer sold by ``reader``;
    - ``partner_free``: a customer without archive.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.company = cls.env["res.company"].create({"name": "档案测试公司"})
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.company.id]))
        user_values = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}
        cls.user_plain = new_test_user(cls.env, "ca_plain", "base.group_user", **user_values)
        cls.reader = new_test_user(cls.env, "ca_reader", READER, name="王芳", **user_values)
        cls.reader2 = new_test_user(cls.env, "ca_reader2", READER, name="赵磊", **user_values)
        cls.officer = new_test_user(cls.env, "ca_officer", OFFICER, name="李静", **user_values)
        cls.manager = new_test_user(cls.env, "ca_manager", MANAGER, name="张伟", **user_values)
        cls.manager2 = new_test_user(cls.env, "ca_manager2", MANAGER, name="周敏", **user_values)

        Partner = cls.env["res.partner"].with_company(cls.company)
        cls.partner_own = Partner.create(
            {"name": "上海浦江贸易有限公司", "is_company": True, "user_id": cls.reader.id}
        )
        cls.contact_own = Partner.create(
            {"name": "刘海燕", "parent_id": cls.partner_own.id, "function": "采购经理"}
        )
        cls.partner_other = Partner.create(
            {"name": "深圳鹏城电子股份有限公司", "is_company": True, "user_id": cls.reader2.id}
        )
        cls.partner_kept = Partner.create({"name": "杭州西湖茶业有限公司", "is_company": True})
        cls.partner_secret = Partner.create(
            {"name": "厦门鹭岛进出口有限公司", "is_company": True, "user_id": cls.reader.id}
        )
        cls.partner_free = Partner.create({"name": "成都天府物流有限公司", "is_company": True})

        Archive = cls.env["customer.archive"].with_company(cls.company)
        cls.archive_own = Archive.create(
            {
                "partner_id": cls.partner_own.id,
                "user_id": cls.officer.id,
                "credit_code": make_credit_code(1),
                "legal_representative": "刘海燕",
                "birthday": "1975-05-04",
                "credit_notes": "按时付款",
            }
        )
        cls.archive_other = Archive.create(
            {
                "partner_id": cls.partner_other.id,
                "user_id": cls.officer.id,
                "credit_code": make_credit_code(2),
                "legal_representative": "黄志强",
            }
        )
        cls.archive_kept = Archive.create(
            {"partner_id": cls.partner_kept.id, "user_id": cls.reader.id}
        )
        cls.archive_secret = Archive.create(
            {
                "partner_id": cls.partner_secret.id,
                "user_id": cls.manager.id,
                "confidentiality": "secret",
                "legal_representative": "林晓红",
            }
        )
        cls.doc_type = cls.env.ref("customer_archive.document_type_con")
        cls.document_own = cls.env["customer.archive.document"].create(
            {"archive_id": cls.archive_own.id, "type_id": cls.doc_type.id, "name": "销售合同 2026"}
        )
        cls.document_own_confidential = cls.env["customer.archive.document"].create(
            {
                "archive_id": cls.archive_own.id,
                "type_id": cls.doc_type.id,
                "name": "授信审批",
                "confidential": True,
            }
        )
        # Consume the tracking that creation with tracking_disable set aside, so that the
        # tests that enable tracking see their own changes.
        cls.env.flush_all()
        cls.env.cr.flush()

    @staticmethod
    def with_mail(records):
        """``records`` in a context that tracks and logs, for the tests of the chatter."""
        return records.with_context(
            **{key: False for key in DISABLED_MAIL_CONTEXT if key != "no_reset_password"}
        )

    def web_create(self, model, user, values, context=None):
        """Create a record as the web client saves a new form: every field of the form
        view is sent with its default, falsy ones included, then ``values`` on top."""
        Model = self.env[model].with_user(user).with_context(**(context or {}))
        view_fields = Model.get_views([(False, "form")])["models"][model]["fields"]
        names = [
            name
            for name in view_fields
            if name != "id" and Model._fields[name].store and not Model._fields[name].compute
        ]
        defaults = Model.onchange({}, [], {name: {} for name in names})["value"]
        vals = {}
        for name in names:
            value = defaults.get(name, False)
            if isinstance(value, dict):  # a many2one as the client reads it
                value = value.get("id", False)
            if Model._fields[name].type in ("one2many", "many2many"):
                value = value or []
            vals[name] = value
        vals.update(values)
        [record] = Model.web_save(vals, {"id": {}})
        return Model.browse(record["id"])

    def approved_loan(self, archive, documents=None, purpose="核对合同条款"):
        """A week's full consultation of the archive (or of some of its documents),
        asked by ``reader`` and approved by ``officer``."""
        loan = self.env["customer.archive.loan"].create(
            {
                "user_id": self.reader.id,
                "archive_id": archive.id,
                "document_ids": [Command.set(documents.ids)] if documents else [],
                "purpose": purpose,
                "kind": "consult",
                "scope": "full",
                "date_due": fields.Date.today() + timedelta(days=7),
            }
        )
        loan.with_user(self.reader).action_submit()
        loan.with_user(self.manager).action_approve()
        return loan


class CustomerArchiveRpcCase(CustomerArchiveCase, HttpCase):
    """Calls the external API as a logged-in user (XML-RPC, password = login)."""

    def rpc(self, user, model, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, user.login, model, method, list(args), kwargs
        )

    @contextmanager
    def assertRpcFault(self, code=RPC_FAULT_CODE_ACCESS_ERROR):
        """The call fails with that Odoo fault code, not with any other failure."""
        with self.assertRaises(Fault) as caught:
            yield caught
        self.assertEqual(caught.exception.faultCode, code, caught.exception.faultString)

    def assert_onchange_names_no_customer(self, model, secrets, fills_customer=True):
        """``onchange`` of ``model`` as ``reader`` with the id of a dossier he may not read
        is refused without naming any of ``secrets`` (the secret dossier), and over RPC
        without naming another salesperson's customer; his own dossier still fills in
        its customer (when the model's form does: ``fills_customer``)."""
        spec = {"archive_id": {}, "partner_id": {"fields": {"display_name": {}}}}
        Model = self.env[model].with_user(self.reader)
        with self.assertRaises(AccessError) as caught:
            Model.onchange({"archive_id": self.archive_secret.id}, ["archive_id"], spec)
        for secret in secrets:
            self.assertNotIn(secret, str(caught.exception))
        with self.assertRpcFault() as caught:
            self.rpc(
                self.reader,
                model,
                "onchange",
                [],
                {"archive_id": self.archive_other.id},
                ["archive_id"],
                spec,
            )
        self.assertNotIn(self.partner_other.name, caught.exception.faultString)
        result = Model.onchange({"archive_id": self.archive_own.id}, ["archive_id"], spec)
        if fills_customer:
            self.assertEqual(result["value"]["partner_id"]["id"], self.partner_own.id)


def run_one_cron_call(env):
    """One call of the jobs' cron, as the first of a unit of the cron's work."""
    from ..models import customer_archive_job as job_module  # noqa: PLC0415 (the models, once loaded)

    job_module._UNIT.cr = None
    env["customer.archive.job"]._cron_run()


def run_background_jobs(test, batch_seconds=0, limit=1000):
    """Run the background jobs as Odoo's cron does, a batch per call, each call a unit
    of the cron's work of its own (as when the cron worker is woken at once), each batch
    as short as ``batch_seconds`` allows; return the calls made."""
    from ..models import customer_archive_job as job_module  # noqa: PLC0415 (the models, once loaded)

    Job = test.env["customer.archive.job"]
    calls = 0
    with patch.object(job_module, "BATCH_SECONDS", batch_seconds):
        while Job.search_count([("state", "in", ("queued", "running"))]):
            run_one_cron_call(test.env)
            calls += 1
            test.assertLess(calls, limit, "the jobs do not end")
    return calls


class ConfidentialityCase(CustomerArchiveRpcCase):
    """The dossiers are active; ``archive_secret`` is secret: its customer is sold by
    ``reader``, it is kept by ``manager``; ``archive_other`` is sold by ``reader2``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        archives = cls.archive_own | cls.archive_other | cls.archive_kept | cls.archive_secret
        archives.action_activate()
