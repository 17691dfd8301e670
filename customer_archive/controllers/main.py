"""The customer's own data form (客户资料表), opened by an anonymous visitor through the
link his salesperson sent: the token in the link is the only right he has."""

from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from ..tools import customer_archive_proposal_fields as proposable

CONSENT_PURPOSES = ("keep", "care", "marketing", "share")
# what the form posts besides the answers
FORM_KEYS = {"csrf_token", "respondent_name", *(f"consent_{p}" for p in CONSENT_PURPOSES)}


class CustomerArchiveDataForm(http.Controller):
    @http.route(
        "/customer-archive/form/<int:proposal_id>/<string:token>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        sitemap=False,
    )
    def customer_data_form(self, proposal_id, token, **post):
        proposal, status = request.env["customer.archive.proposal"]._portal_find(proposal_id, token)
        if not proposal:
            raise request.not_found()
        proposal = self._in_customer_lang(proposal)
        if status != "open":
            return self._message(proposal, status, 410)
        if request.httprequest.method == "POST":
            return self._submit(proposal, post)
        return self._form(proposal, proposal._portal_values())

    def _in_customer_lang(self, proposal):
        """The page speaks the customer's language when it is installed."""
        lang = proposal.partner_id.lang
        if lang and lang in dict(request.env["res.lang"].get_installed()):
            request.update_context(lang=lang)
            return proposal.with_context(lang=lang)
        return proposal

    def _submit(self, proposal, post):
        unknown = set(post) - FORM_KEYS - set(proposable.PROPOSABLE)
        answers = {key: post[key] for key in proposable.PROPOSABLE if key in post}
        if unknown:
            error = proposal.env._(
                "%(field)s is not asked by the customer data form.",
                field=sorted(unknown)[0][:64],
            )
            return self._form(proposal, answers, post, error, status=400)
        consents = [purpose for purpose in CONSENT_PURPOSES if post.get(f"consent_{purpose}")]
        try:
            with request.env.cr.savepoint():
                proposal._portal_submit(answers, consents, post.get("respondent_name"))
        except (UserError, ValidationError) as error:
            request.env.invalidate_all()
            if proposal.state != "draft":
                return self._message(proposal, "used", 410)
            return self._form(proposal, answers, post, error.args[0], status=400)
        return self._message(proposal, "thanks", 200)

    def _form(self, proposal, values, post=None, error=None, status=200):
        post = post or {}
        return request.render(
            "customer_archive.customer_archive_proposal_form_page",
            {
                "proposal": proposal,
                "res_company": proposal.company_id,
                "fields": [
                    (key, proposable.label(proposal.env, key)) for key in proposable.PROPOSABLE
                ],
                "values": {key: values.get(key, "") for key in proposable.PROPOSABLE},
                "respondent_name": (post.get("respondent_name") or "")[:100],
                "consents": {p for p in CONSENT_PURPOSES if post.get(f"consent_{p}")},
                "error": error,
                "form_action": request.httprequest.path,
            },
            status=status,
        )

    def _message(self, proposal, status, http_status):
        return request.render(
            "customer_archive.customer_archive_proposal_message_page",
            {"proposal": proposal, "res_company": proposal.company_id, "status": status},
            status=http_status,
        )
