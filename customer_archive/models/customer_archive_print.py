"""A print of many dossiers in the background (批量打印): the archive card, the file
directory, the customer list or the folder labels of hundreds of dossiers take minutes
of wkhtmltopdf, beyond a request's limits. The officer asks for it from the dossiers'
list; the scheduler renders it a few dossiers per batch, as the officer (his rules, his
consultation log), and the merged PDF reaches his inbox."""

import base64

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.pdf import merge_pdf

from . import customer_archive_job  # noqa: F401 (the job mixin, inherited below, first)

# the dossiers a print renders in the request; more in the background
INLINE_PRINT = 100
# the dossiers one batch renders (one wkhtmltopdf run)
PRINT_BATCH = 20


class CustomerArchivePrint(models.Model):
    _name = "customer.archive.print"
    _description = "Customer Archive Print in the Background"
    _inherit = ["customer.archive.job.mixin"]
    _order = "id desc"

    report_id = fields.Many2one(
        "ir.actions.report",
        required=True,
        domain="[('model', '=', 'customer.archive')]",
        ondelete="cascade",
    )
    archive_ids = fields.Many2many("customer.archive", string="Archives", readonly=True)
    archive_count = fields.Integer(compute="_compute_archive_count")
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    attachment_id = fields.Many2one("ir.attachment", string="PDF", readonly=True)
    # the PDFs of the batches done, merged at the end
    part_ids = fields.Many2many(
        "ir.attachment",
        "customer_archive_print_part_rel",
        "print_id",
        "attachment_id",
        readonly=True,
        groups="base.group_system",
    )

    @api.depends("archive_ids")
    def _compute_archive_count(self):
        for request in self:
            request.archive_count = len(request.archive_ids)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "customer.archive":
            values["archive_ids"] = [fields.Command.set(self.env.context.get("active_ids", []))]
        if "report_id" in fields_list and not values.get("report_id"):
            values["report_id"] = self.env.ref("customer_archive.customer_archive_card_report").id
        return values

    @api.model_create_multi
    def create(self, vals_list):
        requests = super().create(vals_list)
        for request in requests:
            if request.report_id.model != "customer.archive":
                raise UserError(self.env._("Choose a report of the customer archive."))
            # the rules of the print, checked now (the officer prints these)
            self.env["ir.actions.report"]._check_archive_print(
                request.report_id, request.archive_ids
            )
        return requests

    def write(self, vals):
        if vals.keys() - {"attachment_id"} and not self.env.su:
            raise UserError(self.env._("A print in the background is not changed once asked."))
        return super().write(vals)

    def action_print(self):
        """Queue the print; the list it was asked from stays open."""
        self.ensure_one()
        if not self.archive_ids:
            raise UserError(self.env._("Select the archives to print first."))
        self._job_start(
            self.env._(
                "Print of %(count)s archives: %(report)s",
                count=len(self.archive_ids),
                report=self.report_id.name,
            ),
            kind="print",
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._(
                    "The print of %(count)s archives runs in the background; the PDF will be "
                    "in your inbox.",
                    count=len(self.archive_ids),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _job_step(self, job, deadline):
        """A batch of dossiers rendered, as the one who asked (his rules, his log); at
        the end the parts are merged into one PDF."""
        cursor = dict(job.cursor or {"last": 0})
        archives = self.archive_ids.sorted("id").filtered(lambda a: a.id > cursor["last"])
        total = len(self.archive_ids)
        batch = archives[:PRINT_BATCH]
        if batch:
            # a PDF always, even where tests would have HTML: the parts are merged
            pdf, _kind = (
                self.env["ir.actions.report"]
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf(self.report_id.report_name, batch.ids)
            )
            # sudo: the parts are the print's own, read by its last batch only
            part = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    {"name": f"part-{batch[0].id}.pdf", "raw": pdf, "mimetype": "application/pdf"}
                )
            )
            self.sudo().write({"part_ids": [fields.Command.link(part.id)]})
            cursor["last"] = batch[-1].id
            if len(archives) > len(batch):
                job._set_progress(total - len(archives) + len(batch), total, cursor)
                return False
        parts = self.sudo().part_ids.sorted("id")
        merged = merge_pdf([part.raw for part in parts]) if len(parts) > 1 else parts.raw
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"{self.report_id.name}.pdf",
                "datas": base64.b64encode(merged or b""),
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        self.sudo().write({"attachment_id": attachment.id})
        parts.unlink()
        job._set_progress(
            total,
            total,
            {},
            self.env._("%(count)s archives printed.", count=total),
        )
        return True

    def _job_attachments(self, job):
        """The PDF, with the message that tells the one who asked."""
        return self.attachment_id.ids

    def _job_failed(self, job, message):
        self.sudo().part_ids.unlink()
