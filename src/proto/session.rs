//! The session state machine of one client connection: Idle → Handshaking → Open → Closing →
//! Closed.
//!
//! Sans-I/O. The caller moves bytes: it feeds what the socket delivered to [`Session::read`]
//! (payload comes back as slices of the caller's own buffer, zero-copy) and writes what the
//! session encodes ([`Session::encode_frame`], [`Session::poll_control`]) to the socket. Time
//! (`now`, wrapping milliseconds) and masking keys come from the caller.
//!
//! A control frame's payload (at most 125 bytes) is taken whole: its event borrows the caller's
//! input, and the caller keeps the payload of the last Ping or Close received, which
//! [`Session::poll_control`] echoes (our pong, our Close reply). The session itself holds no
//! payload, so it stays small.
//!
//! Peer violations are not API errors: they become [`RxEvent::Failed`] with the close code to
//! send, a queued Close frame and a session that ignores any further input (§7.1.7).
//!
//! Here: the state, the handshake, reading and the timers; what the session reports and refuses
//! is in `session/events.rs`, the sending side in `session/send.rs`.

use super::close;
use super::frame::{HeaderDecoder, Opcode, MAX_CONTROL_PAYLOAD};
use super::handshake::{HandshakeError, OfferedProtocols, ParseEvent, ResponseParser};
use super::mask::apply_mask;
use super::utf8::Utf8Validator;

mod events;
mod send;
pub(crate) use events::RxMark;
pub use events::{MessageKind, ProtocolError, RxEvent, SendError, TimerEvent};
pub use send::header_len;

/// Bytes a complete control frame from [`Session::poll_control`] may take: header with mask
/// (6 bytes) and 125 bytes of payload.
pub const MAX_CONTROL_FRAME: usize = 6 + MAX_CONTROL_PAYLOAD;

/// Limits and timers of a session. Zero disables a timer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Largest message accepted (sum of its fragments); a larger one fails with 1009.
    pub max_message_len: u32,
    /// Send a keep-alive ping after this long without receiving anything (0: never).
    pub ping_interval_ms: u32,
    /// Fail when no pong arrives this long after a keep-alive ping (0: never).
    pub pong_timeout_ms: u32,
    /// After our Close went out, drop the transport if it is still up this much later (0: never).
    pub close_timeout_ms: u32,
}

/// Longest line of the handshake response, without its CRLF: the parser's 16-bit limit, so
/// that the caller's buffer bounds a line (one that fills it can never complete).
pub const HANDSHAKE_MAX_LINE: usize = u16::MAX as usize;
/// Longest handshake response head, every CRLF included: the parser's 16-bit limit, against a
/// server that never ends it.
pub const HANDSHAKE_MAX_HEAD: usize = u16::MAX as usize;

impl Config {
    /// Defaults: messages up to 2^32-1 bytes (the legacy limit), no keep-alive, a 5 s close
    /// timeout.
    pub const DEFAULT: Config = Config {
        max_message_len: u32::MAX,
        ping_interval_ms: 0,
        pong_timeout_ms: 0,
        close_timeout_ms: 5000,
    };
}

impl Default for Config {
    fn default() -> Self {
        Config::DEFAULT
    }
}

/// Where the session is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Nothing sent yet.
    Idle,
    /// Upgrade request sent; reading the response.
    Handshaking,
    /// Messages flow both ways.
    Open,
    /// A Close went one way (or the connection failed); waiting for the other.
    Closing,
    /// Close frames went both ways, or the handshake failed: the transport should go.
    Closed,
}

// Wire opcodes (RFC 6455 §5.2); bit 3 marks a control frame.
const OP_CONTINUATION: u8 = 0x0;
const OP_TEXT: u8 = 0x1;
const OP_BINARY: u8 = 0x2;
const OP_CONTROL: u8 = 0x8;
const OP_CLOSE: u8 = 0x8;
const OP_PING: u8 = 0x9;
const OP_PONG: u8 = 0xA;
/// `rx_op` between frames: zero, so that the fresh framing state is all zeros (written by a
/// memset, or not at all over a zeroed object, rather than copied from a constant).
const RX_IDLE: u8 = 0;
/// Set in `rx_op` while a frame is received, beside its wire opcode.
const RX_IN_FRAME: u8 = 0x10;

/// The receive side's framing state. Only the frames after the handshake need it, so it
/// shares its room with the handshake's response parser ([`Stage`]).
// (`repr(C)`, the byte fields first: inside the session they land below offset 32, in reach of
// Thumb's 16-bit `ldrb`/`strb`, which `Session::read` uses on every frame.)
#[derive(Debug, Clone)]
#[repr(C)]
struct Framing {
    /// The frame being received: `RX_IN_FRAME` and its wire opcode (the decoder let through
    /// 0–2 and 8–10 only; `RX_IDLE` between frames), FIN and the part of its payload not consumed yet (0 between
    /// frames; the payload's length stays in the decoder).
    rx_op: u8,
    rx_fin: bool,
    rx_msg: Option<MessageKind>,
    utf8: Utf8Validator,
    decoder: HeaderDecoder,
    rx_remaining: u32,
    rx_msg_len: u32,
    /// Payload bytes past the consumed point that were already validated and offered.
    validated_ahead: u32,
}

impl Framing {
    /// Between frames, no message.
    const NEW: Framing = Framing {
        decoder: HeaderDecoder::new(),
        rx_op: RX_IDLE,
        rx_fin: false,
        rx_remaining: 0,
        rx_msg: None,
        rx_msg_len: 0,
        utf8: Utf8Validator::new(),
        validated_ahead: 0,
    };

    /// Starts receiving a frame whose header just completed; a message may hold at most
    /// `max_message_len` bytes.
    fn start_frame(&mut self, max_message_len: u32) -> Result<Option<MessageKind>, ProtocolError> {
        let (op, fin) = (self.decoder.raw_opcode(), self.decoder.fin());
        // The sequence first: a frame out of it is 1002 at any length.
        match op {
            OP_TEXT | OP_BINARY if self.rx_msg.is_some() => {
                return Err(ProtocolError::ExpectedContinuation)
            }
            OP_CONTINUATION if self.rx_msg.is_none() => {
                return Err(ProtocolError::UnexpectedContinuation)
            }
            _ => {}
        }
        // Above u32::MAX is above any configurable limit.
        let len = self.decoder.len32().ok_or(ProtocolError::MessageTooBig)?;
        let started = match op {
            OP_TEXT | OP_BINARY => {
                if len > max_message_len {
                    return Err(ProtocolError::MessageTooBig);
                }
                let kind = if op == OP_TEXT {
                    MessageKind::Text
                } else {
                    MessageKind::Binary
                };
                self.rx_msg = Some(kind);
                self.rx_msg_len = len;
                self.utf8.reset();
                Some(kind)
            }
            OP_CONTINUATION => {
                let total = self.rx_msg_len.checked_add(len);
                match total {
                    Some(t) if t <= max_message_len => self.rx_msg_len = t,
                    _ => return Err(ProtocolError::MessageTooBig),
                }
                None
            }
            _ => None,
        };
        self.validated_ahead = 0;
        self.rx_op = RX_IN_FRAME | op;
        self.rx_fin = fin;
        self.rx_remaining = len;
        Ok(started)
    }
}

/// What one phase needs, in one place: the response parser while handshaking, the framing
/// state before and after (40 bytes on 32-bit targets instead of 76 for both).
#[derive(Debug, Clone)]
enum Stage {
    Handshake(ResponseParser),
    Frames(Framing),
}

/// One client connection's protocol state: 76 bytes on 32-bit targets; no heap, no borrows.
// (`repr(C)`, in this order: the flags and the framing state's bytes below offset 32, the 16-bit
// fields below 64, so that Thumb's 16-bit loads and stores reach them, also with the session
// 12 bytes into the C API's WebSocket state; the compiler's own order put every flag past 64,
// the framing bytes too. 150-200 B less code in every build.)
#[derive(Debug, Clone)]
#[repr(C)]
pub struct Session {
    state: State,
    // Receive side.
    rx_stopped: bool,
    /// A keep-alive ping was decided (not written: a blocked socket must not stop the pong
    /// timer, which starts again while our bytes ahead of it go out, `tx_progress`) and its
    /// pong has not come.
    ping_sent: bool,
    /// The close was decided: our Close queued by the application, a failure, or the server's
    /// Close. The close timeout runs from then, written or not.
    close_started: bool,
    // Send side.
    close_sent: bool,
    pong_owed: bool,
    pending_ping: bool,
    tx_fragmented: bool,
    failure: Option<ProtocolError>,
    /// The server's Close code (1005 for an empty one); 0 until it arrived.
    close_received: u16,
    /// Our Close, owed: the code to send, or `NO_STATUS` for an empty body (a reply echoes the
    /// server's code and reason, a failure sends the bare 1002/1007/1009); 0 when none is.
    pending_close: u16,
    stage: Stage,
    /// Where the running timer started (one runs at a time, so one time is kept): the close's
    /// decision once it is made (`close_started`), else the keep-alive ping's decision while
    /// its pong is awaited (`ping_sent`), else the last receive (the idle clock).
    clock_ms: u32,
    cfg: Config,
}

// The layout the comment above describes (the size stays what the C API reserves for it).
const _: () = {
    assert!(core::mem::offset_of!(Session, stage) + core::mem::offset_of!(Framing, utf8) < 32);
    assert!(core::mem::offset_of!(Session, pending_close) < 64);
    assert!(core::mem::size_of::<Session>() == 76);
};

impl Session {
    /// A new, idle session.
    pub const fn new(cfg: Config) -> Self {
        Session {
            cfg,
            state: State::Idle,
            stage: Stage::Frames(Framing::NEW),
            rx_stopped: false,
            close_received: 0,
            failure: None,
            clock_ms: 0,
            tx_fragmented: false,
            close_sent: false,
            pong_owed: false,
            pending_close: 0,
            pending_ping: false,
            ping_sent: false,
            close_started: false,
        }
    }

    /// Back to a new, idle session with `cfg`, in place (field by field: no ~450-byte
    /// temporary on a small stack).
    pub fn reset(&mut self, cfg: Config) {
        self.cfg = cfg;
        self.state = State::Idle;
        self.frames_start();
        self.rx_stopped = false;
        self.close_received = 0;
        self.failure = None;
        self.clock_ms = 0;
        self.tx_fragmented = false;
        self.close_sent = false;
        self.pong_owed = false;
        self.pending_close = 0;
        self.pending_ping = false;
        self.ping_sent = false;
        self.close_started = false;
    }

    /// The current state.
    pub const fn state(&self) -> State {
        self.state
    }

    /// The configuration.
    pub const fn config(&self) -> &Config {
        &self.cfg
    }

    /// The configuration, to change before [`Session::reset`] or the handshake (a running
    /// session picks up new timers and limits as it goes).
    pub fn config_mut(&mut self) -> &mut Config {
        &mut self.cfg
    }

    /// The protocol error that failed the connection, if any.
    pub const fn failure(&self) -> Option<ProtocolError> {
        self.failure
    }

    /// The server's Close code (1005 for an empty Close), once received. (Its reason is in the
    /// payload of [`RxEvent::Close`], which the caller keeps.)
    pub fn close_received(&self) -> Option<u16> {
        (self.close_received != 0).then_some(self.close_received)
    }

    /// A pong is owed: the payload of the last Ping received is still needed.
    pub const fn pong_owed(&self) -> bool {
        self.pong_owed
    }

    /// True once our Close went out.
    pub const fn close_sent(&self) -> bool {
        self.close_sent
    }

    /// True once Close frames went both ways (or the transport closed), or our failure Close
    /// went out (the server's reply is not read then: RFC 6455 §7.1.7), while no close timeout
    /// is set: nothing would bound a wait for the server to close TCP now.
    // Inlined into its one caller: smaller than the call.
    #[inline(always)]
    pub fn closed_untimed(&self) -> bool {
        self.cfg.close_timeout_ms == 0
            && (self.state == State::Closed || self.failure.is_some() && self.close_sent)
    }

    /// True once the close is decided ([`Session::begin_close`]): by the application, by a
    /// received Close or by a failure.
    pub const fn close_started(&self) -> bool {
        self.close_started
    }

    /// Fails the connection for a local reason (e.g. the application's receive buffer is too
    /// small: [`ProtocolError::MessageTooBig`]): our Close is queued, further input is ignored.
    pub fn fail_with(&mut self, error: ProtocolError, now_ms: u32) {
        if matches!(self.state, State::Open | State::Closing) && self.failure.is_none() {
            self.fail(error, now_ms);
        }
    }

    /// The close is decided (the application queued its Close, or see `read`): the close
    /// timeout starts now if it has not already, whether or not the frame can be written yet.
    pub fn begin_close(&mut self, now_ms: u32) {
        if !self.close_started {
            self.close_started = true;
            self.clock_ms = now_ms;
        }
    }

    /// The data frame being received: its payload length and how much of it is not consumed
    /// yet (equal: the frame's first payload byte is next). None between frames.
    pub fn rx_frame_progress(&self) -> Option<(u32, u32)> {
        let Stage::Frames(f) = &self.stage else {
            return None;
        };
        // (The decoder still holds the frame's header: the next one starts after the payload.)
        let len = f.decoder.len32().unwrap_or(0);
        (f.rx_op & (RX_IN_FRAME | OP_CONTROL) == RX_IN_FRAME).then_some((len, f.rx_remaining))
    }

    /// True once Close frames went both ways.
    pub const fn close_handshake_done(&self) -> bool {
        self.close_sent && self.close_received != 0
    }

    /// True while a data message we send has gone out with FIN=0 and is not finished.
    pub const fn sending_fragmented(&self) -> bool {
        self.tx_fragmented
    }

    // ----- Opening handshake -------------------------------------------------------------

    /// The upgrade request carrying a key whose accept digest is `accept_digest`
    /// ([`super::handshake::Key::accept_digest`]; the caller computes it, so the SHA-1 state sits in its frame
    /// and not on top of this one) and offering `offered` has been written: read the response
    /// next.
    pub fn begin_handshake(
        &mut self,
        accept_digest: [u8; 20],
        offered: OfferedProtocols,
    ) -> Result<(), SendError> {
        if self.state != State::Idle {
            return Err(SendError::AlreadyStarted);
        }
        self.stage = Stage::Handshake(ResponseParser::new(
            accept_digest,
            offered,
            HANDSHAKE_MAX_LINE,
            HANDSHAKE_MAX_HEAD,
        ));
        self.state = State::Handshaking;
        Ok(())
    }

    /// Feeds handshake response bytes (see [`ResponseParser::feed`]: one line per call; keep
    /// unconsumed bytes and present them again). `Done { code: 101 }` opens the session;
    /// bytes after the head are frames for [`Session::read`]. Any other outcome closes it.
    pub fn read_handshake<'a>(
        &mut self,
        input: &'a [u8],
        now_ms: u32,
    ) -> Result<(usize, Option<ParseEvent<'a>>), HandshakeError> {
        let Stage::Handshake(parser) = &mut self.stage else {
            return Ok((0, None));
        };
        // (The parser is dropped at its end or error below: no need for `feed`'s sticky state.)
        let result = parser.step(input);
        // The head is over (opened or refused), or broken.
        let opened = match result {
            Ok((_, Some(ParseEvent::Done { code }))) => code == 101,
            Err(_) => false,
            Ok(_) => return result,
        };
        self.frames_start();
        self.state = if opened {
            self.clock_ms = now_ms;
            State::Open
        } else {
            State::Closed
        };
        result
    }

    /// The handshake's checks alone, for an engine whose own parser reads the response head
    /// (the plain-request engine's, in builds with it): None once the head was read.
    #[cfg(feature = "http")]
    pub(crate) fn handshake_checks(&mut self) -> Option<&mut ResponseParser> {
        match &mut self.stage {
            Stage::Handshake(parser) => Some(parser),
            _ => None,
        }
    }

    /// That engine read a 101 whose checks passed: the session opens, as in
    /// [`Self::read_handshake`]. (A refused or failed handshake leaves the session as it is
    /// until the next [`Self::reset`]: nothing reads it then.)
    #[cfg(feature = "http")]
    pub(crate) fn handshake_opened(&mut self, now_ms: u32) {
        self.frames_start();
        self.clock_ms = now_ms;
        self.state = State::Open;
    }

    // ----- Receiving ---------------------------------------------------------------------

    /// Bytes arrived: the idle clock starts over, unless another timer runs.
    fn restart_idle_clock(&mut self, now_ms: u32) {
        if !self.ping_sent && !self.close_started {
            self.clock_ms = now_ms;
        }
    }

    /// The framing state, fresh, in the parser's place. (Out of line: one copy of the store.)
    #[inline(never)]
    fn frames_start(&mut self) {
        self.stage = Stage::Frames(Framing::NEW);
    }

    /// Fails the connection with `error` (our Close owed, input ignored from here on) and
    /// starts the close timeout.
    fn fail(&mut self, error: ProtocolError, now_ms: u32) -> ProtocolError {
        self.begin_close(now_ms);
        self.failure = Some(error);
        self.rx_stopped = true;
        self.pong_owed = false;
        if !self.close_sent && self.pending_close == 0 {
            self.pending_close = error.close_code();
        }
        if self.state == State::Open {
            self.state = State::Closing;
        }
        error
    }

    /// Handles a whole control frame.
    fn finish_control(&mut self, op: u8, payload: &[u8]) -> Result<(), ProtocolError> {
        match op {
            OP_PING => {
                // (A later ping supersedes this one: the caller keeps the latest payload.)
                if !self.close_sent && self.pending_close == 0 {
                    self.pong_owed = true;
                }
            }
            // A pong answers our keep-alive ping only once that ping is written: one that comes
            // while it waits behind a full socket is unsolicited (§5.5.3), and taking it would
            // leave the ping owed and its interval due, a timer due forever (a busy loop).
            // (`ping_sent` stays set exactly while that ping is still owed.)
            OP_PONG => self.ping_sent = self.pending_ping,
            _ => {
                let code = close::payload_code(payload).map_err(ProtocolError::Close)?;
                self.close_received = code;
                self.rx_stopped = true;
                self.pong_owed = false;
                if !self.close_sent && self.pending_close == 0 {
                    // Echo the code (§5.5.1); an empty Close is answered with an empty one.
                    self.pending_close = code;
                }
                self.state = if self.close_sent {
                    State::Closed
                } else {
                    State::Closing
                };
            }
        }
        Ok(())
    }

    /// Parses received bytes. Returns how many bytes of `input` were consumed and at most one
    /// event; call again with the unconsumed rest (after acting on the event) until it returns
    /// `(_, RxEvent::None)`. For [`RxEvent::Data`] the payload is not counted as consumed: report
    /// with [`Session::consume_data`] how much of it was taken.
    ///
    /// A control frame's payload is taken whole: until all of it is in `input`, only its header
    /// is consumed (a receive buffer of [`MAX_CONTROL_PAYLOAD`] bytes always suffices).
    // Out of line: the C API reads through `read_marked`, so this is code only a Rust user of the
    // core links, and the core probe must count it (not inline it into its own driver).
    #[inline(never)]
    pub fn read<'a>(&mut self, input: &'a [u8], now_ms: u32) -> (usize, RxEvent<'a>) {
        let (used, mark) = self.read_marked(input, now_ms);
        // Where the payload lies: after the consumed bytes (data), or their tail (control).
        let (from, to) = match mark {
            RxMark::Data { len, .. } => (used, used.saturating_add(len)),
            RxMark::Ping(len) | RxMark::Pong(len) | RxMark::Close(len) => {
                (used.saturating_sub(len), used)
            }
            _ => (0, 0),
        };
        let payload = input.get(from..to).unwrap_or_default();
        let event = match mark {
            RxMark::None => RxEvent::None,
            RxMark::MessageStart { kind, len } => RxEvent::MessageStart { kind, len },
            RxMark::Data { kind, .. } => RxEvent::Data {
                kind,
                bytes: payload,
            },
            RxMark::MessageEnd => RxEvent::MessageEnd,
            RxMark::Ping(_) => RxEvent::Ping(payload),
            RxMark::Pong(_) => RxEvent::Pong(payload),
            RxMark::Close(_) => RxEvent::Close {
                code: self.close_received,
                // (After the code; none without one.)
                reason: payload.get(2..).unwrap_or_default(),
            },
            RxMark::Failed(e) => RxEvent::Failed(e),
        };
        (used, event)
    }

    /// [`Session::read`] with the event's payload as a place in `input` ([`RxMark`]), for a
    /// caller that consumes its input before it acts on the event.
    // Out of line: the caller's frame, under which the application's hooks run, stays smaller
    // (measured smaller code too).
    #[inline(never)]
    pub(crate) fn read_marked(&mut self, input: &[u8], now_ms: u32) -> (usize, RxMark) {
        if !matches!(self.state, State::Open | State::Closing) || self.rx_stopped {
            return (input.len(), RxMark::None);
        }
        // Input that is only the rest of a control frame's payload, still short of whole, was
        // offered before (it stays unconsumed until complete, and the caller offers it again at
        // every call): not a sign of life, or a peer that died in the middle of a ping would
        // hold the keep-alive ping off for good.
        let control_short = matches!(&self.stage, Stage::Frames(f)
            if f.rx_op & OP_CONTROL != 0
                && (input.len() as u64) < u64::from(f.rx_remaining));
        if !input.is_empty() && !control_short {
            self.restart_idle_clock(now_ms);
        }
        let Stage::Frames(f) = &mut self.stage else {
            return (input.len(), RxMark::None);
        };
        let mut pos = 0usize;
        // Every violation leaves the loop here, to one place that fails the connection.
        let error = loop {
            let rest = input.get(pos..).unwrap_or(&[]);
            if f.rx_op == RX_IDLE {
                let (used, complete) = match f.decoder.feed_raw(rest) {
                    Ok(fed) => fed,
                    Err(e) => break ProtocolError::Frame(e),
                };
                pos += used;
                if !complete {
                    return (pos, RxMark::None);
                }
                match f.start_frame(self.cfg.max_message_len) {
                    Err(e) => break e,
                    Ok(Some(kind)) => {
                        let len = if f.decoder.fin() {
                            f.decoder.len32()
                        } else {
                            None
                        };
                        return (pos, RxMark::MessageStart { kind, len });
                    }
                    Ok(None) => continue,
                }
            }
            let (op, remaining) = (f.rx_op & !RX_IN_FRAME, f.rx_remaining);
            let take = usize::try_from(remaining)
                .unwrap_or(usize::MAX)
                .min(rest.len());
            let chunk = rest.get(..take).unwrap_or(&[]);
            if op & OP_CONTROL != 0 {
                // (At most 125 bytes: the header check bounds it.)
                let Some(payload) = rest.get(..remaining as usize) else {
                    return (pos, RxMark::None);
                };
                pos += payload.len();
                f.rx_remaining = 0;
                f.rx_op = RX_IDLE;
                if let Err(e) = self.finish_control(op, payload) {
                    break e;
                }
                if op == OP_CLOSE {
                    self.begin_close(now_ms);
                } else {
                    // (A pong ends the pong timer: the idle clock runs again, from now.)
                    self.restart_idle_clock(now_ms);
                }
                return (pos, control_mark(op, payload.len()));
            }
            // Data frame (text, binary or continuation).
            let Some(kind) = f.rx_msg else {
                break ProtocolError::UnexpectedContinuation;
            };
            if remaining == 0 {
                f.rx_op = RX_IDLE;
                if !f.rx_fin {
                    continue;
                }
                if kind == MessageKind::Text && f.utf8.finish().is_err() {
                    break ProtocolError::InvalidUtf8;
                }
                f.rx_msg = None;
                return (pos, RxMark::MessageEnd);
            }
            if take == 0 {
                return (pos, RxMark::None);
            }
            if kind == MessageKind::Text {
                let seen = usize::try_from(f.validated_ahead).unwrap_or(usize::MAX);
                if let Some(fresh) = chunk.get(seen..) {
                    if f.utf8.feed(fresh).is_err() {
                        break ProtocolError::InvalidUtf8;
                    }
                }
            }
            f.validated_ahead = f.validated_ahead.max(take as u32);
            return (pos, RxMark::Data { kind, len: take });
        };
        let error = self.fail(error, now_ms);
        (input.len(), RxMark::Failed(error))
    }

    /// The caller took `n` bytes of the payload offered by the last [`RxEvent::Data`] (more than
    /// was offered counts as all of it).
    // Inlined into the caller's two calls: measured smaller than the call (a few field updates).
    #[inline(always)]
    pub fn consume_data(&mut self, n: usize) {
        let Stage::Frames(f) = &mut self.stage else {
            return;
        };
        // Between frames nothing remains (and nothing was validated ahead).
        let n = u32::try_from(n)
            .unwrap_or(u32::MAX)
            .min(f.validated_ahead)
            .min(f.rx_remaining);
        f.rx_remaining -= n;
        f.validated_ahead -= n;
    }

    /// The transport closed under us: the session is over.
    pub fn transport_closed(&mut self) {
        self.state = State::Closed;
        self.rx_stopped = true;
        self.pending_close = 0;
        self.pong_owed = false;
        self.pending_ping = false;
    }

    // ----- Timers ------------------------------------------------------------------------

    /// Runs the timers: may queue a keep-alive ping, or report a timeout.
    pub fn poll_timers(&mut self, now_ms: u32) -> Option<TimerEvent> {
        match self.timer(now_ms) {
            Some((Timer::Close, 0)) => {
                self.close_started = false;
                Some(TimerEvent::CloseTimeout)
            }
            Some((Timer::Pong, 0)) => {
                self.ping_sent = false;
                Some(TimerEvent::PongTimeout)
            }
            // (With a pong timeout, never with a ping still owed: `ping_sent` stays set while
            // one is, so the pong timer runs instead. Without one the interval runs again from
            // the ping: a peer that never answers still gets one every interval.)
            Some((Timer::Ping, 0)) => {
                self.pending_ping = true;
                self.ping_sent = true;
                self.clock_ms = now_ms;
                None
            }
            _ => None,
        }
    }

    /// Bytes of ours went out at `now_ms`. A keep-alive ping still waiting behind them (a frame
    /// under way goes first, however long) has its pong timer start again: the timer measures
    /// the peer, not our own frame ahead of the ping. A socket that takes nothing still lets it
    /// run out.
    pub fn tx_progress(&mut self, now_ms: u32) {
        if self.pending_ping && !self.close_started {
            self.clock_ms = now_ms;
        }
    }

    /// Milliseconds from `now_ms` until the next timer is due (None: no timer runs), so an idle
    /// caller can sleep that long.
    pub fn next_timeout(&self, now_ms: u32) -> Option<u32> {
        self.timer(now_ms).map(|(_, left)| left)
    }

    /// The timer that runs (the close timeout once the close is decided; while open, the pong
    /// timeout after a keep-alive ping, else the ping interval) and the milliseconds it has
    /// left; None when it is disabled or there is none.
    fn timer(&self, now_ms: u32) -> Option<(Timer, u32)> {
        let (timer, start, span) = if self.close_started {
            (Timer::Close, self.clock_ms, self.cfg.close_timeout_ms)
        } else if self.state != State::Open {
            return None;
        } else if self.ping_sent && self.cfg.pong_timeout_ms != 0 {
            (Timer::Pong, self.clock_ms, self.cfg.pong_timeout_ms)
        } else {
            (Timer::Ping, self.clock_ms, self.cfg.ping_interval_ms)
        };
        (span != 0).then(|| (timer, span.saturating_sub(elapsed_ms(now_ms, start))))
    }
}

/// Which timer runs (see `Session::timer`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Timer {
    Close,
    Pong,
    Ping,
}

/// The mark of a whole control frame of `len` payload bytes. (Inlined into
/// `Session::read_marked`, its one caller: measured smaller.)
fn control_mark(op: u8, len: usize) -> RxMark {
    match op {
        OP_PING => RxMark::Ping(len),
        OP_PONG => RxMark::Pong(len),
        _ => RxMark::Close(len),
    }
}

/// Milliseconds from `start` to `now` on a wrapping clock. A `start` after `now` (a timer
/// started by a caller whose clock read came later than the one it passes in) is no time yet,
/// not a wrapped-around eternity that would fire at once.
pub fn elapsed_ms(now: u32, start: u32) -> u32 {
    let d = now.wrapping_sub(start);
    if d > u32::MAX / 2 {
        0
    } else {
        d
    }
}

#[cfg(test)]
mod tests;
