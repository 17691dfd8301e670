from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.customer_archive import MANAGER

LOAN_MODEL = "customer.archive.loan"
# dossiers and customers moved in the request; more in the background
INLINE_HANDOVER = 500


class CustomerArchiveHandoverWizard(models.TransientModel):
    """Hand the customers of a leaving employee over to a successor (员工调离,客户资料移交)."""

    _name = "customer.archive.handover.wizard"
    _description = "Customer Archive Handover Wizard"

    from_user_id = fields.Many2one(
        "res.users",
        string="Leaving Employee",
        required=True,
        domain="[('share', '=', False)]",
        context={"active_test": False},
    )
    to_user_id = fields.Many2one(
        "res.users",
        string="Successor",
        required=True,
        domain="[('share', '=', False), ('id', '!=', from_user_id)]",
    )
    move_archives = fields.Boolean(
        string="Move Archives Kept", default=True, help="Make the successor keeper of the archives."
    )
    move_customers = fields.Boolean(
        default=True,
        help="Make the successor salesperson of the customers.",
    )
    move_activities = fields.Boolean(
        string="Move Open Activities",
        default=True,
        help="Reassign the open activities on archives, loans, destruction registers and "
        "correction requests.",
    )
    notify_customers = fields.Boolean(
        help="Email the customers that their contact person changes.",
    )
    note = fields.Text(help="Written on the handover record and on every archive moved.")
    archive_ids = fields.Many2many("customer.archive", compute="_compute_preview")
    partner_ids = fields.Many2many("res.partner", compute="_compute_preview")
    activity_ids = fields.Many2many("mail.activity", compute="_compute_preview")
    loan_out_ids = fields.Many2many(LOAN_MODEL, compute="_compute_preview")
    archive_count = fields.Integer(compute="_compute_preview")
    partner_count = fields.Integer(string="Customer Count", compute="_compute_preview")
    activity_count = fields.Integer(compute="_compute_preview")
    loan_out_count = fields.Integer(string="Loans Out", compute="_compute_preview")

    @api.depends("from_user_id", "move_archives", "move_customers", "move_activities")
    def _compute_preview(self):
        for wizard in self:
            wizard.archive_ids = wizard._get_archives()
            wizard.partner_ids = wizard._get_partners()
            wizard.activity_ids = wizard._get_activities()
            wizard.loan_out_ids = wizard._get_loans_out()
            wizard.archive_count = len(wizard.archive_ids)
            wizard.partner_count = len(wizard.partner_ids)
            wizard.activity_count = len(wizard.activity_ids)
            wizard.loan_out_count = len(wizard.loan_out_ids)

    def _get_archives(self):
        if not (self.from_user_id and self.move_archives):
            return self.env["customer.archive"]
        return (
            self.env["customer.archive"]
            .with_context(active_test=False)
            .search([("user_id", "=", self.from_user_id.id)])
        )

    def _get_partners(self):
        if not (self.from_user_id and self.move_customers):
            return self.env["res.partner"]
        return (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search([("user_id", "=", self.from_user_id.id)])
        )

    @api.model
    def _get_handover_activity_models(self):
        """Models whose open activities move with the customers."""
        names = [
            "customer.archive",
            LOAN_MODEL,
            "customer.archive.destruction",
            "customer.archive.correction",
        ]
        return [name for name in names if name in self.env]

    def _get_activities(self):
        if not (self.from_user_id and self.move_activities):
            return self.env["mail.activity"]
        return self.env["mail.activity"].search(
            [
                ("user_id", "=", self.from_user_id.id),
                ("res_model", "in", self._get_handover_activity_models()),
            ]
        )

    def _get_loans_out(self):
        if not self.from_user_id:
            return self.env[LOAN_MODEL]
        # sudo: a loan the manager's rules hide is still a file the leaver holds.
        return (
            self.env[LOAN_MODEL]
            .sudo()
            .search([("user_id", "=", self.from_user_id.id), ("state", "=", "out")])
        )

    def action_confirm(self):
        """Move keeper, salesperson and activities, log it everywhere and keep a record."""
        self.ensure_one()
        if not self.env.user.has_group(MANAGER):
            raise AccessError(self.env._("Only an archive manager may hand customers over."))
        self._check_handover()
        handover = self._action_handover()
        return {
            "type": "ir.actions.act_window",
            "res_model": handover._name,
            "res_id": handover.id,
            "view_mode": "form",
            "target": "current",
        }

    def _check_handover(self):
        leaver, successor = self.from_user_id, self.to_user_id
        if leaver == successor:
            raise UserError(self.env._("The successor must be someone else than the leaver."))
        if not successor.active or successor.share:
            raise UserError(
                self.env._(
                    "%(user)s is not an active internal user and cannot take customers over.",
                    user=successor.display_name,
                )
            )
        loans = self._get_loans_out()
        if loans:
            raise UserError(
                self.env._(
                    "%(user)s still holds loaned archives (%(loans)s). "
                    "They must be returned before the handover.",
                    user=leaver.display_name,
                    loans=", ".join(loans.mapped("display_name")),
                )
            )
        if not (self._get_archives() or self._get_partners() or self._get_activities()):
            raise UserError(
                self.env._("%(user)s has nothing to hand over.", user=leaver.display_name)
            )

    def _action_handover(self):
        """Keep the record of what moves, and move it: now, or, for many dossiers and
        customers, in the background a batch at a time (the record's form shows how far
        it is)."""
        archives = self._get_archives()
        partners = self._get_partners()
        activities = self._get_activities()
        successor = self.to_user_id
        activity_summary = "\n".join(
            f"{activity.res_name}: {activity.summary or activity.activity_type_id.name}"
            for activity in activities
        )
        # sudo: activities of documents the manager may read move with the customers.
        activities.sudo().write({"user_id": successor.id})
        # sudo: the record is written by the wizard only; users read it, never write it.
        handover = (
            self.env["customer.archive.handover"]
            .sudo()
            .create(
                {
                    "user_id": self.env.user.id,
                    "from_user_id": self.from_user_id.id,
                    "to_user_id": successor.id,
                    "archive_ids": [fields.Command.set(archives.ids)],
                    "partner_ids": [fields.Command.set(partners.ids)],
                    "activity_count": len(activities),
                    "activity_summary": activity_summary,
                    "customers_notified": self.notify_customers,
                    "note": self.note,
                }
            )
            .sudo(False)
        )
        if len(archives) + len(partners) > INLINE_HANDOVER:
            handover._job_start(
                self.env._("Handover %(reference)s", reference=handover.name), kind="handover"
            )
            return handover
        handover._move(archives, partners)
        if self.notify_customers:
            handover._notify_customers(partners)
        return handover
