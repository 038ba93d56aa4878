//! The connection buffer the application lends at `HTTPc_ConnOpen`, and the only place that
//! makes slices of it.
//!
//! Layout once the WebSocket is open: the receive region `[0, rx_cap)` holds received bytes not
//! yet consumed at `[rx_start, rx_end)`; the send region `[rx_cap, len)` holds the frame being
//! written, of which `[tx_start, tx_end)` still has to go. A frame written while nothing
//! received waits may borrow the receive region down to a reserve (`tx_base`): a large message
//! then leaves in few large writes; receiving meanwhile stops short of the pending bytes. During
//! the upgrade the request is written over the whole buffer first, then the response is read
//! into the receive region.
//!
//! The payload of the last Ping or Close received is parked at the front of the receive region,
//! `[0, floor)`, for our pong or Close reply to echo (and the Close reason for `OnClose`);
//! receiving goes on behind it. (Kept here, 125 bytes at most, not in the WebSocket object.)
//!
//! Invariants, kept by every method (cursors are clamped, never trusted):
//! `floor <= rx_start <= rx_end <= rx_limit() <= rx_cap()` and `tx_start <= tx_end <= len`.

use super::handle::Span;
use crate::proto::session::MAX_CONTROL_FRAME;

/// Receive room a borrowing frame leaves (at least; a sixteenth of larger buffers): more than a
/// whole control frame, so pings, pongs and Close frames are still read, and data delivered,
/// while a large message goes out.
const RX_RESERVE: usize = 512;

/// The application's connection buffer and its cursors.
#[repr(C)]
pub(crate) struct ConnBuf {
    // (The bytes first: inside the connection's state they then lie within reach of Thumb's
    // 16-bit byte loads.)
    /// The receive region is the whole buffer (a plain request's response: nothing is sent
    /// while it is read), not the WebSocket's three quarters.
    rx_whole: bool,
    /// Length of the parked control payload at the front of the receive region (at most 125).
    floor: u8,
    len: u16,
    rx_start: u16,
    rx_end: u16,
    tx_start: u16,
    tx_end: u16,
    ptr: *mut u8,
}

impl ConnBuf {
    /// No buffer (what a cleared connection has: all zero).
    pub(crate) const NONE: ConnBuf = ConnBuf {
        ptr: core::ptr::null_mut(),
        len: 0,
        rx_start: 0,
        rx_end: 0,
        tx_start: 0,
        tx_end: 0,
        rx_whole: false,
        floor: 0,
    };

    /// The buffer of `len` bytes at `ptr`, both regions empty.
    ///
    /// # Safety
    /// `ptr` is valid for reads and writes of `len` bytes for as long as this `ConnBuf` (or a
    /// copy of its position in the connection state) is used, and nothing but the library
    /// touches those bytes meanwhile: `HTTPc_ConnOpen`'s contract, until the connection
    /// closes.
    pub(crate) unsafe fn lend(ptr: *mut u8, len: u16) -> ConnBuf {
        ConnBuf {
            ptr,
            len: if ptr.is_null() { 0 } else { len },
            ..ConnBuf::NONE
        }
    }

    /// The whole buffer.
    fn mem(&mut self) -> &mut [u8] {
        if self.ptr.is_null() {
            return &mut [];
        }
        // SAFETY: `lend`'s contract: `len` bytes, ours alone; the borrow of `self` keeps a
        // second slice from being made while this one lives.
        unsafe { core::slice::from_raw_parts_mut(self.ptr, usize::from(self.len)) }
    }

    /// The whole buffer, shared.
    fn mem_ref(&self) -> &[u8] {
        if self.ptr.is_null() {
            return &[];
        }
        // SAFETY: as in `mem`, read-only.
        unsafe { core::slice::from_raw_parts(self.ptr, usize::from(self.len)) }
    }

    /// Its bytes, as (address, length), to check that objects lie apart from it.
    pub(crate) fn span(&self) -> Span {
        (self.ptr as usize, self.len())
    }

    /// The buffer's length in bytes.
    pub(crate) fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// Bytes set aside for sending once the WebSocket is open: a quarter, and at least one
    /// whole control frame (a pong or a Close reply echoing 125 bytes must never be dropped for
    /// want of room).
    pub(crate) fn tx_cap(&self) -> usize {
        (self.len() / 4).max(MAX_CONTROL_FRAME)
    }

    /// End of the receive region: the start of the send region.
    // Out of line: the engine needs it in many places.
    #[inline(never)]
    pub(crate) fn rx_cap(&self) -> usize {
        if self.rx_whole {
            return self.len();
        }
        self.len().saturating_sub(self.tx_cap())
    }

    /// End of what may be received into now: the receive region, short of the bytes a pending
    /// frame that borrowed it still has to send.
    fn rx_limit(&self) -> usize {
        let cap = self.rx_cap();
        if self.tx_is_empty() {
            cap
        } else {
            cap.min(usize::from(self.tx_start))
        }
    }

    /// Start of the send region for the next frame: the end of the receive region, or, when
    /// nothing received waits, the reserve (the rest of the receive region is idle then).
    fn tx_base(&self) -> usize {
        let cap = self.rx_cap();
        if self.rx_start == self.rx_end && !self.rx_whole {
            cap.min(RX_RESERVE.max(self.len() / 16))
        } else {
            cap
        }
    }

    /// Both regions empty, split as for a WebSocket.
    pub(crate) fn reset(&mut self) {
        self.floor = 0;
        self.rx_clear();
        self.tx_clear();
        self.rx_whole = false;
    }

    /// Both regions empty, the whole buffer for receiving (until the next `reset`).
    #[cfg(feature = "http")]
    pub(crate) fn reset_rx_whole(&mut self) {
        self.reset();
        self.rx_whole = true;
    }

    // ----- Receiving ---------------------------------------------------------------------

    /// Received bytes not consumed yet.
    pub(crate) fn rx_data(&self) -> &[u8] {
        self.mem_ref()
            .get(usize::from(self.rx_start)..usize::from(self.rx_end))
            .unwrap_or(&[])
    }

    /// Pointer to the `off`-th unconsumed byte, for a hook that reads it during its call.
    pub(crate) fn rx_ptr(&self, off: usize) -> *mut u8 {
        self.ptr.wrapping_add(usize::from(self.rx_start) + off)
    }

    /// `n` received bytes are consumed (at most what there is).
    // Out of line: consuming follows every parsed piece, in every arm its caller has.
    #[inline(never)]
    pub(crate) fn rx_consume(&mut self, n: usize) {
        let n = n.min(usize::from(self.rx_end - self.rx_start));
        self.rx_start += n as u16;
    }

    /// Received bytes dropped (a parked payload stays).
    pub(crate) fn rx_clear(&mut self) {
        self.rx_start = u16::from(self.floor);
        self.rx_end = self.rx_start;
    }

    /// The receive region can take more bytes (after compaction).
    pub(crate) fn rx_has_room(&self) -> bool {
        self.rx_start > u16::from(self.floor) || usize::from(self.rx_end) < self.rx_limit()
    }

    /// The region is full of one unconsumed piece: a line (or head) longer than it.
    pub(crate) fn rx_full(&self) -> bool {
        self.rx_start <= u16::from(self.floor) && usize::from(self.rx_end) >= self.rx_cap()
    }

    /// The `len` bytes consumed last (a Ping's or Close's payload) are parked at the front of
    /// the region, in place of any parked before; the unconsumed bytes follow them.
    pub(crate) fn park(&mut self, len: usize) {
        let start = usize::from(self.rx_start);
        let from = start.saturating_sub(len.min(usize::from(u8::MAX)));
        // (It fits: `start - from` is at most 255.)
        self.floor = (start - from) as u8;
        self.slide(from, 0);
    }

    /// Moves the bytes from `from` to the end of the received ones down to `to` (`to <= from
    /// <= rx_end`), where the unconsumed ones then start at the floor: a payload parked, or the
    /// region compacted. (The new end fits: it is below the old one.)
    fn slide(&mut self, from: usize, to: usize) {
        let end = usize::from(self.rx_end);
        let behind = self.mem().get_mut(to..).unwrap_or(&mut []);
        crate::proto::bytes::move_to_front(behind, from - to, end - to);
        self.rx_start = u16::from(self.floor);
        self.rx_end = (end - (from - to)) as u16;
    }

    /// The parked payload is no longer needed (our pong went out).
    pub(crate) fn unpark(&mut self) {
        self.floor = 0;
    }

    /// The parked payload: the last Ping's or Close's (empty when none is).
    #[cfg(test)]
    pub(crate) fn parked(&self) -> &[u8] {
        self.mem_ref().get(..usize::from(self.floor)).unwrap_or(&[])
    }

    /// The parked payload for a hook: a pointer made from the buffer itself (the hook may
    /// write through it, which one made from a shared slice of it would not allow) and its
    /// length.
    pub(crate) fn parked_raw(&self) -> (*mut u8, usize) {
        (self.ptr, usize::from(self.floor))
    }

    /// The parked payload and the free send region, to echo the one into the other.
    pub(crate) fn parked_and_tx_region(&mut self) -> (&[u8], &mut [u8]) {
        let (floor, from) = (usize::from(self.floor), self.tx_origin());
        match self.mem().split_at_mut_checked(from) {
            Some((front, region)) => (front.get(..floor).unwrap_or(&[]), region),
            None => (&[], &mut []),
        }
    }

    /// The free end of the receive region, to receive into: `(space, true)`. The unconsumed
    /// bytes are moved to its front only when less than half of it is free behind them (not
    /// before every read): a region that emptied starts over at 0 for free. With `sink` (the
    /// server's Close came: nothing more is parsed), a region without room (a Close payload
    /// parked in the smallest buffer) gives the free send region instead, `(space, false)`:
    /// what is received there is dropped, and the end of the stream is still seen.
    pub(crate) fn rx_space(&mut self, sink: bool) -> (&mut [u8], bool) {
        let (start, end, cap, floor) = (
            usize::from(self.rx_start),
            usize::from(self.rx_end),
            self.rx_limit(),
            usize::from(self.floor),
        );
        if start == end {
            self.rx_clear();
        } else if start > floor && cap.saturating_sub(end) < cap / 2 {
            // Rare now, so a plain loop (`copy_within` would link a panic path).
            self.slide(start, floor);
        }
        let end = usize::from(self.rx_end);
        if end < cap || !sink {
            return (self.mem().get_mut(end..cap).unwrap_or(&mut []), true);
        }
        (self.tx_region(), false)
    }

    /// `n` bytes were written into [`rx_space`](Self::rx_space).
    pub(crate) fn rx_commit(&mut self, n: usize) {
        let room = self.rx_limit().saturating_sub(usize::from(self.rx_end));
        self.rx_end += n.min(room) as u16;
    }

    // ----- Sending -----------------------------------------------------------------------

    /// Bytes waiting to be sent.
    #[cfg(test)]
    pub(crate) fn tx_pending(&self) -> &[u8] {
        self.mem_ref()
            .get(usize::from(self.tx_start)..usize::from(self.tx_end))
            .unwrap_or(&[])
    }

    /// [`tx_pending`](Self::tx_pending) as (address, length): the application's buffer, for a
    /// port call made with no borrow of the state alive. (No slice is made: the length is the
    /// one it would have, none when the cursors are not in the buffer.)
    pub(crate) fn tx_pending_raw(&self) -> (*const u8, usize) {
        let (from, to) = (usize::from(self.tx_start), usize::from(self.tx_end));
        let n = if to <= self.len() {
            to.saturating_sub(from)
        } else {
            0
        };
        (self.ptr.wrapping_add(from).cast_const(), n)
    }

    /// [`rx_space`](Self::rx_space) as (address, length, keep), as `tx_pending_raw`.
    pub(crate) fn rx_space_raw(&mut self, sink: bool) -> (*mut u8, usize, bool) {
        let (space, keep) = self.rx_space(sink);
        (space.as_mut_ptr(), space.len(), keep)
    }

    /// Nothing waits to be sent.
    pub(crate) fn tx_is_empty(&self) -> bool {
        self.tx_end <= self.tx_start
    }

    /// `n` bytes were sent; the region is emptied once all were.
    pub(crate) fn tx_advance(&mut self, n: usize) {
        let n = n.min(usize::from(self.tx_end - self.tx_start));
        self.tx_start += n as u16;
        if self.tx_start == self.tx_end {
            self.tx_clear();
        }
    }

    /// Nothing to send.
    pub(crate) fn tx_clear(&mut self) {
        self.tx_start = 0;
        self.tx_end = 0;
    }

    /// Where the next frame goes: the start of the send region, or right after the bytes
    /// still pending (small frames then leave together, in one write).
    fn tx_origin(&self) -> usize {
        if self.tx_is_empty() {
            self.tx_base()
        } else {
            usize::from(self.tx_end)
        }
    }

    /// Bytes free in the send region.
    pub(crate) fn tx_room(&self) -> usize {
        self.len().saturating_sub(self.tx_origin())
    }

    /// The free send region, to write the next frame into.
    pub(crate) fn tx_region(&mut self) -> &mut [u8] {
        let from = self.tx_origin();
        self.mem().get_mut(from..).unwrap_or(&mut [])
    }

    /// Copies `src` to byte `off` of the free send region, as much as fits; returns how much.
    pub(crate) fn tx_copy_in(&mut self, off: usize, src: &[u8]) -> usize {
        self.copy_in(self.tx_origin() + off, src)
    }

    /// Pointer to byte `off` of the free send region, for a hook that writes there during its
    /// call.
    pub(crate) fn tx_region_ptr(&mut self, off: usize) -> *mut u8 {
        self.ptr.wrapping_add(self.tx_origin() + off)
    }

    /// Bytes `[from, to)` of the free send region are to be sent (clamped to the region),
    /// after any still pending: then `from` is 0 (the bytes follow on without a gap).
    pub(crate) fn tx_queue(&mut self, from: usize, to: usize) {
        let origin = self.tx_origin();
        let end = (origin + to).min(self.len());
        if self.tx_is_empty() {
            self.tx_start = (origin + from).min(end) as u16;
        }
        self.tx_end = end as u16;
    }

    /// The whole buffer, to write the upgrade request into.
    pub(crate) fn whole(&mut self) -> &mut [u8] {
        self.mem()
    }

    /// The first `n` bytes of the buffer are to be sent (the upgrade request).
    pub(crate) fn tx_queue_whole(&mut self, n: usize) {
        self.tx_queue_span(0, n);
    }

    /// Bytes `[from, to)` of the whole buffer are to be sent (clamped): a plain request's
    /// body uses the whole buffer, as its head did (nothing is received before it is sent).
    pub(crate) fn tx_queue_span(&mut self, from: usize, to: usize) {
        let end = to.min(self.len());
        self.tx_start = from.min(end) as u16;
        self.tx_end = end as u16;
    }

    /// Where `p` lies in the buffer, when it does (a hook may point at bytes it wrote there).
    #[cfg(feature = "http")]
    pub(crate) fn offset_of(&self, p: *const u8) -> Option<usize> {
        let off = (p as usize).wrapping_sub(self.ptr as usize);
        (!self.ptr.is_null() && off < self.len()).then_some(off)
    }

    /// Moves `n` bytes at byte `from` of the buffer to byte `to` (the ranges may overlap;
    /// clamped to the buffer); returns how many moved.
    #[cfg(feature = "http")]
    pub(crate) fn move_within(&mut self, from: usize, to: usize, n: usize) -> usize {
        let n = n
            .min(self.len().saturating_sub(from))
            .min(self.len().saturating_sub(to));
        if n > 0 {
            // SAFETY: `from + n <= len` and `to + n <= len`: both ranges inside the buffer
            // `lend` was given; `copy` allows them to overlap. No slice of it is alive (`&mut
            // self`).
            unsafe { core::ptr::copy(self.ptr.add(from), self.ptr.add(to), n) };
        }
        n
    }

    /// Copies `src` to byte `off` of the whole buffer, as much as fits; returns how much.
    // A `memcpy` call: smaller and much faster than a byte loop, and unlike `copy_from_slice`
    // no panic path at opt-level z.
    pub(crate) fn copy_in(&mut self, off: usize, src: &[u8]) -> usize {
        let n = src.len().min(self.len().saturating_sub(off));
        if n > 0 {
            // SAFETY: `off + n <= len` (just computed), inside the buffer `lend` was given;
            // `src` is the application's lent payload or body, or library memory, never this
            // buffer (a body the hook wrote into the buffer is moved with `move_within`).
            unsafe { core::ptr::copy_nonoverlapping(src.as_ptr(), self.ptr.add(off), n) };
        }
        n
    }

    /// Pointer to byte `off` of the whole buffer, for a hook that writes there during its call.
    #[cfg(feature = "http")]
    pub(crate) fn ptr_at(&mut self, off: usize) -> *mut u8 {
        self.ptr.wrapping_add(off.min(self.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec;

    fn lent(mem: &mut [u8]) -> ConnBuf {
        // SAFETY: the test's buffer outlives the `ConnBuf` and is not touched meanwhile.
        unsafe { ConnBuf::lend(mem.as_mut_ptr(), mem.len() as u16) }
    }

    /// A Close whose 125-byte payload is parked in the smallest buffer's receive region: no
    /// room to receive, but the send region is free, so what the server sends after it (its
    /// end of the stream) is still read there, to be dropped (the engine then asks for read
    /// readiness: `engine::wanted`).
    #[test]
    fn a_parked_close_payload_fills_the_smallest_receive_region_but_can_still_be_read_past() {
        let mut mem = vec![0u8; 256];
        let mut b = lent(&mut mem);
        let n = b.rx_space(false).0.len();
        assert_eq!(n, 125);
        b.rx_commit(n);
        b.rx_consume(n);
        b.park(n);
        assert!(!b.rx_has_room());
        assert!(b.tx_room() > 0);
        let (space, keep) = b.rx_space(true);
        assert!(!space.is_empty() && !keep);
        assert_eq!(b.parked().len(), 125);
    }

    #[test]
    fn regions_split_a_quarter_for_sending_at_least_one_control_frame() {
        let mut mem = vec![0u8; 1024];
        let b = lent(&mut mem);
        assert_eq!((b.rx_cap(), b.tx_cap()), (768, 256));
        let mut small = vec![0u8; 256];
        let b = lent(&mut small);
        assert_eq!(
            (b.rx_cap(), b.tx_cap()),
            (256 - MAX_CONTROL_FRAME, MAX_CONTROL_FRAME)
        );
        let mut tiny = vec![0u8; 100];
        let b = lent(&mut tiny);
        assert_eq!(
            b.rx_cap(),
            0,
            "smaller than a control frame: nothing to receive into"
        );
    }

    #[test]
    fn no_buffer_gives_empty_slices() {
        let mut b = ConnBuf::NONE;
        assert!(b.rx_data().is_empty() && b.tx_pending().is_empty());
        assert!(b.rx_space(false).0.is_empty() && b.tx_region().is_empty() && b.whole().is_empty());
        b.rx_commit(10);
        b.tx_queue(0, 10);
        assert!(b.rx_data().is_empty() && b.tx_pending().is_empty());
    }

    #[test]
    fn receive_compacts_consumes_and_never_passes_the_region() {
        let mut mem = vec![0u8; 400];
        let mut b = lent(&mut mem);
        let cap = b.rx_cap();
        let space = b.rx_space(false).0;
        assert_eq!(space.len(), cap);
        space[..5].copy_from_slice(b"hello");
        b.rx_commit(5);
        assert_eq!(b.rx_data(), b"hello");
        b.rx_consume(2);
        assert_eq!(b.rx_data(), b"llo");
        assert!(b.rx_has_room());
        // Plenty of room behind the unread bytes: they are not moved.
        assert_eq!(b.rx_space(false).0.len(), cap - 5);
        assert_eq!(b.rx_data(), b"llo");
        // Less than half free behind them: moved to the front first.
        let fill = cap / 2;
        b.rx_space(false).0[..fill].fill(b'x');
        b.rx_commit(fill);
        b.rx_consume(3);
        assert_eq!(b.rx_space(false).0.len(), cap - fill);
        assert!(b.rx_data().len() == fill && b.rx_data().iter().all(|&x| x == b'x'));
        // All consumed: the region starts over at 0, nothing moved.
        b.rx_consume(fill);
        assert_eq!(b.rx_space(false).0.len(), cap);
        // Over-commit and over-consume are clamped.
        b.rx_commit(10_000);
        assert_eq!(b.rx_data().len(), cap);
        assert!(b.rx_full() && !b.rx_has_room());
        b.rx_consume(10_000);
        assert!(b.rx_data().is_empty());
        b.rx_clear();
        assert_eq!(b.rx_space(false).0.len(), cap);
    }

    #[test]
    fn send_queue_stays_in_the_send_region() {
        let mut mem = vec![0u8; 400];
        let mut b = lent(&mut mem);
        let (cap, len) = (b.rx_cap(), b.len());
        assert_eq!(b.tx_region().len(), len - cap);
        b.tx_region()[..3].copy_from_slice(b"abc");
        b.tx_queue(0, 3);
        assert_eq!(b.tx_pending(), b"abc");
        b.tx_advance(1);
        assert_eq!(b.tx_pending(), b"bc");
        b.tx_advance(99);
        assert!(b.tx_is_empty() && b.tx_pending().is_empty());
        // Past the end: clamped to the region.
        b.tx_queue(5, 10_000);
        assert_eq!(b.tx_pending().len(), len - cap - 5);
        b.tx_clear();
        b.tx_queue(10_000, 10_001);
        assert!(b.tx_is_empty());
        // The whole buffer for the upgrade request.
        b.whole()[..4].copy_from_slice(b"GET ");
        b.tx_queue_whole(4);
        assert_eq!(b.tx_pending(), b"GET ");
        b.tx_queue_whole(100_000);
        assert_eq!(b.tx_pending().len(), len);
    }

    #[test]
    fn an_idle_receive_region_is_lent_to_a_large_frame_and_given_back() {
        let mut mem = vec![0u8; 8192];
        let mut b = lent(&mut mem);
        let (cap, len) = (b.rx_cap(), b.len());
        assert_eq!(cap, 6144);
        // Nothing received waits: the frame may use all but the reserve.
        assert_eq!(b.tx_region().len(), len - 512);
        b.tx_region()[0] = 7;
        b.tx_queue(0, len - 512);
        assert_eq!(b.tx_pending().len(), len - 512);
        // Receiving meanwhile stops at the reserve, never over the pending bytes.
        assert_eq!(b.rx_space(false).0.len(), 512);
        b.rx_commit(10_000);
        assert_eq!(b.rx_data().len(), 512);
        assert!(!b.rx_has_room());
        assert_eq!(b.tx_pending()[0], 7, "the pending frame is intact");
        // Sent bytes free their part of the region again.
        b.tx_advance(1000);
        b.rx_consume(100);
        assert!(b.rx_has_room());
        assert_eq!(b.rx_space(false).0.len(), 1512 - 512);
        b.tx_advance(len);
        assert!(b.tx_is_empty());
        assert_eq!(b.rx_space(false).0.len(), cap - 512);
        // Received bytes wait: the next frame stays in the send region proper.
        assert_eq!(b.tx_region().len(), len - cap);
        let p = b.tx_region_ptr(0);
        assert_eq!(p.cast_const(), b.tx_region().as_ptr());
        let region = b.tx_region().as_ptr();
        b.tx_queue(0, 3);
        assert_eq!(b.tx_pending().as_ptr(), region);
    }

    #[test]
    fn frames_written_while_others_wait_follow_them() {
        let mut mem = vec![0u8; 400];
        let mut b = lent(&mut mem);
        let free = b.tx_region().len();
        b.tx_region()[..3].copy_from_slice(b"abc");
        b.tx_queue(0, 3);
        // The free region now starts after the pending bytes.
        assert_eq!(b.tx_region().len(), free - 3);
        assert_eq!(b.tx_room(), free - 3);
        assert_eq!(b.tx_copy_in(0, b"de"), 2);
        assert_eq!(b.tx_region_ptr(0).cast_const(), b.tx_region().as_ptr());
        b.tx_queue(0, 2);
        assert_eq!(b.tx_pending(), b"abcde");
        // A partial send keeps the rest, and the next frame still follows on.
        b.tx_advance(4);
        b.tx_copy_in(0, b"f");
        b.tx_queue(0, 1);
        assert_eq!(b.tx_pending(), b"ef");
        // Clamped at the end of the buffer.
        b.tx_queue(0, 10_000);
        assert_eq!(b.tx_pending().len(), b.len() - (b.len() - free + 4));
        b.tx_advance(10_000);
        assert!(b.tx_is_empty());
        assert_eq!(b.tx_region().len(), free, "drained: the region starts over");
    }

    #[test]
    fn small_buffers_keep_their_split() {
        let mut mem = vec![0u8; 600];
        let mut b = lent(&mut mem);
        assert_eq!(b.tx_region().len(), 600 - 450);
        let mut mem = vec![0u8; 1024];
        let mut b = lent(&mut mem);
        assert_eq!(
            b.tx_region().len(),
            1024 - 512,
            "half: the reserve is 512 bytes"
        );
    }

    #[test]
    fn a_parked_payload_stays_at_the_front_while_receiving_goes_on_behind_it() {
        let mut mem = vec![0u8; 256];
        let mut b = lent(&mut mem);
        let cap = b.rx_cap();
        assert_eq!(
            cap, 125,
            "the smallest buffer: a whole control payload and no more"
        );
        b.rx_space(false).0[..12].copy_from_slice(b"xxPINGabcdef");
        b.rx_commit(12);
        // The header (2 bytes) and the payload (4) consumed, then the payload parked.
        b.rx_consume(6);
        b.park(4);
        assert_eq!(b.parked(), b"PING");
        assert_eq!(b.rx_data(), b"abcdef", "the unconsumed bytes follow it");
        assert_eq!(
            b.rx_ptr(0).cast_const(),
            b.parked().as_ptr().wrapping_add(4)
        );
        // Receiving and compaction keep to the bytes behind it.
        assert_eq!(b.rx_space(false).0.len(), cap - 10);
        b.rx_consume(5);
        b.rx_commit(10_000);
        assert_eq!(b.rx_data().len(), cap - 9);
        b.rx_consume(cap - 10);
        assert_eq!(
            b.rx_space(false).0.len(),
            cap - 5,
            "compacted down to the parked bytes"
        );
        assert_eq!(b.parked(), b"PING");
        b.rx_consume(10_000);
        assert_eq!(b.rx_space(false).0.len(), cap - 4);
        assert_eq!(b.parked(), b"PING");
        // Echoing it: the parked bytes and the send region at once, apart.
        let (parked, region) = b.parked_and_tx_region();
        assert_eq!(parked, b"PING");
        assert_eq!(region.len(), 256 - cap);
        // A later payload replaces it; unparking frees the room.
        b.rx_space(false).0[..3].copy_from_slice(b"Bye");
        b.rx_commit(3);
        b.rx_consume(3);
        b.park(3);
        assert_eq!((b.parked(), b.rx_data()), (&b"Bye"[..], &b""[..]));
        b.unpark();
        assert!(b.parked().is_empty());
        assert_eq!(b.rx_space(false).0.len(), cap);
        // A 125-byte payload in the smallest buffer fills the region until it is unparked;
        // a lying length is clamped to what was consumed.
        b.rx_commit(10_000);
        b.rx_consume(cap);
        b.park(usize::MAX);
        assert_eq!(b.parked().len(), cap);
        assert!(b.rx_space(false).0.is_empty() && !b.rx_has_room());
        // Once nothing more is parsed, bytes are received into the send region, to be dropped.
        let (sink, keep) = b.rx_space(true);
        assert_eq!((sink.len(), keep), (256 - cap, false));
        b.reset();
        assert!(b.parked().is_empty() && b.rx_space(false).0.len() == cap);
    }

    #[test]
    fn pointers_for_hooks_address_the_same_bytes_as_the_slices() {
        let mut mem = vec![0u8; 400];
        let mut b = lent(&mut mem);
        b.rx_space(false).0[..4].copy_from_slice(b"wxyz");
        b.rx_commit(4);
        b.rx_consume(1);
        assert_eq!(b.rx_ptr(0).cast_const(), b.rx_data().as_ptr());
        let p = b.tx_region_ptr(7);
        assert_eq!(p.cast_const(), b.tx_region()[7..].as_ptr());
    }

    #[test]
    fn the_raw_pending_bytes_are_the_pending_slice() {
        let mut mem = vec![0u8; 400];
        let mut b = lent(&mut mem);
        for (from, to) in [
            (0, 0),
            (0, 3),
            (5, 9),
            (399, 400),
            (0, 400),
            (10, 500),
            (600, 700),
        ] {
            b.tx_queue_span(from, to);
            let (p, n) = b.tx_pending_raw();
            let d = b.tx_pending();
            assert_eq!(n, d.len(), "[{from}, {to})");
            if n > 0 {
                assert_eq!(p, d.as_ptr(), "[{from}, {to})");
            }
            b.tx_advance(1);
            assert_eq!(
                b.tx_pending_raw().1,
                b.tx_pending().len(),
                "[{from}, {to}) less one"
            );
        }
        // Cursors out of the buffer (never made by the methods) give nothing.
        b.tx_start = 10;
        b.tx_end = 401;
        assert_eq!(b.tx_pending_raw().1, 0);
        b.tx_start = 20;
        b.tx_end = 10;
        assert_eq!(b.tx_pending_raw().1, 0);
        assert_eq!(ConnBuf::NONE.tx_pending_raw().1, 0);
    }
}
