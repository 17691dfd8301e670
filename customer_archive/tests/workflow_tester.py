"""A model that exists in the tests only (loaded by ``odoo_test_helper``): the workflow
mixin on its own, configured by its attributes as the archive's records are."""

from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.customer_archive.models.customer_archive_workflow_mixin import Transition

READER = "customer_archive.group_reader"
OFFICER = "customer_archive.group_officer"
MANAGER = "customer_archive.group_manager"


class CustomerArchiveWorkflowTester(models.Model):
    _name = "customer.archive.workflow.tester"
    _description = "Workflow Tester"
    _inherit = ["customer.archive.workflow.mixin"]

    _workflow_transitions = (
        Transition("submit", ("draft",), "submitted", READER, ("_rule_own_or_override",)),
        Transition(
            "approve",
            ("submitted",),
            "approved",
            MANAGER,
            ("_rule_not_requester", "_rule_has_note"),
        ),
        Transition("stamp", ("approved",), None, OFFICER),
    )
    _workflow_stamped_fields = ("date_stamped", "approver_id")
    _workflow_locked_fields = ("name",)
    _text_limits = {"note": 20}

    name = fields.Char(default="/")
    note = fields.Char()
    user_id = fields.Many2one("res.users", string="Asked By", default=lambda self: self.env.user)
    state = fields.Selection(
        [("draft", "Draft"), ("submitted", "Submitted"), ("approved", "Approved")],
        default="draft",
        readonly=True,
    )
    helper_id = fields.Many2one("res.users", string="Helped By")
    approver_id = fields.Many2one("res.users", readonly=True)
    date_stamped = fields.Date(readonly=True)
    can_submit = fields.Boolean(compute="_compute_workflow_can")
    can_approve = fields.Boolean(compute="_compute_workflow_can")
    can_stamp = fields.Boolean(compute="_compute_workflow_can")

    def _workflow_interested(self):
        return super()._workflow_interested() | self.helper_id

    def _rule_has_note(self):
        if not self.note:
            return UserError(self.env._("Say why first."))
        return None

    def action_submit(self):
        self._workflow_run("submit")

    def _action_submit(self):
        self._workflow_write({"state": "submitted"})

    def action_approve(self):
        self._workflow_run("approve")

    def _action_approve(self):
        self._workflow_write({"state": "approved", "approver_id": self.env.uid})

    def action_stamp(self):
        self._workflow_run("stamp")

    def _action_stamp(self):
        self._workflow_write({"date_stamped": fields.Date.context_today(self)})
