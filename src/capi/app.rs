//! Memory the application lends the library beyond its objects: message payloads, receive
//! buffers, header and query tables, strings.
//!
//! Each type is made once, at the API boundary, by an `unsafe` constructor that records the
//! application's promise (the memory stays valid until the call, send or connection that uses
//! it ends); reading and writing through it afterwards is safe and bounded by the length the
//! application gave. What a table entry (or a request hook) lends is said once per entry type
//! ([`Entry`]); a buffer an export writes its result into is a slice for the call
//! ([`out_bytes`]); a NUL-terminated string is scanned, bounded, by [`AppBytes::c_str`].

use super::consts::*;
use super::objects::*;
use super::types::{CPU_BOOLEAN, CPU_CHAR, CPU_INT16U};

/// Bytes the application lent read-only (`len` bytes at `ptr`; NULL: none).
#[derive(Clone, Copy)]
#[repr(C)]
pub(crate) struct AppBytes {
    ptr: *const u8,
    len: u32,
}

impl AppBytes {
    /// None.
    pub(crate) const NONE: AppBytes = AppBytes {
        ptr: core::ptr::null(),
        len: 0,
    };

    /// The `len` bytes at `ptr`.
    ///
    /// # Safety
    /// `ptr` is NULL or valid for reads of `len` bytes for as long as this value is used.
    pub(crate) unsafe fn new(ptr: *const CPU_CHAR, len: u32) -> AppBytes {
        AppBytes {
            ptr: ptr.cast(),
            len: if ptr.is_null() { 0 } else { len },
        }
    }

    /// Copies the NUL-terminated string at `ptr` into `out`, up to its NUL or until `out` is
    /// full, whichever comes first (NULL: nothing); returns the bytes it copied. (One pass:
    /// the scan for the NUL is the copy.)
    ///
    /// # Safety
    /// `ptr` is NULL or points to a NUL-terminated string, readable up to its NUL.
    pub(crate) unsafe fn copy_c_str(ptr: *const CPU_CHAR, out: &mut [u8]) -> &[u8] {
        let mut n = 0;
        if !ptr.is_null() {
            for slot in out.iter_mut() {
                // SAFETY: the caller's contract: every byte up to the NUL is readable, and the
                // copy reads none past it (it stops at the NUL).
                let b = unsafe { *ptr.add(n) } as u8;
                if b == 0 {
                    break;
                }
                *slot = b;
                n += 1;
            }
        }
        out.get(..n).unwrap_or_default()
    }

    /// The `len` bytes at `ptr` of a form field: NULL stands for nothing only when `len` is 0
    /// (legacy read NULL strings of length 0 without harm, and dereferenced the others).
    ///
    /// # Safety
    /// As for [`new`](Self::new).
    unsafe fn field(ptr: *const CPU_CHAR, len: u32) -> Result<AppBytes, FieldError> {
        if ptr.is_null() && len > 0 {
            return Err(FieldError::Null);
        }
        Ok(AppBytes {
            ptr: ptr.cast(),
            len,
        })
    }

    /// The pointer was NULL.
    pub(crate) fn is_null(&self) -> bool {
        self.ptr.is_null()
    }

    /// The pointer, to hand back to the application's platform (a NUL-terminated host name).
    pub(crate) fn ptr(&self) -> *const CPU_CHAR {
        self.ptr.cast()
    }

    /// The bytes before the first NUL (all of them when there is none): legacy measured
    /// strings with `Str_Len_N`, so a length counted with `sizeof` (the NUL included) works.
    pub(crate) fn until_nul(self) -> AppBytes {
        AppBytes {
            ptr: self.ptr,
            // At most `self.len`: the cast cannot truncate.
            len: self.text().len() as u32,
        }
    }

    /// The bytes before the first NUL within the length (all of them when there is none), as
    /// legacy measured strings (`Str_Len_N`). Read one byte at a time up to the NUL: no
    /// reference ever covers the bytes after it, which may be the connection buffer's (a
    /// length that runs on past the NUL into it), written by the library meanwhile.
    pub(crate) fn text(&self) -> &[u8] {
        let mut n = 0;
        while self.get(n, 1).first().is_some_and(|&b| b != 0) {
            n += 1;
        }
        self.get(0, n)
    }

    /// The length is 0 (or the pointer NULL): nothing to read.
    pub(crate) fn is_empty(&self) -> bool {
        self.ptr.is_null() || self.len == 0
    }

    /// Where the bytes a reader up to the NUL touches are: those before it and the NUL itself,
    /// within the length (for `handle::meets`: a string whose length runs on past its NUL is
    /// read no further).
    pub(crate) fn read_span(&self) -> (usize, usize) {
        self.text_and_span().1
    }

    /// [`text`](Self::text) unless what reading it touches ([`read_span`](Self::read_span))
    /// meets `out`, bytes the library writes meanwhile: one reading for both.
    pub(crate) fn text_apart(&self, out: (usize, usize)) -> Option<&[u8]> {
        let (text, read) = self.text_and_span();
        (!super::handle::meets(out, read)).then_some(text)
    }

    /// The text and its read span.
    fn text_and_span(&self) -> (&[u8], (usize, usize)) {
        let text = self.text();
        let n = (text.len() + 1).min(self.len as usize);
        (text, (self.ptr as usize, n))
    }

    /// Where the bytes are: (address, length), as `Obj::span` gives an object's (for
    /// `handle::meets`).
    pub(crate) fn span(&self) -> (usize, usize) {
        (self.ptr as usize, self.len as usize)
    }

    /// All the bytes.
    pub(crate) fn all(&self) -> &[u8] {
        self.get(0, self.len as usize)
    }

    /// Up to `n` bytes from offset `from` (fewer at the end, none past it).
    pub(crate) fn get(&self, from: usize, n: usize) -> &[u8] {
        let len = self.len as usize;
        if self.ptr.is_null() || from >= len {
            return &[];
        }
        let n = n.min(len - from);
        // SAFETY: `new`'s contract: `len` readable bytes, and `from + n <= len`.
        unsafe { core::slice::from_raw_parts(self.ptr.add(from), n) }
    }
}

/// How much of a buffer-mode receive buffer may be written, as the application promised at
/// `OnMsgRxInit`.
#[derive(Clone, Copy)]
pub(crate) enum RxBound {
    /// This many bytes in all: a single frame's length, or `RX_MSG_LEN_MAX` when the
    /// application set it (fragments are appended).
    Len(u32),
    /// Without `RX_MSG_LEN_MAX`, a fragmented message: each fragment is written at offset 0,
    /// bounded by its own length, as legacy did (what a legacy application sized for).
    PerFragment,
}

/// A buffer the application lent for receiving one message in buffer mode: where it is, how
/// much may be written, and how much was.
#[derive(Clone, Copy)]
#[repr(C)]
pub(crate) struct AppBuf {
    ptr: *mut u8,
    cap: u32,
    off: u32,
    per_fragment: bool,
}

impl AppBuf {
    /// None.
    pub(crate) const NONE: AppBuf = AppBuf {
        ptr: core::ptr::null_mut(),
        cap: 0,
        off: 0,
        per_fragment: false,
    };

    /// The buffer at `ptr`, writable as `bound` says.
    ///
    /// # Safety
    /// `ptr` is NULL or valid for writes of what `bound` allows (for `PerFragment`, the
    /// length of any fragment of the message) until the message is complete.
    pub(crate) unsafe fn new(ptr: *mut u8, bound: RxBound) -> AppBuf {
        let (cap, per_fragment) = match bound {
            RxBound::Len(n) => (n, false),
            RxBound::PerFragment => (0, true),
        };
        AppBuf {
            ptr,
            cap: if ptr.is_null() { 0 } else { cap },
            off: 0,
            per_fragment,
        }
    }

    /// The pointer was NULL.
    pub(crate) fn is_null(&self) -> bool {
        self.ptr.is_null()
    }

    /// A new frame of `len` payload bytes starts: in per-fragment mode it is written from
    /// offset 0, bounded by its own length.
    pub(crate) fn fragment_starts(&mut self, len: u32) {
        if self.per_fragment {
            self.off = 0;
            self.cap = len;
        }
    }

    /// Where the rest of what may be written lies (from the next byte to the bound): (address,
    /// length), as [`Obj::span`] gives an object's. Checked whole at every write, so that a
    /// buffer that runs into memory the library uses is refused before its first byte, however
    /// the payload arrives.
    ///
    /// [`Obj::span`]: super::handle::Obj::span
    pub(crate) fn rest_span(&self) -> (usize, usize) {
        (
            (self.ptr as usize).wrapping_add(self.off as usize),
            self.cap.saturating_sub(self.off) as usize,
        )
    }

    /// Appends `src`: false (nothing written) when it would pass the bound.
    pub(crate) fn append(&mut self, src: &[u8]) -> bool {
        let room = self.cap.saturating_sub(self.off) as usize;
        if self.ptr.is_null() || src.len() > room {
            return false;
        }
        // SAFETY: `new`'s contract: `cap` writable bytes (or the current fragment's length,
        // set by `fragment_starts`), and `off + src.len() <= cap`; `src` is library memory
        // (the connection buffer), which the caller checked the destination stays clear of
        // (`rest_span`).
        unsafe {
            core::ptr::copy_nonoverlapping(src.as_ptr(), self.ptr.add(self.off as usize), src.len())
        };
        self.off += src.len() as u32;
        true
    }
}

/// The buffer an export writes its result into (`len` bytes at `ptr`), as a slice for the
/// call; None for NULL.
///
/// # Safety
/// `ptr` is NULL or valid for reads and writes of `len` bytes for `'a`, and nothing else
/// reads or writes them meanwhile (no other argument of the call points into them).
pub(crate) unsafe fn out_bytes<'a>(ptr: *mut CPU_CHAR, len: u16) -> Option<&'a mut [u8]> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: the caller's contract: `len` bytes, the call's alone.
    Some(unsafe { core::slice::from_raw_parts_mut(ptr.cast::<u8>(), usize::from(len)) })
}

/// A path the application lent with a queued request (at most 65 535 bytes, as
/// `HTTPc_ReqSend`'s length): an [`AppBytes`] packed to 6 bytes of the request object.
#[derive(Clone, Copy)]
#[repr(C, packed(2))]
pub(crate) struct AppPath {
    ptr: *const u8,
    len: u16,
}

impl AppPath {
    /// `b`, whose length is a 16-bit one (longer: cut to 65 535 bytes, never past it).
    pub(crate) fn new(b: AppBytes) -> AppPath {
        AppPath {
            ptr: b.ptr,
            len: u16::try_from(b.len).unwrap_or(u16::MAX),
        }
    }

    /// Back to the bytes it holds.
    #[cfg_attr(not(feature = "http"), allow(dead_code))]
    pub(crate) fn bytes(self) -> AppBytes {
        AppBytes {
            ptr: self.ptr,
            len: u32::from(self.len),
        }
    }
}

/// A table the application lent (`n` entries at `ptr`): request headers or query pairs.
/// (Packed to 2-byte alignment: two tables side by side take 12 bytes of a request object,
/// not 16. Fields are only ever read by value.)
#[derive(Clone, Copy)]
#[repr(C, packed(2))]
pub(crate) struct AppTable<T> {
    ptr: *const T,
    n: u16,
}

impl<T: Copy> AppTable<T> {
    /// No table.
    pub(crate) const EMPTY: AppTable<T> = AppTable {
        ptr: core::ptr::null(),
        n: 0,
    };

    /// The `n` entries at `ptr`; none when it is NULL or not aligned for `T`. The application's
    /// tables and form objects are C objects, aligned by its compiler (legacy dereferenced them
    /// as such): one that is not is refused, never read, and the others are read with aligned
    /// loads (unaligned ones are a byte at a time on Cortex-M0).
    ///
    /// # Safety
    /// `ptr` is NULL or valid for reads of `n` entries for as long as this value is used, and
    /// every pointer/length pair inside an entry addresses that many readable bytes.
    pub(crate) unsafe fn new(ptr: *const T, n: u16) -> AppTable<T> {
        AppTable {
            ptr,
            n: if ptr.is_null() || !ptr.is_aligned() {
                0
            } else {
                n
            },
        }
    }

    /// Number of entries.
    pub(crate) fn len(&self) -> usize {
        usize::from(self.n)
    }

    /// Where the entries are: (address, length in bytes), for `handle::apart`.
    pub(crate) fn span(&self) -> (usize, usize) {
        (self.ptr as usize, self.len() * core::mem::size_of::<T>())
    }
}

impl<T: Entry> AppTable<T> {
    /// What entry `i` holds; None past the end.
    pub(crate) fn get(&self, i: usize) -> Option<T::Lent> {
        if i >= self.len() {
            return None;
        }
        // SAFETY: `new`'s contract: `n` readable entries (`i < n`; aligned, or `n` is 0), and
        // the bytes of every pair inside them readable for as long as this table is used.
        Some(unsafe { self.ptr.add(i).read().lend() })
    }
}

/// An entry of a table the application lends (or that a request hook gives), and what the
/// library takes from it: its strings, lent as [`AppBytes`].
pub(crate) trait Entry: Copy {
    /// What one entry holds.
    type Lent;

    /// How legacy read its hook's "last" answer: any answer but DEF_NO (the query-string
    /// hook's loop ran `while (done == DEF_NO)`), or DEF_YES alone (the header hook's ran
    /// `while (done != DEF_YES)`).
    const LAST_UNLESS_NO: bool = false;

    /// What this entry holds.
    ///
    /// # Safety
    /// Every pointer/length pair in the entry is NULL or addresses that many readable bytes for
    /// as long as the result is used.
    unsafe fn lend(&self) -> Self::Lent;
}

impl Entry for HTTPc_HDR {
    /// Its field and value.
    type Lent = (u32, AppBytes);

    /// # Safety
    /// As for [`Entry::lend`].
    unsafe fn lend(&self) -> (u32, AppBytes) {
        // SAFETY: the caller's contract: `ValLen` bytes at `ValPtr` (or NULL), readable for as
        // long as the result is used, which is `AppBytes::new`'s.
        (self.HdrField, unsafe {
            AppBytes::new(self.ValPtr, u32::from(self.ValLen))
        })
    }
}

impl Entry for HTTPc_KEY_VAL {
    /// Its key and value.
    type Lent = (AppBytes, AppBytes);
    const LAST_UNLESS_NO: bool = true;

    /// # Safety
    /// As for [`Entry::lend`].
    unsafe fn lend(&self) -> (AppBytes, AppBytes) {
        // SAFETY: the caller's contract: `KeyLen` bytes at `KeyPtr` and `ValLen` at `ValPtr`
        // (or NULL), readable for as long as the result is used, which is `AppBytes::new`'s.
        unsafe {
            (
                AppBytes::new(self.KeyPtr, u32::from(self.KeyLen)),
                AppBytes::new(self.ValPtr, u32::from(self.ValLen)),
            )
        }
    }
}

impl Entry for HTTPc_FORM_TBL_FIELD {
    /// The entry itself: it holds no string; its object is read under the form's contract
    /// ([`AppForm::field`]).
    type Lent = HTTPc_FORM_TBL_FIELD;

    /// # Safety
    /// As for [`Entry::lend`].
    unsafe fn lend(&self) -> HTTPc_FORM_TBL_FIELD {
        *self
    }
}

/// The form table the application lent (`HTTPc_PARAM_TYPE_REQ_FORM_TBL`), as it gave it: the
/// entry count is kept even when the pointer is NULL, for legacy's check at send time
/// (`HTTPc_ERR_REQ_PARAM_FORM_FIELD_TBL_INVALID`). All zero: no form. A NULL table of no
/// entries (legacy accepts it: an empty form) is kept as a dangling, never read, pointer.
/// `step` is where the engine stands while it sends the form (`form::step`), in what would be
/// padding.
#[derive(Clone, Copy)]
#[repr(C)]
pub(crate) struct AppForm {
    ptr: *const HTTPc_FORM_TBL_FIELD,
    n: u16,
    /// The step being sent.
    pub step: u16,
}

/// A form value hook, `OnValTx` or `OnFileTx`, with its object pointer as `void *`: the two hook
/// types differ only in that pointer's type, and pointers are ABI-compatible, so one call site
/// serves both.
pub(crate) type ValHook = Option<
    unsafe extern "C" fn(
        *mut HTTPc_CONN_OBJ,
        *mut HTTPc_REQ_OBJ,
        *mut core::ffi::c_void,
        *mut CPU_CHAR,
        CPU_INT16U,
        *mut CPU_INT16U,
    ) -> CPU_BOOLEAN,
>;

/// A value a hook gives while the form is sent: the hook, the object it belongs to, the length.
#[derive(Clone, Copy)]
// The hooks are called by the engine, built with `form` only.
#[cfg_attr(not(feature = "form"), allow(dead_code))]
pub(crate) struct HookVal {
    pub hook: ValHook,
    pub obj: *mut core::ffi::c_void,
    pub len: u32,
}

/// What one form entry holds, read from the application's objects.
#[derive(Clone, Copy)]
pub(crate) enum FormField {
    /// `HTTPc_KEY_VAL`: key and value.
    KeyVal { key: AppBytes, val: AppBytes },
    /// `HTTPc_KEY_VAL_EXT`: the key; the value comes from its `OnValTx`.
    Ext { key: AppBytes, val: HookVal },
    /// `HTTPc_MULTIPART_FILE`: names and type; the content comes from its `OnFileTx`.
    File {
        name: AppBytes,
        file_name: AppBytes,
        content_type: u8,
        val: HookVal,
    },
}

/// Why a form entry cannot be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FieldError {
    /// Its type is not an `HTTPc_FORM_FIELD_TYPE`.
    Type,
    /// Its object, its hook, or a string whose length is not 0 is NULL.
    Null,
}

impl AppForm {
    /// The `n` entries at `ptr`, set as the request's form.
    ///
    /// # Safety
    /// `ptr` is NULL or valid for reads of `n` entries for as long as this value is used, and
    /// each entry's object (with the strings it points to) is readable and of the type the
    /// entry says, as legacy's API requires.
    pub(crate) unsafe fn new(ptr: *const HTTPc_FORM_TBL_FIELD, n: u16) -> AppForm {
        let ptr = if ptr.is_null() && n == 0 {
            core::ptr::NonNull::dangling().as_ptr()
        } else {
            ptr
        };
        AppForm { ptr, n, step: 0 }
    }

    /// The `n` entries at `ptr`, as given (NULL stays NULL, whatever `n`): a table to format.
    ///
    /// # Safety
    /// As for [`new`](Self::new).
    pub(crate) unsafe fn as_given(ptr: *const HTTPc_FORM_TBL_FIELD, n: u16) -> AppForm {
        AppForm { ptr, n, step: 0 }
    }

    /// Where the entries are: (address, length in bytes), for `handle::apart`.
    pub(crate) fn span(&self) -> (usize, usize) {
        (
            self.ptr as usize,
            usize::from(self.n) * core::mem::size_of::<HTTPc_FORM_TBL_FIELD>(),
        )
    }

    /// The table pointer is NULL.
    pub(crate) fn is_null(&self) -> bool {
        self.ptr.is_null()
    }

    /// A table was set.
    pub(crate) fn is_set(&self) -> bool {
        !self.ptr.is_null() || self.n > 0
    }

    /// The table pointer is NULL but entries were announced (legacy:
    /// `HTTPc_ERR_REQ_PARAM_FORM_FIELD_TBL_INVALID`).
    pub(crate) fn is_null_with_entries(&self) -> bool {
        self.ptr.is_null() && self.n > 0
    }

    /// Number of entries (0 for a NULL table).
    pub(crate) fn len(&self) -> usize {
        if self.ptr.is_null() {
            0
        } else {
            usize::from(self.n)
        }
    }

    /// A copy of entry `i`; None past the end.
    fn entry(&self, i: usize) -> Option<HTTPc_FORM_TBL_FIELD> {
        // The entries as a table: `new`'s contract includes `AppTable::new`'s for them (`len`
        // readable entries, NULL for none), and they hold no strings; none when misaligned,
        // as `AppTable::new` has it.
        let tbl = AppTable {
            ptr: self.ptr,
            n: if self.ptr.is_aligned() {
                self.len() as u16
            } else {
                0
            },
        };
        tbl.get(i)
    }

    /// The type of entry `i` (its first byte, as for `read`); None past the end.
    pub(crate) fn kind(&self, i: usize) -> Option<HTTPc_FORM_FIELD_TYPE> {
        self.entry(i)
            .map(|e| HTTPc_FORM_FIELD_TYPE::from(e.Type as u8))
    }

    /// Entry `i`; None past the end.
    pub(crate) fn field(&self, i: usize) -> Option<Result<FormField, FieldError>> {
        self.entry(i).map(Self::read)
    }

    /// The object an entry points to. Its type is read from `Type`'s first byte: a C enum is
    /// one byte where enums are short, and every type fits in it.
    fn read(e: HTTPc_FORM_TBL_FIELD) -> Result<FormField, FieldError> {
        // (Every object type holds pointers: aligned as a pointer.)
        if e.FieldObjPtr.is_null() || !e.FieldObjPtr.cast::<*const u8>().is_aligned() {
            return Err(match HTTPc_FORM_FIELD_TYPE::from(e.Type as u8) {
                HTTPc_FORM_FIELD_TYPE_KEY_VAL
                | HTTPc_FORM_FIELD_TYPE_KEY_VAL_EXT
                | HTTPc_FORM_FIELD_TYPE_FILE => FieldError::Null,
                _ => FieldError::Type,
            });
        }
        match HTTPc_FORM_FIELD_TYPE::from(e.Type as u8) {
            HTTPc_FORM_FIELD_TYPE_KEY_VAL => {
                // SAFETY: `new`'s contract: the object is readable and an `HTTPc_KEY_VAL`
                // (aligned: checked above), and so are the strings it points to (refused when
                // NULL with a length).
                unsafe {
                    let kv = e.FieldObjPtr.cast::<HTTPc_KEY_VAL>().read();
                    Ok(FormField::KeyVal {
                        key: AppBytes::field(kv.KeyPtr, u32::from(kv.KeyLen))?,
                        val: AppBytes::field(kv.ValPtr, u32::from(kv.ValLen))?,
                    })
                }
            }
            HTTPc_FORM_FIELD_TYPE_KEY_VAL_EXT => {
                let obj = e.FieldObjPtr.cast::<HTTPc_KEY_VAL_EXT>();
                // SAFETY: `new`'s contract: the object is readable and an `HTTPc_KEY_VAL_EXT`
                // (aligned: checked above), and so is its key (refused when NULL with a
                // length). Its hook, as a `ValHook`, is called with this object: the pointer
                // types differ, the ABI does not.
                unsafe {
                    let kv = obj.read();
                    if kv.OnValTx.is_none() {
                        return Err(FieldError::Null);
                    }
                    Ok(FormField::Ext {
                        key: AppBytes::field(kv.KeyPtr, u32::from(kv.KeyLen))?,
                        val: HookVal {
                            // Same size; see `ValHook`.
                            hook: core::mem::transmute::<HTTPc_KEY_VAL_EXT_HOOK, ValHook>(
                                kv.OnValTx,
                            ),
                            obj: obj.cast(),
                            len: kv.ValLen,
                        },
                    })
                }
            }
            HTTPc_FORM_FIELD_TYPE_FILE => {
                let obj = e.FieldObjPtr.cast::<HTTPc_MULTIPART_FILE>();
                // SAFETY: `new`'s contract: the object is readable and an
                // `HTTPc_MULTIPART_FILE` (aligned: checked above), and so are its names (refused
                // when NULL with a length). Its hook, as a `ValHook`, is called with this object
                // (see above).
                unsafe {
                    let f = obj.read();
                    if f.OnFileTx.is_none() {
                        return Err(FieldError::Null);
                    }
                    Ok(FormField::File {
                        name: AppBytes::field(f.NamePtr, u32::from(f.NameLen))?,
                        file_name: AppBytes::field(f.FileNamePtr, u32::from(f.FileNameLen))?,
                        // A C enum: its first byte (see `HTTPc_MULTIPART_FILE`).
                        content_type: f.ContentType as u8,
                        val: HookVal {
                            // Same size; see `ValHook`.
                            hook: core::mem::transmute::<HTTPc_MULTIPART_FILE_HOOK, ValHook>(
                                f.OnFileTx,
                            ),
                            obj: obj.cast(),
                            len: f.FileLen,
                        },
                    })
                }
            }
            _ => Err(FieldError::Type),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test memory as the API boundary would lend it.
    fn lend<T: Copy>(ptr: *const u8, len: u32, tbl: *const T, n: u16) -> (AppBytes, AppTable<T>) {
        // SAFETY: every test passes NULL or live locals of at least these lengths, whose
        // entries point to live values, all outliving the use.
        unsafe { (AppBytes::new(ptr.cast(), len), AppTable::new(tbl, n)) }
    }

    /// A receive buffer as `OnMsgRxInit` would lend it.
    fn lend_buf(mem: &mut [u8], bound: RxBound) -> AppBuf {
        // SAFETY: a live local, and no test writes more than `mem.len()` through it (the
        // per-fragment test's fragments are shorter).
        unsafe { AppBuf::new(mem.as_mut_ptr(), bound) }
    }

    #[test]
    fn bytes_are_bounded_by_the_given_length() {
        let data = *b"payload";
        let (b, _) = lend::<u8>(data.as_ptr(), 7, core::ptr::null(), 0);
        assert_eq!(b.all(), b"payload");
        assert_eq!(b.get(3, 100), b"load");
        assert!(b.get(7, 1).is_empty() && b.get(100, 1).is_empty());
        assert!(AppBytes::NONE.all().is_empty() && AppBytes::NONE.is_null());
        let (null, _) = lend::<u8>(core::ptr::null(), 50, core::ptr::null(), 0);
        assert!(null.all().is_empty());
    }

    /// A string ends at its NUL within its length (legacy `Str_Len_N`); what is read of it
    /// (`read_span`) is the bytes before the NUL and the NUL, never more than the length.
    #[test]
    fn strings_end_at_their_nul_within_their_length() {
        let data = *b"/x\0after";
        for (len, text, read) in [
            (9, &b"/x"[..], 3),
            (2, b"/x", 2),
            (3, b"/x", 3),
            (0, b"", 0),
        ] {
            let (b, _) = lend::<u8>(data.as_ptr(), len, core::ptr::null(), 0);
            assert_eq!(b.text(), text, "length {len}");
            assert_eq!(b.until_nul().all(), text, "length {len}");
            assert_eq!(
                b.read_span(),
                (data.as_ptr() as usize, read),
                "length {len}"
            );
            assert_eq!(b.is_empty(), len == 0);
        }
        let (null, _) = lend::<u8>(core::ptr::null(), 50, core::ptr::null(), 0);
        assert!(null.text().is_empty() && null.is_empty());
    }

    #[test]
    fn buffer_writes_never_pass_the_bound() {
        let mut mem = [0u8; 8];
        let mut b = lend_buf(&mut mem, RxBound::Len(8));
        assert!(b.append(b"abcd"));
        assert!(b.append(b"efgh"));
        assert!(!b.append(b"x"), "would pass the end");
        assert!(b.append(b""), "empty at the end is fine");
        b.fragment_starts(2);
        assert!(!b.append(b"x"), "not per fragment: the offset stays");
        assert_eq!(&mem, b"abcdefgh");
        let mut none = AppBuf::NONE;
        assert!(!none.append(b"a") && none.is_null());
    }

    #[test]
    fn per_fragment_buffers_restart_at_zero_bounded_by_each_fragment() {
        let mut mem = [0u8; 8];
        let mut b = lend_buf(&mut mem, RxBound::PerFragment);
        assert!(!b.append(b"a"), "nothing before a fragment starts");
        b.fragment_starts(3);
        assert!(b.append(b"ab") && b.append(b"c"));
        assert!(!b.append(b"d"), "past this fragment");
        b.fragment_starts(2);
        assert!(b.append(b"xy"));
        assert_eq!(&mem[..3], b"xyc");
    }

    #[test]
    fn misaligned_tables_are_refused_not_read() {
        // Aligned storage, then a pointer one byte into it: never dereferenced by the code
        // under test (Miri would catch an aligned read through it).
        let words = [0usize; 16];
        let odd = words.as_ptr().cast::<u8>().wrapping_add(1);
        let (_, tbl) = lend::<HTTPc_HDR>(core::ptr::null(), 0, odd.cast(), 3);
        assert_eq!(tbl.len(), 0);
        assert!(tbl.get(0).is_none());
        // (Forms: through the C API, tests/capi_form.rs.)
    }

    #[test]
    fn tables_read_only_their_entries() {
        let mut val = *b"v1";
        let hdrs = [HTTPc_HDR {
            HdrField: 7,
            ValPtr: val.as_mut_ptr().cast(),
            ValLen: 2,
        }];
        let (_, t) = lend(core::ptr::null(), 0, hdrs.as_ptr(), 1);
        let (field, v) = t.get(0).unwrap();
        assert_eq!((field, v.all()), (7, &b"v1"[..]));
        assert!(t.get(1).is_none());
        let (_, none) = lend::<HTTPc_HDR>(core::ptr::null(), 0, core::ptr::null(), 9);
        assert_eq!(none.len(), 0);
        assert!(none.get(0).is_none());
    }
}
