#!/usr/bin/env bash
# Throw-away PKI for the TLS tests (openssl CLI only), into DIR:
#   ca.pem/ca.key           the trusted test CA
#   server.pem/.key         CN=localhost, SAN DNS:localhost, by the CA, valid now
#   expired.pem/.key        same names, by the CA, valid 2020-01-01 .. 2020-01-02 only
#   other-ca.pem            an unrelated CA; unknown.pem/.key: CN=localhost by it
#   self.pem/.key           self-signed, CN=localhost
# Usage: tests/tls/gen_certs.sh DIR
set -euo pipefail
D=$1
mkdir -p "$D"
cd "$D"
rm -rf db && mkdir db && : > db/index.txt && echo 1000 > db/serial
cat > ca.cnf <<'CNF'
[ca]
default_ca = d
[d]
database = db/index.txt
serial = db/serial
new_certs_dir = db
default_md = sha256
policy = p
copy_extensions = copy
unique_subject = no
[p]
commonName = supplied
CNF
q() { "$@" >/dev/null 2>&1 || { echo "gen_certs: failed: $*" >&2; "$@"; exit 1; }; }
ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
mkca() { q openssl req -x509 $ec -keyout "$1.key" -out "$1.pem" -days 2 -subj "/CN=$2" \
          -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign; }
leaf() { # name ca-name start end
    q openssl req -new $ec -keyout "$1.key" -out "$1.csr" -subj "/CN=localhost" \
        -addext subjectAltName=DNS:localhost -addext basicConstraints=CA:FALSE
    q openssl ca -batch -config ca.cnf -cert "$2.pem" -keyfile "$2.key" -in "$1.csr" -out "$1.pem" \
        -notext -startdate "$3" -enddate "$4"
}
mkca ca "httpc-ws test CA"
mkca other-ca "unrelated test CA"
start=$(date -u -d '-1 hour' +%Y%m%d%H%M%SZ)
end=$(date -u -d '+2 days' +%Y%m%d%H%M%SZ)
leaf server ca "$start" "$end"
leaf expired ca 20200101000000Z 20200102000000Z
leaf unknown other-ca "$start" "$end"
q openssl req -x509 $ec -keyout self.key -out self.pem -days 2 -subj "/CN=localhost" \
    -addext subjectAltName=DNS:localhost
echo "gen_certs: PKI in $D"
