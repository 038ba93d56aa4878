//! The plain-response parser in upgrade mode ([`ResponseParser::for_upgrade`]) against the
//! handshake's own parser: for every head, whole or cut short, the same events, the same
//! bytes consumed, the same refusal (as the C layer reports it) and the same body handling
//! of a refused upgrade, the handshake's checks run beside it as the C layer runs them. (The
//! C layer reads an upgrade's response with the one or the other, by build.)

use super::names::{header_index, HDR_CONNECTION, HDR_CONTENT_LENGTH, HDR_TRANSFER_ENCODING};
use super::response::{Error, Event, Framing, ResponseParser};
use super::{list_contains_ci, parse_decimal, TOKEN_CLOSE};
use crate::proto::handshake::{self, HandshakeError, Key, OfferedProtocols, ParseEvent};
use std::string::String;
use std::vec;
use std::vec::Vec;

/// What a reader made of a head: each step, then how it ended.
#[derive(Debug, PartialEq, Eq)]
enum Out {
    Status(u16, usize),
    /// Name, value, the `Content-Length` the response object shows from this line (if it sets
    /// it), bytes consumed.
    Header(Vec<u8>, Vec<u8>, Option<u32>, usize),
    /// Refused: the class of the error (as `HTTPc_ERR_*` tells them apart).
    Fail(u8),
    /// A 101 that passed every check, its blank line consumed.
    Opened(usize),
    /// A refusal: closed (`Some(true)`: after `Connection: close`), or its body of this
    /// length skipped.
    Refused(Option<bool>, u32, usize),
    /// Waits for more bytes.
    More,
    /// An empty line before the status line, skipped: this many bytes.
    Skipped(usize),
}

fn own_class(e: HandshakeError) -> u8 {
    e as u8 + 1
}

fn plain_class(e: Error) -> u8 {
    own_class(match e {
        Error::StatusLineMalformed => HandshakeError::StatusLineMalformed,
        Error::VersionInvalid => HandshakeError::VersionInvalid,
        Error::StatusCodeInvalid => HandshakeError::StatusCodeInvalid,
        Error::HeaderMalformed | Error::ObsFold => HandshakeError::HeaderMalformed,
        Error::LineTooLong | Error::HeadTooLarge => HandshakeError::HeaderTooLarge,
        // Never for an upgrade.
        _ => return 99,
    })
}

fn key() -> Key {
    Key::from_random(*b"the sample nonce")
}

fn checks() -> handshake::ResponseParser {
    let mut offered = OfferedProtocols::new();
    offered.add_list(b"chat, superchat");
    handshake::ResponseParser::new(key().accept_digest(), offered, 65535, 65535)
}

/// The handshake's own parser, with the refusal's body handled as `upgrade/standalone.rs`
/// handles it.
fn own(input: &[u8]) -> Vec<Out> {
    let mut p = checks();
    let (mut out, mut at) = (Vec::new(), 0);
    let (mut body_left, mut sized, mut unbounded, mut closes) = (0, false, false, false);
    loop {
        match p.feed(&input[at..]) {
            Err(e) => out.push(Out::Fail(own_class(e))),
            Ok((0, None)) => out.push(Out::More),
            Ok((n, None)) => {
                out.push(Out::Skipped(n));
                at += n;
                continue;
            }
            Ok((n, Some(ParseEvent::Status { code, .. }))) => {
                (body_left, sized, unbounded, closes) = (0, false, false, false);
                out.push(Out::Status(code, n));
                at += n;
                continue;
            }
            Ok((n, Some(ParseEvent::Header { name, value }))) => {
                let mut shown = None;
                match header_index(name) {
                    HDR_CONTENT_LENGTH => {
                        let len = parse_decimal(value);
                        match len {
                            Some(len) => (body_left, sized) = (len, true),
                            None => unbounded = true,
                        }
                        shown = Some(len.unwrap_or(0));
                    }
                    HDR_TRANSFER_ENCODING => unbounded = true,
                    HDR_CONNECTION if list_contains_ci(value, &TOKEN_CLOSE) => closes = true,
                    _ => {}
                }
                out.push(Out::Header(name.to_vec(), value.to_vec(), shown, n));
                at += n;
                continue;
            }
            Ok((n, Some(ParseEvent::Done { code: 101 }))) => out.push(Out::Opened(n)),
            Ok((n, Some(ParseEvent::Done { code }))) => {
                if code < 200 || code == 204 || code == 304 {
                    (body_left, unbounded) = (0, false);
                } else if !sized {
                    unbounded = true;
                }
                out.push(if unbounded || closes {
                    Out::Refused(Some(closes), 0, n)
                } else {
                    Out::Refused(None, body_left, n)
                });
            }
        }
        return out;
    }
}

/// The plain-response parser in upgrade mode, with the handshake's checks beside it, as
/// `engine/http.rs` and `engine/upgrade.rs` use them.
fn plain(input: &[u8]) -> Vec<Out> {
    let mut p = ResponseParser::new(65535, 65535, false).for_upgrade(true);
    let mut c = checks();
    let (mut out, mut at) = (Vec::new(), 0);
    loop {
        match p.feed(&input[at..]) {
            Err(e) => out.push(Out::Fail(plain_class(e))),
            Ok((0, None)) => out.push(Out::More),
            Ok((n, None)) => {
                out.push(Out::Skipped(n));
                at += n;
                continue;
            }
            Ok((n, Some(Event::Status { code, .. }))) => {
                out.push(Out::Status(code, n));
                at += n;
                continue;
            }
            Ok((n, Some(Event::Header { name, value }))) => {
                let index = p.name_index();
                if p.status() == 101 {
                    if let Err(e) = c.check_header_at(index, value) {
                        out.push(Out::Fail(own_class(e)));
                        return out;
                    }
                }
                let shown = (index == HDR_CONTENT_LENGTH).then(|| p.content_length().unwrap_or(0));
                out.push(Out::Header(name.to_vec(), value.to_vec(), shown, n));
                at += n;
                continue;
            }
            Ok((
                n,
                Some(Event::Head {
                    framing,
                    keep_alive,
                }),
            )) => {
                if p.status() == 101 {
                    out.push(match c.check_end_at() {
                        Ok(()) => Out::Opened(n),
                        Err(e) => Out::Fail(own_class(e)),
                    });
                } else {
                    out.push(match framing {
                        Framing::NoBody if keep_alive => Out::Refused(None, 0, n),
                        Framing::Length(len) if keep_alive => Out::Refused(None, len, n),
                        _ => Out::Refused(Some(!keep_alive), 0, n),
                    });
                }
            }
            // (No body event comes before the head's end.)
            Ok((_, Some(_))) => out.push(Out::Fail(98)),
        }
        return out;
    }
}

fn same(input: &[u8]) {
    // Every prefix: the same decisions from the same bytes (a wait is a wait).
    for end in 0..=input.len() {
        let cut = &input[..end];
        assert_eq!(own(cut), plain(cut), "{:?}", String::from_utf8_lossy(cut));
    }
}

fn accept() -> Vec<u8> {
    key().expected_accept().to_vec()
}

fn heads() -> Vec<Vec<u8>> {
    let a = accept();
    let ok101 = [
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ".as_slice(),
        &a,
        b"\r\n\r\n\x81\x05hello",
    ]
    .concat();
    let mut all = vec![
        ok101.clone(),
        [b"HTTP/1.1 101 OK\r\nupgrade: WebSocket\r\nconnection: keep-alive, upgrade\r\nsec-websocket-accept:".as_slice(), &a, b"  \r\nSec-WebSocket-Protocol: chat\r\nSec-WebSocket-Extensions:\r\nX: \x01\x7f\r\n\r\n"].concat(),
        [b"HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: upgrade\r\nSec-WebSocket-Accept: ".as_slice(), &a, b"\r\nSec-WebSocket-Accept: ", &a, b"\r\n\r\n"].concat(),
        [b"HTTP/1.1 101\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: ".as_slice(), &a, b"\r\nSec-WebSocket-Protocol: chat, superchat\r\n\r\n"].concat(),
        b"HTTP/1.1 101 OK\r\nUpgrade: h2c\r\n\r\n".to_vec(),
        b"HTTP/1.1 101 OK\r\nConnection: upgrade\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec(),
        b"HTTP/1.1 101 OK\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n".to_vec(),
        b"HTTP/1.1 101 OK\r\nSec-WebSocket-Protocol: other\r\n\r\n".to_vec(),
        b"HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\nContent-Type: text/html\r\n\r\nhelloEXTRA".to_vec(),
        b"HTTP/1.1 403 Forbidden\r\nContent-Length: 3\r\nContent-Length: 7\r\n\r\n".to_vec(),
        b"HTTP/1.1 403 Forbidden\r\nContent-Length: x\r\nContent-Length: 7\r\n\r\n".to_vec(),
        b"HTTP/1.1 400 Bad\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 2\r\n\r\n".to_vec(),
        b"HTTP/1.1 400 Bad\r\nConnection: close\r\nContent-Length: 2\r\n\r\nab".to_vec(),
        b"HTTP/1.1 204 No\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec(),
        b"HTTP/1.1 304 No\r\nConnection: Close, x\r\n\r\n".to_vec(),
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 101 OK\r\n\r\n".to_vec(),
        b"HTTP/1.1 200 OK\r\n\r\n".to_vec(),
        b"HTTP/1.0 101 OK\r\n\r\n".to_vec(),
        b"\r\nHTTP/1.1 404 x\r\n\r\n".to_vec(),
        [b"\r\n\r\n".as_slice(), &ok101].concat(),
        b"\r\n\n\r\nHTTP/1.1 101 OK\r\n\r\n".to_vec(),
        b"\nHTTP/1.1 404 x\r\n\r\n".to_vec(),
        b"HTTP/1.1 404 x\r\n folded\r\n\r\n".to_vec(),
        b"HTTP/1.1 404 x\r\nA: b\r\n\tfolded\r\n\r\n".to_vec(),
        b"HTTP/1.1 404 x\r\nA b\r\n\r\n".to_vec(),
        b"HTTP/1.1 404 x\r\nA: b\rc\r\n\r\n".to_vec(),
        b"HTTP/1.1 404 x\r\nA: b\0c\r\n\r\n".to_vec(),
        b"HTTP/1.1 404 x\nA: b\r\n\r\n".to_vec(),
        b"HTTP/1.1 999 x\r\n\r\n".to_vec(),
        b"HTTP/1.1 20 x\r\n\r\n".to_vec(),
        b"ICY 200 OK\r\n\r\n".to_vec(),
        b"HTTP/1.1  200 OK\r\n\r\n".to_vec(),
        b"HTTP/1.1 200 O\x01K\r\n\r\n".to_vec(),
    ];
    all.push(ok101.to_ascii_lowercase());
    all
}

#[test]
fn upgrade_mode_reads_heads_as_the_handshake_parser() {
    for head in heads() {
        same(&head);
    }
}

#[test]
fn upgrade_mode_reads_mutated_heads_as_the_handshake_parser() {
    const BYTES: &[u8] = b"\r\n \t:,\0\x01\x7f\xffaZ019;=HTTP/1.chunkedclosewebsocket";
    let mut seed = 0x2545_f491_u32;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed as usize % n
    };
    let heads = heads();
    let mut cases = 0;
    for _ in 0..6000 {
        let mut head = heads[next(heads.len())].clone();
        for _ in 0..1 + next(4) {
            let at = next(head.len() + 1);
            match next(3) {
                0 => head.insert(at, BYTES[next(BYTES.len())]),
                1 if at < head.len() => {
                    head.remove(at);
                }
                _ if at < head.len() => head[at] = BYTES[next(BYTES.len())],
                _ => {}
            }
        }
        same(&head);
        cases += 1;
    }
    assert_eq!(cases, 6000);
}
