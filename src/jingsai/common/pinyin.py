"""Pinyin initials for search (拼音首字母): ``张三丰`` → ``zsf``."""

from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=200_000)
def pinyin_initials(text: str) -> str:
    letters = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default", strict=False)
    return "".join(part[:1].lower() for part in letters if part and part[0].isalnum())[:32]
