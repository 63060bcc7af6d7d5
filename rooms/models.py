"""Rooms, their links and customization, join requests, presence and the activity log."""

from __future__ import annotations

import hashlib
import math
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import slugify

from common import sessions

from . import images, push

if TYPE_CHECKING:
    from accounts.models import User

NAME_MAX_LENGTH = 80
SECRET_BYTES = 32  # 256 bits from `secrets`, well above the 128 the design asks for.
ASK_AGAIN_AFTER = timedelta(seconds=10)
# The owner's notification area lists this many requests and counts the rest: a list of every
# guest re-rendered on each ask outgrew daphne's 1 MiB WebSocket frame at about 800 waiting.
OWNER_LIST_MAX = 50
# "Who is here now" lists this many and counts the rest, for the same reason.
PRESENCE_LIST_MAX = 50


@dataclass(frozen=True)
class Theme:
    """A preset palette; the only place its colours are written (theme_style.html makes them the
    CSS variables of `.theme-<key>`, which the tiles' gradients and the swatches use)."""

    label: str
    background: str
    surface: str
    text: str
    accent: str
    accent_text: str
    highlight: str  # Where a tile's gradient ends, from the background.


THEMES: dict[str, Theme] = {
    "ocean": Theme("Ocean", "#0f2a43", "#ffffff", "#10243a", "#1a6fd1", "#ffffff", "#1f7ae0"),
    "forest": Theme("Forest", "#1d3b2a", "#fbfdf9", "#17281e", "#237a4b", "#ffffff", "#2f8f5b"),
    "sunset": Theme("Sunset", "#4a1f2e", "#fffaf6", "#3a1a22", "#c0461f", "#ffffff", "#e0603a"),
    "graphite": Theme("Graphite", "#1b1e24", "#ffffff", "#1b1e24", "#4a5160", "#ffffff", "#4a5160"),
    "lavender": Theme("Lavender", "#2e2450", "#fcfbff", "#251d40", "#7c5ce0", "#ffffff", "#7c5ce0"),
}
THEME_CHOICES = [(key, theme.label) for key, theme in THEMES.items()]
IMAGE_FIELDS = ("background", "logo", "lobby_image")
CHANGE_LABELS = {"button_color": "button colour"}  # Activity says it as the page does.
LOBBY_LINKS_MAX = 5
CUSTOMIZABLE = (
    "theme",
    "button_color",
    "lobby_title",
    "lobby_message",
    "lobby_layout",
    "lobby_links",
    *IMAGE_FIELDS,
)


@dataclass(frozen=True)
class Actor:
    """Who did something, as the activity log names them: an account, or none and the name an
    anonymous host gave. RoomAccess.actor makes one for whoever decides in a room; operations
    only the owner may do take the owner's User and log Actor.account(owner)."""

    user: User | None
    name: str

    @classmethod
    def account(cls, user: User) -> Actor:
        return cls(user, user.display_name)


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def digest(secret: str) -> str:
    """The indexed lookup key for a link secret; the secret itself is compared in constant time."""
    return hashlib.sha256(secret.encode()).hexdigest()


def upload_to(room: Room, filename: str) -> str:
    # Unguessable names: an upload's URL must not reveal or enumerate rooms.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"rooms/{secrets.token_urlsafe(16)}.{extension}"


def readable_text_on(color: str) -> str:
    """Black or white, whichever reads better on a #rrggbb background (WCAG relative luminance)."""
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#111111" if luminance > 0.179 else "#ffffff"


def delete_stored_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def link_slug(name: str) -> str:
    return slugify(name)[:60].strip("-") or "room"


def copy_upload(upload: FieldFile) -> str:
    """A copy of an uploaded file under a new name, so the two rooms never share a file."""
    if not upload:
        return ""
    try:
        with upload.open("rb") as source:
            content = source.read()
    except FileNotFoundError:
        return ""  # A file lost from storage is not worth failing a duplicate for.
    return default_storage.save(upload_to(None, upload.name), ContentFile(content))


DASHBOARD_SORTS = {
    "": ("-last_used_at", "-id"),
    "name": (models.functions.Lower("name"), "id"),
    "created": ("-created_at", "-id"),
}


def stored_size(name: str) -> int:
    try:
        return default_storage.size(name)
    except OSError:  # A file lost from storage takes no room.
        return 0


class OwnerLimitReached(Exception):
    """Past ROOMS_PER_OWNER or STORAGE_PER_OWNER: nothing was changed; the message says what
    the owner can do."""


def hold_owner(owner_id: int) -> None:
    """The owner's row, held until the transaction ends: their rooms and images are counted and
    added to one request at a time, so a burst cannot pass a limit checked before any of it was
    stored. No-key: rows that point at the owner (a log entry) are still written meanwhile.
    Taken after a room's own lock, never before: a deletion takes them in that order."""
    get_user_model().objects.select_for_update(no_key=True).filter(pk=owner_id).exists()


def check_room_count(owner_id: int) -> None:
    count = Room.objects.filter(owner_id=owner_id).count()
    if count >= settings.ROOMS_PER_OWNER:
        raise OwnerLimitReached(
            f"You have {count:,} rooms, as many as one account may have. "
            "Delete a room you no longer use to make a new one."
        )


def check_storage(owner_id: int, adding: int, advice: str, *, besides: Room | None = None) -> None:
    """Refuses `adding` bytes of images that would take the owner's rooms (but `besides`) past
    STORAGE_PER_OWNER; the sizes are read from the storage, so they are always what is there."""
    rooms = Room.objects.filter(owner_id=owner_id).exclude(pk=getattr(besides, "pk", None))
    rows = rooms.values_list(*IMAGE_FIELDS)
    used = sum(stored_size(name) for row in rows for name in row if name)
    limit = settings.STORAGE_PER_OWNER
    if used + adding > limit:
        raise OwnerLimitReached(
            f"Your rooms may hold {filesizeformat(limit)} of images; {filesizeformat(used)} "
            f"are used and these are {filesizeformat(adding)}. {advice}"
        )


class RoomQuerySet(models.QuerySet):
    def filtered(self, q: str = "", show: str = "", sort: str = "") -> RoomQuerySet:
        """The dashboard's search (name contains `q`), filter and order (DashboardFilterForm)."""
        rooms = self.filter(name__icontains=q) if q else self
        if show in ("locked", "unlocked"):
            rooms = rooms.filter(locked=show == "locked")
        elif show == "waiting":
            rooms = rooms.filter(waiting_count__gt=0)
        return rooms.order_by(*DASHBOARD_SORTS.get(sort, DASHBOARD_SORTS[""]))

    def for_dashboard(self, owner: User) -> RoomQuerySet:
        waiting = models.Q(
            join_requests__status="pending", join_requests__seen_at__gte=left_since()
        )
        pending = models.Count("join_requests", filter=waiting, distinct=True)
        return (
            self.filter(owner=owner)
            .annotate(waiting_count=pending)
            .order_by("-last_used_at", "-id")
        )


class Room(models.Model):
    class Layout(models.TextChoices):
        SIMPLE = "simple", "Simple"
        CUSTOM = "custom", "Custom"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rooms"
    )
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    slug = models.SlugField(max_length=60, editable=False)
    participant_secret = models.CharField(max_length=64, editable=False)
    participant_digest = models.CharField(max_length=64, unique=True, editable=False)
    host_secret = models.CharField(max_length=64, editable=False)
    host_digest = models.CharField(max_length=64, unique=True, editable=False)
    locked = models.BooleanField(default=True)

    theme = models.CharField(max_length=20, choices=THEME_CHOICES, default="ocean")
    button_color = models.CharField(max_length=7, blank=True)
    background = models.ImageField(upload_to=upload_to, blank=True)
    logo = models.ImageField(upload_to=upload_to, blank=True)

    lobby_title = models.CharField(max_length=80, blank=True)
    lobby_message = models.TextField(max_length=1000, blank=True)
    lobby_layout = models.CharField(max_length=10, choices=Layout, default=Layout.SIMPLE)
    lobby_image = models.ImageField(upload_to=upload_to, blank=True)
    lobby_links = models.JSONField(default=list, blank=True)

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = RoomQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-last_used_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.slug:
            self.slug = link_slug(self.name)
        if not self.participant_secret:
            self.set_new_secrets()
        super().save(*args, **kwargs)

    def set_new_secrets(self) -> None:
        self.participant_secret = new_secret()
        self.participant_digest = digest(self.participant_secret)
        self.host_secret = new_secret()
        self.host_digest = digest(self.host_secret)

    def for_update(self, *, no_key: bool = False) -> Room:
        """This room's row as stored, held (SELECT ... FOR UPDATE) until the transaction ends, so
        changes to one room queue instead of racing; raises Room.DoesNotExist once another
        request deleted it. A row lock only: privacy is `locked`, set by set_locked().

        `no_key` (FOR NO KEY UPDATE) for changes to the room's waiting room: they queue with
        each other and with a delete, while rows that only point at the room (a log entry, a
        presence) are still written meanwhile. Whatever takes this lock takes it before the
        room's join requests', as a delete does, so the two never wait for each other."""
        return Room.objects.select_for_update(no_key=no_key).get(pk=self.pk)

    @property
    def theme_palette(self) -> Theme:
        return THEMES.get(self.theme, THEMES["ocean"])

    @property
    def accent(self) -> str:
        return self.button_color or self.theme_palette.accent

    @property
    def accent_text(self) -> str:
        return (
            readable_text_on(self.button_color)
            if self.button_color
            else self.theme_palette.accent_text
        )

    @property
    def participant_path(self) -> str:
        return reverse("rooms:lobby", args=[self.slug, self.participant_secret])

    @property
    def host_path(self) -> str:
        return reverse("rooms:lobby", args=[self.slug, self.host_secret])

    @property
    def participant_url(self) -> str:
        return settings.SITE_URL + self.participant_path

    @property
    def host_url(self) -> str:
        return settings.SITE_URL + self.host_path

    @classmethod
    @transaction.atomic
    def create(cls, owner: User, name: str, **fields: object) -> Room:
        """Create a room with fresh links, and record it in the activity log; refused past the
        owner's ROOMS_PER_OWNER (OwnerLimitReached)."""
        hold_owner(owner.pk)
        check_room_count(owner.pk)
        room = cls.objects.create(owner=owner, name=name, **fields)
        Activity.record(room, Activity.Kind.CREATED, by=Actor.account(owner))
        return room

    def customize(self, *, by: User, **changes: object) -> None:
        """Apply a Customize post whole or not at all; replaced images leave storage on commit.

        An image field takes an uploaded file to replace it or None to clear it. New files are
        written before the row; if anything fails they are removed again, so a refused change
        leaves neither the room nor the media folder different. New images that would take the
        owner past STORAGE_PER_OWNER are refused (OwnerLimitReached).
        """
        unknown = set(changes) - set(CUSTOMIZABLE)
        if unknown:
            raise TypeError(f"Not customizable: {', '.join(sorted(unknown))}")
        if len(changes.get("lobby_links", [])) > LOBBY_LINKS_MAX:
            raise ValueError(f"A lobby has at most {LOBBY_LINKS_MAX} links.")
        changed = [
            CHANGE_LABELS.get(name, name.replace("_", " "))
            for name, value in changes.items()
            if self._differs(name, value)
        ]
        replaced, written = [], []
        try:
            with transaction.atomic():
                self.for_update()  # Saving a room deleted meanwhile would bring it back.
                if any(changes.get(name) for name in IMAGE_FIELDS):
                    hold_owner(self.owner_id)
                    check_storage(
                        self.owner_id,
                        self._image_bytes_after(changes),
                        "Choose smaller images, or remove images from other rooms.",
                        besides=self,
                    )
                for name, value in changes.items():
                    if name not in IMAGE_FIELDS:
                        setattr(self, name, value)
                        continue
                    image = getattr(self, name)
                    if image:
                        replaced.append(image.name)
                    if value:
                        image.save(value.name, value, save=False)
                        written.append(image.name)
                    else:
                        setattr(self, name, "")
                self.save()
                if changed:
                    detail = ", ".join(changed)[:300]
                    Activity.record(
                        self, Activity.Kind.CUSTOMIZED, by=Actor.account(by), detail=detail
                    )
                transaction.on_commit(lambda: delete_stored_files(replaced))
        except Exception:
            delete_stored_files(written)
            self.refresh_from_db()
            raise

    def _image_bytes_after(self, changes: dict[str, object]) -> int:
        """What this room's images would take once `changes` are applied."""
        kept = [getattr(self, name).name for name in IMAGE_FIELDS if name not in changes]
        new = [changes[name].size for name in IMAGE_FIELDS if changes.get(name)]
        return sum(new) + sum(stored_size(name) for name in kept if name)

    def _differs(self, name: str, value: object) -> bool:
        if name in IMAGE_FIELDS:  # A new upload, or clearing an image that is there.
            return bool(value or getattr(self, name))
        return getattr(self, name) != value

    THEME_AND_BRANDING: ClassVar = ("theme", "button_color")
    LOBBY: ClassVar = ("lobby_title", "lobby_message", "lobby_layout", "lobby_links")

    @transaction.atomic
    def rename(self, name: str, *, by: User) -> None:
        """Change the display name only: the links keep the slug the room was created with."""
        old = self.for_update().name  # Not this object's: another rename may have committed since.
        self.name = name
        self.save(update_fields=["name"])
        Activity.record(self, Activity.Kind.RENAMED, by=Actor.account(by), detail=f"{old} → {name}")

    @transaction.atomic
    def regenerate_links(self, *, by: User) -> None:
        """Replace both secrets, so whoever holds an old link (host or guest) is locked out."""
        self.for_update()
        self.set_new_secrets()
        self.save(
            update_fields=["participant_secret", "participant_digest", "host_secret", "host_digest"]
        )
        Activity.record(self, Activity.Kind.LINKS, by=Actor.account(by))

    @transaction.atomic
    def delete_with_files(self, *, by: User) -> None:
        """Delete the room for good; its uploads go once the deletion is committed.

        The row lock makes a duplicate in progress finish first (its copy has its own files), and
        a second delete at the same moment raise Room.DoesNotExist instead of logging twice."""
        stored = self.for_update()
        names = [getattr(stored, field).name for field in IMAGE_FIELDS if getattr(stored, field)]
        # The entry keeps room_name; its room becomes NULL.
        Activity.record(stored, Activity.Kind.DELETED, by=Actor.account(by))
        self.delete()
        transaction.on_commit(lambda: delete_stored_files(names))

    def duplicate(
        self, name: str, *, theme_and_branding: bool, lobby: bool, privacy: bool, by: User
    ) -> Room:
        """A new room with new links, taking the chosen settings and its own copies of files.

        The original's row stays held while its files are copied, so a delete at the same moment
        waits for the copy; once deleted, it raises Room.DoesNotExist and copies nothing. Past
        the owner's ROOMS_PER_OWNER or STORAGE_PER_OWNER, OwnerLimitReached and no copy."""
        copies: dict[str, str] = {}
        try:
            with transaction.atomic():
                source = self.for_update()
                fields: dict[str, object] = {"locked": source.locked if privacy else True}
                uploads: list[str] = []
                if theme_and_branding:
                    fields |= {field: getattr(source, field) for field in self.THEME_AND_BRANDING}
                    uploads += ["background", "logo"]
                if lobby:
                    fields |= {field: getattr(source, field) for field in self.LOBBY}
                    fields["lobby_links"] = [dict(link) for link in source.lobby_links]
                    uploads += ["lobby_image"]
                hold_owner(self.owner_id)
                check_room_count(self.owner_id)
                names = [getattr(source, field).name for field in uploads]
                check_storage(
                    self.owner_id,
                    sum(stored_size(name) for name in names if name),
                    "Leave out the settings with images, or remove images from other rooms.",
                )
                for field in uploads:
                    copies[field] = copy_upload(getattr(source, field))
                room = Room.objects.create(owner_id=self.owner_id, name=name, **fields, **copies)
                detail = f"Copy of {source.name}"
                Activity.record(room, Activity.Kind.DUPLICATED, by=Actor.account(by), detail=detail)
        except BaseException:
            delete_stored_files([name for name in copies.values() if name])
            raise
        return room

    def reencode_images(self) -> dict[str, str]:
        """Store this room's images again as uploads are stored now (rooms.images): fitted to
        their box, without EXIF. Images stored before that kept a photo's GPS position and
        device, served to every guest. Returns each image left as it was, with why."""
        left: dict[str, str] = {}
        replaced, written = [], []
        try:
            with transaction.atomic():
                stored = self.for_update()
                for field in (field for field in IMAGE_FIELDS if getattr(stored, field)):
                    image = getattr(stored, field)
                    try:
                        with image.open("rb") as file:
                            content = images.reencoded(file, field, check_size=False)
                    except (OSError, images.ImageRefused) as error:
                        left[field] = str(error)
                        continue
                    replaced.append(image.name)
                    image.save(content.name, content, save=False)
                    written.append(image.name)
                stored.save(update_fields=list(IMAGE_FIELDS))
                transaction.on_commit(lambda: delete_stored_files(replaced))
        except BaseException:
            delete_stored_files(written)
            raise
        self.refresh_from_db()
        return left

    def room_path(self, secret: str) -> str:
        return reverse("rooms:room", args=[self.slug, secret])

    @property
    def host_room_path(self) -> str:
        return self.room_path(self.host_secret)

    def host_list(self) -> dict:
        """A host panel's waiting list: the first OWNER_LIST_MAX and how many wait in all."""
        return first_waiting(self.waiting().listed().order_by("left", "asked_at", "id"))

    def waiting(self) -> models.QuerySet[JoinRequest]:
        return self.join_requests.filter(status=JoinRequest.Status.PENDING)

    def mark_used(self) -> None:
        """Someone entered: the dashboard lists the most recently used rooms first."""
        self.last_used_at = timezone.now()
        Room.objects.filter(pk=self.pk).update(last_used_at=self.last_used_at)

    def set_locked(self, locked: bool, *, by: Actor) -> bool:
        """Lock or unlock the room; unlocking lets in everyone waiting, as the design promises.

        Returns whether anything changed (a second click on the same state changes nothing).
        """
        with transaction.atomic():
            # Orders this with an ask (see JoinRequest.ask), a decision and a delete.
            room = self.for_update(no_key=True)
            self.locked = locked
            if room.locked == locked:
                return False
            Room.objects.filter(pk=self.pk).update(locked=locked)
            detail = "Locked" if locked else "Unlocked"
            Activity.record(self, Activity.Kind.PRIVACY, by=by, detail=detail)
            if not locked:
                self._allow_pending(by=by)
            push.room_changed(self.code)
        return True

    def close_meetings_of(self, session_key: str | None, reason: str) -> None:
        """Close this browser's meeting sockets in the room (every tab of it), saying why."""
        peers = self.presences.filter(session_key=session_key or "-").values_list("peer_id")
        push.close_meetings([(self.code, peer) for (peer,) in peers], reason)

    def end_meeting(self, *, by: Actor) -> None:
        """End the meeting for all: everyone's visit ends (their sessions and allowed requests),
        every meeting socket closes, and the guests of a locked room ask again to come back."""
        from . import janus
        from .access import RoomAccess

        with transaction.atomic():
            present = list(self.presences.values_list("peer_id", "session_key"))
            for key in {key for _, key in present if key}:
                if access := RoomAccess.of_session(self, key):
                    access.leave()
                    access.session.save()
            self.join_requests.filter(status=JoinRequest.Status.ALLOWED).delete()
            self.presences.all().delete()
            Activity.record(self, Activity.Kind.ENDED, by=by)
            janus.end_meeting(self)
            push.close_meetings([(self.code, peer) for peer, _ in present], "ended")

    def allow_all(self, *, by: Actor) -> int:
        """Let in everyone waiting at once; returns how many were still waiting to be let in."""
        with transaction.atomic():
            self.for_update(no_key=True)  # Room.DoesNotExist once deleted meanwhile.
            return self._allow_pending(by=by)

    def deny_all(self, *, by: Actor) -> int:
        """Turn away everyone waiting, those who left too, in one step and one log entry: a
        flood of requests is cleared without a click per request. They may ask again later.
        Returns how many were denied."""
        with transaction.atomic():
            # Locked rows, as in _allow_pending: a decision at the same moment waits, then finds
            # the request already decided, so every guest gets exactly one outcome.
            guest_ids = list(self.waiting().select_for_update().values_list("guest_id", flat=True))
            if not guest_ids:
                return 0
            self.join_requests.filter(
                status=JoinRequest.Status.PENDING, guest_id__in=guest_ids
            ).update(
                status=JoinRequest.Status.DENIED,
                decided_at=timezone.now(),
                decided_by=by.user,
                decided_by_name=by.name[:50],
            )
            detail = f"{len(guest_ids)} guest{'s' if len(guest_ids) != 1 else ''}"
            Activity.record(self, Activity.Kind.DENIED_ALL, by=by, detail=detail)
            push.requests_changed(self.code, self.owner_id, guest_ids)
        return len(guest_ids)

    def _allow_pending(self, *, by: Actor) -> int:
        # Locked rows: a host deciding on one of them at the same moment waits, then finds it
        # already decided, so every guest gets exactly one outcome.
        pending = list(self.waiting().select_for_update())
        for join_request in pending:
            join_request.room = self
            join_request._decide(JoinRequest.Status.ALLOWED, by=by)
        if pending:
            push.requests_changed(self.code, self.owner_id, [r.guest_id for r in pending])
        return len(pending)


class WaitingRoomFull(Exception):
    """The room already has WAITING_ROOM_CAP guests waiting: a flood stops there."""


class TooManyWaiting(Exception):
    """This client already has WAITING_PER_CLIENT requests waiting in the room: one machine
    cannot fill the waiting room for everyone else."""


def left_since() -> datetime:
    """A pending request whose guest has had no waiting page open since this moment has left."""
    return timezone.now() - timedelta(seconds=settings.WAITING_LEFT_AFTER)


def expired_since() -> datetime:
    return timezone.now() - timedelta(seconds=settings.WAITING_EXPIRE_AFTER)


def admission_since() -> datetime:
    """Someone let in who has not been in the room since this moment must enter again (a
    locked room: ask); an Allow older than this has lapsed."""
    return timezone.now() - timedelta(seconds=settings.ADMISSION_GRACE)


def client_pseudonym(client: str) -> str:
    """What a request stores of the client that asked (common.limits.client): a keyed digest,
    enough to count a client's requests, not an address anyone can read back."""
    return (
        salted_hmac("join-request-client", client, algorithm="sha256").hexdigest()[:32]
        if client
        else ""
    )


class AskedTooSoon(Exception):
    """A denied guest asked again within ASK_AGAIN_AFTER of their last ask."""

    def __init__(self, seconds_left: int) -> None:
        super().__init__(f"Ask again in {seconds_left} seconds.")
        self.seconds_left = seconds_left


class JoinRequestQuerySet(models.QuerySet):
    def pending_for_owner(self, owner: User) -> JoinRequestQuerySet:
        return (
            self.filter(room__owner=owner, status=JoinRequest.Status.PENDING)
            .listed()
            .select_related("room")
            .order_by("room__name", "room_id", "left", "asked_at", "id")
        )

    def here(self) -> JoinRequestQuerySet:
        """Waiting with a page open, or not for long: these count, against the caps too."""
        return self.filter(seen_at__gte=left_since())

    def listed(self) -> JoinRequestQuerySet:
        """Not yet expired, marked `left` when the guest has had no page open for a while."""
        left = models.ExpressionWrapper(
            models.Q(seen_at__lt=left_since()), output_field=models.BooleanField()
        )
        return self.filter(seen_at__gte=expired_since()).annotate(left=left)

    def expired(self) -> JoinRequestQuerySet:
        """Waiting too long without a page, or allowed and not taken up in ADMISSION_GRACE."""
        Status = JoinRequest.Status
        return self.filter(
            models.Q(status=Status.PENDING, seen_at__lt=expired_since())
            | models.Q(status=Status.ALLOWED, decided_at__lt=admission_since())
        )

    def seen(self) -> int:
        """Their guest has a waiting page open now (its socket, or a reload)."""
        return self.update(seen_at=timezone.now())

    def owner_list(self, owner: User, except_room: uuid.UUID | None = None) -> dict:
        """The owner's notification area: the first OWNER_LIST_MAX requests and how many wait
        (but for the room whose page it is on, which shows its own)."""
        pending = self.pending_for_owner(owner)
        if except_room is not None:
            pending = pending.exclude(room__code=except_room)
        return first_waiting(pending)


def first_waiting(pending: models.QuerySet) -> dict:
    """The first OWNER_LIST_MAX of `pending` (`listed()`, those who left after the others), and
    how many wait in all, not counting those who left.

    A pushed list must stay well under daphne's 1 MiB frame, however many wait. One query while
    the list is short; the count only when there are more than it shows."""
    listed = list(pending[: OWNER_LIST_MAX + 1])
    if len(listed) <= OWNER_LIST_MAX:
        total = sum(not request.left for request in listed)
        return {"requests": listed, "waiting_total": total, "more_waiting": 0}
    listed = listed[:OWNER_LIST_MAX]
    total = pending.filter(left=False).count()
    shown = sum(not request.left for request in listed)
    return {"requests": listed, "waiting_total": total, "more_waiting": total - shown}


class JoinRequest(models.Model):
    """A guest asking to enter a locked room; stored so that it outlives any page or socket."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        ALLOWED = "allowed", "Allowed"
        DENIED = "denied", "Denied"

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="join_requests")
    guest_id = models.CharField(max_length=64)
    display_name = models.CharField(max_length=50)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    asked_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by_name = models.CharField(max_length=50, blank=True)
    # When the guest last had a waiting page open (lobby.html's socket beats while it is).
    seen_at = models.DateTimeField(default=timezone.now)
    client = models.CharField(max_length=32, blank=True, editable=False)  # client_pseudonym()

    objects = JoinRequestQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["asked_at", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["room", "guest_id"], name="one_request_per_guest"),
        ]
        indexes: ClassVar = [models.Index(fields=["room", "status"])]

    def __str__(self) -> str:
        return f"{self.display_name} → {self.room}"

    @classmethod
    def ask(cls, room: Room, guest_id: str, display_name: str, client: str = "") -> JoinRequest:
        """Knock on a locked room: one stored request per guest, so asking twice is one request.

        A denied guest may ask again, but not within ASK_AGAIN_AFTER of their last ask. A room
        unlocked since the guest's page read it lets them in: nobody waits in an open room.
        `client` (common.limits.client) has at most WAITING_PER_CLIENT requests waiting here;
        requests whose guest left count for neither cap, and expired ones are deleted.
        """
        with transaction.atomic():
            # The room's row lock puts this ask wholly before or after an unlocking, which
            # lets in everyone waiting; after it, this ask sees the room open.
            is_locked = (
                Room.objects.select_for_update(no_key=True)
                .values_list("locked", flat=True)
                .get(pk=room.pk)
            )
            room.join_requests.expired().delete()
            waiting = room.waiting().here().exclude(guest_id=guest_id)
            if is_locked and waiting.count() >= settings.WAITING_ROOM_CAP:
                raise WaitingRoomFull
            pseudonym = client_pseudonym(client)
            mine = waiting.filter(client=pseudonym)
            if is_locked and pseudonym and mine.count() >= settings.WAITING_PER_CLIENT:
                raise TooManyWaiting
            join_request, created = cls.objects.select_for_update().get_or_create(
                room=room,
                guest_id=guest_id,
                defaults={"display_name": display_name, "client": pseudonym},
            )
            if not is_locked and join_request.status != cls.Status.ALLOWED:
                join_request.display_name = display_name
                join_request.status = cls.Status.ALLOWED
                join_request.decided_at = timezone.now()
                join_request.save()
                push.requests_changed(room.code, room.owner_id, [guest_id])
                return join_request
            if not created and join_request.status != cls.Status.DENIED:
                return join_request
            if not created:
                wait = join_request.asked_at + ASK_AGAIN_AFTER - timezone.now()
                if wait > timedelta(0):
                    raise AskedTooSoon(max(1, math.ceil(wait.total_seconds())))
                join_request.display_name = display_name
                join_request.status = cls.Status.PENDING
                join_request.asked_at = join_request.seen_at = timezone.now()
                join_request.client = pseudonym
                join_request.decided_at = join_request.decided_by = None
                join_request.decided_by_name = ""
                join_request.save()
            push.requests_changed(room.code, room.owner_id, [guest_id])
        return join_request

    @classmethod
    def wait(cls, room: Room, guest_id: str, display_name: str) -> JoinRequest:
        """A host sent this guest back to the waiting room: their request is pending again."""
        join_request, _ = cls.objects.update_or_create(
            room=room,
            guest_id=guest_id,
            defaults={
                "display_name": display_name,
                "status": cls.Status.PENDING,
                "asked_at": timezone.now(),
                "decided_at": None,
                "decided_by": None,
                "decided_by_name": "",
            },
        )
        push.requests_changed(room.code, room.owner_id, [guest_id])
        return join_request

    def revisit(self) -> bool:
        """The guest has their waiting page open (again): a pending request is seen now, back in
        the lists and counts if it was marked left. An expired one (an Allow not taken up in
        ADMISSION_GRACE included) is deleted instead (False): the guest asks again, as anyone
        new would."""
        if self.status == self.Status.ALLOWED and self.decided_at < admission_since():
            JoinRequest.objects.expired().filter(pk=self.pk).delete()
            return False
        if self.status != self.Status.PENDING:
            return True
        pending = JoinRequest.objects.filter(pk=self.pk, status=self.Status.PENDING)
        if self.seen_at < expired_since():
            pending.filter(seen_at__lt=expired_since()).delete()
            return False
        self.seen_at = timezone.now()
        pending.update(seen_at=self.seen_at)
        return True

    def allow(self, *, by: Actor) -> bool:
        """Let the guest in; False when someone else decided first (their decision stands)."""
        return self._decide_once(self.Status.ALLOWED, by=by)

    def deny(self, *, by: Actor) -> bool:
        """Turn the guest away; they may ask again later. False when someone decided first."""
        return self._decide_once(self.Status.DENIED, by=by)

    def _decide_once(self, status: str, *, by: Actor) -> bool:
        """Raises Room.DoesNotExist when the room was deleted meanwhile."""
        with transaction.atomic():
            # The room first, as a delete locks it before its requests: holding the request
            # while a delete held the room, each waited for the other.
            Room(pk=self.room_id).for_update(no_key=True)
            # The row lock makes a second decider wait, then see the request is no longer pending.
            locked = JoinRequest.objects.select_for_update().filter(
                pk=self.pk, status=self.Status.PENDING
            )
            join_request = locked.select_related("room").select_for_update(of=("self",)).first()
            if join_request is None:
                self.refresh_from_db()
                return False
            join_request._decide(status, by=by)
            room = join_request.room
            push.requests_changed(room.code, room.owner_id, [join_request.guest_id])
            self.refresh_from_db()  # Still held: a delete right after the commit cannot stop it.
        return True

    def _decide(self, status: str, *, by: Actor) -> None:
        """Store a decision on a locked, pending row and log it in the same transaction."""
        self.status = status
        self.decided_at = timezone.now()
        self.decided_by = by.user
        self.decided_by_name = by.name[:50]
        self.save(update_fields=["status", "decided_at", "decided_by", "decided_by_name"])
        kind = Activity.Kind.ALLOWED if status == self.Status.ALLOWED else Activity.Kind.DENIED
        Activity.record(self.room, kind, by=by, detail=self.display_name)


class MeetingActionRefused(Exception):
    """What a host asked cannot be done to this person (the owner; no waiting room when open)."""


def presence_timeout() -> timedelta:
    """A row not refreshed for this long belongs to a socket whose process died."""
    return timedelta(seconds=3 * settings.PRESENCE_HEARTBEAT)


class PresenceQuerySet(models.QuerySet):
    def here(self) -> PresenceQuerySet:
        return self.filter(seen_at__gte=timezone.now() - presence_timeout())

    def gone(self) -> PresenceQuerySet:
        return self.filter(seen_at__lt=timezone.now() - presence_timeout())

    def first_here(self) -> dict:
        """ "Who is here now": the first PRESENCE_LIST_MAX by arrival, and how many more. A
        pushed list stays small however many sockets a room has; the count only past it."""
        here = self.here()
        people = list(here[: PRESENCE_LIST_MAX + 1])
        if len(people) <= PRESENCE_LIST_MAX:
            return {"people": people, "more_people": 0}
        more = here.count() - PRESENCE_LIST_MAX
        return {"people": people[:PRESENCE_LIST_MAX], "more_people": more}

    def roster(self) -> list[dict]:
        """The meeting's roster (docs/meeting.md): everyone here by arrival; the first
        MEETING_MESH_LIMIT get media, so someone leaving hands it to the next in line. Through
        Janus (JANUS_URL set) everyone does: each sends one stream, whatever the room's size."""
        from . import janus

        limit = math.inf if janus.enabled() else settings.MEETING_MESH_LIMIT
        fields = ("peer_id", "display_name", "is_host", "audio", "video", "screen")
        return [
            {
                "id": person["peer_id"],
                "name": person["display_name"],
                "is_host": person["is_host"],
                "audio": person["audio"],
                "video": person["video"],
                "screen": person["screen"] or None,
                "media": place < limit,
            }
            for place, person in enumerate(self.here().values(*fields))
        ]


def new_peer_id() -> str:
    return secrets.token_urlsafe(16)


class Presence(models.Model):
    """Someone in a room now: one row per open meeting socket, so every process sees everyone.

    The socket's peer id (unguessable) is how the others address this person, and the session
    key is how a host's removal reaches their admission. Each socket refreshes seen_at every
    PRESENCE_HEARTBEAT seconds. A killed process cannot delete its rows, so rows that stop
    being refreshed no longer count and are cleaned up.
    """

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="presences")
    channel_name = models.CharField(max_length=200, unique=True)
    peer_id = models.CharField(max_length=32, unique=True, default=new_peer_id, editable=False)
    session_key = models.CharField(max_length=40, db_index=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    display_name = models.CharField(max_length=50)
    is_host = models.BooleanField(default=False)
    audio = models.BooleanField(default=False)
    video = models.BooleanField(default=False)
    screen = models.CharField(max_length=100, blank=True)  # The shared screen's stream id.
    joined_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = PresenceQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["joined_at", "id"]

    def __str__(self) -> str:
        return f"{self.display_name} in {self.room}"

    @property
    def is_owner(self) -> bool:
        return self.user_id is not None and self.user_id == self.room.owner_id

    def mute(self, *, by: Actor) -> None:
        """A host turns this person's microphone off; only they can turn it on again."""
        with transaction.atomic():
            Presence.objects.filter(pk=self.pk).update(audio=False)
            Activity.record(self.room, Activity.Kind.MUTED, by=by, detail=self.display_name)
            push.muted(self.room.code, self.peer_id, by.name)
            transaction.on_commit(partial(self.moderate, True), robust=True)
        self.audio = False

    def moderate(self, muted: bool) -> None:
        """Through Janus, a host's Mute also has Janus drop this person's microphone (so a page
        that ignores `muted` is silent all the same) until their own Microphone click lifts it."""
        from . import janus
        from .access import RoomAccess

        access = self.session_key and RoomAccess.of_session(self.room, self.session_key)
        if janus.enabled() and access:
            janus.mute(self.room, access.janus_holder, muted=muted)

    def remove(self, *, by: Actor) -> None:
        """A host ends this person's visit at once: every meeting socket of their browser in
        the room closes, their admission (session and allowed request) ends, and to come back
        they ask again. Never the owner."""
        self._end_visit(Activity.Kind.REMOVED, "removed", by=by)

    def send_to_waiting(self, *, by: Actor) -> None:
        """In a locked room, a host sends this person back to the lobby, waiting with a pending
        request as if they had just asked. Never the owner."""
        if not self.room.locked:
            raise MeetingActionRefused(
                "Only a locked room has a waiting room: lock the room first, or remove them."
            )
        self._end_visit(Activity.Kind.SENT_TO_WAITING, "waiting", by=by)

    def _end_visit(self, kind: str, reason: str, *, by: Actor) -> None:
        from . import janus
        from .access import RoomAccess

        if self.is_owner:
            raise MeetingActionRefused("The room's owner stays: nobody can remove them.")
        room = self.room
        with transaction.atomic():
            tabs = room.presences.filter(pk=self.pk)
            access = self.session_key and RoomAccess.of_session(room, self.session_key)
            if self.session_key:  # Every tab of their browser.
                tabs = room.presences.filter(session_key=self.session_key)
            peers = [(room.code, peer) for peer in tabs.values_list("peer_id", flat=True)]
            if access:
                access.removed()
                if reason == "waiting":
                    access.wait(self.display_name)
                access.session.save()
                janus.revoke(room, access.janus_holder)
            tabs.delete()
            Activity.record(room, kind, by=by, detail=self.display_name)
            push.close_meetings(peers, reason)


class RoomSocket(models.Model):
    """One socket of a room's streams (the lobby's, the room page's, the meeting), so that every
    process counts a browser's and an address's open sockets against the caps.

    Refreshed every PRESENCE_HEARTBEAT (rooms.consumers.Beats, one write per process): the rows
    of a process that died stop counting, and go. A room page's sockets (`member`) are kept for
    ADMISSION_GRACE after they close, `closed`: they say when this browser was last in the room,
    which is how long its admission lasts (RoomAccess.member)."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="+")
    channel_name = models.CharField(max_length=200, unique=True)
    session_key = models.CharField(max_length=40, editable=False)
    client = models.CharField(max_length=32, editable=False)  # client_pseudonym(address)
    member = models.BooleanField(default=False, editable=False)  # On the room page, let in.
    closed = models.BooleanField(default=False, editable=False)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["room", "session_key"]),
            models.Index(fields=["room", "client"]),
        ]

    def __str__(self) -> str:
        return f"{self.channel_name} in {self.room_id}"

    @classmethod
    def claim(
        cls, room: Room, channel_name: str, session_key: str, address: str, member: bool = False
    ) -> bool:
        """Count this socket in, unless its session or its address (common.limits.network)
        already has as many open in the room as ROOM_SOCKETS_PER_SESSION or _PER_ADDRESS allow
        (or the room is gone); then nothing is stored (False).

        Counted and stored under the room's row lock, so sockets opening at once take their
        turns: a burst gets exactly the caps, never more, and never none."""
        since = timezone.now() - presence_timeout()
        client = client_pseudonym(address)
        with transaction.atomic():
            if not Room.objects.select_for_update(no_key=True).filter(pk=room.pk).exists():
                return False
            stale = models.Q(seen_at__lt=since, member=False) | models.Q(
                seen_at__lt=admission_since()
            )
            cls.objects.filter(stale, room=room).delete()
            counts = cls.objects.filter(room=room, closed=False, seen_at__gte=since).aggregate(
                session=models.Count("pk", filter=models.Q(session_key=session_key)),
                address=models.Count("pk", filter=models.Q(client=client)),
            )
            if (
                counts["session"] >= settings.ROOM_SOCKETS_PER_SESSION
                or counts["address"] >= settings.ROOM_SOCKETS_PER_ADDRESS
            ):
                return False
            cls.objects.create(
                room=room,
                channel_name=channel_name,
                session_key=session_key,
                client=client,
                member=member,
            )
        return True

    @classmethod
    def release(cls, channel_name: str, member: bool = False) -> None:
        """The socket closed: a room page's row stays, as when this browser was last in."""
        rows = cls.objects.filter(channel_name=channel_name)
        if member:
            rows.update(closed=True, seen_at=timezone.now())
        else:
            rows.delete()

    @classmethod
    def recently_in(cls, room: Room, session_key: str) -> bool:
        """This browser has the room page open, or had within ADMISSION_GRACE."""
        rows = cls.objects.filter(room=room, session_key=session_key, member=True)
        return bool(session_key) and rows.filter(seen_at__gte=admission_since()).exists()


class Activity(models.Model):
    """What happened to a room, written in the same transaction as the change it records."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        RENAMED = "renamed", "Renamed"
        PRIVACY = "privacy", "Privacy changed"
        LINKS = "links", "Links regenerated"
        CUSTOMIZED = "customized", "Customized"
        DUPLICATED = "duplicated", "Duplicated"
        ALLOWED = "allowed", "Guest allowed"
        DENIED = "denied", "Guest denied"
        DENIED_ALL = "denied_all", "Everyone waiting denied"
        DELETED = "deleted", "Deleted"
        MUTED = "muted", "Muted"
        REMOVED = "removed", "Removed from room"
        SENT_TO_WAITING = "sent_to_waiting", "Sent to waiting room"
        ENDED = "ended", "Meeting ended for all"

    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    room_name = models.CharField(max_length=NAME_MAX_LENGTH)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="room_activities"
    )
    kind = models.CharField(max_length=20, choices=Kind)
    detail = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=50, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.room_name}"

    @classmethod
    def record(cls, room: Room, kind: str, *, by: Actor, detail: str = "") -> Activity:
        return cls.objects.create(
            room=room,
            room_name=room.name,
            owner_id=room.owner_id,
            kind=kind,
            detail=detail,
            actor=by.user,
            actor_name=by.name,
        )


@receiver(post_init, sender=Room)
def remember_host_digest(sender: type[Room], instance: Room, **kwargs: object) -> None:
    # Compared after a save: new links must drop host rights that came from the old host link.
    instance._stored_host_digest = instance.__dict__.get("host_digest")


@receiver(post_save, sender=Room)
def tell_streams_links_changed(sender: type[Room], instance: Room, **kwargs: object) -> None:
    """However the links were regenerated (a view, the admin, a script), old hosts hear of it."""
    if not kwargs.get("created") and instance._stored_host_digest != instance.host_digest:
        push.room_changed(instance.code)
    instance._stored_host_digest = instance.host_digest


@receiver(post_delete, sender=Room)
def tell_streams_room_deleted(sender: type[Room], instance: Room, **kwargs: object) -> None:
    """Deleting from the dashboard, the admin or with the owner's account tells everyone in it."""
    push.room_deleted(instance.code, instance.owner_id)


@receiver(sessions.key_changed)
def follow_a_new_session_key(sender: type, old: str, new: str, **kwargs: object) -> None:
    """A session got a new key (a log-in, a grant): its rows in rooms follow, so a host's
    removal still reaches its admission and the socket caps still count its open sockets."""
    Presence.objects.filter(session_key=old).update(session_key=new)
    RoomSocket.objects.filter(session_key=old).update(session_key=new)


@receiver(user_logged_out)
def close_meetings_on_logout(sender: type, request: object, **kwargs: object) -> None:
    """Logging out ends this browser's visits (its session goes): its meetings close at once,
    and its other sockets opened as the account check again (rooms.consumers)."""
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        peers = Presence.objects.filter(session_key=key).values_list("room__code", "peer_id")
        push.close_meetings(list(peers), "logout")
    if kwargs.get("user") is not None:
        push.account_changed(kwargs["user"].pk)


@receiver(post_init, sender=settings.AUTH_USER_MODEL)
def remember_password(sender: type, instance: User, **kwargs: object) -> None:
    instance._stored_password = instance.__dict__.get("password")


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def recheck_sockets_on_new_password(sender: type, instance: User, **kwargs: object) -> None:
    """A new password ends the account's other sessions (Django's session hash), however it
    was set (the change or reset form, the admin, a script): their open sockets close."""
    password = instance.__dict__.get("password")
    if not kwargs.get("created") and instance._stored_password != password:
        push.account_changed(instance.pk)
    instance._stored_password = password


class JanusRoom(models.Model):
    """Where a room's meeting lives on Janus: the instance, the VideoRoom's id and its secret.

    One live row per room (rooms/janus.py). Deleting the room, new links, "End meeting for all"
    and an unreachable instance retire it; a retired row stays until that instance has
    destroyed the VideoRoom and forgotten its tokens, so nothing is left behind on a Janus that
    was only out of reach for a while.
    """

    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.SET_NULL, related_name="janus_rooms"
    )
    server = models.CharField(max_length=200)  # The instance's entry in JANUS_URL.
    janus_id = models.BigIntegerField()
    secret = models.CharField(max_length=64, editable=False)
    # The participant link's digest when placed: new links retire the placement.
    links = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["room"], condition=models.Q(retired_at=None), name="one_live_janus_room"
            ),
            models.UniqueConstraint(fields=["server", "janus_id"], name="one_janus_id_per_server"),
        ]

    def __str__(self) -> str:
        return f"VideoRoom {self.janus_id} on {self.server}"


class JanusCredential(models.Model):
    """What one admitted person presents to Janus for one room: a token Janus checks itself.

    Live while expires_at is ahead; its holder renews it while they stay. A dead one (expired,
    revoked, or of a retired room) is removed from Janus first and only then deleted here.
    """

    janus_room = models.ForeignKey(JanusRoom, on_delete=models.CASCADE, related_name="credentials")
    holder = models.CharField(max_length=64)
    token = models.CharField(max_length=64, unique=True, editable=False)
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["janus_room", "holder"])]

    def __str__(self) -> str:
        return f"{self.holder} in {self.janus_room}"
