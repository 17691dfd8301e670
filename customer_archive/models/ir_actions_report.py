"""Printing the archive: a print of dossier data is a consultation (查阅记录).

Every report of ``customer.archive`` (archive card, file directory, customer list,
folder labels) renders as the user who prints, under his record rules, never with
``sudo``. The print is refused as a whole when one of its dossiers is not the user's to
print; otherwise it is logged once per dossier.

Who prints what (严禁复印: a print is a copy of the file):

- officers and managers: every report, for the dossiers they may read;
- readers: the card or the file directory of one dossier of their own customers (they
  sell to the customer or keep the dossier) at a time; not a dossier lent to them
  (consulted, not copied), not the customer list nor the labels (no bulk export).
"""

from psycopg2.errors import ReadOnlySqlTransaction

from odoo import api, models
from odoo.exceptions import AccessError, UserError

from .customer_archive_access_log import consultation
from .customer_archive_print import INLINE_PRINT

OFFICER = "customer_archive.group_officer"
ARCHIVE_MODEL = "customer.archive"
# the reports of one dossier a reader may print for his own customers
READER_REPORTS = frozenset(
    {
        "customer_archive.customer_archive_card",
        "customer_archive.customer_archive_directory",
    }
)


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    @api.model
    def _render_qweb_html(self, report_ref, docids, data=None):
        """A print of dossiers (the PDF renders through here once): checked, logged
        once per dossier, then rendered. Code running as superuser prints unchecked and
        unlogged: it is no person consulting."""
        report = self._get_report(report_ref)
        if report.model != ARCHIVE_MODEL or self.env.su:
            return super()._render_qweb_html(report_ref, docids, data=data)
        archives = self.env[ARCHIVE_MODEL].browse(list(dict.fromkeys(docids or ())))
        self._check_archive_print(report, archives)
        if len(archives) > INLINE_PRINT:
            raise UserError(
                self.env._(
                    "Printing %(count)s archives takes longer than a page may wait: select "
                    "them in the list and use Action › Print in the Background; the PDF "
                    "comes to your inbox.",
                    count=len(archives),
                )
            )
        with consultation("report") as outer:
            if outer:
                if self.env.cr.readonly:
                    # /report/pdf and /report/html serve on a read-only transaction and
                    # retry on a read/write one when it writes: ask for it before
                    # rendering, not after, and without a failed query in the log
                    raise ReadOnlySqlTransaction("The print of an archive is logged.")
                self.env["customer.archive.access.log"]._log(archives, "report")
            return super()._render_qweb_html(report_ref, docids, data=data)

    @api.model
    def _check_archive_print(self, report, archives):
        """Refuse the print of ``archives`` by ``report`` unless the user may print
        them all (see the module's docstring)."""
        _ = self.env._
        refused = archives - archives._filtered_access("read")
        if refused:
            raise AccessError(
                _(
                    "You cannot print %(count)s of these archives: you may not read them. "
                    "To consult another salesperson's archive, ask to borrow it.",
                    count=len(refused),
                )
            )
        user = self.env.user
        if user.has_group(OFFICER):
            return
        if report.report_name not in READER_REPORTS:
            raise AccessError(
                _(
                    "Only archive officers and managers may print “%(report)s”.",
                    report=report.name,
                )
            )
        if len(archives) > 1:
            raise AccessError(
                _(
                    "Print one archive at a time: printing archives in bulk is for "
                    "archive officers and managers."
                )
            )
        if archives and user not in archives.salesperson_id | archives.user_id:
            raise AccessError(
                _(
                    "You may print only the archives of your own customers: a borrowed "
                    "archive is consulted, not copied."
                )
            )
