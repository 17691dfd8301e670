"""Text the addon writes in the language of who reads it (issue 13).

Activities, their notes and summaries, and chatter notes are stored as text: written in
the language of the environment that creates them, they stay in it. A cron, the
superuser or demo data at install run in English while every user reads Chinese. So the
text is built in the reader's language:

- an activity in the language of its assignee (``for_user``);
- a chatter message in the language of the record's followers, the most common one;
  without followers, of the user responsible for the record (its ``user_id``), else of
  its company, else the current one (``by_chatter_lang``).
"""

from collections import Counter


def user_lang(env, user):
    """The language ``user`` reads, or the environment's when he has none."""
    return (user and user.sudo().lang) or env.lang or "en_US"


def for_user(records, user):
    """``records`` in the language of ``user`` (an activity's assignee): summaries,
    notes and the activity type's default summary are then written in it."""
    return records.with_context(lang=user_lang(records.env, user))


def chatter_lang(record):
    """The language a message on ``record`` is written in (see the module's doc)."""
    # sudo: the followers' and the company's languages, not their data, whoever posts
    sudo = record.sudo()
    if "message_follower_ids" in sudo._fields:
        langs = Counter(lang for lang in sudo.message_follower_ids.partner_id.mapped("lang"))
        if langs:
            return sorted(langs.items(), key=lambda item: (-item[1], item[0]))[0][0]
    user = sudo["user_id"] if "user_id" in sudo._fields else None
    if user and user._name == "res.users" and user.lang:
        return user.lang
    company = sudo["company_id"] if "company_id" in sudo._fields else None
    if company and company.partner_id.lang:
        return company.partner_id.lang
    return record.env.lang or "en_US"


def by_chatter_lang(records):
    """``records`` grouped by the language their messages are written in: a list of
    recordsets, each in its language's context (the caller's environment otherwise)."""
    groups = {}
    for record in records:
        groups.setdefault(chatter_lang(record), []).append(record.id)
    return [records.browse(ids).with_context(lang=lang) for lang, ids in groups.items()]
