"""Django admin for rooms, join requests, presence and the activity log."""

from django.contrib import admin

from .models import Activity, JoinRequest, Presence, Room


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "locked", "theme", "last_used_at", "created_at")
    list_filter = ("locked", "theme")
    search_fields = ("name", "owner__email")
    readonly_fields = ("code", "slug", "created_at")
    exclude = ("participant_secret", "participant_digest", "host_secret", "host_digest")
    list_select_related = ("owner",)
    autocomplete_fields = ("owner",)


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ("display_name", "room", "status", "asked_at", "decided_at", "decided_by_name")
    list_filter = ("status",)
    search_fields = ("display_name", "room__name", "room__owner__email")
    list_select_related = ("room",)
    raw_id_fields = ("room", "decided_by")


@admin.register(Presence)
class PresenceAdmin(admin.ModelAdmin):
    list_display = ("display_name", "room", "is_host", "audio", "video", "joined_at")
    search_fields = ("display_name", "room__name")
    list_select_related = ("room",)
    raw_id_fields = ("room", "user")


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("created_at", "room_name", "kind", "actor_name", "detail", "owner")
    list_filter = ("kind",)
    search_fields = ("room_name", "owner__email", "actor_name", "detail")
    list_select_related = ("owner",)
    raw_id_fields = ("room", "owner", "actor")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
