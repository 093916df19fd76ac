#!/bin/sh
# Diễn tập khôi phục: khôi phục một bản sao lưu vào CSDL PostgreSQL TẠM và thư mục tệp TẠM, kiểm tra, rồi xóa.
# Không đụng tới CSDL và tệp đang chạy. Dùng:  scripts/restore_drill.sh /var/backups/cchc/20261207-0200
# Cần: biến môi trường như khi chạy ứng dụng (SECRET_KEY…), PG_ADMIN_URL (mặc định postgres://postgres@127.0.0.1:5432).
set -eu
BACKUP=${1:?"Cách dùng: $0 THƯ_MỤC_SAO_LƯU"}
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
ADMIN=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432}
NAME=cchc_drill_$(date +%Y%m%d%H%M%S)
MEDIA=$(mktemp -d "${TMPDIR:-/tmp}/cchc-drill-media.XXXXXX")
cleanup() {
    psql "$ADMIN/postgres" -qAtc "DROP DATABASE IF EXISTS \"$NAME\" WITH (FORCE)" >/dev/null || true
    rm -rf "$MEDIA"
}
trap cleanup EXIT INT TERM

$PY manage.py restore "$BACKUP" --check
psql "$ADMIN/postgres" -qAtc "CREATE DATABASE \"$NAME\""
export DATABASE_URL="$ADMIN/$NAME" MEDIA_ROOT="$MEDIA" S3_BUCKET=""
$PY manage.py restore "$BACKUP"
$PY manage.py migrate --check >/dev/null && echo "Lược đồ khớp phiên bản mã (không còn migration chưa chạy)."
$PY manage.py shell -c "
from cchc.orgs.models import Unit, User
from cchc.reports.models import Report, ReportValue
from cchc.plans.models import Evidence
print(f'Bản khôi phục: {Unit.objects.count()} đơn vị, {User.objects.count()} người dùng, '
      f'{Report.objects.count()} báo cáo, {ReportValue.objects.count()} số liệu, '
      f'{Evidence.objects.exclude(file=\"\").count()} minh chứng có tệp')
" 2>/dev/null | tail -1
echo "Diễn tập khôi phục thành công; CSDL tạm $NAME và thư mục $MEDIA được xóa."
