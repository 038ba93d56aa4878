/*
 * httpc_port_script.h: a scripted in-memory port for unit tests of code that uses httpc-ws.
 * CMake target: httpc_ws::port_script.
 *
 * A TEST DOUBLE. It plays a WebSocket server from a script and injects faults at chosen byte
 * offsets. Its random source is a seeded pseudo-random generator, NOT cryptographic, and its
 * clock is fake: never link it into firmware or any production program.
 *
 * What it gives a unit test:
 *   - an HTTPc_PORT for the poll model (no TaskCreate, no Lock; HTTPc_TaskHandler() or the
 *     blocking calls drive the engine), with a fake millisecond clock the test advances;
 *   - one script per connection, matched by host name or in the order of Connect: what the
 *     server sends (raw bytes, a 101 computed from the client's Sec-WebSocket-Key, a refusal,
 *     frames, echoes of the client's frames), when (at once, after the request, after N client
 *     frames, after the client's Close, when the test releases a gate, after fake time), and
 *     the end of the stream;
 *   - faults at byte offsets in either direction (Recv or Send returns CLOSED or ERR, storms of
 *     WOULD_BLOCK, stalls), a maximum size per call, and the outcome of the connect;
 *   - everything the client sent, with its request heads and its frames decoded (unmasked).
 *
 * Single-threaded, deterministic (same script and seed, same run), no heap: the script object
 * is fixed-size (limits below) and the bytes live in a buffer the test provides. Every misuse
 * or overflow is recorded (HTTPc_PortScript_ErrGet) and the call that caused it fails.
 * C99; depends on libc (string.h) and, for Pump/Run only, on HTTPc_TaskHandler.
 *
 * Usage (see ports/script/README.md and example_test.c):
 *
 *   static HTTPc_SCRIPT  S;
 *   static CPU_INT08U    Mem[16384];
 *   HTTPc_SCRIPT_CONN   *c;
 *   HTTPc_PORT           port;
 *
 *   HTTPc_PortScript_Init(&S, Mem, sizeof Mem, 1u);
 *   c = HTTPc_PortScript_ConnAdd(&S, "echo.test", 0u);
 *   HTTPc_PortScript_Accept(c, NULL);        -- 101 once the request arrived
 *   HTTPc_PortScript_Echo(c, 0u);            -- echo the client's first frame
 *   HTTPc_PortScript_Close(c, 1000u, "bye"); -- then a Close
 *   HTTPc_PortScript_WaitClientClose(c);
 *   HTTPc_PortScript_End(c, HTTPc_PORT_CLOSED);
 *   HTTPc_PortScript_PortGet(&S, &port);
 *   HTTPc_PortSet(&port, &err);  HTTPc_Init(&cfg, NULL, NULL, &err);
 *   ... the code under test ...;  HTTPc_PortScript_Run(&S, 100u);  ... assertions ...
 *   HTTPc_Reset(&err);                       -- next case: new script, new port
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef HTTPC_PORT_SCRIPT_H
#define HTTPC_PORT_SCRIPT_H

#include "http-c.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------ */
/* Limits. Fixed at build time: the library and the tests must see the same values.          */
/* ------------------------------------------------------------------------------------------ */

/** Connection scripts per HTTPc_SCRIPT (each serves one Connect). */
#define HTTPc_SCRIPT_CONN_MAX       8u
/** Script steps per HTTPc_SCRIPT, all connections together (adjacent bytes share one step). */
#define HTTPc_SCRIPT_STEP_MAX       256u
/** Faults (Fault/Storm) per HTTPc_SCRIPT, all connections together. */
#define HTTPc_SCRIPT_FAULT_MAX      16u
/** Longest host name a script matches or records. */
#define HTTPc_SCRIPT_HOST_LEN_MAX   63u
/** Capture size of a connection when ConnAdd is given 0. */
#define HTTPc_SCRIPT_CAP_DFLT       4096u
/** Length of the recorded error message, NUL included. */
#define HTTPc_SCRIPT_ERR_LEN        160u
/** Internal: bytes generated for one Accept or Echo step (the head; an echoed payload is not copied). */
#define HTTPc_SCRIPT_GEN_MAX        136u

/** A count or duration without end (Storm: WOULD_BLOCK forever, i.e. a stall). */
#define HTTPc_SCRIPT_FOREVER        0xFFFFFFFFu

/* Directions. */
/** Server to client: what Recv returns. */
#define HTTPc_SCRIPT_RX             0u
/** Client to server: what Send takes. */
#define HTTPc_SCRIPT_TX             1u

/* Where a fault offset counts from. */
/** From the first byte of the stream in that direction. */
#define HTTPc_SCRIPT_AT_START       0u
/** From the first byte after the first HTTP head in that direction (after the request head
 *  for TX, after the response head, e.g. the 101, for RX). Unresolved until that head ended. */
#define HTTPc_SCRIPT_AT_HANDSHAKE   1u

/* The first byte of a frame: FIN, RSV bits, opcode. */
#define HTTPc_SCRIPT_FIN            0x80u
#define HTTPc_SCRIPT_RSV1           0x40u
#define HTTPc_SCRIPT_RSV2           0x20u
#define HTTPc_SCRIPT_RSV3           0x10u
#define HTTPc_SCRIPT_OP_CONT        0x0u
#define HTTPc_SCRIPT_OP_TEXT        0x1u
#define HTTPc_SCRIPT_OP_BINARY      0x2u
#define HTTPc_SCRIPT_OP_CLOSE       0x8u
#define HTTPc_SCRIPT_OP_PING        0x9u
#define HTTPc_SCRIPT_OP_PONG        0xAu

/** Largest frame header (2 + 8 length bytes + 4 mask bytes). */
#define HTTPc_SCRIPT_FRAME_HDR_MAX  14u

/* ------------------------------------------------------------------------------------------ */
/* Objects. Allocate them (static or automatic); every member is private: use the functions.   */
/* ------------------------------------------------------------------------------------------ */

struct HTTPc_SCRIPT;

/** Internal: one step of a connection's server script. */
typedef struct HTTPc_SCRIPT_STEP {
    CPU_INT08U  Kind;
    CPU_INT08U  Conn;
    CPU_INT32U  Off;
    CPU_INT32U  Len;
    CPU_INT32S  Code;
} HTTPc_SCRIPT_STEP;

/** Internal: one fault. */
typedef struct HTTPc_SCRIPT_FAULT {
    CPU_INT08U  Conn;
    CPU_INT08U  Dir;
    CPU_INT08U  Anchor;
    CPU_BOOLEAN Done;
    CPU_INT32U  Off;
    CPU_INT32S  Result;
    CPU_INT32U  Left;
} HTTPc_SCRIPT_FAULT;

/** Internal: incremental decoding of what the client sent (request heads, then frames). */
typedef struct HTTPc_SCRIPT_PARSE {
    CPU_INT32U  Off;
    CPU_INT32U  ScanOff;
    CPU_INT08U  Crlf;
    CPU_BOOLEAN InHead;
    CPU_BOOLEAN ClientClose;
    CPU_INT32U  Requests;
    CPU_INT32U  Frames;
} HTTPc_SCRIPT_PARSE;

/** One connection's script and what happened on it. Returned by HTTPc_PortScript_ConnAdd. */
typedef struct HTTPc_SCRIPT_CONN {
    struct HTTPc_SCRIPT *Script;
    CPU_INT08U   Idx;
    CPU_BOOLEAN  MatchAny;
    CPU_BOOLEAN  Used;
    CPU_BOOLEAN  Open;
    CPU_BOOLEAN  Connected;
    CPU_BOOLEAN  Secure;
    CPU_BOOLEAN  StepStarted;
    CPU_BOOLEAN  GenReady;
    CPU_BOOLEAN  EchoMasked;
    CPU_BOOLEAN  RxHsKnown;
    CPU_BOOLEAN  TxHsKnown;
    CPU_INT08U   RxCrlf;
    CPU_INT08U   TxCrlf;
    CPU_CHAR     Match[HTTPc_SCRIPT_HOST_LEN_MAX + 1u];
    CPU_CHAR     Host[HTTPc_SCRIPT_HOST_LEN_MAX + 1u];
    CPU_INT16U   Port;
    CPU_INT32U   ConnectTimeout_ms;
    CPU_INT32S   ConnectResult;
    CPU_INT32U   ConnectPollsWb;
    CPU_INT32U   ConnectPollsLeft;
    CPU_INT32U   Handles;
    CPU_INT32U   ConnectPollCalls;
    CPU_INT32U   Closes;
    CPU_INT32U   SendCalls;
    CPU_INT32U   RecvCalls;
    CPU_INT32U   Step;
    CPU_INT32U   StepOff;
    CPU_INT32U   StepT0;
    CPU_INT32U   Answers;
    CPU_INT32U   ReqWaits;
    CPU_INT32U   Gates;
    CPU_INT32U   Releases;
    CPU_INT32U   RxLen;
    CPU_INT32U   RxHsEnd;
    CPU_INT32S   RxEnd;
    CPU_INT32U   RxChunk;
    CPU_INT08U   Gen[HTTPc_SCRIPT_GEN_MAX];
    CPU_INT32U   GenLen;
    CPU_INT32U   EchoPayOff;
    CPU_INT32U   EchoPayLen;
    CPU_INT08U   EchoKey[4];
    CPU_INT08U  *Cap;
    CPU_INT32U   CapMax;
    CPU_INT32U   CapLen;
    CPU_INT32U   TxHsEnd;
    CPU_INT32S   TxEnd;
    CPU_INT32U   TxChunk;
    HTTPc_SCRIPT_PARSE Parse;
} HTTPc_SCRIPT_CONN;

/** The whole scripted world: the port's context (HTTPc_PORT.Ctx). About 8 KB. */
typedef struct HTTPc_SCRIPT {
    CPU_INT08U        *Pool;
    CPU_INT32U         PoolLen;
    CPU_INT32U         PoolHead;
    CPU_INT32U         PoolTail;
    CPU_INT32U         Now;
    CPU_INT32U         Rng;
    CPU_INT32U         Progress;
    CPU_INT32U         ConnN;
    CPU_INT32U         StepN;
    CPU_INT32U         FaultN;
    CPU_INT32U         Unmatched;
    CPU_INT32U         ErrN;
    CPU_CHAR           Err[HTTPc_SCRIPT_ERR_LEN];
    HTTPc_SCRIPT_CONN  Conns[HTTPc_SCRIPT_CONN_MAX];
    HTTPc_SCRIPT_STEP  Steps[HTTPc_SCRIPT_STEP_MAX];
    HTTPc_SCRIPT_FAULT Faults[HTTPc_SCRIPT_FAULT_MAX];
} HTTPc_SCRIPT;

/** A frame the client sent, decoded (HTTPc_PortScript_ClientFrame). */
typedef struct HTTPc_SCRIPT_FRAME {
    CPU_INT08U  Opcode;       /* HTTPc_SCRIPT_OP_*                                              */
    CPU_BOOLEAN Fin;          /* DEF_YES on the last frame of a message                         */
    CPU_INT08U  Rsv;          /* RSV1..3 as a number 0..7 (a client sends 0)                    */
    CPU_BOOLEAN Masked;       /* DEF_YES when masked (a client must mask every frame)          */
    CPU_INT08U  MaskKey[4];   /* the masking key (zeros when not masked)                        */
    CPU_INT32U  PayloadLen;   /* the whole payload length                                       */
    CPU_INT32U  CopiedLen;    /* how much of it, unmasked, was copied to the caller's buffer    */
    CPU_INT16U  CloseCode;    /* Close frames: the code, 1005 when the payload is empty; else 0 */
} HTTPc_SCRIPT_FRAME;

/** What happened on one connection (HTTPc_PortScript_Info). */
typedef struct HTTPc_SCRIPT_CONN_INFO {
    CPU_BOOLEAN     Used;              /* a Connect picked this script                      */
    const CPU_CHAR *Host;              /* host given to Connect ("" before)                  */
    CPU_INT16U      Port;              /* port given to Connect                              */
    CPU_BOOLEAN     Secure;            /* Connect got TLS settings                           */
    CPU_INT32U      ConnectTimeout_ms; /* timeout given to Connect                           */
    CPU_INT32U      Handles;           /* handles Connect produced (0 or 1)                  */
    CPU_INT32U      ConnectPolls;      /* ConnectPoll calls                                  */
    CPU_INT32U      Closes;            /* Close calls                                        */
    CPU_BOOLEAN     IsOpen;            /* between Connect and Close                          */
    CPU_INT32U      SendCalls;         /* Send calls                                         */
    CPU_INT32U      RecvCalls;         /* Recv calls                                         */
    CPU_INT32U      TxLen;             /* bytes the client sent (captured)                   */
    CPU_INT32U      RxLen;             /* bytes the client received                          */
    CPU_INT32U      Requests;          /* complete request heads the client sent             */
    CPU_INT32U      Frames;            /* complete frames the client sent                    */
    CPU_BOOLEAN     ClientClosed;      /* the client sent a whole Close frame                */
    CPU_BOOLEAN     ScriptDone;        /* every step delivered or passed (End reached)       */
} HTTPc_SCRIPT_CONN_INFO;

/* ------------------------------------------------------------------------------------------ */
/* Set-up                                                                                     */
/* ------------------------------------------------------------------------------------------ */

/**
 * (Re)initialises the script: no connections, clock at 0, no error. `p_mem`/`mem_len` is the
 * byte pool for the whole script (the server's scripted bytes from its front, each
 * connection's capture of what the client sends from its back); it must outlive the script.
 * `seed` seeds the deterministic Random (0 is allowed). Returns DEF_FAIL if `p_s` is NULL.
 */
CPU_BOOLEAN HTTPc_PortScript_Init(HTTPc_SCRIPT *p_s, void *p_mem, CPU_INT32U mem_len,
                                  CPU_INT32U seed);

/**
 * Fills `*p_port` for HTTPc_PortSet(): Ctx, Connect, ConnectPoll, Send, Recv, Close, Random,
 * TimeGet_ms and Wait (a Wait that never sleeps: when nothing is ready it advances the fake
 * clock, so that blocking calls time out in fake time at once). No TaskCreate, Lock, OsWait,
 * Watch: the poll model.
 */
void HTTPc_PortScript_PortGet(HTTPc_SCRIPT *p_s, HTTPc_PORT *p_port);

/**
 * Adds a connection script. `p_host` non-NULL: it serves the first Connect to that host
 * (case-insensitive) that no earlier script took; NULL: the first Connect that no host-named
 * script matches, in the order the scripts were added. Reserves `cap_len` bytes of the pool
 * for what the client sends (0: HTTPc_SCRIPT_CAP_DFLT). Returns NULL (error recorded) when
 * there are already HTTPc_SCRIPT_CONN_MAX scripts, the host name is too long, or the pool is
 * too small. Each script serves one Connect; a reconnect needs another script.
 */
HTTPc_SCRIPT_CONN *HTTPc_PortScript_ConnAdd(HTTPc_SCRIPT *p_s, const CPU_CHAR *p_host,
                                            CPU_INT32U cap_len);

/**
 * How the connect goes (default: HTTPc_PORT_OK at once). `result` HTTPc_PORT_OK or
 * HTTPc_PORT_ERR; `polls` 0: Connect returns it at once; `polls` N > 0: Connect returns
 * WOULD_BLOCK (in progress) and ConnectPoll returns WOULD_BLOCK N-1 times, then `result`.
 * `result` HTTPc_PORT_WOULD_BLOCK: the connect never completes (the engine's timeout ends it).
 */
CPU_BOOLEAN HTTPc_PortScript_ConnectOutcome(HTTPc_SCRIPT_CONN *p_c, CPU_INT32S result,
                                            CPU_INT32U polls);

/* ------------------------------------------------------------------------------------------ */
/* The server's script: steps run in the order they are added (also while the test runs).      */
/* Each returns DEF_OK, or DEF_FAIL with the error recorded (step table or pool full, bad     */
/* argument; a NULL connection just fails). When the script runs out, the server is silent.   */
/* ------------------------------------------------------------------------------------------ */

/** Raw bytes the server sends. */
CPU_BOOLEAN HTTPc_PortScript_Data(HTTPc_SCRIPT_CONN *p_c, const void *p_data, CPU_INT32U len);

/** A NUL-terminated string the server sends (without the NUL). */
CPU_BOOLEAN HTTPc_PortScript_Str(HTTPc_SCRIPT_CONN *p_c, const CPU_CHAR *p_str);

/**
 * Answers the client's next request (the k-th Accept or Refuse answers the k-th request head:
 * it waits for it) with "HTTP/1.1 101 Switching Protocols", Upgrade, Connection and the
 * Sec-WebSocket-Accept computed from that request's Sec-WebSocket-Key, then `p_extra_hdrs`
 * (NULL, or header lines each ending in CRLF, e.g. "Sec-WebSocket-Protocol: chat\r\n"), then
 * the blank line.
 */
CPU_BOOLEAN HTTPc_PortScript_Accept(HTTPc_SCRIPT_CONN *p_c, const CPU_CHAR *p_extra_hdrs);

/**
 * Answers the client's next request (waits for it, as Accept) with
 * "HTTP/1.1 <status> <reason>", a Content-Length and `p_body` (NULL: empty).
 */
CPU_BOOLEAN HTTPc_PortScript_Refuse(HTTPc_SCRIPT_CONN *p_c, CPU_INT16U status,
                                    const CPU_CHAR *p_reason, const CPU_CHAR *p_body);

/**
 * A frame. `first_byte` is FIN | RSV bits | opcode (HTTPc_SCRIPT_FIN | HTTPc_SCRIPT_OP_TEXT).
 * `p_mask_key` NULL: unmasked, as a server sends; 4 bytes: masked (a protocol violation from
 * a server, for negative tests). Any length (7, 16 or 64-bit length encoding as needed).
 */
CPU_BOOLEAN HTTPc_PortScript_Frame(HTTPc_SCRIPT_CONN *p_c, CPU_INT08U first_byte,
                                   const CPU_INT08U *p_mask_key, const void *p_payload,
                                   CPU_INT32U len);

/** A final unmasked text frame with the NUL-terminated `p_text`. */
CPU_BOOLEAN HTTPc_PortScript_Text(HTTPc_SCRIPT_CONN *p_c, const CPU_CHAR *p_text);
/** A final unmasked binary frame. */
CPU_BOOLEAN HTTPc_PortScript_Binary(HTTPc_SCRIPT_CONN *p_c, const void *p_data, CPU_INT32U len);
/** A ping (the client answers it with a pong). */
CPU_BOOLEAN HTTPc_PortScript_Ping(HTTPc_SCRIPT_CONN *p_c, const void *p_data, CPU_INT32U len);
/** A pong. */
CPU_BOOLEAN HTTPc_PortScript_Pong(HTTPc_SCRIPT_CONN *p_c, const void *p_data, CPU_INT32U len);
/** A Close: `code` (0: an empty payload) and `p_reason` (NULL: none), not checked. */
CPU_BOOLEAN HTTPc_PortScript_Close(HTTPc_SCRIPT_CONN *p_c, CPU_INT16U code,
                                   const CPU_CHAR *p_reason);

/**
 * Waits until the client's frame number `frame_idx` (0-based, as ClientFrame counts them) is
 * complete, then sends it back unmasked, with the same FIN, RSV, opcode and payload: an echo
 * server, or the answer to the client's Close.
 */
CPU_BOOLEAN HTTPc_PortScript_Echo(HTTPc_SCRIPT_CONN *p_c, CPU_INT32U frame_idx);

/** Waits until the client has sent its next request head (the k-th call: the k-th head). */
CPU_BOOLEAN HTTPc_PortScript_WaitRequest(HTTPc_SCRIPT_CONN *p_c);
/** Waits until the client has sent `n` complete frames in all on this connection. */
CPU_BOOLEAN HTTPc_PortScript_WaitFrames(HTTPc_SCRIPT_CONN *p_c, CPU_INT32U n);
/** Waits until the client has sent a whole Close frame. */
CPU_BOOLEAN HTTPc_PortScript_WaitClientClose(HTTPc_SCRIPT_CONN *p_c);
/** Waits until the test calls HTTPc_PortScript_Release (the k-th gate: the k-th release). */
CPU_BOOLEAN HTTPc_PortScript_Gate(HTTPc_SCRIPT_CONN *p_c);
/** Opens the connection's next gate. */
void        HTTPc_PortScript_Release(HTTPc_SCRIPT_CONN *p_c);
/** Waits `ms` of fake time, counted from when the script reaches this step. */
CPU_BOOLEAN HTTPc_PortScript_WaitMs(HTTPc_SCRIPT_CONN *p_c, CPU_INT32U ms);

/**
 * The end of the stream: from here Recv returns `result`, HTTPc_PORT_CLOSED (the server closed
 * the TCP connection) or HTTPc_PORT_ERR (a reset, a fatal socket error), on every call.
 */
CPU_BOOLEAN HTTPc_PortScript_End(HTTPc_SCRIPT_CONN *p_c, CPU_INT32S result);

/* ------------------------------------------------------------------------------------------ */
/* Faults, at byte offsets of either direction (see HTTPc_SCRIPT_AT_*). Several faults at one */
/* offset apply in the order added. Up to HTTPc_SCRIPT_FAULT_MAX in all.                      */
/* ------------------------------------------------------------------------------------------ */

/**
 * When the stream in direction `dir` (HTTPc_SCRIPT_RX or _TX) reaches `offset`: that call
 * (Recv, or Send, which takes the bytes before the offset first) returns `result`,
 * HTTPc_PORT_CLOSED or HTTPc_PORT_ERR, and so does every later one.
 */
CPU_BOOLEAN HTTPc_PortScript_Fault(HTTPc_SCRIPT_CONN *p_c, CPU_INT08U dir, CPU_INT08U anchor,
                                   CPU_INT32U offset, CPU_INT32S result);

/**
 * When the stream in direction `dir` reaches `offset`, the next `calls` calls return
 * HTTPc_PORT_WOULD_BLOCK (a would-block storm); HTTPc_SCRIPT_FOREVER: every later call (a
 * stall: for TX a server that stopped reading, for RX a silent one). Wait reports the socket
 * ready during a finite storm, not ready during a stall.
 */
CPU_BOOLEAN HTTPc_PortScript_Storm(HTTPc_SCRIPT_CONN *p_c, CPU_INT08U dir, CPU_INT08U anchor,
                                   CPU_INT32U offset, CPU_INT32U calls);

/** At most `max_bytes` per Recv (RX) or Send (TX) call; 0: no limit (the default). */
CPU_BOOLEAN HTTPc_PortScript_Chunk(HTTPc_SCRIPT_CONN *p_c, CPU_INT08U dir, CPU_INT32U max_bytes);

/* ------------------------------------------------------------------------------------------ */
/* Time and driving the engine (poll model)                                                   */
/* ------------------------------------------------------------------------------------------ */

/** The fake clock (what TimeGet_ms returns). */
CPU_INT32U HTTPc_PortScript_Now(const HTTPc_SCRIPT *p_s);
/** Moves the fake clock forward by `ms` (the engine does not run). */
void       HTTPc_PortScript_Advance(HTTPc_SCRIPT *p_s, CPU_INT32U ms);

/** Runs `passes` engine passes (HTTPc_TaskHandler) without moving the clock. */
void       HTTPc_PortScript_Pump(HTTPc_SCRIPT *p_s, CPU_INT32U passes);

/**
 * Runs the engine for `ms` of fake time: passes at the current time while the port sees
 * progress (bytes moved, a connect step, a close), then moves the clock to the next thing due
 * (the engine's requested sleep, a WaitMs step, or the end of the window) and repeats; ends
 * with the clock `ms` later and the engine idle. `ms` 0: just until idle. Returns the passes.
 */
CPU_INT32U HTTPc_PortScript_Run(HTTPc_SCRIPT *p_s, CPU_INT32U ms);

/* ------------------------------------------------------------------------------------------ */
/* What happened                                                                              */
/* ------------------------------------------------------------------------------------------ */

/** The first error recorded (misuse, overflow, port contract violation), or NULL. */
const CPU_CHAR *HTTPc_PortScript_ErrGet(const HTTPc_SCRIPT *p_s);
/** How many errors were recorded. */
CPU_INT32U      HTTPc_PortScript_ErrCount(const HTTPc_SCRIPT *p_s);

/**
 * DEF_YES when every connect produced a handle that was closed exactly once, and no Connect
 * went unmatched: nothing leaked (check it after the connections' OnClose).
 */
CPU_BOOLEAN HTTPc_PortScript_AllClosed(const HTTPc_SCRIPT *p_s);

/** Fills `*p_info` with what happened on the connection. DEF_FAIL for NULL arguments. */
CPU_BOOLEAN HTTPc_PortScript_Info(HTTPc_SCRIPT_CONN *p_c, HTTPc_SCRIPT_CONN_INFO *p_info);

/** Every byte the client sent on the connection; `*p_len` gets the count. */
const CPU_INT08U *HTTPc_PortScript_Sent(const HTTPc_SCRIPT_CONN *p_c, CPU_INT32U *p_len);

/**
 * The client's request head number `idx` (0-based), through its blank line, not
 * NUL-terminated; NULL when there is no such complete head. `*p_len` gets its length.
 */
const CPU_CHAR *HTTPc_PortScript_Request(const HTTPc_SCRIPT_CONN *p_c, CPU_INT32U idx,
                                         CPU_INT32U *p_len);

/**
 * Looks up header `p_name` (case-insensitive) in request head `idx`: returns how many times
 * it appears, and copies the first one's value (trimmed, NUL-terminated, truncated to fit)
 * into `p_val` (may be NULL when `val_len` is 0).
 */
CPU_INT32U HTTPc_PortScript_RequestHeader(const HTTPc_SCRIPT_CONN *p_c, CPU_INT32U idx,
                                          const CPU_CHAR *p_name, CPU_CHAR *p_val,
                                          CPU_INT32U val_len);

/** How many complete frames the client sent (after its request heads). */
CPU_INT32U HTTPc_PortScript_ClientFrameCount(const HTTPc_SCRIPT_CONN *p_c);

/**
 * Decodes the client's frame number `idx` (0-based): fills `*p_frame` and copies up to
 * `buf_len` bytes of its payload, unmasked, to `p_buf` (may be NULL when `buf_len` is 0).
 * Returns DEF_FAIL when there is no such complete frame.
 */
CPU_BOOLEAN HTTPc_PortScript_ClientFrame(const HTTPc_SCRIPT_CONN *p_c, CPU_INT32U idx,
                                         HTTPc_SCRIPT_FRAME *p_frame, void *p_buf,
                                         CPU_INT32U buf_len);

/* ------------------------------------------------------------------------------------------ */
/* Helpers (no script needed)                                                                 */
/* ------------------------------------------------------------------------------------------ */

/**
 * The Sec-WebSocket-Accept value for a Sec-WebSocket-Key (RFC 6455 section 4.2.2: base64 of
 * the SHA-1 of the key and the GUID): writes 28 characters and a NUL to `p_out` (29 bytes).
 */
void HTTPc_PortScript_AcceptKey(const CPU_CHAR *p_key, CPU_INT32U key_len, CPU_CHAR *p_out);

/**
 * Builds a frame in `p_buf`: `first_byte` (FIN | RSV | opcode), masked with `p_mask_key` when
 * not NULL. Returns its length, or 0 when it does not fit in `buf_len`.
 */
CPU_INT32U HTTPc_PortScript_FrameFmt(CPU_INT08U *p_buf, CPU_INT32U buf_len,
                                     CPU_INT08U first_byte, const CPU_INT08U *p_mask_key,
                                     const void *p_payload, CPU_INT32U payload_len);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif  /* HTTPC_PORT_SCRIPT_H */
