from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..models.customer_archive import MANAGER
from ..tools import customer_classification_rules as rules


class CustomerClassificationOverride(models.TransientModel):
    """A manager's decision on a customer's classification, with its reason.

    Archive managers decide grades and tiers without needing the right to edit
    contacts: the decision is checked here and written on the partner for the
    current company, where it stays until a manager clears it.
    """

    _name = "customer.classification.override"
    _description = "Override Customer Classification"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True)
    grade_override = fields.Selection(rules.GRADES, string="Grade")
    tier_override = fields.Selection(rules.TIERS, string="Tier")
    reason = fields.Char()
    key_account = fields.Boolean()
    special_class = fields.Boolean(
        help="Lawyers, banks, insurers, advisers and other special relations (特殊客户)."
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        partner_id = values.get("partner_id") or (
            self.env.context.get("active_model") == "res.partner"
            and self.env.context.get("active_id")
        )
        if partner_id:
            partner = self.env["res.partner"].browse(partner_id).commercial_partner_id
            values.update(
                partner_id=partner.id,
                grade_override=partner.customer_grade_override,
                tier_override=partner.customer_tier_override,
                reason=partner.customer_override_reason,
                key_account=partner.customer_key_account,
                special_class=partner.customer_special_class,
            )
        return values

    def action_apply(self):
        self.ensure_one()
        if not self.env.user.has_group(MANAGER):
            raise AccessError(
                self.env._("Only archive managers may override the classification of customers.")
            )
        # sudo: deciding a classification does not need the right to edit contacts;
        # the manager's right was checked above, the chatter names him as author.
        self.partner_id.sudo().write(
            {
                "customer_grade_override": self.grade_override,
                "customer_tier_override": self.tier_override,
                "customer_override_reason": self.reason
                if self.grade_override or self.tier_override
                else False,
                "customer_key_account": self.key_account,
                "customer_special_class": self.special_class,
            }
        )
        return {"type": "ir.actions.act_window_close"}
