//! The tungstenite client: the synchronous API over a blocking std TcpStream, used as its
//! documentation shows (`send` = write + flush per message, `read` per message), default
//! configuration. Messages are `Bytes`-backed, so re-sending one copies nothing.

use crate::{fail, ClientArgs, Clock};
use tungstenite::{Bytes, Message};

pub fn run(a: &ClientArgs) {
    let stream = a.connect();
    let (mut ws, _resp) = tungstenite::client::client(a.url.as_str(), stream)
        .unwrap_or_else(|e| fail(&format!("tungstenite handshake: {e}")));

    let payload = a.payload();
    let msg = if a.text {
        Message::Text(String::from_utf8(payload).expect("ASCII").into())
    } else {
        Message::Binary(Bytes::from(payload))
    };

    let total = a.total();
    let mut sent = 0u64;
    let mut received = 0u64;
    let mut clock = Clock::new(a.warmup);

    while sent < total && sent < a.depth as u64 {
        ws.write(msg.clone())
            .unwrap_or_else(|e| fail(&format!("write: {e}")));
        sent += 1;
    }
    ws.flush().unwrap_or_else(|e| fail(&format!("flush: {e}")));

    while received < total {
        let m = ws.read().unwrap_or_else(|e| fail(&format!("read: {e}")));
        let len = match (&m, a.text) {
            (Message::Text(t), true) => t.len(),
            (Message::Binary(b), false) => b.len(),
            (Message::Ping(_) | Message::Pong(_), _) => continue,
            _ => fail("unexpected message type in the echo"),
        };
        if len != a.size {
            fail(&format!("echo of {len} bytes, sent {}", a.size));
        }
        received += 1;
        clock.echoed(received);
        if sent < total {
            ws.send(msg.clone())
                .unwrap_or_else(|e| fail(&format!("send: {e}")));
            sent += 1;
        }
    }
    clock.report(a.count);

    let _ = ws.close(None);
    loop {
        match ws.read() {
            Ok(_) => continue,
            Err(_) => break, // ConnectionClosed once the Close came back.
        }
    }
}
