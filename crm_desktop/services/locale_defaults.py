"""The phone region and currency a new database starts with, from the system's locale.

A Chinese desktop (LANG=zh_CN.UTF-8) gets CN and CNY, a German one (de_DE) DE and EUR. A
locale that names no country (C, POSIX, plain "en") says nothing, and the database starts
with US and USD. The first start shows these values for confirming (views/first_start.py);
a database that exists keeps its settings, whatever the locale says.

The currency of each country comes from the Unicode CLDR as Qt 6.11 carries it (generated
once with QLocale; the services have no Qt), so it needs no extra dependency.
"""

from __future__ import annotations

import locale
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

import phonenumbers

FALLBACK_REGION = "US"
FALLBACK_CURRENCY = "USD"

# "AD:EUR AE:AED ...": a country (ISO 3166) and its currency (ISO 4217).
_TABLE = (
    "AD:EUR AE:AED AF:AFN AG:XCD AI:XCD AL:ALL AM:AMD AO:AOA AR:ARS AS:USD AT:EUR "
    "AU:AUD AW:AWG AX:EUR AZ:AZN BA:BAM BB:BBD BD:BDT BE:EUR BF:XOF BG:EUR BH:BHD "
    "BI:BIF BJ:XOF BL:EUR BM:BMD BN:BND BO:BOB BQ:USD BR:BRL BS:BSD BT:BTN BW:BWP "
    "BY:BYN BZ:BZD CA:CAD CC:AUD CD:CDF CF:XAF CG:XAF CH:CHF CI:XOF CK:NZD CL:CLP "
    "CM:XAF CN:CNY CO:COP CR:CRC CU:CUP CV:CVE CW:XCG CX:AUD CY:EUR CZ:CZK DE:EUR "
    "DG:USD DJ:DJF DK:DKK DM:XCD DO:DOP DZ:DZD EA:EUR EC:USD EE:EUR EG:EGP EH:MAD "
    "ER:ERN ES:EUR ET:ETB FI:EUR FJ:FJD FK:FKP FM:USD FO:DKK FR:EUR GA:XAF GB:GBP "
    "GD:XCD GE:GEL GF:EUR GG:GBP GH:GHS GI:GIP GL:DKK GM:GMD GN:GNF GP:EUR GQ:XAF "
    "GR:EUR GS:GBP GT:GTQ GU:USD GW:XOF GY:GYD HK:HKD HN:HNL HR:EUR HT:HTG HU:HUF "
    "IC:EUR ID:IDR IE:EUR IL:ILS IM:GBP IN:INR IO:USD IQ:IQD IR:IRR IS:ISK IT:EUR "
    "JE:GBP JM:JMD JO:JOD JP:JPY KE:KES KG:KGS KH:KHR KI:AUD KM:KMF KN:XCD KP:KPW "
    "KR:KRW KW:KWD KY:KYD KZ:KZT LA:LAK LB:LBP LC:XCD LI:CHF LK:LKR LR:LRD LS:ZAR "
    "LT:EUR LU:EUR LV:EUR LY:LYD MA:MAD MC:EUR MD:MDL ME:EUR MF:EUR MG:MGA MH:USD "
    "MK:MKD ML:XOF MM:MMK MN:MNT MO:MOP MP:USD MQ:EUR MR:MRU MS:XCD MT:EUR MU:MUR "
    "MV:MVR MW:MWK MX:MXN MY:MYR MZ:MZN NA:NAD NC:XPF NE:XOF NF:AUD NG:NGN NI:NIO "
    "NL:EUR NO:NOK NP:NPR NR:AUD NU:NZD NZ:NZD OM:OMR PA:PAB PE:PEN PF:XPF PG:PGK "
    "PH:PHP PK:PKR PL:PLN PM:EUR PN:NZD PR:USD PS:ILS PT:EUR PW:USD PY:PYG QA:QAR "
    "RE:EUR RO:RON RS:RSD RU:RUB RW:RWF SA:SAR SB:SBD SC:SCR SD:SDG SE:SEK SG:SGD "
    "SH:SHP SI:EUR SJ:NOK SK:EUR SL:SLE SM:EUR SN:XOF SO:SOS SR:SRD SS:SSP ST:STN "
    "SV:USD SX:XCG SY:SYP SZ:SZL TC:USD TD:XAF TG:XOF TH:THB TJ:TJS TK:NZD TL:USD "
    "TM:TMT TN:TND TO:TOP TR:TRY TT:TTD TV:AUD TW:TWD TZ:TZS UA:UAH UG:UGX UM:USD "
    "US:USD UY:UYU UZ:UZS VA:EUR VC:XCD VE:VES VG:USD VI:USD VN:VND VU:VUV WF:XPF "
    "WS:WST XK:EUR YE:YER YT:EUR ZA:ZAR ZM:ZMW ZW:ZWG "
)
CURRENCY_OF_REGION: dict[str, str] = dict(pair.split(":") for pair in _TABLE.split())

# "zh_CN.UTF-8", "de_DE@euro", "en-GB", "sr_Latn_RS": a language, maybe a script, a country.
_LOCALE = re.compile(r"^[A-Za-z]{2,3}(?:[_-][A-Za-z]{4})?[_-]([A-Za-z]{2}|\d{3})(?:[.@].*)?$")


@dataclass(frozen=True)
class LocaleDefaults:
    region: str  # ISO 3166: numbers without a country code are read as this country's
    currency: str  # ISO 4217: new deals, and what reports convert into
    locale_name: str | None  # the locale they came from; None: the locale said nothing


def region_of_locale(name: str | None) -> str | None:
    """The country a locale name gives ("zh_CN.UTF-8" -> "CN"), or None."""
    if not name:
        return None
    match = _LOCALE.match(name.strip())
    return match.group(1).upper() if match else None


def locale_defaults(name: str | None) -> LocaleDefaults:
    """The region and currency for a locale name; US and USD when it names no country we
    know a currency and phone numbers for."""
    region = region_of_locale(name)
    currency = CURRENCY_OF_REGION.get(region or "")
    if region is None or currency is None or region not in phonenumbers.SUPPORTED_REGIONS:
        return LocaleDefaults(FALLBACK_REGION, FALLBACK_CURRENCY, None)
    return LocaleDefaults(region, currency, name)


def system_locale_name(environ: Mapping[str, str] | None = None) -> str | None:
    """The locale the user's session names: LC_ALL, else LC_MONETARY, else LANG (POSIX
    order for money), else what Python's locale module reads from the system (Windows,
    macOS). None when nothing names a country."""
    env = os.environ if environ is None else environ
    for key in ("LC_ALL", "LC_MONETARY", "LANG"):
        value = env.get(key, "").strip()
        if value:
            return value if region_of_locale(value) else None
    if environ is not None:
        return None
    try:
        name = locale.getlocale()[0]
    except ValueError:
        return None
    return name if region_of_locale(name) else None
