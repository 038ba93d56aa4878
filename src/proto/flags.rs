//! [`Flags8`]: up to eight booleans in one byte.
//!
//! The session and the C API's objects live in the application's memory, one set per
//! connection; a byte of flags instead of a byte per flag keeps them at legacy's size.

/// Booleans packed in one byte, each a bit the owner names with a constant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags8(u8);

impl Flags8 {
    /// All clear.
    pub const NONE: Flags8 = Flags8(0);

    /// True when every bit of `bits` is set.
    #[inline]
    pub const fn has(self, bits: u8) -> bool {
        self.0 & bits == bits
    }

    /// Sets (`on`) or clears the bits of `bits`.
    #[inline]
    pub fn set(&mut self, bits: u8, on: bool) {
        if on {
            self.0 |= bits;
        } else {
            self.0 &= !bits;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Flags8;

    #[test]
    fn bits_are_independent() {
        let mut f = Flags8::NONE;
        f.set(1, true);
        f.set(4, true);
        assert!(f.has(1) && f.has(4) && f.has(5) && !f.has(2) && !f.has(3));
        f.set(1, false);
        assert!(!f.has(1) && f.has(4));
        f.set(4, true);
        assert!(f.has(4), "setting a set bit keeps it");
        f.set(0x80, true);
        f.set(4, false);
        assert_eq!(f, {
            let mut g = Flags8::default();
            g.set(0x80, true);
            g
        });
    }
}
