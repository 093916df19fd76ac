"""A full disk (or quota) during a request: a clear Vietnamese message instead of a server error."""

import logging

from django.shortcuts import render

from .storage import is_storage_full

log = logging.getLogger("cchc.ops")


class StorageFullMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_storage_full(exception):
            return None
        log.error("Hết dung lượng lưu trữ khi xử lý %s %s: %s", request.method, request.path, exception)
        return render(request, "ops/storage_full.html", {"back": request.get_full_path()}, status=507)
