//! llhttp's response-parsing vectors as an outside judge of `proto::http::ResponseParser`.
//!
//! Reads every vector in `$LLHTTP_DIR/test/response/*.md` (default: `../shared/llhttp` next to
//! the crate; it is never copied into this repository), runs its input through the parser
//! (whole, and byte by byte: both must agree) and compares with llhttp's event log: accepted or
//! rejected, and for every message whose head ended, the status code and reason, the headers,
//! the `Content-Length`, where the head ended, the body length and where the message ended.
//!
//! Vectors that llhttp only accepts with a lenient flag (`response-lenient-*`) must be
//! rejected here: the parser has one mode, strict. Every difference must be listed in
//! [`ALLOWED`] with its reason, and every entry there must still be a difference.
//!
//! Where the vectors are absent the test says "skipped" and passes; with `LLHTTP_DIR` set to a
//! directory that does not hold them it fails. `LLHTTP_VERBOSE=1` prints every outcome
//! (`cargo test --test llhttp_vectors -- --nocapture`).

use httpc_ws::proto::http::{Event, ResponseParser};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Differences from llhttp, each with the reason it is intended (key: `file.md: test name`).
const ALLOWED: &[(&str, &str)] = &[
    (
        "sample.md: RTSP response",
        "an HTTP client: RTSP/1.1 is not an HTTP version (VersionInvalid)",
    ),
    (
        "sample.md: ICE response",
        "an HTTP client: ICE/1.1 is not an HTTP version (VersionInvalid)",
    ),
    (
        "sample.md: HTTP version 0.9",
        "HTTP/0.9 has no status line, one that claims it is bogus (VersionInvalid)",
    ),
    (
        "transfer-encoding.md: `chunked` before other transfer-encoding",
        "only `chunked` is decoded; llhttp reads a body it cannot decode until the close",
    ),
    (
        "transfer-encoding.md: multiple transfer-encoding where chunked is not the last one",
        "only `chunked` is decoded; `identity` and repeats are refused (RFC 9112 §6.1)",
    ),
    (
        "transfer-encoding.md: `chunkedchunked` transfer-encoding does not enable chunked enconding",
        "an unknown coding is refused rather than read until the close",
    ),
];

const MAX_LINE: usize = 4096;
const MAX_HEAD: usize = 65536;

struct Vector {
    key: String,
    /// `type` from the meta line.
    kind: String,
    /// `skipBody` from the meta line: the caller treats the response as one to HEAD.
    skip_body: bool,
    input: Vec<u8>,
    log: Vec<String>,
}

/// One message as either parser saw it (only messages whose head ended are compared).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Msg {
    status: u16,
    reason: Vec<u8>,
    headers: Vec<(Vec<u8>, Vec<u8>)>,
    trailers: Vec<(Vec<u8>, Vec<u8>)>,
    content_length: u64,
    head_end: usize,
    body: usize,
    end: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Outcome {
    messages: Vec<Msg>,
    rejected: bool,
    /// For `response-finish` vectors: llhttp's `finish` value (0 safe, 1 safe with the
    /// message completed by it, 2 unsafe), ours from `eof()`.
    finish: Option<u8>,
}

fn vector_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("LLHTTP_DIR") {
        let dir = PathBuf::from(dir).join("test/response");
        assert!(
            dir.is_dir(),
            "LLHTTP_DIR is set but {} does not exist",
            dir.display()
        );
        return Some(dir);
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/llhttp/test/response");
    dir.is_dir().then_some(dir)
}

/// The value of `"key": value` in a meta comment, quotes removed.
fn meta_value(meta: &str, key: &str) -> Option<String> {
    let at = meta.find(&format!("\"{key}\""))? + key.len() + 2;
    let rest = meta[at..].trim_start().strip_prefix(':')?.trim_start();
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    Some(rest[..end].trim().trim_matches('"').to_string())
}

/// Splits one markdown file into vectors: a heading names the test, then an optional meta
/// comment, the `http` block and the `log` block.
fn read_vectors(path: &Path) -> Vec<Vector> {
    let file = path.file_name().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = Vec::new();
    let mut name = String::new();
    let mut meta = String::new();
    let mut http: Option<String> = None;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some(h) = line.strip_prefix('#') {
            name = h.trim_start_matches('#').trim().to_string();
            meta.clear();
            http = None;
        } else if let Some(m) = line.strip_prefix("<!-- meta=") {
            meta = m.to_string();
        } else if line == "```http" || line == "```log" {
            let mut block = Vec::new();
            for l in lines.by_ref() {
                if l == "```" {
                    break;
                }
                block.push(l);
            }
            if line == "```http" {
                http = Some(block.join("\n"));
            } else {
                let raw = http.take().expect("a log block without an http block");
                out.push(Vector {
                    key: format!("{file}: {name}"),
                    kind: meta_value(&meta, "type").expect("meta type"),
                    skip_body: meta_value(&meta, "skipBody").as_deref() == Some("true"),
                    input: unescape(&raw),
                    log: block.iter().map(|s| s.to_string()).collect(),
                });
            }
        }
    }
    out
}

/// The input as llhttp's test harness builds it from the `http` block: a backslash before a
/// line end joins the lines, line ends become CRLF, then `\r`, `\n`, `\t`, `\f`, `\xHH` and
/// octal escapes become bytes (every other backslash stays).
fn unescape(raw: &str) -> Vec<u8> {
    assert!(!raw.contains("${"), "inline JavaScript in a vector");
    let joined = raw.replace("\\\n", "");
    let crlf = joined.replace('\n', "\r\n");
    let mut s = crlf.replace("\\r", "\r");
    s = s
        .replace("\\n", "\n")
        .replace("\\t", "\t")
        .replace("\\f", "\x0c");
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && b.get(i + 1) == Some(&b'x') {
            let hex: Vec<u8> = b[i + 2..]
                .iter()
                .take_while(|c| c.is_ascii_hexdigit())
                .copied()
                .collect();
            if !hex.is_empty() {
                let v = u32::from_str_radix(std::str::from_utf8(&hex).unwrap(), 16).unwrap();
                out.push(v as u8);
                i += 2 + hex.len();
                continue;
            }
        }
        if b[i] == b'\\' {
            let oct: Vec<u8> = b[i + 1..]
                .iter()
                .take(3)
                .take_while(|c| (b'0'..=b'7').contains(c))
                .copied()
                .collect();
            if !oct.is_empty() {
                let v = u32::from_str_radix(std::str::from_utf8(&oct).unwrap(), 8).unwrap();
                out.push(v as u8);
                i += 1 + oct.len();
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

fn field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let at = line.find(&format!("{key}="))? + key.len() + 1;
    let rest = &line[at..];
    Some(&rest[..rest.find(' ').unwrap_or(rest.len())])
}

/// What llhttp's log says (spans are taken from the input by offset and length).
fn expected(v: &Vector) -> Outcome {
    let mut messages: Vec<Msg> = Vec::new();
    let mut rejected = v.kind.contains("lenient");
    let mut finish = None;
    let (mut name, mut value) = (Vec::new(), Vec::new());
    let mut head_done = false;
    for line in &v.log {
        let off: Option<usize> = field(line, "off").and_then(|o| o.parse().ok());
        let span = || {
            let len: usize = field(line, "len").unwrap().parse().unwrap();
            let off = off.unwrap();
            &v.input[off..off + len]
        };
        if line.ends_with("message begin") {
            messages.push(Msg::default());
            head_done = false;
        } else if line.contains("span[status]") {
            messages
                .last_mut()
                .unwrap()
                .reason
                .extend_from_slice(span());
        } else if line.contains("span[header_field]") {
            name.extend_from_slice(span());
        } else if line.contains("span[header_value]") {
            value.extend_from_slice(span());
        } else if line.ends_with("header_value complete") {
            // llhttp keeps trailing whitespace in a value; the parser trims it (OWS).
            while matches!(value.last(), Some(b' ' | b'\t')) {
                value.pop();
            }
            let m = messages.last_mut().unwrap();
            let pair = (std::mem::take(&mut name), std::mem::take(&mut value));
            if head_done {
                m.trailers.push(pair);
            } else {
                m.headers.push(pair);
            }
        } else if line.contains("headers complete") {
            let m = messages.last_mut().unwrap();
            m.status = field(line, "status").unwrap().parse().unwrap();
            m.content_length = field(line, "content_length").unwrap().parse().unwrap();
            m.head_end = off.unwrap();
            head_done = true;
        } else if line.contains("span[body]") {
            messages.last_mut().unwrap().body += span().len();
        } else if line.ends_with("message complete") {
            messages.last_mut().unwrap().end = off;
        } else if line.contains("error code=") {
            // 22: llhttp pauses after a 101 (the rest is another protocol), not an error.
            if field(line, "code") != Some("22") {
                rejected = true;
            }
        } else if let Some(f) = field(line, "finish") {
            finish = Some(f.parse().unwrap());
        }
    }
    messages.retain(|m| m.status != 0);
    if rejected {
        messages.clear();
        finish = None;
    }
    Outcome {
        messages,
        rejected,
        finish,
    }
}

/// What the parser makes of the input, fed `step` bytes at a time through an accumulating
/// buffer. After a message ends with bytes left: a new parser when the connection stays open
/// (the next request's response), the same one otherwise (those bytes are then an error);
/// after a 101 the rest is another protocol.
fn ours(v: &Vector, step: usize) -> Outcome {
    let input = &v.input;
    let new = || ResponseParser::new(MAX_LINE, MAX_HEAD, v.skip_body);
    let mut p = new();
    let mut buf: Vec<u8> = Vec::new();
    let mut fed = 0usize;
    let mut consumed = 0usize;
    let mut messages: Vec<Msg> = Vec::new();
    let mut cur = Msg::default();
    let mut keep_alive = false;
    let mut rejected = false;
    loop {
        match p.feed(&buf) {
            Err(_) => {
                rejected = true;
                break;
            }
            Ok((0, None)) => {
                if fed == input.len() {
                    break;
                }
                let n = step.min(input.len() - fed);
                buf.extend_from_slice(&input[fed..fed + n]);
                fed += n;
            }
            Ok((used, ev)) => {
                consumed += used;
                let mut end = false;
                match ev {
                    None => {}
                    Some(Event::Status { code, reason, .. }) => {
                        cur = Msg {
                            status: code,
                            reason: reason.to_vec(),
                            ..Msg::default()
                        };
                    }
                    Some(Event::Header { name, value }) => {
                        cur.headers.push((name.to_vec(), value.to_vec()))
                    }
                    Some(Event::Trailer { name, value }) => {
                        cur.trailers.push((name.to_vec(), value.to_vec()))
                    }
                    Some(Event::Interim) => {
                        cur.head_end = consumed;
                        cur.content_length = p.content_length().map_or(0, u64::from);
                        cur.end = Some(consumed);
                        messages.push(std::mem::take(&mut cur));
                    }
                    Some(Event::Head { keep_alive: k, .. }) => {
                        cur.head_end = consumed;
                        cur.content_length = p.content_length().map_or(0, u64::from);
                        keep_alive = k;
                    }
                    Some(Event::Data(d)) => cur.body += d.len(),
                    Some(Event::End) => end = true,
                }
                buf.drain(..used);
                if end {
                    cur.end = Some(consumed);
                    let status = cur.status;
                    messages.push(std::mem::take(&mut cur));
                    if status == 101 {
                        break;
                    }
                    if keep_alive && (consumed < input.len()) {
                        p = new();
                    }
                }
            }
        }
    }
    if !rejected && cur.head_end != 0 {
        messages.push(cur);
    }
    let finish = if v.kind.ends_with("-finish") && !rejected {
        match p.eof() {
            Ok(Some(_)) => Some(1),
            Ok(None) => Some(0),
            Err(_) => Some(2),
        }
    } else {
        None
    };
    if rejected {
        messages.clear();
    }
    Outcome {
        messages,
        rejected,
        finish,
    }
}

fn show(o: &Outcome) -> String {
    if o.rejected {
        return "rejected".into();
    }
    let mut s = String::new();
    for m in &o.messages {
        let _ = write!(
            s,
            "[{} {:?}, {} headers, CL {}, head to {}, body {}, end {:?}] ",
            m.status,
            String::from_utf8_lossy(&m.reason),
            m.headers.len(),
            m.content_length,
            m.head_end,
            m.body,
            m.end
        );
    }
    if let Some(f) = o.finish {
        let _ = write!(s, "finish={f}");
    }
    s
}

#[test]
fn llhttp_response_vectors() {
    let Some(dir) = vector_dir() else {
        println!("skipped: ../shared/llhttp not found (set LLHTTP_DIR to run the llhttp vectors)");
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    let vectors: Vec<Vector> = files.iter().flat_map(|f| read_vectors(f)).collect();
    assert!(!vectors.is_empty(), "no vectors in {}", dir.display());

    let (mut agree, mut differ) = (0, Vec::new());
    for v in &vectors {
        let want = expected(v);
        let got = ours(v, usize::MAX);
        assert_eq!(
            ours(v, 1),
            got,
            "{}: byte by byte differs from whole",
            v.key
        );
        if std::env::var_os("LLHTTP_VERBOSE").is_some() {
            println!("  {}: {}", v.key, show(&got));
        }
        if got == want {
            agree += 1;
        } else {
            differ.push((v.key.clone(), want, got));
        }
    }
    println!(
        "llhttp response vectors from {}: total {}, agree {}, differ {}",
        dir.display(),
        vectors.len(),
        agree,
        differ.len()
    );
    let mut unexplained = Vec::new();
    for (key, want, got) in &differ {
        match ALLOWED.iter().find(|(k, _)| k == key) {
            Some((_, why)) => println!("  differs (allowed): {key}: {why}"),
            None => unexplained.push(format!(
                "{key}\n    llhttp: {}\n    ours:   {}",
                show(want),
                show(got)
            )),
        }
    }
    let stale: Vec<&str> = ALLOWED
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| !differ.iter().any(|(d, _, _)| d == k))
        .collect();
    assert!(
        unexplained.is_empty(),
        "differences not in ALLOWED:\n{}",
        unexplained.join("\n")
    );
    assert!(
        stale.is_empty(),
        "ALLOWED entries that no longer differ: {stale:?}"
    );
}
