//! wsbench: the Rust half of the httpc-ws loopback echo benchmark (scripts/bench.sh).
//!
//!   wsbench server [--port P]                   tokio-tungstenite echo server on 127.0.0.1
//!   wsbench tungstenite|raw URL [client options] one client run, prints a RESULT line
//!
//! Client options (the same for every client of the benchmark, C ones included):
//!   --size N      payload bytes of every message
//!   --depth D     messages in flight (1: strict ping-pong)
//!   --count N     messages timed
//!   --warmup N    messages echoed before the clock starts
//!   --type text|binary
//!
//! A client connects, upgrades, keeps `depth` messages in flight until `warmup + count` echoes
//! came back (each checked: type and length), closes with 1000 and prints
//! `RESULT msgs=<count> secs=<seconds from the warmup-th echo to the last>`.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::exit;
use std::sync::Mutex;
use std::time::Instant;

mod raw;
mod server;
mod tung;

/// What every client run is asked to do.
pub struct ClientArgs {
    pub url: String,
    pub host: String,
    pub port: u16,
    pub size: usize,
    pub depth: usize,
    pub count: u64,
    pub warmup: u64,
    pub text: bool,
}

impl ClientArgs {
    pub fn total(&self) -> u64 {
        self.warmup + self.count
    }

    /// The payload: printable ASCII, so it is valid UTF-8 for text messages.
    pub fn payload(&self) -> Vec<u8> {
        (0..self.size).map(|i| b'a' + (i % 26) as u8).collect()
    }

    pub fn connect(&self) -> TcpStream {
        let s = TcpStream::connect((self.host.as_str(), self.port))
            .unwrap_or_else(|e| fail(&format!("connect {}:{}: {e}", self.host, self.port)));
        s.set_nodelay(true).unwrap_or_else(|e| fail(&format!("TCP_NODELAY: {e}")));
        s
    }
}

/// The counting runs' window: under `perf stat -D -1 --control fifo:CTL,ACK` the runner sets
/// BENCH_PERF_CTL and BENCH_PERF_ACK, and the client enables the counters when its clock
/// starts and disables them when it stops (each command acknowledged before going on), so
/// exactly the timed messages are counted. Without them, nothing.
static PERF_CTL: Mutex<Option<(File, File)>> = Mutex::new(None);

fn perf_ctl(cmd: &str) {
    let (Ok(ctl), Ok(ack)) = (std::env::var("BENCH_PERF_CTL"), std::env::var("BENCH_PERF_ACK")) else {
        return;
    };
    let mut g = PERF_CTL.lock().unwrap_or_else(|e| e.into_inner());
    if g.is_none() {
        let c = OpenOptions::new()
            .write(true)
            .open(&ctl)
            .unwrap_or_else(|e| fail(&format!("{ctl}: {e}")));
        let a = File::open(&ack).unwrap_or_else(|e| fail(&format!("{ack}: {e}")));
        *g = Some((c, a));
    }
    let (c, a) = g.as_mut().expect("opened");
    c.write_all(format!("{cmd}\n").as_bytes())
        .unwrap_or_else(|e| fail(&format!("perf control: {e}")));
    let mut buf = [0u8; 16];
    let _ = a.read(&mut buf);
}

/// The clock of a run: starts at the warmup-th echo (or at once without warmup).
pub struct Clock {
    warmup: u64,
    start: Option<Instant>,
}

impl Clock {
    pub fn new(warmup: u64) -> Clock {
        if warmup == 0 {
            perf_ctl("enable");
        }
        Clock {
            warmup,
            start: if warmup == 0 { Some(Instant::now()) } else { None },
        }
    }

    /// Call after each echo with the number received so far.
    pub fn echoed(&mut self, received: u64) {
        if received == self.warmup && self.start.is_none() {
            perf_ctl("enable");
            self.start = Some(Instant::now());
        }
    }

    pub fn report(&self, count: u64) {
        let secs = self.start.map(|t| t.elapsed().as_secs_f64()).unwrap_or(0.0);
        perf_ctl("disable");
        println!("RESULT msgs={count} secs={secs:.6}");
    }
}

pub fn fail(msg: &str) -> ! {
    eprintln!("wsbench: error: {msg}");
    exit(1)
}

/// The opening handshake of the raw client, by hand: fixed key, status 101 checked.
pub fn raw_handshake(s: &mut TcpStream, host: &str, port: u16) {
    let req = format!(
        "GET / HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    s.write_all(req.as_bytes()).unwrap_or_else(|e| fail(&format!("handshake write: {e}")));
    let mut resp = Vec::new();
    let mut b = [0u8; 1];
    // Byte by byte: nothing of the first frame may be consumed here (the server sends nothing
    // before our first message anyway).
    while !resp.ends_with(b"\r\n\r\n") {
        match s.read(&mut b) {
            Ok(1) => resp.push(b[0]),
            _ => fail("handshake: connection closed"),
        }
        if resp.len() > 8192 {
            fail("handshake: response too long");
        }
    }
    if !resp.starts_with(b"HTTP/1.1 101") {
        fail(&format!("handshake refused: {}", String::from_utf8_lossy(&resp)));
    }
}

fn parse_client(args: &[String]) -> ClientArgs {
    let mut a = ClientArgs {
        url: String::new(),
        host: String::new(),
        port: 0,
        size: 64,
        depth: 1,
        count: 1000,
        warmup: 0,
        text: false,
    };
    let mut i = 0;
    while i < args.len() {
        let val = |i: usize| -> &str {
            args.get(i + 1)
                .map(|s| s.as_str())
                .unwrap_or_else(|| fail(&format!("{} needs a value", args[i])))
        };
        let num = |i: usize| -> u64 {
            val(i)
                .parse()
                .unwrap_or_else(|_| fail(&format!("{}: not a number", args[i])))
        };
        match args[i].as_str() {
            "--size" => a.size = num(i) as usize,
            "--depth" => a.depth = num(i).max(1) as usize,
            "--count" => a.count = num(i),
            "--warmup" => a.warmup = num(i),
            "--type" => {
                a.text = match val(i) {
                    "text" => true,
                    "binary" => false,
                    t => fail(&format!("--type {t}: text or binary")),
                }
            }
            u if u.starts_with("ws://") => {
                a.url = u.to_string();
                i += 1;
                continue;
            }
            o => fail(&format!("unknown option {o}")),
        }
        i += 2;
    }
    let rest = a
        .url
        .strip_prefix("ws://")
        .unwrap_or_else(|| fail("give the server as ws://HOST:PORT/"));
    let hostport = rest.split('/').next().unwrap_or("");
    let (h, p) = hostport
        .rsplit_once(':')
        .unwrap_or_else(|| fail("the URL needs a port"));
    a.host = h.to_string();
    a.port = p.parse().unwrap_or_else(|_| fail("bad port"));
    a
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(|s| s.as_str()) {
        Some("server") => {
            let mut port = 0u16;
            if args.get(2).map(|s| s.as_str()) == Some("--port") {
                port = args
                    .get(3)
                    .and_then(|p| p.parse().ok())
                    .unwrap_or_else(|| fail("--port N"));
            }
            server::run(port)
        }
        Some("tungstenite") => tung::run(&parse_client(&args[2..])),
        Some("raw") => raw::run(&parse_client(&args[2..])),
        _ => {
            eprintln!("usage: wsbench server [--port P] | wsbench tungstenite|raw ws://127.0.0.1:PORT/ [--size N] [--depth D] [--count N] [--warmup N] [--type text|binary]");
            exit(2)
        }
    }
}
