import time

from markupsafe import Markup

from odoo import api, fields, models

from ..tools.customer_archive_lang import by_chatter_lang
from . import customer_archive_job  # noqa: F401 (the job mixin, inherited below, first)
from .customer_archive_workflow_mixin import next_number

# dossiers, then customers, moved per step of a handover in the background
MOVE_BATCH = 500


class CustomerArchiveHandover(models.Model):
    """What moved when an employee handed his customers over (员工调离,客户资料移交).

    Written once by the handover wizard and read later; nobody edits it.
    """

    _name = "customer.archive.handover"
    _inherit = ["customer.archive.job.mixin"]
    _description = "Customer Archive Handover"
    _order = "date desc, id desc"

    name = fields.Char(string="Reference", required=True, readonly=True, default="/", copy=False)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users", string="Performed By", required=True, readonly=True, ondelete="restrict"
    )
    from_user_id = fields.Many2one(
        "res.users", string="Leaving Employee", required=True, readonly=True, ondelete="restrict"
    )
    to_user_id = fields.Many2one(
        "res.users", string="Successor", required=True, readonly=True, ondelete="restrict"
    )
    archive_ids = fields.Many2many(
        "customer.archive",
        "customer_archive_handover_archive_rel",
        "handover_id",
        "archive_id",
        string="Archives Kept",
        readonly=True,
        help="Archives whose keeper moved to the successor.",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "customer_archive_handover_partner_rel",
        "handover_id",
        "partner_id",
        string="Customers",
        readonly=True,
        help="Customers whose salesperson moved to the successor.",
    )
    activity_count = fields.Integer(string="Activities Moved", readonly=True)
    activity_summary = fields.Text(string="Activities", readonly=True)
    customers_notified = fields.Boolean(readonly=True)
    note = fields.Text(readonly=True)
    archive_count = fields.Integer(compute="_compute_counts")
    partner_count = fields.Integer(string="Customer Count", compute="_compute_counts")

    @api.depends("archive_ids", "partner_ids")
    def _compute_counts(self):
        for handover in self:
            handover.archive_count = len(handover.archive_ids)
            handover.partner_count = len(handover.partner_ids)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals["name"] = next_number(self.env, "customer.archive.handover")
        return super().create(vals_list)

    # ------------------------------------------------------------ moving
    def _move(self, archives, partners):
        """Make the successor keeper of ``archives`` and salesperson of ``partners``, and
        say so on every dossier touched."""
        successor = self.to_user_id
        archives.write({"user_id": successor.id})
        # sudo: the salesperson moves by decision of an archive manager, who need not have
        # the Contact Creation right; the partners were searched with his own rights.
        partners.sudo().write({"user_id": successor.id})
        self._log_handover(archives, partners)

    def _job_step(self, job, deadline):
        """A batch of the dossiers, then of the customers, in the order of their ids."""
        cursor = dict(job.cursor or {"archive": 0, "partner": 0})
        archives = self.archive_ids.sorted("id").filtered(lambda a: a.id > cursor["archive"])
        partners = self.partner_ids.sorted("id").filtered(lambda p: p.id > cursor["partner"])
        total = len(self.archive_ids) + len(self.partner_ids)
        while archives or partners:  # one batch at least, then until the deadline
            if archives:
                batch, archives = archives[:MOVE_BATCH], archives[MOVE_BATCH:]
                self._move(batch, self.env["res.partner"])
                cursor["archive"] = batch[-1].id
            else:
                batch, partners = partners[:MOVE_BATCH], partners[MOVE_BATCH:]
                self._move(self.env["customer.archive"], batch)
                cursor["partner"] = batch[-1].id
            if time.monotonic() > deadline:
                break
        if archives or partners:
            job._set_progress(total - len(archives) - len(partners), total, cursor)
            return False
        if self.customers_notified:
            self._notify_customers(self.partner_ids)
        message = self.env._(
            "%(archives)s archives and %(customers)s customers handed over to %(user)s.",
            archives=len(self.archive_ids),
            customers=len(self.partner_ids),
            user=self.to_user_id.name,
        )
        job._set_progress(total, total, {}, message)
        return True

    def _log_handover(self, archives, partners):
        """Post the handover note on every archive moved or whose customer moved."""
        touched = archives | self.env["customer.archive"].with_context(active_test=False).search(
            [("partner_id", "in", partners.commercial_partner_id.ids)]
        )
        for in_lang in by_chatter_lang(touched):
            body = Markup("<p>%s</p>") % in_lang.env._(
                "Handover %(reference)s: %(leaver)s handed this customer over to %(successor)s.",
                reference=self.name,
                leaver=self.from_user_id.name,
                successor=self.to_user_id.name,
            )
            if self.note:
                body += Markup("<p>%s</p>") % self.note
            in_lang._message_log_batch(dict.fromkeys(in_lang.ids, body))

    def _notify_customers(self, partners):
        template = self.env.ref("customer_archive.mail_template_archive_handover")
        recipients = partners.filtered(lambda partner: not partner.parent_id and partner.email)
        if recipients:
            template.send_mail_batch(recipients.ids)
