"""The admin of records that only grow: readable by admins, never added, changed or deleted."""

from ..admin_guard import GuardedAdmin


class ReadOnlyAdmin(GuardedAdmin):
    """Records of what learners did: readable by admins, never edited or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
