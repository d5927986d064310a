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
    device_cookie: str
    def __init__(self, *, token: str = ..., user: int = ...,
                 expires_at: Time = ..., device_cookie: str = ...) -> None: ...

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
    phone_caller_limit: RateLimit
    phone_room_limit: RateLimit
    phone_slow_answer_delay: float
    max_chat_bytes: int
    chat_history_limit: int
    max_guests_per_address: int
    max_guests_per_room: int
    chat_burst: int
    chat_messages_per_second: float
    max_chat_messages_per_conference: int
    chat_retention: float
    def __init__(self, *, database: str = ":memory:",
                 database_busy_timeout: Duration = 2.0,
                 dial_in_number: str = "",
                 base_url: str = "http://127.0.0.1:8080/join/",
                 guest_seats: int = 10, pin_digits: int = 6,
                 session_ttl: Duration = 43200.0,
                 login_limit: RateLimit = ..., guest_code_limit: RateLimit = ...,
                 guest_code_global_limit: RateLimit = ...,
                 phone_caller_limit: RateLimit = ...,
                 phone_room_limit: RateLimit = ...,
                 phone_slow_answer_delay: Duration = 20.0,
                 max_chat_bytes: int = 4000,
                 chat_history_limit: int = 500,
                 max_guests_per_address: int = 20,
                 max_guests_per_room: int = 100,
                 chat_burst: int = 10,
                 chat_messages_per_second: float = 2.0,
                 max_chat_messages_per_conference: int = 2000,
                 chat_retention: Duration = 2592000.0) -> None: ...

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

class PhoneJoinAttempt:
    """RoomService.try_join_as_phone_guest(): `result` or `error` (not
    raised), and how long to hold the outcome before the caller hears it."""
    @property
    def result(self) -> Optional[JoinResult]: ...
    @property
    def error(self) -> Optional[Error]: ...
    @property
    def answer_delay(self) -> float: ...
    def unwrap(self) -> JoinResult: ...

def mask_caller_id(caller: str) -> str: ...

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
    def login(self, login: str, password: str, source: str = "",
              device_cookie: str = "") -> Session: ...
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
    @overload
    def try_join_as_phone_guest(self, join: PhoneGuestJoin) -> PhoneJoinAttempt: ...
    @overload
    def try_join_as_phone_guest(self, *, pin: str, caller: str = "", source: str = "",
                                room: Optional[int] = None) -> PhoneJoinAttempt: ...
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
    def purge_expired_chat(self) -> int: ...

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

# ---- The engine ------------------------------------------------------------------------------

class PeerState(enum.Enum):
    CONNECTING = 0
    CONNECTED = 1
    DISCONNECTED = 2
    FAILED = 3
    CLOSED = 4

class VideoSource(enum.Enum):
    CAMERA = 0
    SCREEN = 1

class PeerStats:
    """Engine.stats(participant): one leg's counters; read-only."""
    kind: LegKind
    state: PeerState
    rtp_packets_in: int
    rtp_packets_out: int
    bytes_in: int
    bytes_out: int
    srtp_failures: int
    data_messages_in: int
    data_messages_out: int
    data_messages_dropped: int
    video_packets_in: int
    video_packets_out: int
    rtx_packets_out: int
    nacks_in: int
    keyframe_requests_in: int
    keyframe_requests_out: int
    transport_feedback_out: int
    layer_switches: int
    impairment_drops: int
    bandwidth_estimate_bps: int
    rtcp_packets_in: int
    rtcp_packets_out: int
    invalid_packets_in: int
    dtmf_digits_in: int

class EngineOptions:
    bind_address: str
    port: int
    workers: int
    announced_addresses: list[str]
    consent_timeout: float
    rtp_port_min: int
    rtp_port_max: int
    def __init__(self, *, bind_address: str = "127.0.0.1", port: int = 0,
                 workers: int = 0, announced_addresses: Optional[list[str]] = None,
                 consent_timeout: Duration = 30.0, rtp_port_min: int = 0,
                 rtp_port_max: int = 0) -> None: ...

class PromptId(enum.Enum):
    ENTER_PIN = 0
    WRONG_PIN = 1
    REMINDER = 2
    GOODBYE = 3
    WAIT_FOR_MODERATOR = 4
    CONFERENCE_ENDED = 5
    REMOVED = 6
    SERVICE_UNAVAILABLE = 7

class PromptLanguage(enum.Enum):
    ENGLISH = 0
    GERMAN = 1

class CallEventType(enum.Enum):
    DIGIT = 0
    PROMPTS_DONE = 1
    ENDED = 2

class CallEvent:
    """Engine.on_call_event: a call before admission; read-only."""
    @property
    def call(self) -> int: ...
    @property
    def type(self) -> CallEventType: ...
    @property
    def digit(self) -> str: ...
    @property
    def reason(self) -> str: ...

class Engine:
    """Stop it before closing the service; a DialInService on it closes first."""
    @staticmethod
    def start(service: RoomService, options: EngineOptions, queue: TaskQueue) -> Engine: ...
    def stop(self) -> None: ...
    @property
    def listen_addresses(self) -> list[str]: ...
    # WebRTC legs
    def connect(self, participant: int, offer: str) -> str: ...
    def create_offer(self, participant: int) -> str: ...
    def accept_answer(self, participant: int, answer: str) -> None: ...
    def disconnect(self, participant: int) -> None: ...
    # Plain-RTP legs
    def connect_rtp(self, participant: int, offer: str,
                    options: RtpLegOptions = ...) -> str: ...
    def create_rtp_offer(self, participant: int, options: RtpLegOptions = ...) -> str: ...
    def accept_rtp_answer(self, participant: int, answer: str) -> None: ...
    def send_dtmf(self, participant: int, digits: str) -> None: ...
    def on_dtmf(self, handler: Optional[Callable[[int, str], object]]) -> None: ...
    # Phone calls before they join (the PIN prompt)
    def answer_call(self, offer: str, options: RtpLegOptions = ...) -> tuple[int, str]: ...
    def offer_call(self, options: RtpLegOptions = ...) -> tuple[int, str]: ...
    def accept_call_answer(self, call: int, answer: str) -> None: ...
    def update_call(self, call: int, offer: str) -> str: ...
    def play_prompt(self, call: int, prompt: PromptId, language: PromptLanguage,
                    interrupt: bool = False) -> None: ...
    def play_participant_prompt(self, participant: int, prompt: PromptId,
                                language: PromptLanguage) -> None: ...
    def admit_call(self, call: int, participant: int) -> None: ...
    def hang_up_call(self, call: int) -> None: ...
    def on_call_event(self, handler: Optional[Callable[[CallEvent], object]]) -> None: ...
    # Any leg
    def stats(self, participant: int) -> PeerStats: ...
    def totals(self) -> EngineTotals: ...
    def set_video_subscription(self, subscriber: int, mid: str, paused: bool = False,
                               max_width: int = 0, max_height: int = 0) -> None: ...
    def set_video_paused(self, publisher: int, source: VideoSource, paused: bool) -> None: ...
    def set_egress_impairment(self, participant: int, loss: float = 0.0,
                              max_bitrate_bps: int = 0) -> None: ...
    def active_speaker(self, room: int) -> Optional[int]: ...

# ---- Dial-in (SIP) ------------------------------------------------------------------------

class DialInNumber:
    number: str
    room: Optional[int]
    language: PromptLanguage
    def __init__(self, *, number: str = "", room: Optional[int] = None,
                 language: PromptLanguage = PromptLanguage.ENGLISH) -> None: ...

class SipTrunk:
    name: str
    allow: list[str]
    realm: str
    username: str
    password: str
    def __init__(self, *, name: str = "", allow: Optional[list[str]] = None,
                 realm: str = "", username: str = "", password: str = "") -> None: ...

class SipRegistration:
    registrar: str
    username: str
    password: str
    expires: float
    number: str
    def __init__(self, *, registrar: str = "", username: str = "", password: str = "",
                 expires: Duration = 600.0, number: str = "") -> None: ...

class DialInOptions:
    """List fields return copies: assign a whole list."""
    listen: str
    tls_listen: str
    tls_cert_file: str
    tls_key_file: str
    announced_address: str
    numbers: list[DialInNumber]
    trunks: list[SipTrunk]
    registrations: list[SipRegistration]
    pin_timeout: float
    max_pin_attempts: int
    session_expires: float
    min_session_expires: float
    codecs: list  # of konfero.Codec, best first; empty: PCMU, PCMA, G.722, Opus
    max_calls: int
    def __init__(self, *, listen: str = "127.0.0.1:5060", tls_listen: str = "",
                 tls_cert_file: str = "", tls_key_file: str = "",
                 announced_address: str = "",
                 numbers: Optional[list[DialInNumber]] = None,
                 trunks: Optional[list[SipTrunk]] = None,
                 registrations: Optional[list[SipRegistration]] = None,
                 pin_timeout: Duration = 20.0, max_pin_attempts: int = 3,
                 session_expires: Duration = 1800.0,
                 min_session_expires: Duration = 90.0,
                 codecs: Optional[list] = None, max_calls: int = 500) -> None: ...

class DialInStats:
    """DialInService.stats(); read-only."""
    @property
    def calls_answering(self) -> int: ...
    @property
    def calls_pin(self) -> int: ...
    @property
    def calls_in_conference(self) -> int: ...
    @property
    def calls_total(self) -> int: ...
    @property
    def calls_rejected(self) -> int: ...
    @property
    def pin_failures(self) -> int: ...
    @property
    def registrations_ok(self) -> int: ...
    @property
    def registration_failures(self) -> int: ...
    @property
    def malformed_messages(self) -> int: ...

class DialInService:
    """SIP runs when the engine's TaskQueue runs. Close it before stopping
    the engine (engine.stop() and service.close() close it first)."""
    @staticmethod
    def start(service: RoomService, engine: Engine, options: DialInOptions,
              queue: Optional[TaskQueue] = None) -> DialInService: ...
    def stats(self) -> DialInStats: ...
    @property
    def listen_addresses(self) -> list[str]: ...
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...
    def __enter__(self) -> DialInService: ...
    def __exit__(self, exc_type: Optional[type[BaseException]],
                 exc: Optional[BaseException],
                 tb: Optional[TracebackType]) -> None: ...

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
    def create(service: RoomService, engine: Engine,
               reconnect_grace: Duration = 20.0,
               max_frame_bytes: int = 262144) -> SignallingHub: ...
    def open(self, source_address: str, send: Callable[[str], object],
             close: Callable[[], object]) -> SignallingSession: ...
    def poll(self) -> None: ...
    def stats(self) -> SignallingStats: ...
    def shutdown(self) -> None: ...
