"""What the columns of a customer list mean, how its cells become values, and the keys
by which a row is recognised as a customer already known.

Plain functions and tables, shared by the import (``customer.archive.import``) and the
duplicate checks of the partner. A cell that cannot become a value raises ``CellError``
with a message in the user's language; the import adds the row and the column."""

import datetime
import re
import unicodedata

# key: (where, field, kind, synonyms); "where" is the record the value goes to
COLUMNS = {
    "name": (
        "partner",
        "name",
        "text",
        (
            "客户名称",
            "单位名称",
            "公司名称",
            "客户",
            "名称",
            "企业名称",
            "客户全称",
            "name",
            "customer",
            "customername",
            "company",
            "companyname",
        ),
    ),
    "legal_representative": (
        "archive",
        "legal_representative",
        "text",
        ("法定代表人", "法人代表", "法人", "legalrepresentative"),
    ),
    "credit_code": (
        "archive",
        "credit_code",
        "credit_code",
        (
            "统一社会信用代码",
            "信用代码",
            "社会信用代码",
            "税号",
            "creditcode",
            "uscc",
            "unifiedsocialcreditcode",
        ),
    ),
    "vat": ("partner", "vat", "text", ("增值税号", "纳税人识别号", "vat", "taxid")),
    "registered_capital": (
        "archive",
        "registered_capital",
        "amount",
        ("注册资本", "注册资金", "registeredcapital", "capital"),
    ),
    "date_founded": (
        "archive",
        "date_founded",
        "date",
        ("成立日期", "成立时间", "注册日期", "founded", "datefounded", "foundingdate"),
    ),
    "street": (
        "partner",
        "street",
        "text",
        ("地址", "详细地址", "注册地址", "通讯地址", "联系地址", "address", "street"),
    ),
    "state_id": (
        "partner",
        "state_id",
        "state",
        ("省份", "地区", "省", "所在地区", "province", "region", "state"),
    ),
    "city": ("partner", "city", "text", ("城市", "市", "所在城市", "city")),
    "zip": ("partner", "zip", "code", ("邮编", "邮政编码", "zip", "postcode", "zipcode")),
    "phone": (
        "partner",
        "phone",
        "code",
        ("电话", "联系电话", "固定电话", "办公电话", "phone", "tel", "telephone"),
    ),
    "mobile": ("partner", "mobile", "code", ("手机", "手机号", "手机号码", "移动电话", "mobile")),
    "fax": ("archive", "fax", "code", ("传真", "fax")),
    "email": (
        "partner",
        "email",
        "email",
        ("邮箱", "电子邮箱", "电子邮件", "email", "e-mail", "mail"),
    ),
    "website": ("partner", "website", "text", ("网址", "网站", "主页", "website", "url")),
    "business_scope": (
        "archive",
        "business_scope",
        "text",
        ("经营范围", "主营业务", "businessscope", "scope"),
    ),
    "industry_id": ("archive", "industry_id", "industry", ("行业", "所属行业", "industry")),
    "company_type": (
        "archive",
        "company_type",
        "selection",
        ("企业性质", "公司性质", "单位性质", "企业类型", "性质", "natureofcompany", "companytype"),
    ),
    "size": ("archive", "size", "selection", ("规模", "企业规模", "size")),
    "employee_count": (
        "archive",
        "employee_count",
        "integer",
        ("员工人数", "人数", "职工人数", "employees", "employeecount"),
    ),
    "salesperson": (
        "partner",
        "user_id",
        "user",
        ("业务员", "销售员", "负责业务员", "salesperson", "sales"),
    ),
    "keeper": (
        "archive",
        "user_id",
        "user",
        ("保管人", "档案管理员", "档案保管人", "keeper", "archivekeeper"),
    ),
    "confidentiality": (
        "archive",
        "confidentiality",
        "selection",
        ("密级", "保密级别", "confidentiality"),
    ),
    "location": (
        "archive",
        "location_id",
        "location",
        (
            "存放位置",
            "存放地点",
            "档案位置",
            "存放处",
            "库位",
            "location",
            "storagelocation",
            "storageplace",
        ),
    ),
    "comment": (
        "partner",
        "comment",
        "text",
        ("备注", "说明", "remark", "remarks", "notes", "comment"),
    ),
}
# words that mean the same in a company's legal form, reduced to one
_LEGAL_FORMS = (
    ("股份有限公司", "有限公司"),
    ("(股份)有限公司", "有限公司"),
    ("有限责任公司", "有限公司"),
    ("有限公司", "有限公司"),
    ("companylimited", "ltd"),
    ("co.,ltd.", "ltd"),
    ("co.,ltd", "ltd"),
    ("co.ltd.", "ltd"),
    ("co.ltd", "ltd"),
    ("limited", "ltd"),
    ("ltd.", "ltd"),
)
_SPACES = re.compile(r"[\s\u3000]+")
_HEADER_NOISE = re.compile(r"[\s\u3000_:*#.\-/]+")
_HEADER_UNIT = re.compile(r"\((.*?)\)$")
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_AMOUNT_NOISE = re.compile(r"[,\s¥￥$]|rmb|cny|人民币")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Excel counts days from 1899-12-30 (its 1900 system, with the 1900 leap-year bug)
EXCEL_EPOCH = datetime.date(1899, 12, 30)
FIRST_DATE = datetime.date(1900, 1, 1)
_STATE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")


class CellError(Exception):
    """A cell that cannot become a value; ``str(error)`` is the translated reason."""


def fold(text):
    """Full-width to half-width, compatibility forms unified, lower case."""
    return unicodedata.normalize("NFKC", text).casefold()


def normalize_header(header):
    """The header without spacing, width, case or punctuation; and its unit, if any
    (``注册资本(万元)`` → ``("注册资本", "万元")``)."""
    text = fold(str(header)).strip()
    unit = None
    match = _HEADER_UNIT.search(text)
    if match:
        unit = match.group(1).strip()
        text = text[: match.start()]
    return _HEADER_NOISE.sub("", text), unit


_SYNONYMS = {
    normalize_header(synonym)[0]: key for key, spec in COLUMNS.items() for synonym in spec[3]
}


def guess_column(header):
    """The column key a header means, or ``None``."""
    if header is None:
        return None
    return _SYNONYMS.get(normalize_header(header)[0])


# how the name of an organisation ends, in Chinese and in English (folded)
_ORGANISATION_ENDINGS = (
    "公司",
    "集团",
    "厂",
    "商行",
    "事务所",
    "合作社",
    "研究院",
    "研究所",
    "银行",
    "分行",
    "支行",
    "医院",
    "学校",
    "学院",
    "大学",
    "协会",
    "中心",
    "经营部",
    "门市部",
    "工作室",
    "ltd",
    "ltd.",
    "limited",
    "inc",
    "inc.",
    "llc",
    "gmbh",
    "corp",
    "corp.",
    "corporation",
    "company",
)


def looks_like_company(name):
    """Whether a name typed alone reads as an organisation's (北京华信科技有限公司,
    Acme Ltd.), not a person's: what a quick create should make of it."""
    text = _SPACES.sub(" ", fold(name or "")).strip().rstrip(")）")
    return bool(text) and text.endswith(_ORGANISATION_ENDINGS)


def name_key(name):
    """The name of a company as duplicates are found: width, spacing, case, brackets
    and the wording of the legal form do not count."""
    if not name:
        return False
    text = _SPACES.sub("", fold(name))
    for variant, same in _LEGAL_FORMS:
        if text.endswith(variant):
            text = text[: -len(variant)] + same
            break
    return text[:256] or False


def phone_key(phone):
    """The digits of a phone number, without the country prefix 86."""
    digits = re.sub(r"\D", "", fold(phone or ""))
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits or False


def email_key(email):
    return fold(email or "").strip() or False


# ------------------------------------------------------------------ cells
def as_text(value):
    """A cell as text: numbers without a trailing ``.0`` (phone numbers and codes saved
    as numbers), dates as ISO dates, spacing trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if not value.time() else value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def as_code(value):
    """Phone numbers, postcodes: half-width, spacing trimmed inside as well as outside."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", as_text(value))).strip()


def as_credit_code(value):
    """A credit code as typed: full-width digits, lower case and spaces undone."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", as_text(value))).upper()


def as_date(env, value):
    """A date from a ``date``, an Excel serial, or text like ``2019-3-5``,
    ``2019/03/05``, ``2019年3月5日``, ``20190305``."""
    if isinstance(value, datetime.datetime):
        result = value.date()
    elif isinstance(value, datetime.date):
        result = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value < 2958466:
            raise CellError(env._("%(value)s is not a date.", value=value))
        result = EXCEL_EPOCH + datetime.timedelta(days=int(value))
    else:
        text = unicodedata.normalize("NFKC", as_text(value))
        match = _DATE_TEXT.match(text) or _DATE_DIGITS.match(text)
        if not match:
            raise CellError(
                env._(
                    "%(value)s is not a date: write it as 2019-03-05 or 2019年3月5日.",
                    value=text[:50],
                )
            )
        try:
            result = datetime.date(*(int(part) for part in match.groups()))
        except ValueError as error:
            raise CellError(env._("%(value)s is not a date.", value=text[:50])) from error
    today = datetime.date.today()
    if not FIRST_DATE <= result <= today:
        raise CellError(
            env._(
                "%(date)s lies outside %(first)s – %(last)s.",
                date=result.isoformat(),
                first=FIRST_DATE.isoformat(),
                last=today.isoformat(),
            )
        )
    return result


def as_amount(env, value, unit=None, high=10**15):
    """An amount from a number or text like ``500万``, ``1,200,000元``, ``¥300万元``; a
    header unit ``(万元)`` multiplies plain numbers."""
    factor = 10000 if unit and "万" in unit else 1
    if isinstance(value, int | float) and not isinstance(value, bool):
        amount = float(value) * factor
    else:
        text = _AMOUNT_NOISE.sub("", fold(as_text(value)))
        if text.endswith("元"):
            text = text[:-1]
        if text.endswith("亿"):
            factor, text = 10**8, text[:-1]
        elif text.endswith("万"):
            factor, text = 10000, text[:-1]
        try:
            amount = float(text) * factor
        except ValueError as error:
            raise CellError(
                env._("%(value)s is not an amount.", value=as_text(value)[:50])
            ) from error
    if not 0 <= amount <= high:
        raise CellError(
            env._(
                "%(value)s must lie between 0 and %(high)s.", value=as_text(value)[:50], high=high
            )
        )
    return amount


def as_integer(env, value, high):
    try:
        number = float(unicodedata.normalize("NFKC", as_text(value)).replace(",", ""))
    except ValueError as error:
        raise CellError(env._("%(value)s is not a number.", value=as_text(value)[:50])) from error
    if not number.is_integer() or not 0 <= number <= high:
        raise CellError(
            env._(
                "%(value)s must be a whole number between 0 and %(high)s.",
                value=as_text(value)[:50],
                high=high,
            )
        )
    return int(number)


def as_email(env, value):
    text = unicodedata.normalize("NFKC", as_text(value))
    if not _EMAIL.match(text):
        raise CellError(env._("%(value)s is not an email address.", value=text[:50]))
    return text


# what Chinese lists write for the values of the selections, whatever the language
SELECTION_WORDS = {
    "company_type": {
        "国有": "state",
        "国企": "state",
        "国有企业": "state",
        "集体": "collective",
        "集体企业": "collective",
        "私营": "private",
        "民营": "private",
        "私企": "private",
        "私营企业": "private",
        "民营企业": "private",
        "外资": "foreign",
        "外商独资": "foreign",
        "外资企业": "foreign",
        "合资": "joint",
        "中外合资": "joint",
        "合资企业": "joint",
        "个体": "individual",
        "个体工商户": "individual",
        "事业单位": "public",
        "其他": "other",
    },
    "size": {
        "小": "small",
        "小型": "small",
        "中": "medium",
        "中型": "medium",
        "大": "large",
        "大型": "large",
    },
    "confidentiality": {
        "普通": "normal",
        "一般": "normal",
        "公开": "normal",
        "机密": "confidential",
        "秘密": "confidential",
        "保密": "confidential",
        "绝密": "secret",
    },
}


def selection_keys(env, key, field):
    """Each value of a selection field by its key, its labels in the installed
    languages and the Chinese words of ``SELECTION_WORDS``, folded."""
    keys = {fold(word): value for word, value in SELECTION_WORDS.get(key, {}).items()}
    for lang, _name in env["res.lang"].get_installed():
        for value, label in field._description_selection(env(context={"lang": lang})):
            keys[fold(value)] = value
            keys[fold(label)] = value
    return keys


def location_key(name):
    """A storage place as typed: width, case and the spacing around ``/`` do not count
    (``档案室/柜A`` is ``档案室 / 柜A``)."""
    return _SPACES.sub("", fold(name or ""))


def state_key(name):
    """A Chinese province as written short or long: ``浙江``, ``浙江省``."""
    text = _SPACES.sub("", fold(name or ""))
    for suffix in _STATE_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text
