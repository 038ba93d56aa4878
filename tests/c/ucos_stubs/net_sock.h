/*
 * Minimal stand-in for uC/TCP-IP Source/net_sock.h (V3.06), for compile-checking
 * ports/uctcpip/: the types, constants, descriptor-set macros and prototypes the ports
 * use, with the uC/TCP-IP signatures. Declarations only.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef  NET_SOCK_MODULE_PRESENT
#define  NET_SOCK_MODULE_PRESENT

#include  <cpu.h>
#include  <lib_def.h>
#include  <lib_mem.h>
#include  "net_type.h"
#include  "net_err.h"

/* From the application's net_cfg.h. */
#define  NET_SOCK_CFG_SEL_EN                        DEF_ENABLED
#define  NET_SOCK_NBR_SOCK                                   10

typedef  CPU_INT16S          NET_SOCK_ID;
#define  NET_SOCK_ID_NONE                                    -1

typedef  CPU_INT16S          NET_SOCK_QTY;
typedef  CPU_INT32S          NET_SOCK_DATA_SIZE;
typedef  NET_SOCK_DATA_SIZE  NET_SOCK_RTN_CODE;
typedef  CPU_INT16S          NET_SOCK_API_FLAGS;

#define  NET_SOCK_FLAG_NONE                              0x0000
#define  NET_SOCK_FLAG_NO_BLOCK                          0x0080

#define  NET_SOCK_BLOCK_SEL_DFLT                             0u
#define  NET_SOCK_BLOCK_SEL_BLOCK                            1u
#define  NET_SOCK_BLOCK_SEL_NO_BLOCK                         3u

typedef  CPU_INT16U          NET_SOCK_ADDR_FAMILY;
typedef  CPU_INT08U          NET_SOCK_ADDR_LEN;

#define  NET_SOCK_BSD_ADDR_LEN_MAX                          26

typedef  struct  net_sock_addr {
    NET_SOCK_ADDR_FAMILY    AddrFamily;
    CPU_INT08U              Addr[NET_SOCK_BSD_ADDR_LEN_MAX];
} NET_SOCK_ADDR;

typedef  enum  net_sock_protocol {
    NET_SOCK_PROTOCOL_TCP  =      6,
    NET_SOCK_PROTOCOL_SOCK = 0xFFFF
} NET_SOCK_PROTOCOL;

typedef  enum  net_sock_opt_name {
    NET_SOCK_OPT_TCP_NO_DELAY     = 0x0001,
    NET_SOCK_OPT_TCP_KEEP_IDLE    = 0x0004,
    NET_SOCK_OPT_SOCK_KEEP_ALIVE  = 0x0008
} NET_SOCK_OPT_NAME;

typedef  CPU_INT32S          NET_SOCK_OPT_LEN;

typedef  struct  net_sock_timeout {
    CPU_INT32S      timeout_sec;
    CPU_INT32S      timeout_us;
} NET_SOCK_TIMEOUT;

#define  NET_SOCK_DESC_NBR_MIN                                0
#define  NET_SOCK_DESC_NBR_MAX              (NET_SOCK_NBR_SOCK - 1)
#define  NET_SOCK_DESC_ARRAY_SIZE          (((NET_SOCK_NBR_SOCK - 1) / (sizeof(CPU_DATA) * DEF_OCTET_NBR_BITS)) + 1)

typedef  struct  net_sock_desc {
    CPU_DATA        SockID_DescNbrSet[NET_SOCK_DESC_ARRAY_SIZE];
} NET_SOCK_DESC;

#define  NET_SOCK_DESC_INIT(p_desc_set)                                                         \
    do {                                                                                        \
        Mem_Clr((void *)&((p_desc_set)->SockID_DescNbrSet[0]),                                  \
                (CPU_SIZE_T)sizeof((p_desc_set)->SockID_DescNbrSet));                           \
    } while (0)

#define  NET_SOCK_DESC_SET(desc_nbr, p_desc_set)                                                \
    do {                                                                                        \
        if (((desc_nbr) >= NET_SOCK_DESC_NBR_MIN) && ((desc_nbr) <= NET_SOCK_DESC_NBR_MAX)) {   \
            DEF_BIT_SET((p_desc_set)->SockID_DescNbrSet[(CPU_SIZE_T)(desc_nbr) / (sizeof(CPU_DATA) * DEF_OCTET_NBR_BITS)], \
                        DEF_BIT((CPU_SIZE_T)(desc_nbr) % (sizeof(CPU_DATA) * DEF_OCTET_NBR_BITS)));          \
        }                                                                                       \
    } while (0)

#define  NET_SOCK_DESC_IS_SET(desc_nbr, p_desc_set)                                             \
    ((((desc_nbr) >= NET_SOCK_DESC_NBR_MIN) && ((desc_nbr) <= NET_SOCK_DESC_NBR_MAX)) ?         \
     ((DEF_BIT_IS_SET((p_desc_set)->SockID_DescNbrSet[(CPU_SIZE_T)(desc_nbr) / (sizeof(CPU_DATA) * DEF_OCTET_NBR_BITS)], \
                      DEF_BIT((CPU_SIZE_T)(desc_nbr) % (sizeof(CPU_DATA) * DEF_OCTET_NBR_BITS))) == DEF_YES) ? 1 : 0) \
     : 0)

typedef  enum  net_sock_secure_untrusted_reason {
    NET_SOCK_SECURE_UNTRUSTED_BY_CA,
    NET_SOCK_SECURE_EXPIRE_DATE,
    NET_SOCK_SECURE_INVALID_DATE,
    NET_SOCK_SECURE_SELF_SIGNED,
    NET_SOCK_SECURE_UNKNOWN
} NET_SOCK_SECURE_UNTRUSTED_REASON;

typedef  CPU_BOOLEAN  (*NET_SOCK_SECURE_TRUST_FNCT)(void                              *p_cert_dn,
                                                    NET_SOCK_SECURE_UNTRUSTED_REASON   reason);

typedef  enum  net_sock_secure_cert_key_fmt {
    NET_SOCK_SECURE_CERT_KEY_FMT_NONE,
    NET_SOCK_SECURE_CERT_KEY_FMT_PEM,
    NET_SOCK_SECURE_CERT_KEY_FMT_DER
} NET_SOCK_SECURE_CERT_KEY_FMT;

NET_SOCK_RTN_CODE   NetSock_Close              (NET_SOCK_ID                    sock_id,
                                                NET_ERR                       *p_err);

NET_SOCK_RTN_CODE   NetSock_RxData             (NET_SOCK_ID                    sock_id,
                                                void                          *pdata_buf,
                                                CPU_INT16U                     data_buf_len,
                                                NET_SOCK_API_FLAGS             flags,
                                                NET_ERR                       *p_err);

NET_SOCK_RTN_CODE   NetSock_RxDataFrom         (NET_SOCK_ID                    sock_id,
                                                void                          *pdata_buf,
                                                CPU_INT16U                     data_buf_len,
                                                NET_SOCK_API_FLAGS             flags,
                                                NET_SOCK_ADDR                 *paddr_remote,
                                                NET_SOCK_ADDR_LEN             *paddr_len,
                                                void                          *pip_opts_buf,
                                                CPU_INT08U                     ip_opts_buf_len,
                                                CPU_INT08U                    *pip_opts_len,
                                                NET_ERR                       *p_err);

NET_SOCK_RTN_CODE   NetSock_TxDataTo           (NET_SOCK_ID                    sock_id,
                                                void                          *p_data,
                                                CPU_INT16U                     data_len,
                                                NET_SOCK_API_FLAGS             flags,
                                                NET_SOCK_ADDR                 *paddr_remote,
                                                NET_SOCK_ADDR_LEN              addr_len,
                                                NET_ERR                       *p_err);

NET_SOCK_RTN_CODE   NetSock_Sel                (NET_SOCK_QTY                   sock_nbr_max,
                                                NET_SOCK_DESC                 *psock_desc_rd,
                                                NET_SOCK_DESC                 *psock_desc_wr,
                                                NET_SOCK_DESC                 *psock_desc_err,
                                                NET_SOCK_TIMEOUT              *ptimeout,
                                                NET_ERR                       *p_err);

void                NetSock_SelAbort           (NET_SOCK_ID                    sock_id,
                                                NET_ERR                       *p_err);

CPU_BOOLEAN         NetSock_CfgBlock           (NET_SOCK_ID                    sock_id,
                                                CPU_INT08U                     block,
                                                NET_ERR                       *p_err);

NET_SOCK_RTN_CODE   NetSock_OptSet             (NET_SOCK_ID                    sock_id,
                                                NET_SOCK_PROTOCOL              level,
                                                NET_SOCK_OPT_NAME              opt_name,
                                                const  void                   *popt_val,
                                                NET_SOCK_OPT_LEN               opt_len,
                                                NET_ERR                       *p_err);

NET_CONN_ID         NetSock_GetConnTransportID (NET_SOCK_ID                    sock_id,
                                                NET_ERR                       *p_err);

#endif  /* NET_SOCK_MODULE_PRESENT */
