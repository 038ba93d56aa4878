//! Forms (legacy `HTTPc_CFG_FORM_EN`, cargo feature `form`): the five `HTTPc_Form*` exports,
//! and the form table of `HTTPc_PARAM_TYPE_REQ_FORM_TBL` as the library turns it into a body.
//!
//! Owns: how a table becomes a body, byte for byte as legacy `http-c_req.c` builds it
//! (`application/x-www-form-urlencoded`: `key=value&…`, both percent-encoded;
//! `multipart/form-data`: one part per entry with legacy's boundary, values as given, a hook's
//! value or file where it goes), the checks and the length `HTTPc_ReqSend` makes of a table
//! (`request.rs` writes it as `Content-Length`), and the steps the engine streams through the
//! connection buffer (`engine/http.rs`). One description, [`Step::write_fixed`], serves the
//! length, the request body and `HTTPc_Form*Fmt`, so they cannot disagree.
//!
//! Does not own: the byte pieces (`proto::http::request`), the hook calls (`hooks.rs`), reading
//! the application's table (`app.rs`).
//!
//! Without the feature every export answers `HTTPc_ERR_FEATURE_DIS` and nothing else of this
//! file is linked.

use super::app::{out_bytes, AppBytes, AppForm, FieldError, FormField, HookVal};
use super::consts::*;
use super::ffi::{ErrOut, Out, Param, ParamValue};
use super::handle::{meets, Span};
use super::objects::*;
use super::types::*;
use crate::proto::http::media_type_name;
use crate::proto::http::request::{form_close, form_pair, part_head, Window, PART_END};

/// One step of a form body: entry `i` of the table, or (multipart) the close delimiter after
/// the last entry.
pub(crate) struct Step {
    /// The entry; None for the close delimiter.
    field: Option<FormField>,
    multipart: bool,
    /// Entries follow (an urlencoded pair then ends with `&`).
    more: bool,
}

/// Number of steps of a form: one per entry, and the close delimiter of a multipart body.
pub(crate) fn steps(form: &AppForm, multipart: bool) -> usize {
    form.len() + usize::from(multipart)
}

/// Step `i` of a form (`i < steps(..)`). An urlencoded form takes `HTTPc_KEY_VAL` entries only,
/// refused by their type before their object is read, as legacy.
pub(crate) fn step(form: &AppForm, multipart: bool, i: usize) -> Result<Step, FieldError> {
    let n = form.len();
    let field = if i < n {
        if !multipart && form.kind(i) != Some(HTTPc_FORM_FIELD_TYPE_KEY_VAL) {
            return Err(FieldError::Type);
        }
        Some(form.field(i).ok_or(FieldError::Type)??)
    } else {
        None
    };
    Ok(Step {
        field,
        multipart,
        more: i + 1 < n,
    })
}

impl Step {
    /// The bytes of this step the library writes itself: an urlencoded pair; a part's head,
    /// value and CRLF; a hook part's head only (its value and CRLF follow, see [`Step::hook`]);
    /// the close delimiter.
    pub(crate) fn write_fixed(&self, s: &mut Window<'_>) {
        let Some(field) = &self.field else {
            if self.multipart {
                form_close(s);
            }
            return;
        };
        // A part's name, file name, type and (for a key/value pair) value; an urlencoded form
        // has key/value pairs only (`step` refused other entries).
        let (name, file_name, content_type, val) = match field {
            FormField::KeyVal { key, val } if !self.multipart => {
                return form_pair(s, all(key), all(val), self.more);
            }
            _ if !self.multipart => return,
            FormField::KeyVal { key, val } => (key, None, None, Some(val)),
            FormField::Ext { key, .. } => (key, None, None, None),
            FormField::File {
                name,
                file_name,
                content_type,
                ..
            } => (
                name,
                Some(all(file_name)),
                media_type_name(*content_type),
                None,
            ),
        };
        part_head(s, all(name), file_name, content_type);
        if let Some(val) = val {
            s.raw(all(val));
            s.raw(PART_END);
        }
    }

    /// Whether a string this step copies lies in `buf` (address, length: the connection
    /// buffer it is copied into, where it would be overwritten while read).
    #[cfg_attr(not(feature = "form"), allow(dead_code))]
    pub(crate) fn reads_from(&self, buf: Span) -> bool {
        let (a, b) = match &self.field {
            Some(FormField::KeyVal { key, val }) => (key.span(), val.span()),
            Some(FormField::Ext { key, .. }) => (key.span(), (0, 0)),
            Some(FormField::File {
                name, file_name, ..
            }) => (name.span(), file_name.span()),
            None => return false,
        };
        meets(buf, a) || meets(buf, b)
    }

    /// The length of [`write_fixed`](Self::write_fixed)'s bytes; None past `u32::MAX`.
    #[cfg_attr(not(feature = "form"), allow(dead_code))]
    pub(crate) fn fixed_len(&self) -> Option<u32> {
        let mut m = Window::measure();
        self.write_fixed(&mut m);
        m.total()
    }

    /// A value a hook gives after the fixed bytes (a multipart `HTTPc_KEY_VAL_EXT` or file).
    /// [`PART_END`] follows it.
    pub(crate) fn hook(&self) -> Option<HookVal> {
        match self.field {
            Some(FormField::Ext { val, .. } | FormField::File { val, .. }) => Some(val),
            _ => None,
        }
    }

    /// The whole step's length; None past `u32::MAX`.
    fn len(&self) -> Option<u32> {
        let fixed = self.fixed_len()?;
        match self.hook() {
            Some(v) => fixed.checked_add(v.len)?.checked_add(PART_END.len() as u32),
            None => Some(fixed),
        }
    }
}

/// The bytes of a string of the form (out of line: one call where each is written).
#[inline(never)]
fn all(b: &AppBytes) -> &[u8] {
    b.all()
}

/// The checks `HTTPc_ReqSend` makes of a form table, and its length (the `Content-Length`).
pub(crate) fn form_len(form: &AppForm, multipart: bool) -> Result<u32, HTTPc_ERR> {
    measure(
        form,
        multipart,
        [
            HTTPc_ERR_FORM_TYPE_INVALID,
            HTTPc_ERR_REQ_PARAM_FORM_FIELD_NULL_PTR,
            HTTPc_ERR_REQ_PARAM_FORM_FIELD_INVALID_LEN,
        ],
    )
}

/// The length of a form's body, every step checked (each one, whatever the length comes to):
/// `errs` is the error of an entry of the wrong type, of a NULL, and of a length past
/// `u32::MAX`.
// Out of line: `HTTPc_ReqSend` and `HTTPc_Form*Fmt` share it.
#[inline(never)]
fn measure(form: &AppForm, multipart: bool, errs: [HTTPc_ERR; 3]) -> Result<u32, HTTPc_ERR> {
    let [type_err, null_err, len_err] = errs;
    let mut total = Window::measure();
    for i in 0..steps(form, multipart) {
        // (Read where it was returned, not moved out of the `Result`.)
        let step = match &step(form, multipart, i) {
            Ok(step) => step.len().ok_or(len_err)?,
            Err(FieldError::Type) => return Err(type_err),
            Err(FieldError::Null) => return Err(null_err),
        };
        total.add(step);
    }
    total.total().ok_or(len_err)
}

// ----- The exports ---------------------------------------------------------------------------

/// Writes an `application/x-www-form-urlencoded` body from a table of `HTTPc_KEY_VAL` entries
/// into `p_buf`: the bytes `HTTPc_ReqSend` sends for the same table (`key=value` pairs,
/// percent-encoded as legacy, joined by `&`). Returns their length (0 on error, or for an
/// empty table).
///
/// Errors: `HTTPc_ERR_NULL_PTR`, `HTTPc_ERR_FORM_TYPE_INVALID` (an entry is not a
/// `HTTPc_KEY_VAL`), `HTTPc_ERR_FORM_FIELD_INVALID` (a NULL object, or a NULL string whose
/// length is not 0), `HTTPc_ERR_FORM_BUF_LEN_INVALID` (longer than `buf_len`: nothing is
/// written), `HTTPc_ERR_FEATURE_DIS` (built without `form`). Needs no `HTTPc_Init`.
///
/// # Safety
/// Valid or NULL pointers: `p_buf` writable for `buf_len` bytes, `form_tbl_size` entries at
/// `p_form_tbl`, each pointing to a readable object of its type whose strings do not overlap
/// `p_buf`.
#[no_mangle]
pub unsafe extern "C" fn HTTPc_FormAppFmt(
    p_buf: *mut CPU_CHAR,
    buf_len: CPU_INT16U,
    p_form_tbl: *mut HTTPc_FORM_TBL_FIELD,
    form_tbl_size: CPU_INT16U,
    p_err: *mut HTTPc_ERR,
) -> CPU_INT32U {
    // SAFETY: this function's contract: the entries, their objects and strings are readable,
    // `p_buf` is writable for `buf_len` bytes and overlaps none of them, `p_err` is writable.
    let (out, form, buf) = unsafe {
        (
            ErrOut::new(p_err),
            AppForm::as_given(p_form_tbl, form_tbl_size),
            out_bytes(p_buf, buf_len),
        )
    };
    fmt(out, form, buf, false)
}

/// Writes a `multipart/form-data` body from a table of `HTTPc_KEY_VAL` entries into `p_buf`:
/// the bytes `HTTPc_ReqSend` sends for the same table (one part per entry, legacy's boundary
/// `rgifovj80325n`, the close delimiter; an empty table is the close delimiter alone). Returns
/// their length (0 on error).
///
/// Errors: as `HTTPc_FormAppFmt`.
///
/// # Safety
/// As `HTTPc_FormAppFmt`.
#[no_mangle]
pub unsafe extern "C" fn HTTPc_FormMultipartFmt(
    p_buf: *mut CPU_CHAR,
    buf_len: CPU_INT16U,
    p_form_tbl: *mut HTTPc_FORM_TBL_FIELD,
    form_tbl_size: CPU_INT16U,
    p_err: *mut HTTPc_ERR,
) -> CPU_INT32U {
    // SAFETY: as in `HTTPc_FormAppFmt`: this function's contract is the same.
    let (out, form, buf) = unsafe {
        (
            ErrOut::new(p_err),
            AppForm::as_given(p_form_tbl, form_tbl_size),
            out_bytes(p_buf, buf_len),
        )
    };
    fmt(out, form, buf, true)
}

/// `HTTPc_FormAppFmt` and `HTTPc_FormMultipartFmt`, once their arguments are lent (`buf`
/// None: NULL).
fn fmt(out: ErrOut, form: AppForm, buf: Option<&mut [u8]>, multipart: bool) -> CPU_INT32U {
    let r = if !cfg!(feature = "form") {
        Err(HTTPc_ERR_FEATURE_DIS)
    } else {
        match buf {
            Some(buf) if !form.is_null() => fmt_into(&form, multipart, buf),
            _ => Err(HTTPc_ERR_NULL_PTR),
        }
    };
    out.result(&r);
    r.unwrap_or(0)
}

/// The body of a table of `HTTPc_KEY_VAL` entries written into `buf`: its length.
fn fmt_into(form: &AppForm, multipart: bool, buf: &mut [u8]) -> Result<u32, HTTPc_ERR> {
    // Legacy formats tables of key/value pairs only (a hook needs a connection).
    for i in 0..form.len() {
        if form.kind(i) != Some(HTTPc_FORM_FIELD_TYPE_KEY_VAL) {
            return Err(HTTPc_ERR_FORM_TYPE_INVALID);
        }
    }
    // (Key/value pairs only: each step's length is its fixed bytes'.)
    let len = measure(
        form,
        multipart,
        [
            HTTPc_ERR_FORM_FIELD_INVALID,
            HTTPc_ERR_FORM_FIELD_INVALID,
            HTTPc_ERR_FORM_BUF_LEN_INVALID,
        ],
    )?;
    if len as usize > buf.len() {
        return Err(HTTPc_ERR_FORM_BUF_LEN_INVALID);
    }
    let mut w = Window::new(buf, 0);
    for i in 0..steps(form, multipart) {
        if let Ok(s) = &step(form, multipart, i) {
            s.write_fixed(&mut w);
        }
    }
    Ok(len)
}

/// Makes `p_form_tbl` (one table entry) the key/value pair `p_key_val`.
///
/// Errors: `HTTPc_ERR_NULL_PTR` (also for a pointer not aligned for its type),
/// `HTTPc_ERR_FORM_FIELD_INVALID` (its `KeyPtr` or `ValPtr` is
/// NULL), `HTTPc_ERR_FEATURE_DIS` (built without `form`).
///
/// # Safety
/// Valid or NULL pointers.
#[no_mangle]
pub unsafe extern "C" fn HTTPc_FormAddKeyVal(
    p_form_tbl: *mut HTTPc_FORM_TBL_FIELD,
    p_key_val: *mut HTTPc_KEY_VAL,
    p_err: *mut HTTPc_ERR,
) {
    // SAFETY: this function's contract: `p_form_tbl` and `p_err` NULL or writable, `p_key_val`
    // NULL or a readable `HTTPc_KEY_VAL`.
    let (out, entry, obj) = unsafe {
        (
            ErrOut::new(p_err),
            Out::new(p_form_tbl),
            Param::new(p_key_val.cast()),
        )
    };
    add(
        out,
        entry,
        obj,
        HTTPc_FORM_FIELD_TYPE_KEY_VAL,
        |kv: &HTTPc_KEY_VAL| !kv.KeyPtr.is_null() && !kv.ValPtr.is_null(),
    );
}

/// Makes `p_form_tbl` (one table entry) the key with a hook-given value `p_key_val_ext`
/// (multipart forms).
///
/// Errors: `HTTPc_ERR_NULL_PTR` (also for a pointer not aligned for its type),
/// `HTTPc_ERR_FORM_FIELD_INVALID` (its `KeyPtr` or `OnValTx` is
/// NULL), `HTTPc_ERR_FEATURE_DIS` (built without `form`).
///
/// # Safety
/// Valid or NULL pointers.
#[no_mangle]
pub unsafe extern "C" fn HTTPc_FormAddKeyValExt(
    p_form_tbl: *mut HTTPc_FORM_TBL_FIELD,
    p_key_val_ext: *mut HTTPc_KEY_VAL_EXT,
    p_err: *mut HTTPc_ERR,
) {
    // SAFETY: this function's contract: `p_form_tbl` and `p_err` NULL or writable,
    // `p_key_val_ext` NULL or a readable `HTTPc_KEY_VAL_EXT`.
    let (out, entry, obj) = unsafe {
        (
            ErrOut::new(p_err),
            Out::new(p_form_tbl),
            Param::new(p_key_val_ext.cast()),
        )
    };
    add(
        out,
        entry,
        obj,
        HTTPc_FORM_FIELD_TYPE_KEY_VAL_EXT,
        |kv: &HTTPc_KEY_VAL_EXT| !kv.KeyPtr.is_null() && kv.OnValTx.is_some(),
    );
}

/// Makes `p_form_tbl` (one table entry) the file `p_file_obj` (multipart forms).
///
/// Errors: `HTTPc_ERR_NULL_PTR` (also for a pointer not aligned for its type),
/// `HTTPc_ERR_FORM_FIELD_INVALID` (its `NamePtr`, `FileNamePtr`
/// or `OnFileTx` is NULL), `HTTPc_ERR_FEATURE_DIS` (built without `form`).
///
/// # Safety
/// Valid or NULL pointers.
#[no_mangle]
pub unsafe extern "C" fn HTTPc_FormAddFile(
    p_form_tbl: *mut HTTPc_FORM_TBL_FIELD,
    p_file_obj: *mut HTTPc_MULTIPART_FILE,
    p_err: *mut HTTPc_ERR,
) {
    // SAFETY: this function's contract: `p_form_tbl` and `p_err` NULL or writable,
    // `p_file_obj` NULL or a readable `HTTPc_MULTIPART_FILE`.
    let (out, entry, obj) = unsafe {
        (
            ErrOut::new(p_err),
            Out::new(p_form_tbl),
            Param::new(p_file_obj.cast()),
        )
    };
    add(
        out,
        entry,
        obj,
        HTTPc_FORM_FIELD_TYPE_FILE,
        |f: &HTTPc_MULTIPART_FILE| {
            !f.NamePtr.is_null() && !f.FileNamePtr.is_null() && f.OnFileTx.is_some()
        },
    );
}

/// The three `HTTPc_FormAdd*`: checks the object (a `T`) as legacy, then sets the entry. Needs
/// no `HTTPc_Init`, as legacy.
fn add<T: ParamValue>(
    out: ErrOut,
    entry: Out<HTTPc_FORM_TBL_FIELD>,
    obj: Option<Param>,
    kind: HTTPc_FORM_FIELD_TYPE,
    valid: impl FnOnce(&T) -> bool,
) {
    let r = match obj {
        _ if !cfg!(feature = "form") => Err(HTTPc_ERR_FEATURE_DIS),
        // A table entry or object not aligned for its type is taken for a NULL one, as the
        // form calls that read them do (MIGRATION.md): never written (a fault on Cortex-M0).
        Some(obj)
            if !entry.is_null() && entry.is_aligned() && obj.ptr().cast::<T>().is_aligned() =>
        {
            if valid(&obj.get::<T>()) {
                entry.write(HTTPc_FORM_TBL_FIELD {
                    Type: kind,
                    FieldObjPtr: obj.ptr(),
                });
                Ok(())
            } else {
                Err(HTTPc_ERR_FORM_FIELD_INVALID)
            }
        }
        _ => Err(HTTPc_ERR_NULL_PTR),
    };
    out.result(&r);
}
