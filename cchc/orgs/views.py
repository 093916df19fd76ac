from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cchc import policy
from cchc.documents.tables import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    TableError,
    read_table,
    write_csv,
    write_xlsx,
)
from cchc.lib.text import fold

from . import services
from .forms import ImportForm, PersonForm, ResolveForm, UnitForm
from .models import Membership, Unit, UnitKind, active_units_q
from .resolver import UnitResolver, group_members

User = get_user_model()


def _with_child_counts(qs):
    return qs.annotate(n_children=Count("children", filter=active_units_q(prefix="children"))).order_by("path")


_KIND_ORDER = {kind: i for i, kind in enumerate([
    UnitKind.PROVINCE, UnitKind.DEPARTMENT, UnitKind.PRESS, UnitKind.MASS_ORG, UnitKind.CENTRAL_AGENCY,
    UnitKind.SERVICE_UNIT, UnitKind.OFFICE, UnitKind.WARD, UnitKind.COMMUNE,
])}


def _display_order(unit: Unit) -> tuple:
    # Departments before press, mass organisations… before wards and communes; then by name.
    return (_KIND_ORDER.get(unit.kind, 99), fold(unit.name))


def _as_forest(units) -> list[Unit]:
    """Nest a list of units under the ones of them that are their parents, in display order."""
    nodes = sorted(units, key=_display_order)
    by_id = {n.pk: n for n in nodes}
    roots = []
    for node in nodes:
        node.kids = []
    for node in nodes:
        (by_id[node.parent_id].kids if node.parent_id in by_id else roots).append(node)
    return roots


@login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    """The province's tree: top levels at once, deeper levels on demand; or search results."""
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("loai", "")
    show_closed = request.GET.get("lich_su") == "1"
    visible = policy.visible_units(request.user)
    if not show_closed:
        visible = visible.filter(active_units_q())
    if query or kind:
        units = visible
        if kind in UnitKind.values:
            units = units.filter(kind=kind)
        if query:
            # Diacritic-insensitive search in Python over names: a few thousand rows at most.
            needle = fold(query)
            ids = [
                pk for pk, name, short, aliases, code in units.values_list("pk", "name", "short_name", "aliases", "code")
                if needle in fold(" ".join([name, short, code, *aliases]))
            ]
            units = units.filter(pk__in=ids)
        page = Paginator(_with_child_counts(units.select_related("parent")), 50).get_page(request.GET.get("trang"))
        rows, mode = page, "search"
    else:
        roots = policy.home_units(request.user) if not policy.is_coordinator(request.user) else None
        if roots is None:
            top = visible.filter(depth__lte=1)
        else:
            top = visible.filter(Q(pk__in=[u.pk for u in roots]) | Q(parent__in=roots))
        rows, page, mode = _as_forest(_with_child_counts(top)), None, "tree"
    template = "orgs/_unit_rows.html" if request.htmx and mode == "search" else "orgs/unit_tree.html"
    return render(request, template, {
        "rows": rows, "page": page, "mode": mode, "query": query, "kind": kind,
        "kinds": UnitKind.choices, "show_closed": show_closed,
        "can_manage": policy.can_manage_units(request.user),
    })


@login_required
def unit_children(request: HttpRequest, code: str) -> HttpResponse:
    unit = policy.access_unit(request.user, code)
    children = sorted(_with_child_counts(unit.children.filter(active_units_q())), key=_display_order)
    return render(request, "orgs/_unit_children.html", {"rows": children, "parent": unit})


@login_required
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = policy.access_unit(request.user, code)
    children = sorted(_with_child_counts(unit.children.all()), key=_display_order)
    memberships = (
        Membership.objects.filter(unit=unit).select_related("user").order_by("role", "user__full_name")
    )
    ancestors = Unit.objects.filter(pk__in=[int(p) for p in unit.path.strip("/").split("/")[:-1]]).order_by("depth")
    return render(request, "orgs/unit_detail.html", {
        "unit": unit,
        "ancestors": [a for a in ancestors if policy.can_view_unit(request.user, a)],
        "children": children,
        "memberships": memberships,
        "predecessors": unit.predecessors.all(),
        "successors": unit.successors.all(),
        "groups": unit.groups.all(),
        "can_manage": policy.can_manage_units(request.user),
        "can_manage_people": policy.can_manage_people(request.user, unit),
        "can_view_audit": policy.can_view_audit(request.user),
    })


@login_required
def unit_create(request: HttpRequest) -> HttpResponse:
    if not policy.can_manage_units(request.user):
        raise PermissionDenied("Chỉ cán bộ điều phối được thêm đơn vị.")
    return _unit_form(request, Unit(), initial={"parent_code": request.GET.get("cap_tren", "")})


@login_required
def unit_edit(request: HttpRequest, code: str) -> HttpResponse:
    unit = policy.access_unit(request.user, code, manage=True)
    return _unit_form(request, unit, initial={})


def _unit_form(request: HttpRequest, unit: Unit, initial: dict) -> HttpResponse:
    form = UnitForm(request.POST or None, instance=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_save(unit=form.instance, predecessors=form.cleaned_data["predecessor_codes"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Đã lưu đơn vị “{unit.name}”.")
            return redirect("orgs:unit_detail", code=unit.code)
    return render(request, "orgs/unit_form.html", {"form": form, "unit": unit})


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = "parent_code" if field == "parent" else field
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_POST
def unit_delete(request: HttpRequest, code: str) -> HttpResponse:
    unit = policy.access_unit(request.user, code, manage=True)
    parent = unit.parent
    try:
        services.unit_delete(unit=unit)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("orgs:unit_detail", code=code)
    messages.success(request, f"Đã xóa đơn vị “{unit.name}”.")
    return redirect("orgs:unit_detail", code=parent.code) if parent else redirect("orgs:unit_tree")


@login_required
def person_add(request: HttpRequest, code: str) -> HttpResponse:
    unit = policy.access_unit_people(request.user, code)
    form = PersonForm(request.POST or None, allow_coordinator=policy.is_coordinator(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = User.objects.filter(username__iexact=data["username"].strip()).first()
            if user is not None:
                services.membership_add(user=user, unit=unit, role=data["role"], position=data["position"])
            else:
                if not data["password"]:
                    raise ValidationError({"password": "Tài khoản mới cần mật khẩu ban đầu."})
                if not data["full_name"]:
                    raise ValidationError({"full_name": "Tài khoản mới cần họ và tên."})
                user = services.person_create(
                    username=data["username"], full_name=data["full_name"], email=data["email"],
                    password=data["password"], unit=unit, role=data["role"], position=data["position"],
                )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Đã thêm {services.full_name(user)} vào {unit.display_name}.")
            return redirect("orgs:unit_detail", code=unit.code)
    return render(request, "orgs/person_form.html", {"form": form, "unit": unit})


@login_required
def people_list(request: HttpRequest) -> HttpResponse:
    """Everyone holding a role in the units the user may see, searchable, one page at a time."""
    query = request.GET.get("q", "").strip()
    roles = Membership.objects.filter(unit__in=policy.visible_units(request.user))
    if query:
        roles = roles.filter(
            Q(user__username__icontains=query) | Q(user__full_name__icontains=query) | Q(unit__name__icontains=query)
        )
    roles = roles.select_related("user", "unit").order_by("user__full_name", "user__username", "unit__name")
    page = Paginator(roles, 50).get_page(request.GET.get("trang"))
    return render(request, "orgs/people_list.html", {"page": page, "query": query})


@login_required
@require_POST
def membership_remove(request: HttpRequest, pk: int) -> HttpResponse:
    membership = policy.access_membership(request.user, pk)
    services.membership_remove(membership=membership)
    messages.success(request, f"Đã bỏ vai trò “{membership.get_role_display()}” của {services.full_name(membership.user)}.")
    return redirect("orgs:unit_detail", code=membership.unit.code)


@login_required
def units_import(request: HttpRequest) -> HttpResponse:
    if not policy.can_manage_units(request.user):
        raise PermissionDenied("Chỉ cán bộ điều phối được nhập danh sách đơn vị.")
    form = ImportForm(request.POST or None, request.FILES or None, max_bytes=settings.UPLOAD_MAX_BYTES)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = read_table(upload.read(), upload.name)
        except TableError as exc:
            form.add_error("file", str(exc))
        else:
            result = services.units_import(rows)
            if result.ok:
                messages.success(
                    request,
                    f"Đã nhập: {result.created} đơn vị mới, {result.updated} cập nhật, {result.unchanged} không đổi.",
                )
                return redirect("orgs:unit_tree")
    return render(request, "orgs/units_import.html", {"form": form, "result": result, "columns": services.COLUMNS.values()})


@login_required
def units_export(request: HttpRequest, fmt: str) -> HttpResponse:
    header, rows = services.units_export_rows(policy.visible_units(request.user).order_by("path"))
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "xlsx":
        body, content_type = write_xlsx(header, rows, title="Đơn vị"), XLSX_CONTENT_TYPE
    else:
        body, content_type = write_csv(header, rows), CSV_CONTENT_TYPE
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="don-vi-{stamp}.{fmt}"'
    return response


@login_required
def resolve(request: HttpRequest) -> HttpResponse:
    """Try the resolver on a phrase: what a plan's "Cơ quan chủ trì" cell will become."""
    form = ResolveForm(request.GET or None)
    resolution, members, context = None, {}, None
    if form.is_valid():
        code = form.cleaned_data["context_code"].strip()
        context = policy.access_unit(request.user, code) if code else None
        resolution = UnitResolver(context=context).resolve(form.cleaned_data["text"])
        members = {g.pk: len(group_members(g, context=context)) for g in resolution.groups}
    template = "orgs/_resolution.html" if request.htmx else "orgs/resolve.html"
    return render(request, template, {"form": form, "resolution": resolution, "members": members, "context": context})
