"""What column headers mean: the words and export headers headers.py matches, per concept.

A concept is a field key of fields.py, or one of these, which mean different fields per
target or need the rest of the header row or the column's values to decide:

- name: "Name": the person (leads, contacts), the company (companies), the deal (deals).
- person: a person's whole name; on a deal, the contact person.
- company: the company a person works at; on the companies target, the company's name.
- title: "Title": the job title of a person, the title of a deal; a weak claim that a
  clearer column (Job Title, Opportunity Name) takes over (Outlook's Title is "Mr.").
- job_title, deal_title: the job title of a person, the name of a deal.
- customer: a person, or their company when the row names the person elsewhere.
- contact: a person, or a phone or e-mail column, by its values.
- phone_any: a phone column that may hold mobiles or e-mails, by its values.
- name_or_family, name_or_given: French "Nom", Spanish "Nombre": a name part beside the
  other part, the whole name alone.
- region_or_status: Spanish "Estado": a state beside address columns, else a status.
- custom: a header known to name no field (kept from fuzzy matching into a near field).

The tables are text, one concept a line (continued on indented lines), headers split by
"|", written as people type them: headers.py normalizes them, and adds the Traditional
Chinese spelling of every Simplified one, when it is imported.
"""

from __future__ import annotations

from typing import Final

SYNONYMS: Final = """
name: Name | 名称 | 名字
person: Full Name | Fullname | Complete Name | Display Name | Contact Name | Contact Person |
    Primary Contact | Associated Contact | Person | Person Name | Person - Name | Lead Name |
    Deal - Contact person | Vollständiger Name | Ansprechpartner | Kontaktperson | Nom complet |
    Nombre completo | Nombre y apellidos | Nom et prénom | 姓名 | 全名 | 真实姓名 | 联系人 |
    联系人姓名 | 客户姓名 | 用户姓名 | 聯絡人 | 聯絡人姓名
given_name: First Name | Given Name | Forename | First | Vorname | Prénom | Primer nombre | 名
middle_name: Middle Name | Additional Name | Middle | Middle Initial | Weitere Vornamen |
    Second prénom | Segundo nombre
family_name: Last Name | Family Name | Surname | Last | Nachname | Familienname |
    Nom de famille | Apellido | Apellidos | Primer apellido | 姓 | 姓氏
name_or_family: Nom
name_or_given: Nombre
phonetic_name: Phonetic Name | Yomi Name | Given Name Yomi | Additional Name Yomi |
    Family Name Yomi | Phonetic First Name | Phonetic Middle Name | Phonetic Last Name |
    Furigana | フリガナ | 拼音 | 姓名拼音
company: Company | Company Name | Companies | Organization | Organisation | Org |
    Organization Name | Organisation Name | Organization - Name | Person - Organization |
    Deal - Organization | Account | Account Name | Company / Account | Business Name |
    Employer | Associated Company | Firma | Firmenname | Unternehmen | Société | Entreprise |
    Nom de l'entreprise | Empresa | Compañía | Organización | Nombre de la empresa | 公司 |
    公司名称 | 公司名 | 单位 | 单位名称 | 工作单位 | 企业 | 企业名称 | 机构 | 机构名称 | 组织 |
    所属公司
customer: Customer | Customer Name | Client | Client Name | Kunde | Kundenname | Cliente |
    客户 | 客户名称 | 客户名
title: Title | Titre | Título | 标题
job_title: Job Title | Jobtitle | Position | Role | Job | Designation | Organization Title |
    Organisation Title | Berufsbezeichnung | Funktion | Poste | Fonction | Cargo | Puesto |
    职位 | 职务 | 头衔 | 职称 | 岗位
deal_title: Opportunity Name | Opportunity | Deal | Deal Name | Deal Title | Deal - Title |
    Deal - Name | Verkaufschance | Opportunité | Nom de l'opportunité | Affaire | Oportunidad |
    Nombre de la oportunidad | 商机名称 | 机会名称 | 商机 | 销售机会 | 项目名称
contact: Contact | Kontakt | Contacto
email: Email | E-mail | Mail | Emails | Email Address | E-mail Address | Person - Email |
    E-Mail-Adresse | Emailadresse | Adresse e-mail | Adresse électronique | Courriel | Correo |
    Correo electrónico | Dirección de correo electrónico | 邮箱 | 电子邮件 | 电子邮箱 | 邮件 |
    邮件地址 | 邮箱地址 | 电邮 | 电子信箱 | 信箱
mobile: Mobile | Mobile Phone | Mobile Number | Mobile Phone Number | Cell | Cell Phone |
    Cellphone | Cellular | Handy | Handynummer | Mobil | Mobiltelefon | Mobilnummer | Portable |
    Téléphone portable | Téléphone mobile | Móvil | Teléfono móvil | Celular | 手机 | 手机号 |
    手机号码 | 移动电话 | 行动电话 | 手提电话
phone: Landline | Fixed Phone | Office Phone | Direct Line | Direct Phone | Festnetz |
    Téléphone fixe | Teléfono fijo | 座机 | 固定电话 | 固话 | 办公电话 | 办公室电话
phone_any: Phone | Phones | Telephone | Tel | Phone Number | Telephone Number | Tel No |
    Contact Number | Contact No | Contact Info | Contact Details | Person - Phone | Telefon |
    Telefonnummer | Téléphone | Tél | Numéro de téléphone | Teléfono | Tfno |
    Número de teléfono | 电话 | 电话号码 | 联系电话 | 联系方式 | 联络电话
fax: Fax | Fax Number | Facsimile | Telefax | Télécopie | 传真
website: Website | Web Site | Web | Web Page | Webpage | Homepage | Home Page | URL | Site |
    Website Blog | Website Home Page | Website Profile | LinkedIn | LinkedIn URL |
    LinkedIn Profile | Webseite | Internetseite | Internet | Site web | Site Internet |
    Sitio web | Página web | 网址 | 网站 | 主页 | 官网 | 网页
wechat: WeChat | WeChat ID | Weixin | 微信 | 微信号
qq: QQ | QQ号
whatsapp: WhatsApp
im: IM | Instant Messenger | Screen Name | Skype | ICQ | AIM | Jabber | XMPP | MSN | Telegram |
    Yahoo | 钉钉
street: Street | Street Address | Address | Addr | Address Street | Extended Address | Straße |
    Adresse | Anschrift | Rue | Dirección | Calle | Domicilio | 地址 | 详细地址 | 街道 |
    街道地址 | 通讯地址 | 联系地址 | 住址 | 所在地址
city: City | Town | City/Town | Locality | District | Ort | Stadt | Ville | Ciudad | Localidad |
    Municipio | 市 | 城市 | 所在城市 | 区 | 区县 | 县 | 县市 | 乡镇市区
region: State | Province | Region | State/Province | State/Region | Bundesland | Kanton |
    Région | Provincia | Región | 省 | 省份 | 州 | 地区 | 所在地区 | 省市 | 省市区
region_or_status: Estado
postal_code: Postal Code | Zip | Zip Code | Postcode | Post Code | Zip/Postal Code | PLZ |
    Postleitzahl | Code postal | CP | Código postal | 邮编 | 邮政编码 | 邮递区号
country: Country | Country/Region | Nation | Land | Land/Region | Pays | País | 国家 |
    国家地区 | 国别
birthday: Birthday | Birth Date | Birthdate | Date of Birth | DOB | Geburtstag | Geburtsdatum |
    Date de naissance | Anniversaire | Fecha de nacimiento | Cumpleaños | 生日 | 出生日期 |
    出生年月日 | 出生年月
notes: Notes | Note | Description | Comments | Comment | Remarks | Memo | Background | Notizen |
    Notiz | Bemerkung | Bemerkungen | Kommentar | Anmerkungen | Beschreibung | Remarques |
    Commentaire | Commentaires | Notas | Nota | Comentarios | Observaciones | Descripción |
    备注 | 说明 | 描述 | 附注 | 备忘
tags: Tags | Tag | Labels | Categories | Category | Group Membership | Groups | Group |
    Kategorien | Kategorie | Schlagwörter | Étiquettes | Catégories | Etiquetas | Categorías |
    标签 | 標籤 | 分组 | 分类
source: Source | Lead Source | Original Source | Origin | Channel | Herkunft | Quelle |
    Origine | Origen | Fuente | 来源 | 客户来源 | 线索来源 | 渠道
event: Event | Trade Show | Tradeshow | Exhibition | Expo | Campaign | Messe | Veranstaltung |
    Salon | Événement | Evento | Feria | 展会 | 活动 | 展会名称 | 活动名称
owner: Owner | Lead Owner | Contact Owner | Account Owner | Opportunity Owner | Deal Owner |
    Deal - Owner | Assigned To | Sales Rep | Salesperson | Sales Person | Account Manager |
    Verantwortlich | Verantwortlicher | Besitzer | Betreuer | Propriétaire | Responsable |
    Propietario | 负责人 | 销售 | 所有者 | 跟进人 | 业务员 | 销售员 | 销售人员 | 归属人 |
    客户经理
status: Status | Lead Status | Statut | Estatus | 状态 | 线索状态 | 跟进状态
industry: Industry | Sector | Branche | Secteur | Secteur d'activité | Industria | 行业 |
    所属行业
amount: Amount | Value | Deal Value | Deal - Value | Deal Amount | Opportunity Amount | Betrag |
    Wert | Montant | Importe | Monto | 金额 | 商机金额 | 预计金额 | 合同金额 | 成交金额
currency: Currency | Opportunity Currency | Deal Currency | Deal - Currency | Währung | Devise |
    Moneda | Divisa | 币种 | 货币
pipeline: Pipeline | Sales Pipeline | Deal Pipeline | Deal - Pipeline | 销售流程
stage: Stage | Deal Stage | Deal - Stage | Opportunity Stage | Sales Stage | Phase |
    Verkaufsphase | Étape | Etapa | Fase | 阶段 | 销售阶段 | 商机阶段
probability: Probability | Probability (%) | Win Probability | Deal - Probability |
    Wahrscheinlichkeit | Probabilité | Probabilidad | 概率 | 赢率 | 赢单率 | 成交概率
expected_close: Close Date | Expected Close Date | Expected Close | Estimated Close Date |
    Closing Date | Deal - Expected close date | Abschlussdatum | Date de clôture |
    Fecha de cierre | 预计成交日期 | 预计成交时间 | 预计签单日期 | 预计结单日期
lost_reason: Lost Reason | Loss Reason | Reason Lost | Closed Lost Reason | Deal - Lost reason |
    输单原因 | 丢单原因 | 失败原因
custom: ID | Company ID | Connected On | Anniversary | Maiden Name | Nickname | Short Name |
    Prefix | Suffix | Name Prefix | Name Suffix | Salutation | Anrede | Gender | Department |
    Abteilung | Pager | Car Phone | Radio Phone | Assistant's Phone | E-mail Type |
    E-mail Display Name | Birth Year | Birth Month | Occupation | Profession | Beruf |
    Autotelefon | Jahrestag | Website Type | Phone Type | Address Type
"""

# Words around a field's word that say which address, phone or e-mail a column holds
# ("Business Street", "Email Home", "Telefon geschäftlich", "公司地址"). Groups rank the
# addresses of a row: the columns of the best address group present fill the address
# fields, the other address columns stay custom fields. "plain" words say nothing of
# whose address it is ("Primary Email", "联系人手机", "Phone 1 - Value").
QUALIFIERS: Final = """
mailing: Mailing | Postal
business: Business | Work | Office | Company | Corporate | Billing | geschäftlich | Firma |
    Büro | dienstlich | Arbeit | professionnel | professionnelle | bureau | travail | trabajo |
    oficina | empresa | 公司 | 办公 | 单位 | 工作 | 企业
plain: Primary | Secondary | Main | Preferred | Default | Contact | Person | Address | Line | IM |
    Value | URL | Number | No | Nr | Haupt | principal | required | optional | 主要 | 常用 |
    首选 | 联系人 | 联系 | 客户 | 号码 | 号 | 必填 | 选填 | 非必填 | 可选
home: Home | Private | Personal | privat | persönlich | privé | personnel | domicile | maison |
    casa | particular | 家庭 | 家 | 住宅 | 个人 | 私人
other: Other | Others | Alternate | Alternative | Additional | weitere | weiterer | weiteres |
    andere | sonstige | autre | otro | otra | Shipping | 其他 | 其它 | 备用
"""
GROUP_RANK: Final[dict[str, int]] = {"mailing": 0, "business": 1, "plain": 2, "home": 3, "other": 4}

# Simplified -> Traditional for the characters of the Chinese headers above, as pairs.
TRADITIONAL: Final = """
户戶 联聯 称稱 单單 业業 职職 务務 头頭 衔銜 机機 号號 码碼 动動 电電 话話 办辦
传傳 邮郵 详詳 细細 区區 县縣 编編 国國 备備 注註 说說 网網 页頁 来來 负負 责責
销銷 签簽 标標 会會 额額 币幣 种種 阶階 预預 计計 类類 别別 态態 状狀 线線 进進
员員 经經 归歸 属屬 输輸 丢丟 败敗 货貨 赢贏 结結 时時 间間 组組 钉釘 个個 构構
织織 乡鄉 镇鎮 递遞 项項 实實 讯訊 选選
"""
