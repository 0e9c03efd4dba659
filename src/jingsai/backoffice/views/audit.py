"""The audit trail, newest first, with before and after of each change."""

from urllib.parse import urlencode

from django.shortcuts import render

from jingsai.access import policy
from jingsai.access.decorators import requires
from jingsai.common.domain.audit import changed_fields
from jingsai.common.models import AuditEntry
from jingsai.common.pagination import paginate


@requires(policy.can_read_audit_trail)
def audit_list(request):
    queryset = AuditEntry.objects.order_by("-id")
    object_type = request.GET.get("type", "")
    if object_type:
        queryset = queryset.filter(object_type=object_type)
    page = paginate(queryset, page=request.GET.get("page"))
    rows = [
        {
            "entry": entry,
            "changes": [
                (field, (entry.before or {}).get(field), (entry.after or {}).get(field))
                for field in changed_fields(entry.before, entry.after)
            ],
        }
        for entry in page.items
    ]
    return render(
        request,
        "backoffice/audit_list.html",
        {
            "page": page,
            "rows": rows,
            "query": urlencode({"type": object_type}) if object_type else "",
        },
    )
