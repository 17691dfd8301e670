"""The demo story's cast: the customers' profiles, provinces, the company, the
names the story picks from. Demo code, read by ``story.py``."""

# Profiles: (days between invoices, days since the last invoice, days since the first one,
# base amount, open arrears). Against the default policy: A from 100 000 a year, B from
# 30 000; loyal with six invoices in the year, the last within 90 days; at risk after 180
# days without invoice, lost after 365; a purchase reminder when the usual interval has
# passed by more than a week.
PROFILES = {
    "a_loyal": (50, 8, 320, 20000, False),  # A, loyal
    "a_few": (150, 35, 540, 55000, False),  # A, a few large orders
    "b_loyal": (55, 15, 340, 6000, False),  # B, loyal
    "b_late": (60, 75, 420, 8000, False),  # B, his usual order is two weeks late
    "b_ordinary": (100, 40, 540, 10000, False),  # B, ordinary
    "c_ordinary": (150, 30, 540, 3000, False),  # C, ordinary
    "c_late": (90, 110, 470, 2500, False),  # C, his usual order is three weeks late
    "at_risk": (120, 220, 540, 7000, False),  # 准流失: silent for seven months
    "lost": (120, 420, 540, 5000, False),  # 流失: silent for more than a year
    "d_arrears": (75, 12, 400, 8000, True),  # D: invoices of three to five months unpaid
    "new": (0, 0, 0, 0, False),  # no invoice yet
}
HISTORY_DAYS = 540  # a year and a half
ARREARS_AGES = (80, 170)  # invoices of D customers left unpaid, by age in days

PROVINCES = {
    # code: (credit code region, market region)
    "BJ": ("110108", "华北"),
    "TJ": ("120116", "华北"),
    "HE": ("130102", "华北"),
    "SX": ("140105", "华北"),
    "NM": ("150102", "华北"),
    "LN": ("210102", "东北"),
    "JL": ("220102", "东北"),
    "HL": ("230102", "东北"),
    "SH": ("310115", "华东"),
    "JS": ("320102", "华东"),
    "ZJ": ("330106", "华东"),
    "AH": ("340104", "华东"),
    "FJ": ("350203", "华东"),
    "JX": ("360102", "华东"),
    "SD": ("370202", "华东"),
    "HA": ("410105", "华中"),
    "HB": ("420106", "华中"),
    "HN": ("430102", "华中"),
    "GD": ("440305", "华南"),
    "GX": ("450103", "华南"),
    "HI": ("460106", "华南"),
    "CQ": ("500103", "西南"),
    "SC": ("510107", "西南"),
    "GZ": ("520102", "西南"),
    "YN": ("530102", "西南"),
    "SN": ("610113", "西北"),
    "GS": ("620102", "西北"),
    "NX": ("640104", "西北"),
    "XJ": ("650102", "西北"),
}

# The company the archive belongs to (Odoo's demo company, made a Chinese one).
COMPANY = {
    "name": "上海申和商贸有限公司",
    "street": "漕溪北路 88 号",
    "street2": "圣爱广场 12 楼",
    "city": "徐汇区",
    "zip": "200030",
    "phone": "+86 21 6426 8800",
    "email": "info@shenhe.example.com",
    "website": "www.shenhe.example.com",
    # 统一社会信用代码
    "vat": "91310115730000000E",
    "company_registry": "91310115730000000E",
}
COMPANY_LOGO = "customer_archive/demo/res_company_logo.png"
# Odoo's demo company before the archive's demo makes it Chinese (base's demo names it).
ODOO_DEMO_COMPANY = ("YourCompany", "My Company")

# The hand-written demo customers: xml id → profile.
KNOWN_CUSTOMERS = {
    "partner_huaxin_demo": "a_loyal",
    "partner_pujiang_demo": "b_late",
    "partner_pengcheng_demo": "d_arrears",
    "partner_xihu_demo": "at_risk",
    "partner_jinling_demo": "c_ordinary",
    "partner_tianfu_demo": "new",
    "partner_jiangcheng_demo": "b_loyal",
    "partner_haibin_demo": "a_few",
    "partner_ludao_demo": "b_ordinary",
    "partner_shancheng_demo": "lost",
    "partner_binhai_demo": "a_few",
    "partner_changan_demo": "new",
}

# The other customers, one a line: name, province, city and street, industry
# (base.res_partner_industry_*), legal representative, business scope, size, company type,
# profile, salesperson (r: 王芳, r2: 赵磊, a: administrator).
CUSTOMERS_FILE = "customer_archive/demo/customer_archive_story_customers.csv"
# Key accounts and special relations (the tier), by name.
KEY_ACCOUNTS = ("北京华信科技有限公司", "无锡太湖纺织机械有限公司")
SPECIAL_CLASS = ("上海长江律师事务所", "汇通保险经纪有限公司")
# Dossiers a manager classified secret or confidential, by profile index.
CONFIDENTIAL = ("长春一汽配套座椅有限公司", "东莞松山湖智能装备有限公司")

CONTACT_NAMES = (
    "王磊", "李娜", "张敏", "刘洋", "陈静", "杨帆", "赵丽", "黄伟", "周婷", "吴强",
    "徐明", "孙悦", "马超", "朱琳", "胡斌", "郭涛", "何芳", "高峰", "林雪", "罗杰",
)  # fmt: skip
CONTACT_FUNCTIONS = ("采购经理", "财务总监", "总经理助理", "采购主管", "供应链经理")
PRODUCTS = {
    "A": ("农资套餐", "冷链包装服务"),
    "C": ("精密零部件", "模具加工", "工业控制器"),
    "D": ("变频控制柜", "检修服务"),
    "F": ("钢材", "防水材料", "施工机具租赁"),
    "G": ("日用百货", "进口食品"),
    "H": ("运输管理软件", "车载终端"),
    "I": ("餐饮设备", "客房用品"),
    "J": ("服务器", "软件服务年费"),
    "K": ("咨询服务",),
    "L": ("智能门禁系统", "物业软件"),
    "M": ("办公设备", "法律数据库订阅"),
    "N": ("展台搭建", "会务物料"),
    "P": ("教学设备", "培训服务"),
    "Q": ("医用耗材", "设备维保服务"),
    "R": ("音响设备", "舞台灯光"),
}
RISK_SIGNALS = [
    # (customer, signal type, note)
    ("深圳鹏城电子股份有限公司", "late_payment", "答应月底付款,至今未付,电话也经常不接。"),
    ("沈阳北方重工配套有限公司", "lawsuit", "听说被供应商起诉,法院已冻结部分账户。"),
    ("南通江海建筑工程有限公司", "abnormal_orders", "本月订单是平时的五倍,且要求延长账期。"),
    ("株洲湘电轨道配件有限公司", "internal_conflict", "两位股东意见不合,采购负责人已离职。"),
    ("温州瓯江鞋业有限公司", "brand_changes", "半年内三次更换主营品牌。"),
    ("山西汾河煤机装备有限公司", "unreachable", "多次拜访未见到负责人,座机已停机。"),
    ("乌鲁木齐天山棉业有限公司", "investing_elsewhere", "老板把资金投向房地产项目。"),
    ("大连海韵船舶配件有限公司", "shrinking_premises", "厂房缩小一半,部分设备已变卖。"),
]
