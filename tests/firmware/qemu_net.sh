# QEMU options shared by tests/firmware/run.sh and autobahn.sh (sourced, not run).
#
#   sh_arg VALUE         one semihosting argument for -semihosting-config (commas doubled)
#   qemu_net NET PORT    sets NET_ARGS (QEMU's network options) and NET_SEMI (the firmware's
#                        host argument) for the transport NET, talking to 127.0.0.1:PORT:
#     uart  the board's first CMSDK UART attached to a TCP connection to 127.0.0.1:PORT
#     eth   the LAN9118 on QEMU's user-mode network (no hostfwd: QEMU listens nowhere); the
#           firmware connects to 10.0.2.2:PORT, which QEMU turns into 127.0.0.1:PORT

sh_arg() { printf ',arg=%s' "${1//,/,,}"; }

qemu_net() {
    case "$1" in
        eth)
            NET_ARGS=(-serial none -nic user,model=lan9118,ipv6=off)
            NET_SEMI=$(sh_arg host=10.0.2.2)
            ;;
        uart)
            NET_ARGS=(-serial chardev:net0 -chardev "socket,id=net0,host=127.0.0.1,port=$2,nodelay=on")
            NET_SEMI=
            ;;
        *)
            echo "unknown transport $1 (want uart or eth)" >&2
            return 2
            ;;
    esac
}
