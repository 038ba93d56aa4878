#!/bin/sh
# with_micrium.sh DIR COMMAND [ARG...]
#
# Runs COMMAND when the real Micrium sources are at DIR (laid out as ../shared/micrium: uC-CPU,
# uC-LIB, uC-Common, uC-TCP-IP, uC-HTTP). Otherwise prints why and exits 77, which ctest
# reports as skipped (SKIP_RETURN_CODE 77), never as passed.
#
# SPDX-License-Identifier: Apache-2.0

dir=$1
shift
for f in uC-CPU/cpu_def.h uC-LIB/lib_def.h uC-Common/KAL/kal.h uC-TCP-IP/Source/net_sock.h \
         uC-HTTP/Common/http.h uC-HTTP/Client/Cfg/Template/http-c_cfg.c; do
    if [ ! -f "$dir/$f" ]; then
        echo "SKIP: the Micrium sources are not at '$dir' ($f is missing)."
        echo "      Point MICRIUM_DIR at them (cmake -DMICRIUM_DIR=...; see docs/MICRIUM_BUILD.md)."
        exit 77
    fi
done
exec "$@"
