//! The `Content-Type` of a response as `HTTPc_RESP_OBJ` reports it: legacy's
//! `HTTP_CONTENT_TYPE` values, classified from the header's media type, and the names legacy
//! writes for them in a request.

use super::{lookup_ci, nth_name, trim_ows};

/// A response's content type, as `HTTPc_RESP_OBJ.ContentType` reports it: the discriminants
/// are legacy's `HTTP_CONTENT_TYPE` values (`http.h`), so the C layer casts. Legacy's two
/// WebSocket data types (15, 16) never come from a header and are left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ContentType {
    /// A media type outside the list (`HTTP_CONTENT_TYPE_UNKNOWN`).
    Unknown = 0,
    /// No `Content-Type` header (`HTTP_CONTENT_TYPE_NONE`); never returned by
    /// [`content_type`], for the caller to start from.
    Absent = 1,
    /// `text/html`.
    Html = 2,
    /// `application/octet-stream`.
    OctetStream = 3,
    /// `application/pdf`.
    Pdf = 4,
    /// `application/zip`.
    Zip = 5,
    /// `image/gif`.
    Gif = 6,
    /// `image/jpeg`.
    Jpeg = 7,
    /// `image/png`.
    Png = 8,
    /// `text/javascript`.
    Js = 9,
    /// `text/plain`.
    Plain = 10,
    /// `text/css`.
    Css = 11,
    /// `application/json`.
    Json = 12,
    /// `application/x-www-form-urlencoded`.
    AppForm = 13,
    /// `multipart/form-data`.
    MultipartForm = 14,
}

/// Legacy's media types (`http_dict.c`), lower case, in the order of [`BY_INDEX`] and of
/// legacy's `HTTP_CONTENT_TYPE` values 2 to 14.
static MEDIA_TYPES: &[u8] = b"text/html\0application/octet-stream\0application/pdf\0\
application/zip\0image/gif\0image/jpeg\0image/png\0text/javascript\0text/plain\0text/css\0\
application/json\0application/x-www-form-urlencoded\0multipart/form-data\0";

const BY_INDEX: [ContentType; 13] = [
    ContentType::Html,
    ContentType::OctetStream,
    ContentType::Pdf,
    ContentType::Zip,
    ContentType::Gif,
    ContentType::Jpeg,
    ContentType::Png,
    ContentType::Js,
    ContentType::Plain,
    ContentType::Css,
    ContentType::Json,
    ContentType::AppForm,
    ContentType::MultipartForm,
];

/// The media type legacy writes in `Content-Type` for its `HTTP_CONTENT_TYPE` value `value`
/// (`text/html` for 2, … `multipart/form-data` for 14); None for any other value.
pub fn media_type_name(value: u8) -> Option<&'static [u8]> {
    nth_name(MEDIA_TYPES, usize::from(value.checked_sub(2)?))
}

/// Classifies a `Content-Type` value: its media type (before any `;` parameter, OWS-trimmed,
/// ASCII case-insensitive) against legacy's list.
///
/// Legacy compared only as many bytes as the shorter of value and entry had (so `text`
/// matched `text/html`) and failed the whole response with
/// `HTTPc_ERR_RESP_CONTENT_TYPE_INVALID` on any other type; here the media type must match
/// exactly and any other is [`ContentType::Unknown`], for the caller to report.
pub fn content_type(value: &[u8]) -> ContentType {
    BY_INDEX
        .get(media_index(value))
        .copied()
        .unwrap_or(ContentType::Unknown)
}

/// [`content_type`] as its value (legacy's `HTTP_CONTENT_TYPE`), for the C layer: the
/// discriminants follow the list, from 2 (checked below), and need no table.
#[cfg_attr(not(feature = "http"), allow(dead_code))] // for the plain-request engine
pub(crate) fn content_type_value(value: &[u8]) -> u8 {
    let index = media_index(value);
    if index < BY_INDEX.len() {
        index as u8 + 2
    } else {
        ContentType::Unknown as u8
    }
}

// Legacy's values are the list's order from 2: what `content_type_value` counts on.
const _: () = {
    let (mut rest, mut value): (&[ContentType], u8) = (&BY_INDEX, 2);
    while let [t, tail @ ..] = rest {
        assert!(*t as u8 == value);
        (rest, value) = (tail, value + 1);
    }
};

/// The index in [`MEDIA_TYPES`] of the media type of a `Content-Type` value (before any `;`
/// parameter, OWS-trimmed, ASCII case-insensitive); the number of types when it is none.
fn media_index(value: &[u8]) -> usize {
    let end = value.iter().position(|&b| b == b';').unwrap_or(value.len());
    let media = trim_ows(value.get(..end).unwrap_or_default());
    lookup_ci(MEDIA_TYPES, media)
}
