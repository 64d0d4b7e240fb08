"""Word pools the demo generator combines: names, companies, places, phones, events.

Small hand-made lists, combined at random, give millions of plausible records
without a per-row library call. Chinese names are family name first with no
space; each Chinese word carries its pinyin for phonetic names, e-mails and domains.
"""

from __future__ import annotations

from dataclasses import dataclass

# (characters, pinyin). Compound family names (欧阳, 司马...) are kept whole.
CN_FAMILY: tuple[tuple[str, str], ...] = (
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"),
    ("杨", "Yang"), ("黄", "Huang"), ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"),
    ("徐", "Xu"), ("孙", "Sun"), ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"),
    ("郭", "Guo"), ("何", "He"), ("高", "Gao"), ("林", "Lin"), ("罗", "Luo"),
    ("郑", "Zheng"), ("梁", "Liang"), ("谢", "Xie"), ("宋", "Song"), ("唐", "Tang"),
    ("韩", "Han"), ("冯", "Feng"), ("邓", "Deng"), ("曹", "Cao"), ("彭", "Peng"),
    ("曾", "Zeng"), ("肖", "Xiao"), ("田", "Tian"), ("董", "Dong"), ("袁", "Yuan"),
    ("潘", "Pan"), ("蒋", "Jiang"), ("蔡", "Cai"), ("杜", "Du"), ("叶", "Ye"),
    ("程", "Cheng"), ("苏", "Su"), ("魏", "Wei"), ("吕", "Lü"), ("丁", "Ding"),
    ("任", "Ren"), ("沈", "Shen"), ("姚", "Yao"), ("卢", "Lu"), ("钟", "Zhong"),
    ("欧阳", "Ouyang"), ("司马", "Sima"), ("上官", "Shangguan"), ("诸葛", "Zhuge"),
    ("慕容", "Murong"),
)  # fmt: skip
CN_COMPOUND_FAMILY = frozenset(name for name, _ in CN_FAMILY if len(name) > 1) | {
    "东方", "皇甫", "尉迟", "公孙", "令狐", "夏侯", "端木", "独孤", "长孙", "宇文",
}  # fmt: skip
CN_GIVEN: tuple[tuple[str, str], ...] = (
    ("伟", "Wei"), ("芳", "Fang"), ("娜", "Na"), ("敏", "Min"), ("静", "Jing"),
    ("丽", "Li"), ("强", "Qiang"), ("磊", "Lei"), ("军", "Jun"), ("洋", "Yang"),
    ("勇", "Yong"), ("艳", "Yan"), ("杰", "Jie"), ("娟", "Juan"), ("涛", "Tao"),
    ("明", "Ming"), ("超", "Chao"), ("秀英", "Xiuying"), ("华", "Hua"), ("平", "Ping"),
    ("刚", "Gang"), ("桂英", "Guiying"), ("小明", "Xiaoming"), ("建华", "Jianhua"),
    ("志强", "Zhiqiang"), ("娜娜", "Nana"), ("文", "Wen"), ("晓东", "Xiaodong"),
    ("海燕", "Haiyan"), ("子涵", "Zihan"), ("浩然", "Haoran"), ("宇轩", "Yuxuan"),
    ("欣怡", "Xinyi"), ("梓萱", "Zixuan"), ("雨桐", "Yutong"), ("一诺", "Yinuo"),
    ("国强", "Guoqiang"), ("丽娟", "Lijuan"), ("建国", "Jianguo"), ("晓燕", "Xiaoyan"),
    ("鹏", "Peng"), ("辉", "Hui"), ("婷", "Ting"), ("玲", "Ling"), ("斌", "Bin"),
    ("宁", "Ning"), ("佳怡", "Jiayi"), ("俊杰", "Junjie"), ("思远", "Siyuan"),
    ("美琳", "Meilin"), ("嘉豪", "Jiahao"), ("雪", "Xue"), ("慧", "Hui"), ("凯", "Kai"),
)  # fmt: skip

WESTERN_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "en": (
        ("James", "Emily", "Michael", "Sarah", "David", "Jessica", "Robert", "Olivia",
         "William", "Emma", "Daniel", "Hannah", "Matthew", "Grace", "Christopher", "Chloe",
         "Andrew", "Megan", "Ryan", "Laura", "Oliver", "Charlotte", "Thomas", "Amelia"),
        ("Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson",
         "Taylor", "Anderson", "Thomas", "Moore", "Clark", "Walker", "Hughes", "Evans",
         "O'Brien", "Patel", "Wright", "Robinson", "Cooper", "Murphy", "Bennett", "Carter"),
    ),
    "de": (
        ("Jürgen", "Björn", "Jörg", "Günter", "Anna-Lena", "Sören", "Käthe", "Lukas",
         "Sophie", "Maximilian", "Lea", "Felix", "Katrin", "Matthias", "Jörn", "Dörte",
         "Uwe", "Sabine", "Thorsten", "Ute", "Tobias", "Annika", "Stefan", "Hanna"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
         "Schulz", "Hoffmann", "Schröder", "Koch", "Böhm", "Krüger", "Köhler", "Weiß",
         "Jäger", "Günther", "Groß", "Möller", "Schäfer", "Hölzl", "Lößner", "Bäuerle"),
    ),
    "fr": (
        ("François", "Hélène", "Zoé", "Jérôme", "Léa", "Gaëlle", "Céline", "Théo",
         "Chloé", "Loïc", "Amélie", "Benoît", "Élodie", "Mathéo", "Noémie", "Raphaël",
         "Inès", "Clément", "Maëlys", "Frédéric", "Anaïs", "Sébastien", "Camille", "Hugo"),
        ("Dubois", "Lefèvre", "Girard", "Rousseau", "Béranger", "Mercier", "Lemaître",
         "Martin", "Bernard", "Moreau", "Laurent", "Fournier", "Faure", "Chevalier",
         "Lefebvre", "Leroy", "Gauthier", "Périer", "Garnier", "Boucher", "Lambert",
         "Dupont", "Château", "Hébert"),
    ),
    "es": (
        ("José", "María", "Íñigo", "Nuria", "Begoña", "Álvaro", "Lucía", "Martín",
         "Sofía", "Jesús", "Inés", "Raúl", "Ramón", "Ana", "Rocío", "Sergio",
         "Pilar", "Andrés", "Elena", "Joaquín", "Marta", "Adrián", "Carmen", "Óscar"),
        ("García", "Núñez", "Fernández", "Ibáñez", "Muñoz", "Pérez", "Martínez", "López",
         "Sánchez", "Gómez", "Díaz", "Rodríguez", "Jiménez", "Ruiz", "Hernández", "Álvarez",
         "Moreno", "Romero", "Gutiérrez", "Castaño", "Ortega", "Peña", "Vázquez", "Santos"),
    ),
}  # fmt: skip


@dataclass(frozen=True)
class PhonePlan:
    """Numbers valid in a country's numbering plan: area + first digit + random digits."""

    kind: str  # "mobile" or "phone"
    areas: tuple[str, ...]
    first_digits: str
    national_len: int
    groups: tuple[int, ...]  # digit groups of the national number for display


@dataclass(frozen=True)
class City:
    name: str
    region: str
    postal_prefix: str
    landline: PhonePlan


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166 alpha-2, also the phone region
    name: str
    calling_code: str
    culture: str  # "zh", "en", "de", "fr", "es"
    currency: str
    tlds: tuple[str, ...]
    cities: tuple[City, ...]
    mobile: PhonePlan
    free_mail: tuple[str, ...]
    weight: int  # share of demo contacts


def _land(area: str, national_len: int, groups: tuple[int, ...], first: str = "2345") -> PhonePlan:
    return PhonePlan("phone", (area,), first, national_len, groups)


_D = "0123456789"
COUNTRIES: tuple[Country, ...] = (
    Country(
        "CN",
        "China",
        "86",
        "zh",
        "CNY",
        (".com.cn", ".cn", ".com"),
        (
            City("北京", "北京市", "100", _land("10", 10, (2, 4, 4), "23456")),
            City("上海", "上海市", "200", _land("21", 10, (2, 4, 4), "23456")),
            City("深圳", "广东省", "518", _land("755", 11, (3, 4, 4))),
            City("广州", "广东省", "510", _land("20", 10, (2, 4, 4))),
            City("杭州", "浙江省", "310", _land("571", 11, (3, 4, 4))),
            City("成都", "四川省", "610", _land("28", 10, (2, 4, 4))),
            City("南京", "江苏省", "210", _land("25", 10, (2, 4, 4))),
        ),
        PhonePlan(
            "mobile",
            (
                "130",
                "131",
                "132",
                "133",
                "135",
                "136",
                "137",
                "138",
                "139",
                "150",
                "151",
                "152",
                "153",
                "155",
                "156",
                "157",
                "158",
                "159",
                "180",
                "181",
                "182",
                "183",
                "185",
                "186",
                "187",
                "188",
                "189",
            ),
            _D,
            11,
            (3, 4, 4),
        ),
        ("163.com", "qq.com", "126.com", "foxmail.com"),
        50,
    ),
    Country(
        "DE",
        "Germany",
        "49",
        "de",
        "EUR",
        (".de",),
        (
            City("Berlin", "Berlin", "10", _land("30", 10, (2, 8), "2345689")),
            City("München", "Bayern", "80", _land("89", 10, (2, 8), "2345689")),
            City("Hamburg", "Hamburg", "20", _land("40", 10, (2, 8), "2345689")),
            City("Stuttgart", "Baden-Württemberg", "70", _land("711", 10, (3, 7), "2345689")),
            City("Köln", "Nordrhein-Westfalen", "50", _land("221", 10, (3, 7), "2345689")),
        ),
        PhonePlan(
            "mobile",
            ("151", "152", "157", "160", "170", "171", "175", "176", "177", "178"),
            _D,
            11,
            (3, 8),
        ),
        ("web.de", "gmx.de", "t-online.de"),
        15,
    ),
    Country(
        "US",
        "United States",
        "1",
        "en",
        "USD",
        (".com", ".io"),
        (
            City("New York", "NY", "100", _land("212", 10, (3, 3, 4), "23456789")),
            City("San Francisco", "CA", "941", _land("415", 10, (3, 3, 4), "23456789")),
            City("Chicago", "IL", "606", _land("312", 10, (3, 3, 4), "23456789")),
            City("Austin", "TX", "787", _land("512", 10, (3, 3, 4), "23456789")),
            City("Seattle", "WA", "981", _land("206", 10, (3, 3, 4), "23456789")),
        ),
        PhonePlan("mobile", ("646", "917", "213", "305", "617"), "23456789", 10, (3, 3, 4)),
        ("gmail.com", "outlook.com", "yahoo.com"),
        8,
    ),
    Country(
        "GB",
        "United Kingdom",
        "44",
        "en",
        "USD",
        (".co.uk", ".com"),
        (
            City("London", "England", "EC", _land("20", 10, (2, 4, 4), "378")),
            City("Manchester", "England", "M", _land("161", 10, (3, 3, 4), "2345789")),
            City("Edinburgh", "Scotland", "EH", _land("131", 10, (3, 3, 4), "2345")),
        ),
        PhonePlan(
            "mobile",
            ("740", "741", "742", "750", "751", "752", "771", "772", "780", "781"),
            _D,
            10,
            (4, 6),
        ),
        ("gmail.com", "outlook.com", "btinternet.com"),
        7,
    ),
    Country(
        "FR",
        "France",
        "33",
        "fr",
        "EUR",
        (".fr", ".com"),
        (
            City("Paris", "Île-de-France", "750", _land("1", 9, (1, 2, 2, 2, 2))),
            City("Lyon", "Auvergne-Rhône-Alpes", "690", _land("4", 9, (1, 2, 2, 2, 2), "2378")),
        ),
        PhonePlan(
            "mobile",
            ("60", "61", "62", "64", "65", "66", "67", "68", "75", "76", "77", "78"),
            _D,
            9,
            (1, 2, 2, 2, 2),
        ),
        ("orange.fr", "free.fr", "gmail.com"),
        10,
    ),
    Country(
        "ES",
        "Spain",
        "34",
        "es",
        "EUR",
        (".es", ".com"),
        (
            City("Madrid", "Comunidad de Madrid", "280", _land("91", 9, (2, 3, 2, 2))),
            City("Barcelona", "Cataluña", "080", _land("93", 9, (2, 3, 2, 2))),
        ),
        PhonePlan("mobile", ("6",), _D, 9, (3, 3, 3)),
        ("gmail.com", "hotmail.es", "telefonica.net"),
        10,
    ),
)

STREETS: dict[str, tuple[str, ...]] = {
    "CN": ("科技南路{n}号", "建国路{n}号", "人民路{n}号", "中山大道{n}号", "解放路{n}号",
           "高新区创业路{n}号", "工业园区星湖街{n}号", "南京西路{n}号"),
    "DE": ("Hauptstraße {n}", "Bahnhofstraße {n}", "Königsallee {n}", "Friedrichstraße {n}",
           "Goethestraße {n}", "Industriestraße {n}", "Am Mühlbach {n}"),
    "US": ("{n} Main Street", "{n} Market Street", "{n} Broadway", "{n} Oak Avenue",
           "{n} Congress Avenue", "{n} Pine Street"),
    "GB": ("{n} High Street", "{n} Station Road", "{n} King's Road", "{n} Victoria Street"),
    "FR": ("{n} rue de la République", "{n} avenue des Champs-Élysées", "{n} rue Sainte-Hélène",
           "{n} boulevard Haussmann", "{n} rue du Général-Leclerc"),
    "ES": ("Calle de Alcalá, {n}", "Passeig de Gràcia, {n}", "Calle Mayor, {n}",
           "Avenida de la Constitución, {n}", "Calle de Núñez de Balboa, {n}"),
}  # fmt: skip

# (English industry, Chinese word, German, French, Spanish, domain slug)
INDUSTRIES: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("Electronics", "电子科技", "Elektronik", "Électronique", "Electrónica", "tech"),
    ("Machinery", "机械制造", "Maschinenbau", "Mécanique", "Maquinaria", "machinery"),
    ("Trading", "国际贸易", "Handel", "Négoce", "Comercial", "trading"),
    ("Logistics", "物流", "Logistik", "Logistique", "Logística", "logistics"),
    ("Renewable energy", "新能源", "Energietechnik", "Énergies", "Energías", "energy"),
    ("Medical devices", "医疗器械", "Medizintechnik", "Médical", "Equipos Médicos", "medical"),
    ("Textiles", "纺织", "Textil", "Textile", "Textil", "textile"),
    ("Lighting", "照明", "Lichttechnik", "Éclairage", "Iluminación", "lighting"),
    ("Software", "软件", "Software", "Logiciels", "Software", "soft"),
    ("Automotive parts", "汽车配件", "Fahrzeugteile", "Équipements Auto", "Recambios", "auto"),
    ("Packaging", "包装", "Verpackung", "Emballage", "Embalajes", "pack"),
    ("Chemicals", "化工", "Chemie", "Chimie", "Química", "chem"),
    ("Food & beverage", "食品", "Lebensmittel", "Alimentaire", "Alimentación", "food"),
    ("Furniture", "家具", "Möbel", "Mobilier", "Muebles", "furniture"),
)  # fmt: skip

CN_COMPANY_CORES: tuple[tuple[str, str], ...] = (
    ("华信", "huaxin"), ("天成", "tiancheng"), ("宏达", "hongda"), ("鑫源", "xinyuan"),
    ("中科", "zhongke"), ("恒通", "hengtong"), ("金盛", "jinsheng"), ("永泰", "yongtai"),
    ("博远", "boyuan"), ("瑞丰", "ruifeng"), ("海川", "haichuan"), ("新纪元", "xinjiyuan"),
    ("东方", "dongfang"), ("长城", "changcheng"), ("华南", "huanan"), ("汇通", "huitong"),
    ("创新", "chuangxin"), ("英华", "yinghua"), ("正泰", "zhengtai"), ("明阳", "mingyang"),
    ("安达", "anda"), ("远航", "yuanhang"), ("盛世", "shengshi"), ("德润", "derun"),
    ("广源", "guangyuan"), ("顺发", "shunfa"), ("嘉禾", "jiahe"), ("联创", "lianchuang"),
    ("星辰", "xingchen"), ("宝龙", "baolong"), ("锦华", "jinhua"), ("科达", "keda"),
    ("万通", "wantong"), ("同德", "tongde"), ("佳美", "jiamei"), ("高科", "gaoke"),
    ("泰和", "taihe"), ("新华", "xinhua"), ("振华", "zhenhua"), ("天润", "tianrun"),
)  # fmt: skip
CN_COMPANY_SUFFIXES = ("有限公司", "股份有限公司", "集团有限公司", "有限责任公司")

WESTERN_COMPANY_CORES: dict[str, tuple[str, ...]] = {
    "en": ("Bluewater", "Summit", "Oakridge", "Northstar", "Silverline", "Redwood", "Harbor",
           "Evergreen", "Pinnacle", "Ironbridge", "Crescent", "Westfield", "Brightpath",
           "Keystone", "Lakeside", "Granite"),
    "de": ("Rheintal", "Nordlicht", "Alpen", "Schwarzwald", "Elbtal", "Weserland",
           "Bodensee", "Spreewald", "Isartal", "Harz", "Mainfranken", "Ostsee"),
    "fr": ("Lumière", "Atlantique", "Provence", "Horizon", "Étoile", "Méridien", "Alpes",
           "Bretagne", "Océane", "Azur"),
    "es": ("Ibérica", "Mediterráneo", "Sol", "Cantábrico", "Meseta", "Levante", "Andalucía",
           "Pirineos", "Atlántico", "Duero"),
}  # fmt: skip
WESTERN_COMPANY_FORMS: dict[str, tuple[str, ...]] = {
    "US": ("Inc.", "LLC", "Corp."),
    "GB": ("Ltd", "plc", "Ltd"),
    "DE": ("GmbH", "AG", "GmbH & Co. KG"),
    "FR": ("SAS", "SARL", "SA"),
    "ES": ("S.L.", "S.A.", "S.L."),
}

TITLES: dict[str, tuple[str, ...]] = {
    "zh": ("销售经理", "采购经理", "总经理", "技术总监", "市场部经理", "外贸业务员",
           "财务总监", "工程师", "董事长", "副总经理", "采购专员", "项目经理"),
    "en": ("Sales Manager", "Purchasing Manager", "CEO", "CTO", "Head of Procurement",
           "Account Executive", "Operations Manager", "Project Manager", "Buyer"),
    "de": ("Geschäftsführung", "Leitung Einkauf", "Leitung Technik", "Vertriebsleitung",
           "Projektleitung", "Einkauf", "Prokura"),
    "fr": ("Direction commerciale", "Responsable achats", "Gérance", "Ingénierie",
           "Chef de projet", "Direction générale", "Service achats"),
    "es": ("Dirección comercial", "Responsable de compras", "Gerente", "Ingeniería",
           "Responsable de proyecto", "Dirección general", "Compras"),
}  # fmt: skip

NOTES: dict[str, tuple[str, ...]] = {
    "zh": ("偏好微信联系", "对OEM合作感兴趣", "下季度有采购计划", "需要英文报价单",
           "在展会上索取了样品", "决策人,预算充足"),
    "en": ("Prefers e-mail", "Interested in OEM partnership", "Budget approved for Q3",
           "Asked for samples at the booth", "Decision maker"),
    "de": ("Bevorzugt Kontakt per E-Mail", "Interesse an Rahmenvertrag",
           "Möchte ein Angebot bis Freitag"),
    "fr": ("Préfère être contacté le matin", "Intéressé par un partenariat",
           "Demande un devis détaillé"),
    "es": ("Prefiere contacto por teléfono", "Interesado en distribución exclusiva",
           "Pide muestras gratuitas"),
}  # fmt: skip

DEAL_SUBJECTS: dict[str, tuple[str, ...]] = {
    "zh": ("年度采购框架协议", "样品订单", "生产线改造项目", "500套LED面板", "OEM定制订单",
           "备件年度合同"),
    "other": ("Annual supply agreement", "Pilot order", "Production line upgrade",
              "500 LED panels", "OEM private label order", "Spare parts contract",
              "Cloud subscription (3 years)", "Framework agreement", "Maintenance contract"),
}  # fmt: skip

# Activities: (subject, short body or None) per kind, in the person's language. French and
# Spanish contacts are written to in English, the team's working language with them.
ACTIVITY_TEXTS: dict[str, dict[str, tuple[tuple[str, str | None], ...]]] = {
    "zh": {
        "call": (("电话沟通报价", "客户对单价有异议,希望再降3%。"),
                 ("跟进样品反馈", "样品已收到,测试结果下周出来。"),
                 ("确认交货期", "要求月底前发货,已同意先发一半。"),
                 ("首次电话拜访", "介绍了公司和主要产品,对方有兴趣。"),
                 ("催款电话", "财务说本周内付款。"),
                 ("电话回访", None)),
        "meeting": (("上门拜访", "参观了工厂,见了采购和技术负责人。"),
                    ("展会洽谈", "在展位上谈了年度采购计划。"),
                    ("视频会议:技术方案", "讨论了接口和认证要求。"),
                    ("商务谈判", "价格基本谈妥,等对方总经理签字。")),
        "email": (("发送报价单", "附件为最新报价单,有效期30天。"),
                  ("回复:样品寄送", "样品已通过顺丰寄出,单号已告知。"),
                  ("产品目录", "按要求发送了2026年产品目录。"),
                  ("会议纪要", "整理了上次会议的要点和待办事项。"),
                  ("合同草稿", None)),
        "note": (("客户背景", "决策人是总经理,采购只负责比价。"),
                 ("注意事项", "春节前后两周不安排发货。"),
                 ("竞争对手", "对方目前从另一家供应商采购,价格低5%。")),
        "task": (("发送报价", None), ("安排样品寄送", None), ("跟进付款", None),
                 ("准备合同", "按上次谈好的条款起草。"), ("回电话", None),
                 ("确认订单细节", None)),
    },
    "en": {
        "call": (("Discussed the quote", "They want 3% off the unit price; checking with finance."),
                 ("Follow-up on samples", "Samples arrived; test results expected next week."),
                 ("Delivery date check", "Needs shipment by the end of the month."),
                 ("Intro call", "Walked through our range; interested in the new line."),
                 ("Payment reminder", "Accounts promised payment this week."),
                 ("Quick check-in", None)),
        "meeting": (("Site visit", "Toured the plant, met purchasing and engineering."),
                    ("Meeting at the booth", "Talked about next year's volumes."),
                    ("Video call: technical review", "Went through interfaces and certification."),
                    ("Contract negotiation", "Price agreed in principle; waiting for sign-off.")),
        "email": (("Quote sent", "Attached the updated quote, valid for 30 days."),
                  ("Re: sample shipment", "Samples shipped by DHL, tracking number sent."),
                  ("Product catalogue", "Sent the 2026 catalogue as requested."),
                  ("Meeting notes", "Summary of the meeting and the next steps."),
                  ("Draft contract", None)),
        "note": (("Background", "The CEO decides; purchasing only compares prices."),
                 ("Heads-up", "Closed between Christmas and New Year."),
                 ("Competition", "Currently buys from a competitor at about 5% less.")),
        "task": (("Send the quote", None), ("Arrange samples", None),
                 ("Follow up on payment", None),
                 ("Prepare the contract", "Use the terms agreed in the last meeting."),
                 ("Call back", None), ("Confirm order details", None)),
    },
    "de": {
        "call": (("Angebot besprochen", "Wünscht 3 % Nachlass auf den Stückpreis."),
                 ("Nachfrage Muster", "Muster sind angekommen, Testergebnis nächste Woche."),
                 ("Liefertermin geklärt", "Lieferung bis Monatsende nötig."),
                 ("Erstgespräch", "Sortiment vorgestellt, Interesse an der neuen Serie."),
                 ("Zahlungserinnerung", "Buchhaltung sagt Zahlung diese Woche zu."),
                 ("Kurz nachgefragt", None)),
        "meeting": (("Besuch vor Ort", "Werk besichtigt, Einkauf und Technik getroffen."),
                    ("Gespräch am Messestand", "Über die Mengen im nächsten Jahr gesprochen."),
                    ("Videokonferenz: Technik", "Schnittstellen und Zertifizierung besprochen."),
                    ("Vertragsverhandlung", "Preis grundsätzlich einig, Unterschrift folgt.")),
        "email": (("Angebot verschickt", "Aktuelles Angebot im Anhang, 30 Tage gültig."),
                  ("AW: Musterversand", "Muster per DHL verschickt, Sendungsnummer mitgeteilt."),
                  ("Produktkatalog", "Katalog 2026 wie gewünscht geschickt."),
                  ("Gesprächsnotiz", "Zusammenfassung und nächste Schritte."),
                  ("Vertragsentwurf", None)),
        "note": (("Hintergrund", "Entscheidet die Geschäftsführung, der Einkauf vergleicht nur."),
                 ("Hinweis", "Zwischen den Jahren geschlossen."),
                 ("Wettbewerb", "Kauft derzeit beim Wettbewerb, etwa 5 % günstiger.")),
        "task": (("Angebot schicken", None), ("Muster veranlassen", None),
                 ("Zahlung nachhalten", None),
                 ("Vertrag vorbereiten", "Mit den Konditionen aus dem letzten Termin."),
                 ("Zurückrufen", None), ("Bestelldetails klären", None)),
    },
}  # fmt: skip
CALL_OUTCOMES: dict[str, tuple[str, ...]] = {
    "zh": ("已接通", "无人接听", "已留言", "约好回电", "对方有兴趣"),
    "en": ("Reached", "No answer", "Left a voicemail", "Call back later", "Interested"),
    "de": ("Erreicht", "Nicht erreicht", "Auf Mailbox gesprochen", "Rückruf vereinbart",
           "Interessiert"),
}  # fmt: skip

LOST_REASONS = ("Price too high", "Chose a competitor", "No budget", "Project postponed",
                "价格太高", "选择了竞争对手", "No response")  # fmt: skip

TAGS: tuple[tuple[str, str], ...] = (
    ("VIP", "#d4a017"), ("重点客户", "#c0392b"), ("Distributor", "#2e86c1"),
    ("OEM", "#7d3c98"), ("Follow-up", "#e67e22"), ("Hot lead", "#e74c3c"),
    ("Newsletter", "#16a085"), ("展会客户", "#27ae60"),
)  # fmt: skip

# (name, role, e-mail) of the demo team; the local user "Me" owns records too.
DEMO_USERS: tuple[tuple[str, str, str], ...] = (
    ("陈静", "manager", "jing.chen@demo-crm.example"),
    ("李强", "rep", "qiang.li@demo-crm.example"),
    ("张敏", "rep", "min.zhang@demo-crm.example"),
    ("Thomas Becker", "rep", "thomas.becker@demo-crm.example"),
    ("Sophie Martin", "rep", "sophie.martin@demo-crm.example"),
    ("Emily Carter", "rep", "emily.carter@demo-crm.example"),
)


@dataclass(frozen=True)
class Show:
    """A recurring trade show: (month, day) it starts, days, place, typical cost."""

    name: str
    month: int
    day: int
    days: int
    place: str
    cost: int
    currency: str
    every_other_year: bool = False


SHOWS: tuple[Show, ...] = (
    Show("Canton Fair (广交会) Spring", 4, 15, 5, "广州 · China Import and Export Fair Complex",
         68000, "CNY"),
    Show("Canton Fair (广交会) Autumn", 10, 15, 5, "广州 · China Import and Export Fair Complex",
         72000, "CNY"),
    Show("Hannover Messe", 4, 21, 5, "Hannover, Messegelände", 42000, "EUR"),
    Show("CES", 1, 7, 4, "Las Vegas Convention Center", 55000, "USD"),
    Show("MWC Barcelona", 3, 2, 4, "Fira Gran Via, Barcelona", 38000, "EUR"),
    Show("China Hi-Tech Fair (高交会)", 11, 14, 5, "深圳会展中心", 45000, "CNY"),
    Show("electronica", 11, 12, 4, "Messe München", 36000, "EUR", every_other_year=True),
    Show("VivaTech", 6, 11, 4, "Paris Expo Porte de Versailles", 24000, "EUR"),
)  # fmt: skip

# What one unit of each demo currency was worth in US dollars, from the first day of each
# year: the demo's deals are in these currencies, and its reports convert them.
DEMO_USD_VALUES: dict[int, dict[str, str]] = {
    2024: {"USD": "1", "EUR": "1.10", "CNY": "0.1410", "GBP": "1.27", "JPY": "0.0071"},
    2025: {"USD": "1", "EUR": "1.04", "CNY": "0.1370", "GBP": "1.25", "JPY": "0.0064"},
    2026: {"USD": "1", "EUR": "1.17", "CNY": "0.1405", "GBP": "1.34", "JPY": "0.0065"},
}
