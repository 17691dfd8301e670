"""A proposed update of a dossier (资料更新建议): from the customer's own data form
(客户资料表, through a link) or from the salesperson (业务员 → 档案管理员). Nothing is
written on the dossier until the keeper accepts it, line by line."""

import hashlib
import secrets
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, consteq

from ..tools import customer_archive_proposal_fields as proposable
from .customer_archive import OFFICER, READER
from .customer_archive_workflow_mixin import Transition, door_open

LINK_DAYS_PARAM = "customer_archive.proposal_link_days"
DEFAULT_LINK_DAYS = 14
# what the proposer writes while the proposal is a draft, frozen afterwards
DRAFT_FIELDS = {"note", "origin"}
REVIEW_ACTIVITY = "mail.mail_activity_data_todo"


def hash_token(token):
    return hashlib.sha256((token or "").encode()).hexdigest()


class CustomerArchiveProposal(models.Model):
    _name = "customer.archive.proposal"
    _description = "Customer Archive Proposed Update"
    _inherit = [
        "customer.archive.attached.mixin",
        "customer.archive.workflow.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "id desc"
    _check_company_auto = True
    # The proposer follows and discusses his proposal without the right to change it.
    _mail_post_access = "read"

    _workflow_transitions = (
        Transition(
            "send_link",
            ("draft",),
            None,
            READER,
            ("_rule_own_or_override", "_rule_from_portal"),
        ),
        Transition(
            "submit",
            ("draft",),
            "submitted",
            READER,
            ("_rule_own_or_override", "_rule_from_salesperson", "_rule_has_lines"),
        ),
        # keeper's decisions on every pending line at once
        Transition("accept", ("submitted",), None, OFFICER, ("_rule_not_requester",)),
        Transition("reject", ("submitted",), None, OFFICER, ("_rule_not_requester",)),
        Transition(
            "cancel", ("draft", "submitted"), "cancelled", READER, ("_rule_own_or_override",)
        ),
    )
    _workflow_stamped_fields = (
        "token_hash",
        "link_token",
        "date_link_expiry",
        "date_link_sent",
        "date_submitted",
        "respondent_name",
        "consent_purposes",
        "consent_ids",
        "decided_by_id",
        "date_decided",
    )
    _workflow_locked_fields = ("name", "archive_id", "user_id")
    _text_limits = {"note": 2000, "respondent_name": 100}

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    archive_id = fields.Many2one(
        "customer.archive",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('state', 'in', ('draft', 'active', 'closed'))]",
    )
    partner_id = fields.Many2one(related="archive_id.partner_id", string="Customer")
    company_id = fields.Many2one(
        related="archive_id.company_id", store=True, index=True, precompute=True
    )
    origin = fields.Selection(
        [("portal", "Customer's Data Form"), ("salesperson", "Salesperson")],
        required=True,
        default="salesperson",
        help="Customer's data form: the customer fills in a form through a link sent to "
        "him. Salesperson: you propose the changes and documents yourself.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Proposed By",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
        index=True,
        help="Who proposes the changes, or who sent the form to the customer.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "To Decide"),
            ("accepted", "Accepted"),
            ("partial", "Partly Accepted"),
            ("rejected", "Rejected"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    line_ids = fields.One2many("customer.archive.proposal.line", "proposal_id", string="Changes")
    note = fields.Text(string="Remarks")
    # the link's token: its hash finds the proposal. The link goes to the customer's
    # email only, never back to whoever sends it: the form records the customer's answers
    # and consents, which must be the customer's own act.
    token_hash = fields.Char(readonly=True, copy=False, groups="base.group_system")
    link_token = fields.Char(readonly=True, copy=False, groups="base.group_system")
    date_link_expiry = fields.Datetime(string="Link Valid Until", readonly=True, copy=False)
    date_link_sent = fields.Datetime(string="Link Sent On", readonly=True, copy=False)
    date_submitted = fields.Datetime(string="Submitted On", readonly=True, copy=False)
    respondent_name = fields.Char(
        string="Filled In By", readonly=True, copy=False, help="Who filled in the data form."
    )
    consent_purposes = fields.Char(
        string="Consents Ticked",
        readonly=True,
        copy=False,
        help="The purposes the customer consented to on the form (technical: codes); "
        "recorded as consents when the keeper decides the proposal.",
    )
    consent_pending = fields.Char(
        string="Consents to Confirm",
        compute="_compute_consent_pending",
        help="Ticked on the data form; recorded as the customer's consents once the keeper "
        "has checked the form and decided the proposal.",
    )
    consent_ids = fields.Many2many(
        "customer.archive.consent",
        "customer_archive_proposal_consent_rel",
        "proposal_id",
        "consent_id",
        string="Consents Given",
        readonly=True,
        copy=False,
    )
    decided_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    date_decided = fields.Datetime(string="Decided On", readonly=True, copy=False)
    pending_count = fields.Integer(string="Pending Changes", compute="_compute_pending_count")

    can_send_link = fields.Boolean(compute="_compute_workflow_can")
    can_submit = fields.Boolean(compute="_compute_workflow_can")
    can_accept = fields.Boolean(compute="_compute_workflow_can")
    can_reject = fields.Boolean(compute="_compute_workflow_can")
    can_cancel = fields.Boolean(compute="_compute_workflow_can")

    @api.depends("line_ids.state")
    def _compute_pending_count(self):
        for proposal in self:
            proposal.pending_count = len(
                proposal.line_ids.filtered(lambda line: line.state == "pending")
            )

    @api.depends("consent_purposes", "consent_ids")
    def _compute_consent_pending(self):
        labels = dict(
            self.env["customer.archive.consent"]._fields["purpose"]._description_selection(self.env)
        )
        for proposal in self:
            codes = (proposal.consent_purposes or "").split(",") if not proposal.consent_ids else []
            proposal.consent_pending = ", ".join(labels.get(code, code) for code in codes if code)

    def _workflow_can_depends(self):
        return ["state", "user_id", "origin", "line_ids"]

    @api.model_create_multi
    def create(self, vals_list):
        Archive = self.env["customer.archive"]
        for vals in vals_list:
            if vals.get("user_id", self.env.uid) != self.env.uid and not self.env.su:
                raise AccessError(self.env._("You can only propose changes in your own name."))
            self._check_archive(Archive.browse(vals.get("archive_id") or []))
            vals["name"] = self._next_number("customer.archive.proposal")
        return super().create(vals_list)

    @api.model
    def _check_archive(self, archive):
        """Changes are proposed on a dossier of one's own customer (its salesperson or
        keeper), or by an officer on any dossier he may read; never on a destroyed one."""
        archive.check_access("read")
        if archive.state == "destroyed":
            raise UserError(self.env._("A destroyed archive cannot be updated."))
        if self.env.su or self.env.user.has_group(OFFICER):
            return
        if self.env.user not in archive.salesperson_id | archive.user_id:
            raise AccessError(
                self.env._(
                    "You may propose changes only for your own customers, not for %(archive)s.",
                    archive=archive.display_name,
                )
            )

    def write(self, vals):
        origin_changed = False
        if not door_open(self._name) and vals.keys() & DRAFT_FIELDS:
            if self._workflow_changed_fields(vals, DRAFT_FIELDS):
                self._check_draft_editable()
            origin_changed = bool(self._workflow_changed_fields(vals, {"origin"}))
        result = super().write(vals)
        if origin_changed:
            # a link sent before the source changed stops working
            self.sudo()._workflow_write(
                {"token_hash": False, "link_token": False, "date_link_expiry": False}
            )
        return result

    def _check_draft_editable(self):
        """A proposal changes while it is a draft, and only by its proposer (or an
        officer); afterwards it is what the keeper decides on."""
        for proposal in self:
            if proposal.state != "draft":
                raise UserError(
                    self.env._(
                        "Proposal %(proposal)s was submitted: it can no longer be changed.",
                        proposal=proposal.name,
                    )
                )
            refusal = proposal._rule_own_or_override()
            if refusal is not None:
                raise refusal

    # ------------------------------------------------------------ rules
    def _workflow_interested(self):
        """Whoever made the proposal (or sent the data form) does not decide it, whatever
        its origin; nor does whoever added one of its changes."""
        # sudo: who added a change counts, whether or not the user may read it
        return self.user_id | self.sudo().line_ids.create_uid

    def _rule_from_portal(self):
        if self.origin != "portal":
            return UserError(
                self.env._("Only a customer's data form is sent to the customer by a link.")
            )
        return None

    def _rule_from_salesperson(self):
        if self.origin != "salesperson":
            return UserError(
                self.env._("The customer submits his data form himself, through its link.")
            )
        return None

    def _rule_has_lines(self):
        if not self.line_ids:
            return UserError(
                self.env._("Propose at least one change or document before submitting.")
            )
        return None

    # ------------------------------------------------------------ the link
    @api.model
    def _link_days(self):
        value = self.env["ir.config_parameter"].sudo().get_param(LINK_DAYS_PARAM)
        try:
            days = int(value) if value else DEFAULT_LINK_DAYS
        except ValueError:
            days = DEFAULT_LINK_DAYS
        return min(max(days, 1), 365)

    def _form_path(self, token):
        return f"/customer-archive/form/{self.id}/{token}"

    def action_send_link(self):
        """Make a new link to the customer's data form (an older one stops working), mail it
        to the customer in his language, and show it, to be sent another way too."""
        return self._workflow_run("send_link")

    def _action_send_link(self):
        """The link goes to the customer's email and nowhere else: not in the answer to
        the sender, not on the proposal, not in a message he may read (the mail's message
        is the company's, to the customer, deleted once sent)."""
        self.ensure_one()
        partner = self.partner_id
        if not partner.email_normalized:
            raise UserError(
                self.env._(
                    "%(customer)s has no valid email: the form's link is sent to the "
                    "customer's email only. Add it to the customer first.",
                    customer=partner.display_name,
                )
            )
        token = self._new_token()
        url = self.get_base_url() + self._form_path(token)
        template = self.env.ref("customer_archive.mail_template_proposal_form")
        # sudo: the sender mails his customer a mail that holds the token; it is the
        # company's (its author), technical, deleted once sent, posted in no chatter.
        template.sudo().with_context(form_url=url).send_mail(
            self.id,
            email_values={
                "model": False,
                "res_id": False,
                "author_id": self.company_id.partner_id.id,
            },
        )
        body = self.env._(
            "Data form link sent to %(customer)s at %(email)s by %(user)s, valid until %(date)s.",
            customer=partner.display_name,
            email=partner.email_normalized,
            user=self.env.user.name,
            date=fields.Datetime.context_timestamp(self, self.date_link_expiry).strftime(
                "%Y-%m-%d %H:%M"
            ),
        )
        self.message_post(body=Markup("<p>%s</p>") % body, subtype_xmlid="mail.mt_note")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Link to the customer's data form"),
                "message": self.env._(
                    "The link was mailed to %(email)s; it is valid once.",
                    email=partner.email_normalized,
                ),
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _new_token(self):
        """A fresh random token for the link; only its hash is kept."""
        token = secrets.token_urlsafe(32)
        now = fields.Datetime.now()
        # sudo: the hash is readable by nobody but administrators, written by the step
        self.sudo()._workflow_write(
            {
                "token_hash": hash_token(token),
                "link_token": token,
                "date_link_sent": now,
                "date_link_expiry": now + timedelta(days=self._link_days()),
            }
        )
        return token

    @api.model
    def _portal_find(self, proposal_id, token):
        """The proposal whose link this is, and what the link is worth now: ``(proposal,
        'open' | 'used' | 'expired')``; ``(empty, None)`` for a forged or withdrawn link.

        Called by the public form: reads as superuser, the token is the right."""
        # sudo: the visitor is anonymous; the token, compared in constant time, decides
        proposal = self.sudo().browse(proposal_id).exists() if proposal_id else self.sudo()
        if (
            not proposal
            or not token
            or len(token) > 128
            or proposal.origin != "portal"
            or not proposal.token_hash
            or not consteq(proposal.token_hash, hash_token(token))
            or proposal.state == "cancelled"
        ):
            return self.browse(), None
        if proposal.state != "draft":
            return proposal, "used"
        if proposal.date_link_expiry < fields.Datetime.now():
            return proposal, "expired"
        return proposal, "open"

    def _portal_values(self):
        """The form's fields with the values on record, to be corrected by the customer."""
        self.ensure_one()
        archive = self.sudo().archive_id
        return {key: proposable.current_value(archive, key) for key in proposable.PROPOSABLE}

    def _portal_submit(self, answers, consents, respondent):
        """Record the customer's answers as proposed changes, his consents, and hand the
        proposal to the keeper. Superuser (the visitor is anonymous); all or nothing.

        :param answers: {field key: text typed}, only keys of the form
        :param consents: purposes the customer agreed to
        :param respondent: who filled in the form
        """
        self.ensure_one()
        # one submission per link, even with two sent at once: the second waits, then
        # finds the proposal submitted
        self.env.cr.execute(
            SQL(
                "SELECT id FROM customer_archive_proposal WHERE id = %s FOR NO KEY UPDATE",
                self.id,
            )
        )
        self.invalidate_recordset(["state"])
        if self.state != "draft":
            raise UserError(self.env._("This form was already sent."))
        unknown = set(answers) - set(proposable.PROPOSABLE)
        if unknown:
            raise ValidationError(
                self.env._(
                    "%(field)s is not asked by the customer data form.",
                    field=sorted(unknown)[0][:64],
                )
            )
        respondent = (respondent or "").strip()
        if not respondent:
            raise ValidationError(self.env._("Tell us who fills in this form."))
        if "keep" not in consents:
            raise ValidationError(
                self.env._("We can keep your data only with your consent: tick the box.")
            )
        current = self._portal_values()
        lines = [
            {"proposal_id": self.id, "kind": "field", "field_name": key, "new_value": text}
            for key, text in answers.items()
            if (text or "").strip() != current[key]
        ]
        if lines:
            self.env["customer.archive.proposal.line"].create(lines)
        # the consents wait for the keeper, who checks who filled in the form
        self._workflow_write(
            {
                "state": "submitted",
                "date_submitted": fields.Datetime.now(),
                "respondent_name": respondent,
                "consent_purposes": ",".join(sorted(set(consents))),
            }
        )
        self._after_submit()

    # ------------------------------------------------------------ workflow
    def action_submit(self):
        self._workflow_run("submit")
        return True

    def _action_submit(self):
        self._workflow_write({"state": "submitted", "date_submitted": fields.Datetime.now()})
        self._after_submit()

    def _after_submit(self):
        """Ask the keeper to decide, and say so on the dossier, in the keeper's language."""
        for record in self:
            # sudo: the proposer may not read the keeper; the activity is the proposal's
            archive = record.archive_id.sudo()
            keeper = archive.user_id
            lang = keeper.lang or self.env.lang
            proposal = record.with_context(lang=lang)
            _ = proposal.env._
            if keeper and keeper.active:
                proposal._workflow_schedule(
                    REVIEW_ACTIVITY,
                    keeper,
                    lambda env, proposal=proposal: env._(
                        "Decide the proposed update %(proposal)s", proposal=proposal.name
                    ),
                )
            origin = dict(proposal._fields["origin"]._description_selection(proposal.env))
            archive.with_context(lang=lang)._message_log(
                body=Markup("<p>%s</p>")
                % _(
                    "Proposed update %(proposal)s submitted (%(origin)s): %(count)s change(s) "
                    "waiting for the keeper.",
                    proposal=proposal.name,
                    origin=origin[proposal.origin],
                    count=len(proposal.line_ids),
                ),
                author_id=(
                    proposal.partner_id
                    if proposal.origin == "portal"
                    else proposal.user_id.partner_id
                ).id,
            )

    def action_accept(self):
        """Accept every change still pending."""
        self._workflow_run("accept")
        return True

    def _action_accept(self):
        self.line_ids.filtered(lambda line: line.state == "pending")._workflow_run("accept")
        self._settle(empty="accepted")

    def action_reject(self):
        """Reject every change still pending."""
        self._workflow_run("reject")
        return True

    def _action_reject(self):
        self.line_ids.filtered(lambda line: line.state == "pending")._workflow_run("reject")
        self._settle(empty="rejected")

    def action_cancel(self):
        self._workflow_run("cancel")
        return True

    def _action_cancel(self):
        self._workflow_write({"state": "cancelled"})
        self.activity_unlink([REVIEW_ACTIVITY])

    def _settle(self, empty=None):
        """Once no change is pending, the proposal is decided: accepted, rejected, or
        partly accepted. Called by the lines' decisions; a proposal without lines (a
        form sent back unchanged) is decided as ``empty`` says, or stays to decide."""
        for proposal in self.filtered(lambda p: p.state == "submitted"):
            states = set(proposal.line_ids.mapped("state"))
            if "pending" in states or not (states or empty):
                continue
            if not states:
                state = empty
            elif states == {"rejected"}:
                state = "rejected"
            elif states <= {"accepted"}:
                state = "accepted"
            else:
                state = "partial"
            proposal._workflow_write(
                {
                    "state": state,
                    "decided_by_id": self.env.uid,
                    "date_decided": fields.Datetime.now(),
                }
            )
            if state != "rejected":
                proposal._record_consents()
            # sudo: the keeper's reminder is closed whoever decided
            proposal.sudo()._workflow_feedback([REVIEW_ACTIVITY])

    def _record_consents(self):
        """The consents ticked on the form, recorded once the keeper has decided the form
        (a form rejected as a whole records none): dated the day the customer gave them."""
        self.ensure_one()
        purposes = [code for code in (self.consent_purposes or "").split(",") if code]
        if not purposes or self.consent_ids:
            return
        given = fields.Date.context_today(self, self.date_submitted)
        consents = self.env["customer.archive.consent"].create(
            [
                {
                    "archive_id": self.archive_id.id,
                    "partner_id": self.partner_id.id,
                    "purpose": purpose,
                    "date": given,
                    "channel": "portal",
                    "note": self.env._(
                        "Given on the data form %(proposal)s by %(respondent)s, checked by "
                        "%(keeper)s.",
                        proposal=self.name,
                        respondent=self.respondent_name,
                        keeper=self.env.user.name,
                    ),
                }
                for purpose in purposes
            ]
        )
        self._workflow_write({"consent_ids": [(6, 0, consents.ids)]})

    def _post_changes(self, changes, partner_changes):
        """Say on the dossier which accepted changes were made, and on the customer those
        of his own data (the dossier's data stays off the partner, which all see).

        :param changes: list of ``(label, old value, new value)``
        """
        self.ensure_one()
        self.archive_id._post_in_readers_lang(
            lambda env: self.with_context(lang=env.lang)._changes_body(changes)
        )
        if partner_changes:
            # sudo: the keeper notes the update on the customer he may not write to
            self.archive_id.partner_id.sudo().message_post(
                body=self._changes_body(partner_changes), subtype_xmlid="mail.mt_note"
            )

    def _changes_body(self, changes):
        items = Markup("").join(
            Markup("<li>%s: %s → %s</li>") % (label, old or "—", new or "—")
            for label, old, new in changes
        )
        return Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._(
                "Proposed update %(proposal)s accepted by %(user)s:",
                proposal=self.name,
                user=self.env.user.name,
            ),
            items,
        )
