# Type stubs for konfero (the _konfero extension, re-exported).
# Ids are ints, times float Unix seconds, durations float seconds; inputs
# also accept datetime / timedelta.
from __future__ import annotations

import datetime
import enum
from types import TracebackType
from typing import Callable, ClassVar, Optional, Union, overload

from . import audio as audio  # the mixer: stubs in audio.pyi

Time = Union[float, int, datetime.datetime]
Duration = Union[float, int, datetime.timedelta]

# ---- Errors -----------------------------------------------------------------

class StatusCode(enum.Enum):
    OK = 0
    CANCELLED = 1
    UNKNOWN = 2
    INVALID_ARGUMENT = 3
    DEADLINE_EXCEEDED = 4
    NOT_FOUND = 5
    ALREADY_EXISTS = 6
    PERMISSION_DENIED = 7
    RESOURCE_EXHAUSTED = 8
    FAILED_PRECONDITION = 9
    ABORTED = 10
    OUT_OF_RANGE = 11
    UNIMPLEMENTED = 12
    INTERNAL = 13
    UNAVAILABLE = 14
    DATA_LOSS = 15
    UNAUTHENTICATED = 16

class Error(Exception):
    code: ClassVar[StatusCode]
    message: str

class CancelledError(Error): ...
class UnknownError(Error): ...
class InvalidArgumentError(Error, ValueError): ...
class DeadlineExceededError(Error, TimeoutError): ...
class NotFoundError(Error, LookupError): ...
class AlreadyExistsError(Error): ...
class PermissionDeniedError(Error, PermissionError): ...
class ResourceExhaustedError(Error): ...
class FailedPreconditionError(Error): ...
class AbortedError(Error): ...
class OutOfRangeError(Error): ...
class UnimplementedError(Error, NotImplementedError): ...
class InternalError(Error): ...
class UnavailableError(Error): ...
class DataLossError(Error): ...
class UnauthenticatedError(Error): ...

# ---- Clocks and randomness ----------------------------------------------------

class Clock:
    def now(self) -> float: ...

class SystemClock(Clock):
    def __init__(self) -> None: ...

class ManualClock(Clock):
    def __init__(self, start: Time = 1700000000.0) -> None: ...
    def advance(self, seconds: Duration) -> None: ...
    def set(self, time: Time) -> None: ...

class RandomSource:
    """Subclass and define fill(n) to supply the bytes (tests only)."""
    def __init__(self) -> None: ...
    def fill(self, n: int) -> bytes: ...

# ---- Enums ----------------------------------------------------------------------

class ConferenceState(enum.Enum):
    IDLE = 0
    WAITING = 1
    RUNNING = 2
    ON_HOLD = 3
    @property
    def label(self) -> str: ...

class ParticipantRole(enum.Enum):
    MODERATOR = 0
    BROWSER_GUEST = 1
    PHONE_GUEST = 2
    @property
    def label(self) -> str: ...

class LeaveReason(enum.Enum):
    LEFT = 0
    DISCONNECTED = 1
    KICKED = 2
    ACCESS_REVOKED = 3
    ROOM_DELETED = 4
    MEMBERSHIP_REVOKED = 5
    @property
    def label(self) -> str: ...

# ---- Value types (keyword constructors, mutable records) --------------------------

class UserInfo:
    id: int
    login: str
    display_name: str
    admin: bool
    def __init__(self, *, id: int = ..., login: str = ..., display_name: str = ...,
                 admin: bool = ...) -> None: ...

class Session:
    token: str
    user: int
    expires_at: float
    def __init__(self, *, token: str = ..., user: int = ...,
                 expires_at: Time = ...) -> None: ...

class PublicAccess:
    is_public: bool
    dial_in_number: str
    pin: str
    url_token: str
    url: str
    invitation_en: str
    invitation_de: str
    def __init__(self, *, is_public: bool = ..., dial_in_number: str = ...,
                 pin: str = ..., url_token: str = ..., url: str = ...,
                 invitation_en: str = ..., invitation_de: str = ...) -> None: ...

class RoomInfo:
    id: int
    name: str
    members: list[int]
    is_public: bool
    state: ConferenceState
    guests_waiting: bool
    participant_count: int
    def __init__(self, *, id: int = ..., name: str = ..., members: list[int] = ...,
                 is_public: bool = ..., state: ConferenceState = ...,
                 guests_waiting: bool = ..., participant_count: int = ...) -> None: ...

class ParticipantInfo:
    id: int
    room: int
    role: ParticipantRole
    display_name: str
    user: Optional[int]
    muted: bool
    waiting: bool
    joined_at: float
    def __init__(self, *, id: int = ..., room: int = ..., role: ParticipantRole = ...,
                 display_name: str = ..., user: Optional[int] = ...,
                 muted: bool = ..., waiting: bool = ...,
                 joined_at: Time = ...) -> None: ...

class RoomSnapshot:
    room: RoomInfo
    conference_id: int
    participants: list[ParticipantInfo]
    def __init__(self, *, room: RoomInfo = ..., conference_id: int = ...,
                 participants: list[ParticipantInfo] = ...) -> None: ...

class ChatMessage:
    id: int
    room: int
    conference_id: int
    sender_user: Optional[int]
    sender_name: str
    sender_role: ParticipantRole
    text: str
    sent_at: float
    def __init__(self, *, id: int = ..., room: int = ..., conference_id: int = ...,
                 sender_user: Optional[int] = ..., sender_name: str = ...,
                 sender_role: ParticipantRole = ..., text: str = ...,
                 sent_at: Time = ...) -> None: ...

class JoinResult:
    participant: int
    room: int
    role: ParticipantRole
    state: ConferenceState
    waiting: bool
    def __init__(self, *, participant: int = ..., room: int = ...,
                 role: ParticipantRole = ..., state: ConferenceState = ...,
                 waiting: bool = ...) -> None: ...

class GuestRoomInfo:
    room_name: str
    state: ConferenceState
    moderator_present: bool
    def __init__(self, *, room_name: str = ..., state: ConferenceState = ...,
                 moderator_present: bool = ...) -> None: ...

class BanInfo:
    id: int
    room: int
    display_name: str
    since: float
    def __init__(self, *, id: int = ..., room: int = ..., display_name: str = ...,
                 since: Time = ...) -> None: ...

class RateLimit:
    max_failures: int
    window: float
    lockout: float
    def __init__(self, *, max_failures: int = 5, window: Duration = 60.0,
                 lockout: Duration = 300.0) -> None: ...

class RoomServiceOptions:
    database: str
    database_busy_timeout: float
    dial_in_number: str
    base_url: str
    guest_seats: int
    pin_digits: int
    session_ttl: float
    login_limit: RateLimit
    guest_code_limit: RateLimit
    guest_code_global_limit: RateLimit
    max_chat_bytes: int
    chat_history_limit: int
    def __init__(self, *, database: str = ":memory:",
                 database_busy_timeout: Duration = 2.0,
                 dial_in_number: str = "",
                 base_url: str = "http://127.0.0.1:8080/join/",
                 guest_seats: int = 10, pin_digits: int = 6,
                 session_ttl: Duration = 43200.0,
                 login_limit: RateLimit = ..., guest_code_limit: RateLimit = ...,
                 guest_code_global_limit: RateLimit = ...,
                 max_chat_bytes: int = 4000,
                 chat_history_limit: int = 500) -> None: ...

class RoomStats:
    """Counts over the whole service (RoomService.get_stats()); read-only."""
    @property
    def rooms_idle(self) -> int: ...
    @property
    def rooms_waiting(self) -> int: ...
    @property
    def rooms_running(self) -> int: ...
    @property
    def rooms_on_hold(self) -> int: ...
    @property
    def rooms_with_guests_waiting(self) -> int: ...
    @property
    def moderators(self) -> int: ...
    @property
    def browser_guests(self) -> int: ...
    @property
    def phone_guests(self) -> int: ...
    @property
    def guest_seats_in_use(self) -> int: ...
    @property
    def guest_seats_total(self) -> int: ...

class KickOptions:
    regenerate_access: bool
    def __init__(self, *, regenerate_access: bool = False) -> None: ...

class BrowserGuestJoin:
    url_token: str
    display_name: str
    guest_key: str
    source: str
    def __init__(self, *, url_token: str = ..., display_name: str = ...,
                 guest_key: str = ..., source: str = ...) -> None: ...

class PhoneGuestJoin:
    pin: str
    caller: str
    source: str
    room: Optional[int]
    def __init__(self, *, pin: str = ..., caller: str = ..., source: str = ...,
                 room: Optional[int] = ...) -> None: ...

# ---- Events (read-only) ------------------------------------------------------------

class RoomCreated:
    __match_args__ = ("name",)
    @property
    def name(self) -> str: ...

class RoomRenamed:
    __match_args__ = ("name",)
    @property
    def name(self) -> str: ...

class RoomDeleted:
    __match_args__ = ()

class MembersChanged:
    __match_args__ = ()

class ParticipantJoined:
    __match_args__ = ("participant",)
    @property
    def participant(self) -> ParticipantInfo: ...

class ParticipantLeft:
    __match_args__ = ("participant", "role", "display_name", "reason")
    @property
    def participant(self) -> int: ...
    @property
    def role(self) -> ParticipantRole: ...
    @property
    def display_name(self) -> str: ...
    @property
    def reason(self) -> LeaveReason: ...

class ParticipantMuted:
    __match_args__ = ("participant", "muted", "by")
    @property
    def participant(self) -> int: ...
    @property
    def muted(self) -> bool: ...
    @property
    def by(self) -> int: ...

class ConferenceStateChanged:
    __match_args__ = ("from_", "to", "conference_id")
    @property
    def from_(self) -> ConferenceState: ...
    @property
    def to(self) -> ConferenceState: ...
    @property
    def conference_id(self) -> int: ...

class GuestsWaitingChanged:
    __match_args__ = ("guests_waiting",)
    @property
    def guests_waiting(self) -> bool: ...

class AccessChanged:
    __match_args__ = ("is_public", "regenerated")
    @property
    def is_public(self) -> bool: ...
    @property
    def regenerated(self) -> bool: ...

class ChatPosted:
    __match_args__ = ("message",)
    @property
    def message(self) -> ChatMessage: ...

class GuestBanned:
    __match_args__ = ("ban",)
    @property
    def ban(self) -> BanInfo: ...

class BanLifted:
    __match_args__ = ("ban",)
    @property
    def ban(self) -> int: ...

EventBody = Union[RoomCreated, RoomRenamed, RoomDeleted, MembersChanged,
                  ParticipantJoined, ParticipantLeft, ParticipantMuted,
                  ConferenceStateChanged, GuestsWaitingChanged, AccessChanged,
                  ChatPosted, GuestBanned, BanLifted]

class Event:
    __match_args__ = ("seq", "room", "at", "name", "body")
    @property
    def seq(self) -> int: ...
    @property
    def room(self) -> int: ...
    @property
    def at(self) -> float: ...
    @property
    def name(self) -> str: ...
    @property
    def body(self) -> EventBody: ...

# ---- The service ---------------------------------------------------------------------

class RoomService:
    @staticmethod
    def open(options: RoomServiceOptions = ..., clock: Optional[Clock] = None,
             random: Optional[RandomSource] = None) -> RoomService: ...
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...
    def __enter__(self) -> RoomService: ...
    def __exit__(self, exc_type: Optional[type[BaseException]],
                 exc: Optional[BaseException],
                 tb: Optional[TracebackType]) -> None: ...

    # Users and sessions
    def bootstrap_admin(self, login: str, display_name: str,
                        password: str) -> UserInfo: ...
    def create_user(self, admin_session: str, login: str, display_name: str,
                    password: str, admin: bool = False) -> UserInfo: ...
    def list_users(self, session: str) -> list[UserInfo]: ...
    def change_password(self, session: str, old_password: str,
                        new_password: str) -> None: ...
    def login(self, login: str, password: str, source: str = "") -> Session: ...
    def logout(self, session: str) -> None: ...
    def who_am_i(self, session: str) -> UserInfo: ...

    # Rooms
    def create_room(self, session: str, name: str) -> RoomInfo: ...
    def rename_room(self, session: str, room: int, name: str) -> None: ...
    def delete_room(self, session: str, room: int) -> None: ...
    def list_rooms(self, session: str) -> list[RoomInfo]: ...
    def get_room(self, session: str, room: int) -> RoomSnapshot: ...
    def add_member(self, session: str, room: int, login: str) -> None: ...
    def remove_member(self, session: str, room: int, login: str) -> None: ...

    # Public access
    def set_public(self, session: str, room: int, is_public: bool) -> PublicAccess: ...
    def regenerate_access(self, session: str, room: int) -> PublicAccess: ...
    def get_access(self, session: str, room: int) -> PublicAccess: ...

    # Joining and leaving
    def join_as_member(self, session: str, room: int) -> JoinResult: ...
    @overload
    def join_as_browser_guest(self, join: BrowserGuestJoin) -> JoinResult: ...
    @overload
    def join_as_browser_guest(self, *, url_token: str, display_name: str,
                              guest_key: str, source: str = "") -> JoinResult: ...
    def look_up_guest_url(self, url_token: str, source: str = "") -> GuestRoomInfo: ...
    @overload
    def join_as_phone_guest(self, join: PhoneGuestJoin) -> JoinResult: ...
    @overload
    def join_as_phone_guest(self, *, pin: str, caller: str = "", source: str = "",
                            room: Optional[int] = None) -> JoinResult: ...
    def leave(self, participant: int) -> None: ...
    def disconnect(self, participant: int) -> None: ...

    # Moderation
    def kick(self, moderator: int, target: int,
             options: KickOptions = ...) -> None: ...
    def list_bans(self, moderator: int) -> list[BanInfo]: ...
    def lift_ban(self, moderator: int, ban: int) -> None: ...
    def set_muted(self, actor: int, target: int, muted: bool) -> None: ...
    def get_participant(self, participant: int) -> ParticipantInfo: ...
    def get_room_as_participant(self, participant: int) -> RoomSnapshot: ...

    # Chat
    def post_chat(self, sender: int, text: str) -> ChatMessage: ...
    def post_chat_as_member(self, session: str, room: int, text: str) -> ChatMessage: ...
    def chat_history(self, reader: int) -> list[ChatMessage]: ...
    def chat_history_as_member(self, session: str, room: int) -> list[ChatMessage]: ...

    # Licences and events
    @property
    def guest_seats_total(self) -> int: ...
    @property
    def guest_seats_in_use(self) -> int: ...
    def get_stats(self) -> RoomStats: ...
    def subscribe(self, callback: Callable[[Event], object],
                  room: Optional[int] = None) -> int: ...
    def unsubscribe(self, subscription: int) -> None: ...

# ---- Media totals ------------------------------------------------------------------------

class TaskQueue:
    """Runs the media workers' reports on the Python thread; its fd is
    readable while reports wait (see attach_to_asyncio)."""
    def __init__(self) -> None: ...
    def fileno(self) -> int: ...
    def run_pending(self) -> int: ...
    def wait(self, timeout: float) -> int: ...
    @property
    def pending(self) -> int: ...

def attach_to_asyncio(queue: TaskQueue, loop: object = None) -> Callable[[], None]: ...

class LegKind(enum.Enum):
    WEBRTC = 0
    PLAIN_RTP = 1

class InbandDtmf(enum.Enum):
    AUTO = 0
    ON = 1
    OFF = 2

class RtpLegOptions:
    """How a plain-RTP leg behaves (Engine.connect_rtp, create_rtp_offer)."""
    symmetric_rtp: bool
    rtp_timeout: float
    inband_dtmf: InbandDtmf
    codecs: list  # of konfero.Codec, best first; empty: Opus, G.722, PCMU, PCMA
    def __init__(self, *, symmetric_rtp: bool = True, rtp_timeout: Duration = 30.0,
                 inband_dtmf: InbandDtmf = InbandDtmf.AUTO,
                 codecs: Optional[list] = None) -> None: ...

class EngineTotals:
    """Engine.totals(): sums over the legs connected now; read-only."""
    @property
    def peers(self) -> int: ...
    @property
    def rtp_legs(self) -> int: ...
    @property
    def rtp_packets_in(self) -> int: ...
    @property
    def rtp_packets_out(self) -> int: ...
    @property
    def bytes_in(self) -> int: ...
    @property
    def bytes_out(self) -> int: ...
    @property
    def layer_switches(self) -> int: ...
    @property
    def mixer_ticks(self) -> int: ...
    @property
    def mixer_tick_seconds(self) -> float: ...
    @property
    def mixer_tick_max_seconds(self) -> float: ...

# ---- Signalling (docs/protocol.md) ---------------------------------------------------------

class SignallingStats:
    @property
    def sessions(self) -> int: ...
    @property
    def joined(self) -> int: ...
    @property
    def in_grace(self) -> int: ...
    @property
    def frames_in(self) -> int: ...
    @property
    def frames_out(self) -> int: ...
    @property
    def errors_sent(self) -> int: ...

class SignallingSession:
    def on_message(self, frame: str) -> None: ...
    def on_socket_closed(self) -> None: ...

class SignallingHub:
    """Callbacks run synchronously and must not call back into the hub or a
    session; shut the hub down before stopping the engine or closing the
    service."""
    @staticmethod
    def create(service: RoomService, engine: object,  # a konfero.Engine
               reconnect_grace: Duration = 20.0,
               max_frame_bytes: int = 262144) -> SignallingHub: ...
    def open(self, source_address: str, send: Callable[[str], object],
             close: Callable[[], object]) -> SignallingSession: ...
    def poll(self) -> None: ...
    def stats(self) -> SignallingStats: ...
    def shutdown(self) -> None: ...
