from ninja import Schema


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    credit_code: str | None
    industry_id: int | None
    zone_id: int | None
    parent_id: int | None
    is_active: bool
