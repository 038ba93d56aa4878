/*
 * A fake uC/TCP-IP behind the stand-in headers of ../ucos_stubs: one stream socket whose peer
 * the test scripts, and the stack's global lock, which every call takes and gives back. It
 * reproduces what the real functions check and return where the port depends on it (the
 * argument checks of NetSock_RxDataFrom(), which return holding the lock; the receive queue's
 * EMPTY/CLOSED answers; the non-reentrant lock), so the port's runtime use of the API is tested
 * on the host. It is not uC/TCP-IP: the port's real-header builds are the ucos_port_compile_*
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
} NET_FAKE;

extern NET_FAKE NetFake;

void NetFake_Reset(void);

#endif
