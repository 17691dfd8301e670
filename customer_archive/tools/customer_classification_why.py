"""Why a customer is classified as he is: the figures behind each result, as text in
the reader's language. Plain functions of a partner (read with his company) and the
company's policy."""

from odoo.tools import formatLang


def why_lines(partner, policy, with_amounts=True):
    """The figures that produced each result, one line each; the amounts only
    ``with_amounts`` (for who may see them)."""
    env = partner.env
    _ = env._
    currency = env.company.currency_id

    def money(amount):
        return formatLang(env, amount, currency_obj=currency)

    labels = {
        fname: dict(partner._fields[fname]._description_selection(env))
        for fname in ("customer_grade", "customer_tier", "customer_loyalty")
    }
    lines = []
    # sudo: the amounts are officers' fields; they are read here only ``with_amounts``,
    # i.e. for officers or where the user may read the customer's dossier (DESIGN §6)
    amounts = partner.sudo() if with_amounts else partner.browse()
    computed = partner.customer_grade_computed
    if computed and not with_amounts:
        lines.append(
            _(
                "Grade %(grade)s: by the invoices and arrears of the last %(months)s months.",
                grade=labels["customer_grade"][computed],
                months=policy.window_months,
            )
        )
    elif computed == "d":
        lines.append(
            _(
                "Grade D: %(overdue)s overdue for more than %(days)s days, "
                "above the tolerance of %(limit)s.",
                overdue=money(amounts.customer_overdue_amount),
                days=policy.overdue_days,
                limit=money(policy.overdue_amount_limit),
            )
        )
    elif computed:
        lines.append(
            _(
                "Grade %(grade)s: %(amount)s invoiced over the last %(months)s months "
                "(A from %(a)s, B from %(b)s).",
                grade=labels["customer_grade"][computed],
                amount=money(amounts.customer_yearly_amount),
                months=policy.window_months,
                a=money(policy.grade_a_amount),
                b=money(policy.grade_b_amount),
            )
        )
    if partner.customer_grade_override or partner.customer_tier_override:
        lines.append(_("Set by hand: %(reason)s", reason=partner.customer_override_reason or ""))
    if partner.customer_tier:
        lines.append(
            _(
                "Tier %(tier)s: grade %(grade)s, key account: %(key)s, special class: %(special)s.",
                tier=labels["customer_tier"][partner.customer_tier],
                grade=labels["customer_grade"].get(partner.customer_grade, "-"),
                key=_("yes") if partner.customer_key_account else _("no"),
                special=_("yes") if partner.customer_special_class else _("no"),
            )
        )
    lines.append(_why_loyalty(partner, policy, labels["customer_loyalty"]))
    lines.extend(_why_value(partner))
    return lines


def _why_loyalty(partner, policy, labels):
    _ = partner.env._
    if not partner.customer_last_invoice_date:
        return _("Loyalty %(stage)s: no invoice yet.", stage=labels["new"])
    return _(
        "Loyalty %(stage)s: last invoice on %(date)s, %(count)s invoices in the window "
        "(loyal from %(loyal)s invoices within %(recent)s days, at risk after %(risk)s days, "
        "lost after %(lost)s days).",
        stage=labels.get(partner.customer_loyalty, "-"),
        date=partner.customer_last_invoice_date,
        count=partner.customer_invoice_count,
        loyal=policy.loyal_min_invoices,
        recent=policy.loyal_recent_days,
        risk=policy.at_risk_days,
        lost=policy.lost_days,
    )


def _why_value(partner):
    _ = partner.env._
    lines = []
    if partner.customer_value_class:
        value_labels = dict(
            partner._fields["customer_value_class"]._description_selection(partner.env)
        )
        lines.append(
            _(
                "Value %(value)s: recency %(r)s, frequency %(f)s, monetary %(m)s "
                "(quintiles 1-5; 3 and more count as high).",
                value=value_labels[partner.customer_value_class],
                r=partner.customer_rfm_recency,
                f=partner.customer_rfm_frequency,
                m=partner.customer_rfm_monetary,
            )
        )
    if partner.customer_top:
        lines.append(_("Among the customers who bring most of the revenue."))
    if partner.customer_purchase_interval:
        lines.append(
            _(
                "Buys about every %(days)s days; next purchase expected on %(date)s.",
                days=partner.customer_purchase_interval,
                date=partner.customer_next_purchase_date,
            )
        )
    return lines
