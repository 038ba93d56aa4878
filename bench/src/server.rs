//! The echo server: tokio-tungstenite on a single-threaded tokio runtime (the benchmark pins
//! server and client to one CPU), 127.0.0.1 only, any number of connections one after the
//! other or at once. Every text and binary message goes back as it came; pings, pongs and the
//! close handshake are tungstenite's. Echoes are written without a flush while more messages
//! are already readable, then flushed together (one send for a burst, as a good server does).

use futures_util::{FutureExt, SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::{Error, Message};
use tokio_tungstenite::WebSocketStream;

pub fn run(port: u16) -> ! {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap_or_else(|e| crate::fail(&format!("tokio runtime: {e}")));
    rt.block_on(async move {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap_or_else(|e| crate::fail(&format!("bind 127.0.0.1:{port}: {e}")));
        let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
        // The runner reads this line to learn the port.
        println!("LISTEN {port}");
        use std::io::Write;
        let _ = std::io::stdout().flush();
        loop {
            match listener.accept().await {
                Ok((s, _)) => {
                    let _ = s.set_nodelay(true);
                    tokio::spawn(echo(s));
                }
                Err(e) => eprintln!("wsbench server: accept: {e}"),
            }
        }
    })
}

async fn echo(s: TcpStream) {
    let mut ws = match tokio_tungstenite::accept_async(s).await {
        Ok(ws) => ws,
        Err(e) => {
            eprintln!("wsbench server: handshake: {e}");
            return;
        }
    };
    loop {
        let first = match ws.next().await {
            Some(Ok(m)) => m,
            _ => return, // Closed (tungstenite answered the Close) or failed.
        };
        if feed(&mut ws, first).await.is_err() {
            return;
        }
        // Whatever is already readable goes into the same flush.
        loop {
            match ws.next().now_or_never() {
                Some(Some(Ok(m))) => {
                    if feed(&mut ws, m).await.is_err() {
                        return;
                    }
                }
                Some(_) => {
                    let _ = ws.flush().await;
                    return;
                }
                None => break,
            }
        }
        if ws.flush().await.is_err() {
            return;
        }
    }
}

async fn feed(ws: &mut WebSocketStream<TcpStream>, m: Message) -> Result<(), Error> {
    match m {
        Message::Text(_) | Message::Binary(_) => ws.feed(m).await,
        _ => Ok(()),
    }
}
