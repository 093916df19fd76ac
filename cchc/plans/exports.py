"""A saved plan back out as documents: the official DOCX (Nghị định 30/2020) and the task XLSX."""

from __future__ import annotations

import re

from cchc.documents.official import (
    AppendixTable,
    Bullet,
    GroupRow,
    Heading,
    OfficialDocument,
    Para,
    Signature,
    render_docx,
)
from cchc.documents.tables import format_date

from .models import Plan



def _body(sections: list[dict]) -> list:
    out: list = []
    for node in sections:
        marker, title, text = node.get("marker", ""), node.get("title", ""), node.get("text", "")
        if re.fullmatch(r"[IVX]+", marker):
            out.append(Heading(f"{marker}. {title.upper()}", level=1))
        elif marker.isdigit():
            out.append(Heading(f"{marker}. {title}", level=2))
        elif marker == "-":
            out.append(Bullet(f"- {title}"))
        elif marker:
            out.append(Heading(f"{marker}) {title}", level=3) if node.get("children") else Para(f"{marker}) {title}"))
        else:
            out.append(Para(title))
        if text:
            out.append(Para(text))
        out += _body(node.get("children", []))
    return out


def _signature(plan: Plan) -> Signature:
    lines = [line.strip() for line in plan.signer_title.splitlines() if line.strip()]
    authority = next((line for line in lines if line.upper().startswith("TM")), "")
    deputy = next((line for line in lines if line.upper().startswith(("KT", "TL", "TUQ"))), "")
    rest = [line for line in lines if line not in (authority, deputy)]
    return Signature(authority=authority, deputy=deputy, title=" ".join(rest), name=plan.signer_name)


def plan_document(plan: Plan) -> OfficialDocument:
    tasks = list(plan.tasks.all())
    appendices = []
    if tasks:
        rows: list = []
        group = None
        for task in tasks:
            if task.group_code != group:
                group = task.group_code
                if task.group_title:
                    rows.append(GroupRow(label=task.group_code, text=task.group_title.upper()))
            rows.append([task.number, task.title, task.deliverable, task.lead_text, task.partners_text,
                         task.timeframe_text, task.note])
        number = plan.number or f"      /{plan.symbol or 'KH'}"
        when = format_date(plan.issued_on) if plan.issued_on else "      "
        appendices.append(AppendixTable(
            title="Phụ lục",
            subtitle=f"NHIỆM VỤ CỤ THỂ {plan.title.upper()}",
            reference=f"(Kèm theo Kế hoạch số {number} ngày {when} của {plan.issuer_name or plan.unit.name})",
            columns=["Stt", "Nội dung/Nhiệm vụ", "Hoạt động/Sản phẩm", "Cơ quan chủ trì", "Cơ quan phối hợp",
                     "Thời gian thực hiện", "Ghi chú"],
            rows=rows,
        ))
    body = _body(plan.body.get("sections", []))
    if plan.implements_text and not body[:1]:
        body.insert(0, Para(plan.implements_text))
    return OfficialDocument(
        parent_body=plan.parent_body.upper(),
        issuer=(plan.issuer_name or plan.unit.name).upper(),
        number=plan.number or None,
        symbol=plan.symbol or "KH",
        place=plan.place or "",
        date=plan.issued_on,
        year=(plan.issued_on or plan.period_start or plan.created_at).year,
        doc_type="KẾ HOẠCH",
        title=plan.title,
        body=body,
        recipients=plan.recipients,
        signature=_signature(plan),
        appendices=appendices,
    )


def plan_docx(plan: Plan) -> bytes:
    return render_docx(plan_document(plan))


TASK_HEADER = ["Nhóm", "Stt", "Nội dung/Nhiệm vụ", "Sản phẩm", "Cơ quan chủ trì", "Cơ quan phối hợp",
               "Thời gian thực hiện", "Loại thời hạn", "Các hạn", "Số đơn vị được giao", "Đã hoàn thành", "Quá hạn"]


def task_rows(plan: Plan) -> tuple[list[str], list[list]]:
    from django.db.models import Count, Q
    from django.utils import timezone

    today = timezone.localdate()
    tasks = plan.tasks.annotate(
        n=Count("assignments"),
        done=Count("assignments", filter=Q(assignments__progress="done")),
        overdue=Count("assignments", filter=~Q(assignments__progress="done") & Q(assignments__due_date__lt=today)),
    ).order_by("order")  # Meta.ordering is not applied to aggregated queries
    rows = [
        [t.group_code, t.number, t.title, t.deliverable, t.lead_text, t.partners_text, t.timeframe_text,
         t.get_timeframe_kind_display(), ", ".join(format_date(d) for d in t.due_date_list), t.n, t.done, t.overdue]
        for t in tasks
    ]
    return TASK_HEADER, rows
