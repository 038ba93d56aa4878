/*
 * A fake uC/TCP-IP behind the stand-in headers of ../ucos_stubs: one stream socket whose peer
 * the test scripts, and the stack's global lock, which every call takes and gives back. It
 * reproduces what the real functions check and return where the port depends on it (the
 * argument checks of NetSock_RxDataFrom(), which return holding the lock; the receive queue's
 * EMPTY/CLOSED answers; a full window or no free buffer as -1 with NET_ERR_TX, the select
 * still writable in the second case; a reset as NET_SOCK_ERR_INVALID_TYPE; the Nagle option's
 * value as an enable flag; the non-reentrant lock), so the port's runtime use of the API is
 * tested on the host. It is not uC/TCP-IP: the port's real-header builds are the ucos_port_compile_*
 * tests.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef NET_FAKE_H
#define NET_FAKE_H

#include <stddef.h>

#define NET_FAKE_SOCK_ID 3

typedef struct {
    int LockDepth;            /* the global lock: 0 when every call gave it back        */
    int LockFaults;           /* calls that found the lock still held (non-reentrant)   */
    int Connects;
    int ConnectInProgress;    /* the next connect answers "in progress" (finished by Sel) */
    char Host[64];            /* the name the last connect resolved                      */
    int Sels;                 /* NetSock_Sel calls                                       */
    int SelAborts;            /* NetSock_SelAbort calls                                  */
    int SelAbortsLocked;      /* ... of them made holding the global lock                */
    void (*DuringSel)(void);  /* runs while NetSock_Sel pends (another task's turn)      */
    int Closes;
    int NoBlock;              /* NetSock_CfgBlock(NO_BLOCK) was called                   */
    unsigned char Tx[256];    /* what the socket took                                    */
    size_t TxLen;
    size_t TxRoom;            /* bytes the socket takes before it would block            */
    unsigned char Rx[256];    /* what the peer sent, not read yet                        */
    size_t RxLen;
    size_t RxOff;
    int PeerClosed;           /* FIN received                                            */
    int NoBufs;               /* no network buffer free: a send fails with NET_ERR_TX while
                                 the select (which checks the window only) says writable     */
    int ResetByPeer;          /* the stack closed the socket on a reset: its type is FAULT  */
    int CloseLockFaults;      /* NetSock_Close answers NET_ERR_FAULT_LOCK_ACQUIRE this often */
    unsigned NagleEn;         /* NET_SOCK_OPT_TCP_NO_DELAY's value: the Nagle ENABLE flag    */
    long SelTimeoutMs;        /* the timeout of the last NetSock_Sel                         */
    int SelWr;                /* ... and whether it selected the socket for writing          */
} NET_FAKE;

extern NET_FAKE NetFake;

void NetFake_Reset(void);

#endif
