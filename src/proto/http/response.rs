//! The response to a plain HTTP/1.1 request (issue #17): an incremental, zero-copy parser.
//!
//! This module owns [`ResponseParser`], its [`Event`]s and [`Error`]s, and the body
//! [`Framing`] a head implies (the `Content-Type` classification is in `content_type.rs`).
//!
//! Strict on purpose, the bytes come from the network: CRLF line ends only, no obs-fold, no
//! control bytes in values, `Content-Length` and `Transfer-Encoding` never together, one
//! `Content-Length` value, `chunked` as the only transfer coding, chunk sizes that fit in 32
//! bits, nothing after the end of the message. Each refusal is its own [`Error`] variant.

use super::chunk_size::parse_chunk_size;
use super::names::{
    header_index, HDR_CONNECTION, HDR_CONTENT_LENGTH, HDR_COUNT, HDR_TRANSFER_ENCODING,
};
use super::{
    eq_ci, has_ctl, list_next, lookup_ci, parse_decimal, parse_field, parse_status, take_line,
    LineError,
};
use core::fmt;

/// Why a response was refused. Each variant names the `HTTPc_ERR_*` the C layer reports for
/// it; legacy (`http-c_resp.c`) reported the same codes for the same classes of fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// The status line is not `HTTP-version SP 3DIGIT [SP reason]`: no SP, a bare CR or LF, a
    /// NUL or another control byte. → `HTTPc_ERR_RESP_FORMAT_INVALID`.
    StatusLineMalformed,
    /// The version is neither `HTTP/1.1` nor `HTTP/1.0` (legacy refused 1.0 too).
    /// → `HTTPc_ERR_RESP_PROTOCOL_VER_INVALID`.
    VersionInvalid,
    /// The status code is not 3 digits in 100..=599. → `HTTPc_ERR_RESP_STATUS_CODE_INVALID`.
    StatusCodeInvalid,
    /// A header or trailer line without colon, with an empty or non-token name, a bare CR or
    /// LF, or a control byte in its value. → `HTTPc_ERR_RESP_HDR_MALFORMED`.
    HeaderMalformed,
    /// A header or trailer line starting with SP or HTAB (obs-fold, RFC 9112 §5.2).
    /// → `HTTPc_ERR_RESP_HDR_MALFORMED`.
    ObsFold,
    /// A line (status, header, chunk size, trailer) longer than `max_line`: the caller's buffer
    /// holds `max_line + 2` bytes without a LF. → `HTTPc_ERR_RESP_HDR_TOO_LARGE`.
    LineTooLong,
    /// The head (interim heads included) or the trailer section exceeds `max_head`.
    /// → `HTTPc_ERR_RESP_HDR_TOO_LARGE`.
    HeadTooLarge,
    /// `Content-Length` is not 1*DIGIT (a list included) or exceeds 2^32 - 1.
    /// → `HTTPc_ERR_RESP_CONTENT_LEN_INVALID`.
    ContentLengthInvalid,
    /// Two `Content-Length` headers with different values.
    /// → `HTTPc_ERR_RESP_CONTENT_LEN_INVALID`.
    ContentLengthConflict,
    /// Both `Content-Length` and `Transfer-Encoding` (RFC 9112 §6.3: a smuggling sign).
    /// → `HTTPc_ERR_RESP_HDR_INVALID`.
    ContentLengthWithTransferEncoding,
    /// A `Transfer-Encoding` other than exactly `chunked` (another coding, a list, a repeat),
    /// or any in an HTTP/1.0 response. → `HTTPc_ERR_RESP_HDR_INVALID`, as legacy.
    TransferEncodingUnsupported,
    /// A chunk-size line that is not `1*HEXDIG *(BWS ";" BWS name [BWS "=" BWS value])`.
    /// → `HTTPc_ERR_RESP_CHUNK_INVALID`.
    ChunkSizeInvalid,
    /// A chunk size over 2^32 - 1. → `HTTPc_ERR_RESP_CHUNK_INVALID`.
    ChunkSizeOverflow,
    /// Chunk data not followed by CRLF. → `HTTPc_ERR_RESP_CHUNK_INVALID`.
    ChunkDelimiterInvalid,
    /// Bytes after the end of the message (fed once the parser is done): the server sent more
    /// than the message it announced, or something nobody asked for.
    /// → `HTTPc_ERR_RESP_RX_DATA_LEN_INVALID`.
    DataAfterEnd,
    /// The connection ended ([`ResponseParser::eof`]) before the message did.
    /// → `HTTPc_ERR_CONN_SOCK_CLOSED`, what legacy reported for a close mid-response.
    Truncated,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Error::StatusLineMalformed => "malformed status line",
            Error::VersionInvalid => "response is not HTTP/1.1 or HTTP/1.0",
            Error::StatusCodeInvalid => "invalid status code",
            Error::HeaderMalformed => "malformed header line",
            Error::ObsFold => "folded header line",
            Error::LineTooLong => "line too long",
            Error::HeadTooLarge => "response head too large",
            Error::ContentLengthInvalid => "invalid Content-Length",
            Error::ContentLengthConflict => "conflicting Content-Length",
            Error::ContentLengthWithTransferEncoding => "Content-Length with Transfer-Encoding",
            Error::TransferEncodingUnsupported => "unsupported Transfer-Encoding",
            Error::ChunkSizeInvalid => "invalid chunk size line",
            Error::ChunkSizeOverflow => "chunk size too large",
            Error::ChunkDelimiterInvalid => "chunk data not followed by CRLF",
            Error::DataAfterEnd => "data after the end of the response",
            Error::Truncated => "connection closed before the end of the response",
        })
    }
}

/// How the body of a response is delimited (RFC 9112 §6.3), decided at the end of the head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// No body: a response to HEAD, a 101, 204 or 304 (whatever its headers announce).
    NoBody,
    /// `Content-Length: n`.
    Length(u32),
    /// `Transfer-Encoding: chunked`; the chunk framing is removed from [`Event::Data`].
    Chunked,
    /// Neither: the body runs until the server closes ([`ResponseParser::eof`]).
    UntilClose,
}

/// One step of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event<'a> {
    /// The status line. A 1xx other than 101 is interim: its head ends with [`Event::Interim`]
    /// and the final response's status line follows.
    Status {
        /// Status code, 100..=599.
        code: u16,
        /// Minor version: 1 for HTTP/1.1, 0 for HTTP/1.0.
        minor: u8,
        /// Reason phrase as received (may be empty).
        reason: &'a [u8],
    },
    /// A header line: name as received (compare case-insensitively) and OWS-trimmed value.
    /// Every header is reported, the ones the parser reads itself included.
    Header {
        /// Field name.
        name: &'a [u8],
        /// Field value, OWS-trimmed.
        value: &'a [u8],
    },
    /// The end of an interim (1xx, not 101) head; another status line follows.
    Interim,
    /// The end of the final head.
    Head {
        /// How the body is delimited.
        framing: Framing,
        /// True when the connection may carry another request once this response ended:
        /// HTTP/1.1 without `Connection: close`, or HTTP/1.0 with `Connection: keep-alive`;
        /// never after a body delimited by the close, nor after a 101.
        keep_alive: bool,
    },
    /// Body bytes, chunk framing removed: a slice of the input given to
    /// [`ResponseParser::feed`], never empty.
    Data(&'a [u8]),
    /// A trailer line after a chunked body (RFC 9112 §7.1.2), as [`Event::Header`]. Reported,
    /// never merged into the head: it changes nothing of the framing.
    Trailer {
        /// Field name.
        name: &'a [u8],
        /// Field value, OWS-trimmed.
        value: &'a [u8],
    },
    /// The end of the response.
    End,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Status,
    Headers,
    /// Content-Length body (or none): `remaining` bytes left.
    Body,
    UntilClose,
    ChunkSize,
    /// `remaining` bytes of the current chunk left.
    ChunkData,
    /// The CRLF after chunk data.
    ChunkEnd,
    Trailers,
    Done,
    /// Refused: [`ResponseParser::error`] says why.
    Failed,
}

/// The request was HEAD.
const F_HEAD: u8 = 1;
const F_HTTP10: u8 = 2;
const F_LENGTH: u8 = 4;
const F_CHUNKED: u8 = 8;
const F_CLOSE: u8 = 16;
const F_KEEP_ALIVE: u8 = 32;
/// The request was CONNECT.
const F_CONNECT: u8 = 64;
/// The request was a WebSocket upgrade (see [`ResponseParser::for_upgrade`]; read through
/// `ResponseParser::upgrade`).
const F_UPGRADE: u8 = 128;
/// For an upgrade: a body that cannot be delimited (`Transfer-Encoding`, a `Content-Length`
/// that is not a number). (The chunked flag's bit: an upgrade's response is never decoded.)
const F_UNBOUNDED: u8 = F_CHUNKED;

// Tokens as statics, not literals: a NUL-terminated literal lands in the one mergeable string
// section, which the linker keeps whole when any string in it is used.
static CHUNKED: [u8; 8] = *b"chunked\0";
/// The `Connection` options the parser reads, `close` then `keep-alive` (the order of the
/// flags they set).
static CONNECTION_OPTIONS: [u8; 17] = *b"close\0keep-alive\0";

/// `close` and `chunked` as a plain request's head writes them (`Connection`,
/// `Transfer-Encoding`): the parser's own bytes, not stored a second time.
pub(crate) const VALUE_CLOSE: &[u8] = CONNECTION_OPTIONS.split_at(5).0;
pub(crate) const VALUE_CHUNKED: &[u8] = CHUNKED.split_at(7).0;

/// Incremental parser of one response to a plain HTTP/1.1 request.
///
/// Feed it the bytes not consumed yet, each time from the first one; each call consumes at
/// most one line of the head (or of the chunk framing) or one piece of body, and returns at
/// most one event. The events and the error, if any, depend only on the byte stream, not on
/// how it was split (body bytes come in as many [`Event::Data`] pieces as the splits make).
///
/// The caller's buffer only has to hold one line: `max_line + 2` bytes always suffice, and a
/// longer line is [`Error::LineTooLong`]. Body bytes are handed out where they lie, so a body
/// of any size streams through that buffer; they count as consumed once handed out (an engine
/// whose body hook takes fewer keeps the rest aside itself before feeding what follows).
///
/// After [`Event::End`] the parser is done and consumes nothing more: bytes fed to it then are
/// [`Error::DataAfterEnd`], so an engine that feeds whatever arrived notices a server that
/// sent more than it announced. The next response on a persistent connection needs a new
/// parser, made once the next request is sent. After a 101 the bytes that follow belong to
/// another protocol: they are not for this parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
// (16-bit limits: the parser lives in every request object.)
pub struct ResponseParser {
    max_line: u16,
    max_head: u16,
    /// Head bytes consumed so far (every interim head included), then trailer bytes.
    used: u16,
    /// Body or chunk bytes left.
    remaining: u32,
    /// The `Content-Length` value, valid with `F_LENGTH`.
    length: u32,
    code: u16,
    flags: u8,
    state: State,
    /// Why the response was refused, valid in [`State::Failed`] (a field of its own, not the
    /// state's payload: a plain state byte is one table jump).
    error: Error,
    /// The index of the last header's name in the crate's list (see [`Self::name_index`]).
    name: u8,
}

const _: () = assert!(HDR_COUNT <= u8::MAX as usize);

impl ResponseParser {
    /// A parser for the response to one request. `max_line` bounds one line without its CRLF,
    /// `max_head` the whole head including every CRLF (interim heads included; the trailer
    /// section gets its own `max_head`); e.g. 1024 / 8192 (larger values count as 65 535).
    /// `head_request`: the request was HEAD, so the response has no body whatever its headers
    /// say.
    pub const fn new(max_line: usize, max_head: usize, head_request: bool) -> Self {
        // (`min` then the cast: `try_from` is not const.)
        const MAX: usize = u16::MAX as usize;
        ResponseParser {
            max_line: if max_line > MAX { MAX } else { max_line } as u16,
            max_head: if max_head > MAX { MAX } else { max_head } as u16,
            used: 0,
            remaining: 0,
            length: 0,
            code: 0,
            flags: if head_request { F_HEAD } else { 0 },
            state: State::Status,
            error: Error::Truncated,
            name: 0,
        }
    }

    /// The same parser, for the response to a CONNECT request (`connect`): a 2xx makes the
    /// connection a tunnel right after the head, with no body whatever its headers say
    /// (RFC 9112 §6.3).
    pub const fn for_connect(mut self, connect: bool) -> Self {
        if connect {
            self.flags |= F_CONNECT;
        }
        self
    }

    /// The same parser, for the response to a WebSocket upgrade request (`upgrade`), read as
    /// the handshake's own parser ([`crate::proto::handshake::ResponseParser`]) reads it, for
    /// an engine that reads both kinds of response with this one: HTTP/1.1 only; no empty
    /// line before the status line, no interim head (a 1xx ends the head as a refusal); a
    /// folded line refused at its end; control bytes in values and `Content-Length` or
    /// `Transfer-Encoding` values not refused: [`Event::Head`] then tells the refusal's body
    /// as legacy saw it: `Chunked` when it cannot be delimited (any `Transfer-Encoding`, a
    /// `Content-Length` that is not a number), `keep_alive` false after `Connection: close`
    /// (and nothing else). A refusal's body is never decoded; the handshake's own checks
    /// are the caller's.
    #[cfg_attr(not(all(feature = "http", feature = "websocket")), allow(dead_code))]
    pub(crate) const fn for_upgrade(mut self, upgrade: bool) -> Self {
        if upgrade {
            self.flags = F_UPGRADE;
        }
        self
    }

    /// Reading an upgrade's response. Never without the WebSocket client: no code of that mode
    /// is built then.
    fn upgrade(&self) -> bool {
        cfg!(feature = "websocket") && self.flags & F_UPGRADE != 0
    }

    /// Whether the current head's response has no body, whatever its headers say (RFC 9112
    /// §6.3): the answer to HEAD, a 2xx to CONNECT (the tunnel), a 1xx, 204 or 304. (Below
    /// 200 at the head's end only a 101 is left, or an upgrade's 1xx.)
    fn bodiless(&self) -> bool {
        let code = self.code;
        self.flags & F_HEAD != 0
            || self.flags & F_CONNECT != 0 && (200..300).contains(&code)
            || code < 200
            || matches!(code, 204 | 304)
    }

    /// `max_line`, for the tests' buffer check.
    #[cfg(test)]
    pub(super) fn max_line(&self) -> usize {
        usize::from(self.max_line)
    }

    /// True once [`Event::End`] has been returned.
    pub fn is_done(&self) -> bool {
        matches!(self.state, State::Done)
    }

    /// True while the head being read is interim (a 1xx other than 101): its headers describe
    /// nothing the final response delivers.
    pub fn interim(&self) -> bool {
        !self.upgrade() && matches!(self.code, 100 | 102..=199)
    }

    /// True inside a chunk's data when more of the chunk is still to come than the `buffered`
    /// bytes hold. (A caller that hands chunks on whole, as the legacy client did, waits for
    /// more input then, unless its buffer is full.)
    pub fn chunk_incomplete(&self, buffered: usize) -> bool {
        matches!(self.state, State::ChunkData) && self.remaining as usize > buffered
    }

    /// The index of the last [`Event::Header`]'s name in the crate's list of header names
    /// (`names::HEADER_NAMES`, legacy's dictionary when a header hook is built in), the number
    /// of names when it is none of them: the name looked up once, by the parser, for both.
    #[cfg_attr(not(feature = "http"), allow(dead_code))] // for the plain-request engine
    pub(crate) fn name_index(&self) -> usize {
        usize::from(self.name)
    }

    /// Whether the current head said `Connection: close`.
    #[cfg_attr(not(feature = "http"), allow(dead_code))] // for the plain-request engine
    pub(crate) fn closes(&self) -> bool {
        self.flags & F_CLOSE != 0
    }

    /// The status code of the current head (0 before its status line).
    #[cfg_attr(not(all(feature = "http", feature = "websocket")), allow(dead_code))]
    pub(crate) fn status(&self) -> u16 {
        self.code
    }

    /// The value of the `Content-Length` header of the current head, if it had one, even
    /// where it does not delimit the body (a response to HEAD, a 304).
    pub fn content_length(&self) -> Option<u32> {
        (self.flags & F_LENGTH != 0).then_some(self.length)
    }

    /// Consumes the start of `input` (the first byte not consumed yet) and returns
    /// `(bytes consumed, event)`.
    ///
    /// `Ok((0, None))` means nothing can be decided from `input`: call again with more bytes
    /// appended. Any other result is progress (a chunk-size line, for one, is consumed without
    /// an event); call again, with empty input if need be, until `Ok((0, None))`: an
    /// [`Event::End`] can follow [`Event::Head`] or the last [`Event::Data`] without another
    /// byte.
    ///
    /// After an error every call returns the same error.
    pub fn feed<'a>(&mut self, input: &'a [u8]) -> Result<(usize, Option<Event<'a>>), Error> {
        let result = self.step(input);
        if let Err(e) = result {
            self.state = State::Failed;
            self.error = e;
        }
        result
    }

    /// The connection ended. `Ok(Some(End))` ends a body delimited by the close, or a chunked
    /// one whose last chunk came; `Ok(None)`:
    /// the response had already ended. Anywhere else the response is cut short:
    /// [`Error::Truncated`] (sticky, like every error).
    pub fn eof(&mut self) -> Result<Option<Event<'static>>, Error> {
        match self.state {
            State::Done => Ok(None),
            State::Failed => Err(self.error),
            // In the trailer section every body byte came: a server that closes after the
            // last chunk without the final empty line ended the body (legacy ended it at the
            // last chunk too); an unfinished trailer line is dropped with the rest.
            State::UntilClose | State::Trailers => {
                self.state = State::Done;
                Ok(Some(Event::End))
            }
            State::Body if self.remaining == 0 => {
                self.state = State::Done;
                Ok(Some(Event::End))
            }
            _ => {
                self.state = State::Failed;
                self.error = Error::Truncated;
                Err(Error::Truncated)
            }
        }
    }

    fn step<'a>(&mut self, input: &'a [u8]) -> Result<(usize, Option<Event<'a>>), Error> {
        match self.state {
            State::Failed => Err(self.error),
            State::Done if input.is_empty() => Ok((0, None)),
            State::Done => Err(Error::DataAfterEnd),
            State::Body if self.remaining == 0 => {
                self.state = State::Done;
                Ok((0, Some(Event::End)))
            }
            // One body path: a length or a chunk counts down, a body until the close does not.
            State::Body | State::ChunkData | State::UntilClose => {
                let mut n = input.len();
                if self.state != State::UntilClose {
                    n = n.min(usize::try_from(self.remaining).unwrap_or(usize::MAX));
                    // `n <= remaining`: the cast is exact and nothing underflows.
                    self.remaining -= n as u32;
                    if self.remaining == 0 && matches!(self.state, State::ChunkData) {
                        self.state = State::ChunkEnd;
                    }
                }
                Ok(data(input, n))
            }
            // A lone LF before the status line ends an empty line whose CR came before (a
            // caller may drop line ends between responses; RFC 9112 §2.2 lets a recipient take
            // a lone LF as a line end): skipped, within the head's budget.
            State::Status if input.first() == Some(&b'\n') && !self.upgrade() => {
                self.used = self.used.saturating_add(1);
                if self.used >= self.max_head {
                    return Err(Error::HeadTooLarge);
                }
                Ok((1, None))
            }
            // The CRLF after chunk data, refused from its first wrong byte.
            State::ChunkEnd => match input {
                [] | [b'\r'] => Ok((0, None)),
                [b'\r', b'\n', ..] => {
                    self.state = State::ChunkSize;
                    Ok((2, None))
                }
                _ => Err(Error::ChunkDelimiterInvalid),
            },
            State::Status | State::Headers | State::ChunkSize | State::Trailers => self.line(input),
        }
    }

    /// One line of the head, the chunk framing or the trailers.
    fn line<'a>(&mut self, input: &'a [u8]) -> Result<(usize, Option<Event<'a>>), Error> {
        // Nothing to judge yet: with the head's budget spent, an empty input would otherwise
        // read as "too large" where its first byte may still show an obs-fold, and the error
        // would depend on how the input was split.
        if input.is_empty() {
            return Ok((0, None));
        }
        let state = self.state;
        let field_line = matches!(state, State::Headers | State::Trailers);
        // An obs-fold shows in its first byte: refused without waiting for the line's end.
        if field_line && !self.upgrade() && matches!(input, [b' ' | b'\t', ..]) {
            return Err(Error::ObsFold);
        }
        let line_window = usize::from(self.max_line) + 2;
        // Chunk-size lines have no budget but the line's; head and trailer lines share theirs.
        let window = if matches!(state, State::ChunkSize) {
            line_window
        } else {
            line_window.min(usize::from(self.max_head.saturating_sub(self.used)))
        };
        // (`take_line` refuses a line as too long or malformed, nothing else.)
        let error = |e| match (e, state) {
            (LineError::TooLong, _) if window < line_window => Error::HeadTooLarge,
            (LineError::TooLong, _) => Error::LineTooLong,
            (_, State::Status) => Error::StatusLineMalformed,
            (_, State::ChunkSize) => Error::ChunkSizeInvalid,
            _ => Error::HeaderMalformed,
        };
        let Some((line, used)) = take_line(input, window).map_err(error)? else {
            return Ok((0, None));
        };
        if matches!(state, State::ChunkSize) {
            let size = parse_chunk_size(line)?;
            self.remaining = size;
            self.state = if size == 0 {
                // The trailer section gets a head budget of its own.
                self.used = 0;
                State::Trailers
            } else {
                State::ChunkData
            };
            return Ok((used, None));
        }
        // (`used` is within the window, itself within `max_head`: no saturation.)
        self.used = self.used.saturating_add(used as u16);
        let event = if line.is_empty() {
            match state {
                // Empty lines before a status line are skipped (legacy skipped leading
                // blanks; some servers send a CRLF after a body), before an upgrade's too.
                State::Status => return Ok((used, None)),
                State::Trailers => {
                    self.state = State::Done;
                    Event::End
                }
                _ => self.head_end(),
            }
        } else if matches!(state, State::Status) {
            let (code, minor, reason) =
                parse_status(line, u8::from(self.upgrade())).map_err(status_error)?;
            self.code = code;
            // A new head: only the request's method flags carry over from an interim one.
            self.flags = (self.flags & (F_HEAD | F_CONNECT | F_UPGRADE))
                | if minor == 0 { F_HTTP10 } else { 0 };
            self.state = State::Headers;
            Event::Status {
                code,
                minor,
                reason,
            }
        } else {
            // (A leading SP or HTAB was refused above: the line has no obs-fold.)
            let (name, value) = parse_field(line).map_err(|_| Error::HeaderMalformed)?;
            if !self.upgrade() && has_ctl(value) {
                return Err(Error::HeaderMalformed);
            }
            if matches!(state, State::Trailers) {
                Event::Trailer { name, value }
            } else {
                self.header(name, value)?;
                Event::Header { name, value }
            }
        };
        Ok((used, Some(event)))
    }

    /// Records what a header says about the framing and the connection.
    fn header(&mut self, name: &[u8], value: &[u8]) -> Result<(), Error> {
        let index = header_index(name);
        // (At most the number of names: checked below.)
        self.name = index as u8;
        match index {
            // (One parse of the value, for the three readings of it.)
            HDR_CONTENT_LENGTH => {
                let n = parse_decimal(value);
                if self.upgrade() {
                    // An upgrade's: the last value, 0 when it is not a number (then no length).
                    self.length = n.unwrap_or(0);
                    self.flags |= if n.is_some() { F_LENGTH } else { F_UNBOUNDED };
                } else if self.bodiless() {
                    // A response without a body whatever its headers say: its framing headers
                    // tell what a GET would have got (RFC 9112 §6.1, §6.3; a CONNECT's 2xx,
                    // RFC 9110 §9.3.6: ignored), so none fails it. A length that is a number
                    // is still told (a HEAD's is the resource's size).
                    if let Some(n) = n {
                        self.length = n;
                        self.flags |= F_LENGTH;
                    }
                } else {
                    if self.flags & F_CHUNKED != 0 {
                        return Err(Error::ContentLengthWithTransferEncoding);
                    }
                    let n = n.ok_or(Error::ContentLengthInvalid)?;
                    if self.flags & F_LENGTH != 0 && n != self.length {
                        return Err(Error::ContentLengthConflict);
                    }
                    self.length = n;
                    self.flags |= F_LENGTH;
                }
            }
            HDR_TRANSFER_ENCODING if self.upgrade() => self.flags |= F_UNBOUNDED,
            // (See `Content-Length` above.)
            HDR_TRANSFER_ENCODING if self.bodiless() => {}
            HDR_TRANSFER_ENCODING => {
                if self.flags & F_LENGTH != 0 {
                    return Err(Error::ContentLengthWithTransferEncoding);
                }
                // Exactly one coding, `chunked`, once: no decoder exists for any other, and
                // chunked applied twice is forbidden (RFC 9112 §6.1), as is any coding in an
                // HTTP/1.0 message.
                let mut rest = value;
                let chunked = list_next(&mut rest).is_some_and(|t| eq_ci(&CHUNKED, t))
                    && list_next(&mut rest).is_none();
                if !chunked || self.flags & (F_CHUNKED | F_HTTP10) != 0 {
                    return Err(Error::TransferEncodingUnsupported);
                }
                self.flags |= F_CHUNKED;
            }
            HDR_CONNECTION => {
                // One walk of the list for both options.
                let mut rest = value;
                while let Some(option) = list_next(&mut rest) {
                    self.flags |= match lookup_ci(&CONNECTION_OPTIONS, option) {
                        0 => F_CLOSE,
                        1 => F_KEEP_ALIVE,
                        _ => 0,
                    };
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The empty line after the headers: decides the framing (RFC 9112 §6.3).
    fn head_end(&mut self) -> Event<'static> {
        let code = self.code;
        if code < 200 && code != 101 && !self.upgrade() {
            // Interim: the final response follows and shares the head budget.
            self.state = State::Status;
            return Event::Interim;
        }
        let f = self.flags;
        let tunnel = f & F_CONNECT != 0 && (200..300).contains(&code);
        let no_body = self.bodiless();
        let (framing, state, remaining) = if no_body {
            (Framing::NoBody, State::Body, 0)
        } else if f & F_CHUNKED != 0 {
            (Framing::Chunked, State::ChunkSize, 0)
        } else if f & F_LENGTH != 0 {
            (Framing::Length(self.length), State::Body, self.length)
        } else {
            (Framing::UntilClose, State::UntilClose, 0)
        };
        (self.state, self.remaining) = (state, remaining);
        // A tunnel stays open whatever the proxy's version: an HTTP/1.0 proxy (tinyproxy, older
        // squids) answers `HTTP/1.0 200 Connection established` without `keep-alive`, and the
        // connection is the tunnel all the same (RFC 9110 §9.3.6: it ends when a side closes).
        let keep_alive = f & F_CLOSE == 0
            && (self.upgrade()
                || code != 101
                    && state != State::UntilClose
                    && (tunnel || f & F_HTTP10 == 0 || f & F_KEEP_ALIVE != 0));
        Event::Head {
            framing,
            keep_alive,
        }
    }
}

/// The [`Error`] of a status line [`parse_status`] refused (as malformed, for its version or
/// for its code).
fn status_error(e: LineError) -> Error {
    match e {
        LineError::Version => Error::VersionInvalid,
        LineError::Code => Error::StatusCodeInvalid,
        _ => Error::StatusLineMalformed,
    }
}

/// `(n, Data(first n bytes))`, or "need more" when `n` is 0: a data event is never empty.
fn data(input: &[u8], n: usize) -> (usize, Option<Event<'_>>) {
    match input.get(..n) {
        Some(d) if n > 0 => (n, Some(Event::Data(d))),
        _ => (0, None),
    }
}
