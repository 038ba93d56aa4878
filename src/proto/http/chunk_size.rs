//! The chunk-size line of a chunked response body (RFC 9112 §7.1): the hexadecimal size,
//! bounded to 32 bits, and the extensions behind it, checked by one table walk and skipped.

use super::response::Error;
use super::{is_ctl, tchar};

fn hex_value(b: u8) -> Option<u32> {
    let v = match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        b'A'..=b'F' => b - b'A' + 10,
        _ => return None,
    };
    Some(u32::from(v))
}

/// `chunk-size [chunk-ext]` (RFC 9112 §7.1, §7.1.1): the size; the extensions are checked and
/// skipped (nobody here has a use for them).
pub(super) fn parse_chunk_size(line: &[u8]) -> Result<u32, Error> {
    let mut size = 0u32;
    let mut rest = line;
    let mut digits = false;
    while let [b, tail @ ..] = rest {
        let Some(v) = hex_value(*b) else { break };
        if size >> 28 != 0 {
            return Err(Error::ChunkSizeOverflow);
        }
        size = size << 4 | v;
        digits = true;
        rest = tail;
    }
    if !digits || !chunk_ext_valid(rest) {
        return Err(Error::ChunkSizeInvalid);
    }
    Ok(size)
}

/// True when `s` is `*( BWS ";" BWS ext-name [ BWS "=" BWS ( token / quoted-string ) ] )`:
/// whitespace only before a `;` or around a `=`. One walk through [`EXT_NEXT`] (a table: the
/// grammar as code took 216 B more on Cortex-M4).
// Out of line: its loop's registers stay out of the parser's step.
#[inline(never)]
fn chunk_ext_valid(s: &[u8]) -> bool {
    let mut state = EXT_START;
    for &b in s {
        let class = match b {
            b' ' | b'\t' => 0,
            b';' => 1,
            b'=' => 2,
            b'"' => 3,
            b'\\' => 4,
            _ if tchar(b) => 5,
            _ if is_ctl(b) => 7,
            _ => 6,
        };
        state = EXT_NEXT
            .get(usize::from(state))
            .map_or(EXT_NO, |&row| (row >> (class * 4)) as u8 & 15);
        if state == EXT_NO {
            return false;
        }
    }
    EXT_DONE & (1 << state) != 0
}

// The states of [`chunk_ext_valid`]: after the size or a whole extension (`START`), the same
// after whitespace (`START_WS`: a `;` must follow), after a `;` (`SEMI`), in a name (`NAME`),
// after whitespace behind a name (`NAME_WS`), after a `=` (`EQ`), in a token value (`VALUE`),
// in a quoted value (`QUOTED`), after a backslash in it (`ESCAPE`); `NO`: refused.
const EXT_START: u8 = 0;
const EXT_START_WS: u8 = 1;
const EXT_SEMI: u8 = 2;
const EXT_NAME: u8 = 3;
const EXT_NAME_WS: u8 = 4;
const EXT_EQ: u8 = 5;
const EXT_VALUE: u8 = 6;
const EXT_QUOTED: u8 = 7;
const EXT_ESCAPE: u8 = 8;
const EXT_NO: u8 = 9;
/// The states the line may end in.
const EXT_DONE: u16 = 1 << EXT_START | 1 << EXT_NAME | 1 << EXT_VALUE;

/// The next state, by state (a word each) and class of byte (a nibble each, from the low one):
/// whitespace, `;`, `=`, `"`, backslash, another `tchar`, any other byte a quoted-string
/// takes (obs-text included), a control byte.
#[rustfmt::skip]
static EXT_NEXT: [u32; 9] = {
    const N: u8 = EXT_NO;
    const W: u8 = EXT_START_WS;
    const S: u8 = EXT_SEMI;
    const Q: u8 = EXT_QUOTED;
    [
        //   SP/HT        ;  =       "          \          tchar      other CTL
        row([W,           S, N,      N,         N,          N,         N,    N]), // START
        row([W,           S, N,      N,         N,          N,         N,    N]), // START_WS
        row([S,           N, N,      N,         N,          EXT_NAME,  N,    N]), // SEMI
        row([EXT_NAME_WS, S, EXT_EQ, N,         N,          EXT_NAME,  N,    N]), // NAME
        row([EXT_NAME_WS, S, EXT_EQ, N,         N,          N,         N,    N]), // NAME_WS
        row([EXT_EQ,      N, N,      Q,         N,          EXT_VALUE, N,    N]), // EQ
        row([W,           S, N,      N,         N,          EXT_VALUE, N,    N]), // VALUE
        row([Q,           Q, Q,      EXT_START, EXT_ESCAPE, Q,         Q,    N]), // QUOTED
        row([Q,           Q, Q,      Q,         Q,          Q,         Q,    N]), // ESCAPE
    ]
};

/// One state's row of [`EXT_NEXT`]: the next state for each class, a nibble each.
const fn row(next: [u8; 8]) -> u32 {
    let mut word = 0u32;
    let mut rest: &[u8] = &next;
    let mut shift = 0;
    while let [state, tail @ ..] = rest {
        word |= (*state as u32) << shift;
        shift += 4;
        rest = tail;
    }
    word
}
