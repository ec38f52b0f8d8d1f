"""Mixins of admin pages whose rows only services write (the money books,
community votes): staff see them and act on them through named actions."""

from __future__ import annotations


class NoAddOrDeleteMixin:
    """Records that services write and the books keep: staff never add or
    delete one from the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyMixin(NoAddOrDeleteMixin):
    def has_change_permission(self, request, obj=None):
        return False
