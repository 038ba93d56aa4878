//! Byte-slice helpers with no panic path.
//!
//! `copy_from_slice` and `copy_within` carry length checks that call
//! the panic machinery when the optimiser cannot prove them away (common at `opt-level = "z"`),
//! which would drag `core::fmt` into the firmware. These do the same work with `get` and
//! iterators, so the release firmware links with no panic path at all.

/// Copies `min(dst.len(), src.len())` bytes from `src` to the start of `dst`; returns the count.
#[inline]
pub fn copy(dst: &mut [u8], src: &[u8]) -> usize {
    let mut n = 0;
    for (d, s) in dst.iter_mut().zip(src.iter()) {
        *d = *s;
        n += 1;
    }
    n
}

/// Moves `buf[start..end]` to the front of `buf` (ranges clamped to the buffer); returns the
/// number of bytes moved.
pub fn move_to_front(buf: &mut [u8], start: usize, end: usize) -> usize {
    let end = end.min(buf.len());
    let mut n = 0;
    let mut from = start;
    while from < end {
        let Some(&b) = buf.get(from) else { break };
        if let Some(d) = buf.get_mut(n) {
            *d = b;
        }
        n += 1;
        from += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_takes_the_shorter_length() {
        let mut dst = [0u8; 3];
        assert_eq!(copy(&mut dst, b"abcdef"), 3);
        assert_eq!(&dst, b"abc");
        let mut dst = [9u8; 4];
        assert_eq!(copy(&mut dst, b"xy"), 2);
        assert_eq!(&dst, b"xy\x09\x09");
    }

    #[test]
    fn move_to_front_overlapping() {
        let mut buf = *b"0123456789";
        assert_eq!(move_to_front(&mut buf, 3, 8), 5);
        assert_eq!(&buf[..5], b"34567");
        assert_eq!(move_to_front(&mut buf, 8, 100), 2);
        assert_eq!(move_to_front(&mut buf, 5, 2), 0);
    }
}
