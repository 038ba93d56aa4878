/*
 * app_cfg.h: the application configuration header of a legacy uC/HTTP-client project, as the
 * Micrium templates expect it (http-c_cfg.c includes it for the HTTP client task settings).
 * Used by the tests in this directory; written for them, not taken from Micrium.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef  APP_CFG_MODULE_PRESENT
#define  APP_CFG_MODULE_PRESENT

                                                                /* ------------- HTTP CLIENT TASK (http-c_cfg.c) ------ */
#define  HTTPc_OS_CFG_TASK_PRIO                           20u
#define  HTTPc_OS_CFG_TASK_STK_SIZE                     1024u

                                                                /* ------------------ APPLICATION --------------------- */
#define  APP_CFG_WEBSOCK_CONN_BUF_SIZE                  1024u
#define  APP_CFG_WEBSOCK_RX_BUF_SIZE                     512u

#endif  /* APP_CFG_MODULE_PRESENT */
