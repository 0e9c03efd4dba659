from ninja import Schema


class YearOut(Schema):
    id: int
    year: int
    title: str
    theme: str
    target_enterprises: int
    target_workers: int


class TagOut(Schema):
    """A series, brand, industry or zone."""

    id: int
    code: str
    name: str
    name_en: str
    order: int
