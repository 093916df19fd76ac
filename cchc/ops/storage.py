"""The filesystem storage for uploads, leaving nothing behind when the disk fills mid-write.

Django's FileSystemStorage creates the file (O_EXCL) and writes it chunk by chunk; when the disk
fills half way it raises OSError(ENOSPC) and the partial file stays on disk with no row pointing at
it. This subclass removes what it created before re-raising, so a failed upload leaves no file; the
row is never written either (FileField saves the file before the INSERT, inside the service's
transaction), and StorageFullMiddleware turns the error into a clear message.
"""

import errno
import os

from django.core.files.storage import FileSystemStorage as DjangoFileSystemStorage

FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def is_storage_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in FULL


class FileSystemStorage(DjangoFileSystemStorage):
    def _save(self, name, content):
        full_path = self.path(name)
        existed = os.path.lexists(full_path)
        try:
            return super()._save(name, content)
        except OSError as exc:
            if not isinstance(exc, FileExistsError) and not existed and os.path.lexists(full_path):
                try:
                    os.remove(full_path)
                except OSError:
                    pass
            raise
