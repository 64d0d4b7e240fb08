"""A legacy customer sheet like issue 11's: many distinct people who share common names.

Chinese given names are drawn from a small pool, so 王伟 and 李娜 work at each of the same
five companies many times over; each person has an e-mail and a mobile of their own, and
everybody at a company shares its switchboard number (an office phone: never a reason to
take two people for one). Planted among them:
- real duplicates: an earlier person again, by the same e-mail (in other letter case,
  with the same mobile or none) or by the same mobile (with no e-mail);
- at the end, people with neither e-mail nor mobile whose name is already at their
  company: possible duplicates (a close name, nothing conflicting).
Made by a seeded generator, so a test knows exactly what an import must find.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

COMPANIES = (
    ("上海华东电子有限公司", "hdec.com.cn", "021-6234 5678"),
    ("北京宏达科技有限公司", "hongda-tech.cn", "010-8765 4321"),
    ("深圳华信电子有限公司", "huaxin.cn", "0755-2345 6789"),
    ("广州天河贸易有限公司", "tianhe-trade.cn", "020-3456 7890"),
    ("杭州西湖软件有限公司", "xihu-soft.com", "0571-8888 1234"),
)
NAMES = (
    ("王伟", "wang.wei"), ("王芳", "wang.fang"), ("李娜", "li.na"), ("张伟", "zhang.wei"),
    ("李伟", "li.wei"), ("王秀英", "wang.xiuying"), ("李秀英", "li.xiuying"), ("张敏", "zhang.min"),
    ("王静", "wang.jing"), ("刘伟", "liu.wei"), ("张丽", "zhang.li"), ("李强", "li.qiang"),
    ("王磊", "wang.lei"), ("陈静", "chen.jing"), ("刘洋", "liu.yang"), ("杨勇", "yang.yong"),
    ("张杰", "zhang.jie"), ("王军", "wang.jun"), ("李静", "li.jing"), ("赵敏", "zhao.min"),
)  # fmt: skip
TITLES = ("销售经理", "采购", "工程师", "总经理", "财务", "")
HEADER = "姓名,公司,职位,手机,电话,邮箱\n"


@dataclass
class LegacySheet:
    text: str
    rows: int
    people: int  # distinct people: what an import must create
    by_email: int  # rows repeating an earlier person's e-mail
    by_mobile: int  # rows repeating an earlier person's mobile (and no e-mail)
    possible: int  # rows with no e-mail or mobile, their name already at their company
    duplicate_rows: set[int] = field(default_factory=set)  # sheet row numbers
    possible_rows: set[int] = field(default_factory=set)

    def write(self, path: Path) -> Path:
        path.write_text(self.text, encoding="utf-8")
        return path


def legacy_sheet(
    rows: int = 3000, duplicates: int = 127, possible: int = 20, seed: int = 11
) -> LegacySheet:
    """`rows` data rows: `duplicates` repeats, `possible` name-only people at the end."""
    rng = random.Random(seed)
    lines = [HEADER]
    people: list[tuple[str, str, str, str, str]] = []  # name, company, mobile, phone, e-mail
    repeat_at = set(rng.sample(range(10, rows - possible), duplicates))
    sheet = LegacySheet("", rows, 0, 0, 0, 0)
    for index in range(rows - possible):
        row_number = index + 2
        if index in repeat_at:
            name, company, mobile, phone, email = rng.choice(people)
            if rng.random() < 0.55:
                sheet.by_email += 1
                mobile = mobile if rng.random() < 0.5 else ""
                email = email.upper() if rng.random() < 0.5 else email.title()
            else:
                sheet.by_mobile += 1
                email = ""
            sheet.duplicate_rows.add(row_number)
            lines.append(f"{name},{company},{rng.choice(TITLES)},{mobile},{phone},{email}\n")
            continue
        name, pinyin = rng.choice(NAMES)
        company, domain, phone = rng.choice(COMPANIES)
        n = len(people) + 1
        mobile = f"1{rng.choice('3589')}{n:09d}"  # distinct for each person
        email = f"{pinyin}{n}@{domain}"
        people.append((name, company, mobile, phone, email))
        lines.append(f"{name},{company},{rng.choice(TITLES)},{mobile},{phone},{email}\n")
    for index in range(rows - possible, rows):
        name, company, _mobile, phone, _email = rng.choice(people)
        sheet.possible_rows.add(index + 2)
        lines.append(f"{name},{company},{rng.choice(TITLES)},,{phone},\n")
    sheet.text = "".join(lines)
    sheet.people = len(people) + possible
    sheet.possible = possible
    return sheet
