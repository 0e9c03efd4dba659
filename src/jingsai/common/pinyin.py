"""Pinyin initials for search (拼音首字母).

- :func:`pinyin_initials` reads a phrase with its context (organisation names:
  ``浦东新区总工会`` → ``pdxqzgh``);
- :func:`person_initials` reads a person's name: the surname as a surname
  (``曾`` is zeng, ``单`` shan, ``解`` xie, not ceng, dan, jie), the given name
  character by character. It is fast (one dictionary look-up per character),
  so a 100,000-row roster costs next to nothing.
"""

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# Surnames whose reading differs from the character's most common one.
SURNAME_INITIALS = {
    "单": "s", "曾": "z", "解": "x", "仇": "q", "区": "o", "查": "z", "覃": "q", "尉": "y",
    "乐": "y", "召": "s", "翟": "z", "秘": "b", "种": "c", "繁": "p", "阚": "k", "隗": "w",
    "朴": "p", "盖": "g", "缪": "m", "句": "g", "员": "y", "谌": "c", "祭": "z", "雍": "y",
    "能": "n", "华": "h", "柏": "b", "薄": "b", "长": "c", "厍": "s", "哈": "h", "宓": "f",
}  # fmt: skip
COMPOUND_SURNAMES = {
    "欧阳": "oy", "司马": "sm", "诸葛": "zg", "上官": "sg", "东方": "df", "皇甫": "hf",
    "尉迟": "yc", "长孙": "zs", "慕容": "mr", "令狐": "lh", "夏侯": "xh", "澹台": "tt",
    "公孙": "gs", "宇文": "yw", "司徒": "st", "端木": "dm", "轩辕": "xy", "万俟": "mq",
}  # fmt: skip


@lru_cache(maxsize=200_000)
def pinyin_initials(text: str) -> str:
    letters = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default", strict=False)
    return "".join(part[:1].lower() for part in letters if part and part[0].isalnum())[:32]


@lru_cache(maxsize=50_000)
def _char_initial(char: str) -> str:
    if char.isascii():
        return char.lower() if char.isalpha() else ""
    letters = lazy_pinyin(char, style=Style.FIRST_LETTER, errors="ignore", strict=False)
    return letters[0][:1].lower() if letters and letters[0][:1].isalpha() else ""


def person_initials(name: str) -> str:
    """Initials of a Chinese personal name: surname readings first, then each character."""
    name = (name or "").strip()
    if not name:
        return ""
    if name[:2] in COMPOUND_SURNAMES:
        head, rest = COMPOUND_SURNAMES[name[:2]], name[2:]
    else:
        head = SURNAME_INITIALS.get(name[0]) or _char_initial(name[0])
        rest = name[1:]
    return (head + "".join(map(_char_initial, rest)))[:32]
