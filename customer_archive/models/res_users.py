"""Archive users start where their work is: the archive desk (档案工作台), not Discuss."""

from odoo import api, models

from .customer_archive import READER

HOME_ACTION = "customer_archive.mail_activity_archive_desk_action"


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        users._set_customer_archive_home_action()
        return users

    def write(self, vals):
        result = super().write(vals)
        if any(key == "groups_id" or key.startswith(("in_group_", "sel_groups_")) for key in vals):
            self._set_customer_archive_home_action()
        return result

    def _set_customer_archive_home_action(self):
        """Give the archive desk as home action to the internal archive users of ``self``
        who have none; a home action chosen for a user is left alone."""
        action = self.env.ref(HOME_ACTION, raise_if_not_found=False)
        if not action:  # while the addon's data is being loaded
            return
        users = self.filtered(
            lambda user: not user.action_id and not user.share and user.has_group(READER)
        )
        if users:
            # sudo: an archive manager granting the group may not write users' preferences
            users.sudo().write({"action_id": action.id})

    @api.model
    def _set_customer_archive_home_action_all(self):
        """At install and update: every archive user without a home action gets the desk."""
        reader = self.env.ref(READER)
        self.with_context(active_test=False).search(
            [("groups_id", "in", reader.ids), ("share", "=", False), ("action_id", "=", False)]
        )._set_customer_archive_home_action()
