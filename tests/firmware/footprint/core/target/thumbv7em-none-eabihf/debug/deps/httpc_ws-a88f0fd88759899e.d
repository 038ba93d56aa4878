/work/main/tests/firmware/footprint/core/target/thumbv7em-none-eabihf/debug/deps/httpc_ws-a88f0fd88759899e.d: /work/main/src/lib.rs /work/main/src/capi/mod.rs /work/main/src/capi/consts.rs /work/main/src/capi/types.rs /work/main/src/capi/app.rs /work/main/src/capi/conn.rs /work/main/src/capi/connbuf.rs /work/main/src/capi/engine/mod.rs /work/main/src/capi/engine/close.rs /work/main/src/capi/engine/connect.rs /work/main/src/capi/engine/http.rs /work/main/src/capi/engine/io.rs /work/main/src/capi/engine/rx.rs /work/main/src/capi/engine/tx.rs /work/main/src/capi/engine/upgrade.rs /work/main/src/capi/engine/ws.rs /work/main/src/capi/ffi.rs /work/main/src/capi/form.rs /work/main/src/capi/global.rs /work/main/src/capi/handle.rs /work/main/src/capi/hooks.rs /work/main/src/capi/http_req.rs /work/main/src/capi/objects.rs /work/main/src/capi/port.rs /work/main/src/capi/req.rs /work/main/src/capi/request.rs /work/main/src/capi/state.rs /work/main/src/capi/task.rs /work/main/src/capi/wait.rs /work/main/src/capi/websock.rs /work/main/src/proto/mod.rs /work/main/src/proto/base64.rs /work/main/src/proto/bytes.rs /work/main/src/proto/close.rs /work/main/src/proto/frame.rs /work/main/src/proto/handshake.rs /work/main/src/proto/http/mod.rs /work/main/src/proto/http/request.rs /work/main/src/proto/http/response.rs /work/main/src/proto/mask.rs /work/main/src/proto/session.rs /work/main/src/proto/sha1.rs /work/main/src/proto/utf8.rs

/work/main/tests/firmware/footprint/core/target/thumbv7em-none-eabihf/debug/deps/libhttpc_ws-a88f0fd88759899e.rmeta: /work/main/src/lib.rs /work/main/src/capi/mod.rs /work/main/src/capi/consts.rs /work/main/src/capi/types.rs /work/main/src/capi/app.rs /work/main/src/capi/conn.rs /work/main/src/capi/connbuf.rs /work/main/src/capi/engine/mod.rs /work/main/src/capi/engine/close.rs /work/main/src/capi/engine/connect.rs /work/main/src/capi/engine/http.rs /work/main/src/capi/engine/io.rs /work/main/src/capi/engine/rx.rs /work/main/src/capi/engine/tx.rs /work/main/src/capi/engine/upgrade.rs /work/main/src/capi/engine/ws.rs /work/main/src/capi/ffi.rs /work/main/src/capi/form.rs /work/main/src/capi/global.rs /work/main/src/capi/handle.rs /work/main/src/capi/hooks.rs /work/main/src/capi/http_req.rs /work/main/src/capi/objects.rs /work/main/src/capi/port.rs /work/main/src/capi/req.rs /work/main/src/capi/request.rs /work/main/src/capi/state.rs /work/main/src/capi/task.rs /work/main/src/capi/wait.rs /work/main/src/capi/websock.rs /work/main/src/proto/mod.rs /work/main/src/proto/base64.rs /work/main/src/proto/bytes.rs /work/main/src/proto/close.rs /work/main/src/proto/frame.rs /work/main/src/proto/handshake.rs /work/main/src/proto/http/mod.rs /work/main/src/proto/http/request.rs /work/main/src/proto/http/response.rs /work/main/src/proto/mask.rs /work/main/src/proto/session.rs /work/main/src/proto/sha1.rs /work/main/src/proto/utf8.rs

/work/main/src/lib.rs:
/work/main/src/capi/mod.rs:
/work/main/src/capi/consts.rs:
/work/main/src/capi/types.rs:
/work/main/src/capi/app.rs:
/work/main/src/capi/conn.rs:
/work/main/src/capi/connbuf.rs:
/work/main/src/capi/engine/mod.rs:
/work/main/src/capi/engine/close.rs:
/work/main/src/capi/engine/connect.rs:
/work/main/src/capi/engine/http.rs:
/work/main/src/capi/engine/io.rs:
/work/main/src/capi/engine/rx.rs:
/work/main/src/capi/engine/tx.rs:
/work/main/src/capi/engine/upgrade.rs:
/work/main/src/capi/engine/ws.rs:
/work/main/src/capi/ffi.rs:
/work/main/src/capi/form.rs:
/work/main/src/capi/global.rs:
/work/main/src/capi/handle.rs:
/work/main/src/capi/hooks.rs:
/work/main/src/capi/http_req.rs:
/work/main/src/capi/objects.rs:
/work/main/src/capi/port.rs:
/work/main/src/capi/req.rs:
/work/main/src/capi/request.rs:
/work/main/src/capi/state.rs:
/work/main/src/capi/task.rs:
/work/main/src/capi/wait.rs:
/work/main/src/capi/websock.rs:
/work/main/src/proto/mod.rs:
/work/main/src/proto/base64.rs:
/work/main/src/proto/bytes.rs:
/work/main/src/proto/close.rs:
/work/main/src/proto/frame.rs:
/work/main/src/proto/handshake.rs:
/work/main/src/proto/http/mod.rs:
/work/main/src/proto/http/request.rs:
/work/main/src/proto/http/response.rs:
/work/main/src/proto/mask.rs:
/work/main/src/proto/session.rs:
/work/main/src/proto/sha1.rs:
/work/main/src/proto/utf8.rs:
