"""The consultation log (查阅记录): who consulted which dossier, when and how.

One row per consultation: a form opened (``web_read`` of a dossier), one ``read`` or
``search_read`` call over the API (a row per dossier it returned), a print, an export,
a loan handed out. Only successful reads are logged: a read that the rules refuse
raises before anything is written. A list page is not a consultation of the dossiers
it lists. Nobody writes or deletes a row through the ORM, the administrator included;
the monthly cron drops the rows older than the retention period.
"""

import contextvars
from contextlib import contextmanager

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError

from .customer_archive_workflow_mixin import door_open, open_door

RETENTION_PARAM = "customer_archive.access_log_years"
DEFAULT_RETENTION_YEARS = 3
# The consultation being served in this thread: the outermost call logs, the calls it
# makes (web_read → read) do not. Nothing a caller sends can set it.
_CONSULTATION = contextvars.ContextVar("customer_archive_consultation", default=None)


@contextmanager
def consultation(how):
    """Mark the block as one consultation of kind ``how``; yields whether it is the
    outermost one, which logs."""
    outer = _CONSULTATION.get() is None
    token = _CONSULTATION.set(how) if outer else None
    try:
        yield outer
    finally:
        if token is not None:
            _CONSULTATION.reset(token)


class CustomerArchiveAccessLog(models.Model):
    _name = "customer.archive.access.log"
    _description = "Customer Archive Consultation"
    _order = "date desc, id desc"
    _log_access = False

    date = fields.Datetime(required=True, readonly=True, index=True)
    user_id = fields.Many2one(
        "res.users", string="Consulted By", required=True, readonly=True, index=True
    )
    archive_id = fields.Many2one(
        "customer.archive", required=True, readonly=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(related="archive_id.partner_id", string="Customer")
    company_id = fields.Many2one(
        related="archive_id.company_id", store=True, index=True, precompute=True
    )
    how = fields.Selection(
        [
            ("form", "Form Opened"),
            ("api", "Read over the API"),
            ("report", "Printed"),
            ("export", "Exported"),
            ("loan", "Handed Out on Loan"),
        ],
        required=True,
        readonly=True,
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not door_open(self._name):
            raise AccessError(self.env._("The consultation log is written by the archive only."))
        return super().create(vals_list)

    def write(self, vals):
        if vals:
            raise AccessError(self.env._("The consultation log cannot be changed."))
        return super().write(vals)

    def unlink(self):
        if not door_open(self._name, "prune"):
            raise AccessError(self.env._("The consultation log cannot be deleted."))
        return super().unlink()

    @api.model
    def _log(self, archives, how, user=None):
        """One row per dossier of ``archives`` consulted now by ``user`` (the current
        user unless named)."""
        if not archives:
            return self.browse()
        user = user or self.env.user
        now = fields.Datetime.now()
        with open_door(self._name):
            # sudo: users read dossiers, they do not write the log; the row is the
            # archive's record of their read, made for them
            return self.sudo().create(
                [
                    {"date": now, "user_id": user.id, "archive_id": archive_id, "how": how}
                    for archive_id in archives.ids
                ]
            )

    @api.model
    def _cron_prune(self):
        """Drop the rows older than the retention period (3 years unless set)."""
        value = self.env["ir.config_parameter"].sudo().get_param(RETENTION_PARAM)
        years = int(value) if value else DEFAULT_RETENTION_YEARS
        old = self.search([("date", "<", fields.Datetime.now() - relativedelta(years=years))])
        with open_door(self._name, "prune"):
            old.unlink()
