//! Turning fuzz bytes into decisions. Every reader is total: when the input runs out it returns
//! zeros, so a target never has to special-case a short input.

/// Reads decisions from the front of the fuzz input.
pub struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader over `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Reader { data }
    }

    /// True when nothing is left.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Bytes left.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// One byte (0 when exhausted).
    pub fn u8(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }

    /// A little-endian u16.
    pub fn u16(&mut self) -> u16 {
        u16::from(self.u8()) | (u16::from(self.u8()) << 8)
    }

    /// A little-endian u32.
    pub fn u32(&mut self) -> u32 {
        u32::from(self.u16()) | (u32::from(self.u16()) << 16)
    }

    /// A bool.
    pub fn bool(&mut self) -> bool {
        self.u8() & 1 == 1
    }

    /// A value in `0..n` (0 when n == 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        let v = if n <= 256 {
            usize::from(self.u8())
        } else {
            usize::from(self.u16())
        };
        v % n
    }

    /// Up to `n` bytes (fewer when the input runs out).
    pub fn bytes(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.data.len());
        let (head, rest) = self.data.split_at(n);
        self.data = rest;
        head
    }

    /// Everything left.
    pub fn rest(&mut self) -> &'a [u8] {
        core::mem::take(&mut self.data)
    }
}

/// A cyclic plan of small numbers taken from the input (never empty).
pub struct Plan {
    steps: Vec<u8>,
    at: usize,
}

impl Plan {
    /// Reads a plan of 1..=16 steps.
    pub fn read(r: &mut Reader<'_>) -> Plan {
        let n = 1 + usize::from(r.u8() % 16);
        let mut steps = r.bytes(n).to_vec();
        if steps.is_empty() {
            steps.push(0xFF);
        }
        Plan { steps, at: 0 }
    }

    /// A plan that always yields `b`.
    pub fn constant(b: u8) -> Plan {
        Plan {
            steps: vec![b],
            at: 0,
        }
    }

    /// The next step.
    pub fn step(&mut self) -> u8 {
        let b = self.steps[self.at % self.steps.len()];
        self.at = self.at.wrapping_add(1);
        b
    }

    /// A chunk size in 1..=max: 0xFF (or more than max) means everything.
    pub fn chunk(&mut self, max: usize) -> usize {
        let b = self.step();
        if b == 0xFF {
            return max.max(1);
        }
        (1 + usize::from(b % 64)).min(max.max(1))
    }
}

/// A server (unmasked) frame header for `len` payload bytes.
pub fn server_header(fin: bool, rsv: u8, opcode: u8, len: u64) -> Vec<u8> {
    let mut v = vec![(u8::from(fin) << 7) | ((rsv & 7) << 4) | (opcode & 0x0F)];
    if len < 126 {
        v.push(len as u8);
    } else if len <= 0xFFFF {
        v.push(126);
        v.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        v.push(127);
        v.extend_from_slice(&len.to_be_bytes());
    }
    v
}

/// A whole server frame.
pub fn server_frame(fin: bool, opcode: u8, payload: &[u8]) -> Vec<u8> {
    let mut v = server_header(fin, 0, opcode, payload.len() as u64);
    v.extend_from_slice(payload);
    v
}
