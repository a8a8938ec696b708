#!/usr/bin/env bash
# tests/interop/test_note_interop.sh — checkpoints signed by sanxiang verify with independent tools.
#
#   test_note_interop.sh SX_MAKE_NOTE NOTE_VERIFY_MAIN_GO
#
# SX_MAKE_NOTE is the built tests/interop/make_note.c; NOTE_VERIFY_MAIN_GO is
# tests/interop/note_verify/main.go. Registered in CMake as the ctest interop.note_go.
#
# sx_make_note writes a checkpoint note signed by a fresh Ed25519 key and a fresh SM2 key. Then:
#   1. Go's golang.org/x/mod/sumdb/note (Debian golang-golang-x-mod-dev, built offline in
#      GOPATH mode) opens it with the Ed25519 vkey: the Ed25519 line verifies, the SM2 line is
#      an unknown key and is ignored, and the text Go returns is the checkpoint we wrote.
#   2. Go refuses the same note with one digit of the tree size changed.
#   3. Go refuses our SM2 vkey as an unknown algorithm (so Go never checks SM2: step 4 does).
#   4. The openssl CLI verifies the SM2 line (SM3, ID 1234567812345678) with the public key
#      taken from the SM2 vkey, whose key material must start 0xff "sanxiang/sm2-sm3/v1" 0x00;
#      and refuses it over the altered text.
#
# Exit 0 when all pass, 1 on a failure, 77 (ctest SKIP_RETURN_CODE) when Go or the x/mod
# sources are not installed.
set -euo pipefail

if [[ $# -ne 2 ]]; then
	echo "usage: $0 SX_MAKE_NOTE NOTE_VERIFY_MAIN_GO" >&2
	exit 2
fi
make_note=$1
main_go=$2

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

if ! command -v go >/dev/null 2>&1 ||
	[[ ! -f /usr/share/gocode/src/golang.org/x/mod/sumdb/note/note.go ]]; then
	echo "SKIP: needs Debian packages golang-go and golang-golang-x-mod-dev" >&2
	exit 77
fi
command -v openssl >/dev/null 2>&1 || fail "openssl CLI not found"

work=$(mktemp -d "${TMPDIR:-/tmp}/sx-note-interop.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Offline, GOPATH mode, against the Debian sources only.
export GO111MODULE=off GOPATH=/usr/share/gocode GOPROXY=off GOFLAGS= GOTOOLCHAIN=local
if [[ -z "${GOCACHE:-}" && ( -z "${HOME:-}" || ! -w "${HOME:-/nonexistent}" ) ]]; then
	export GOCACHE="$work/gocache"
fi

go build -o "$work/note_verify" "$main_go" || fail "building $main_go"
"$make_note" "$work" || fail "sx_make_note"

note="$work/checkpoint.note"
ed_vkey=$(cat "$work/ed25519.vkey")
sm2_vkey=$(cat "$work/sm2.vkey")

# 1. Go verifies the Ed25519 line and ignores the SM2 line.
"$work/note_verify" "$ed_vkey" "$note" >"$work/go.out" 2>"$work/go.err" ||
	fail "Go refused our note: $(cat "$work/go.err")"
cmp -s "$work/go.out" "$work/checkpoint.txt" || fail "Go returned a different text"
grep -qx "verified 1, unknown 1" "$work/go.err" ||
	fail "expected one verified and one unknown signature, Go said: $(cat "$work/go.err")"
echo "ok 1 - Go's sumdb/note verifies the Ed25519 signature and skips the SM2 line"

# 2. Go refuses the note once the text changes (line 2 is the tree size).
sed '2s/^1/2/' "$note" >"$work/tampered.note"
cmp -s "$note" "$work/tampered.note" && fail "tampering changed nothing"
if "$work/note_verify" "$ed_vkey" "$work/tampered.note" >/dev/null 2>"$work/go.err"; then
	fail "Go accepted a tampered note"
fi
grep -q "invalid signature" "$work/go.err" || fail "unexpected refusal: $(cat "$work/go.err")"
echo "ok 2 - Go's sumdb/note refuses the note with an altered tree size"

# 3. Go does not know the SM2 signature type.
if "$work/note_verify" "$sm2_vkey" "$note" >/dev/null 2>"$work/go.err"; then
	fail "Go accepted the SM2 vkey"
fi
grep -q "unknown verifier algorithm" "$work/go.err" || fail "unexpected: $(cat "$work/go.err")"
echo "ok 3 - Go's sumdb/note refuses the SM2 vkey as an unknown algorithm"

# 4. openssl verifies the SM2 line.
sm2_id=$(printf '%s' "$sm2_vkey" | cut -d+ -f2)
printf '%s' "$sm2_vkey" | cut -d+ -f3- | openssl base64 -d -A >"$work/sm2.material"
[[ $(wc -c <"$work/sm2.material") -eq 86 ]] || fail "SM2 key material is not 86 bytes"
want_type=$(printf '\377sanxiang/sm2-sm3/v1' | od -An -tx1 | tr -d ' \n')00
got_type=$(head -c 21 "$work/sm2.material" | od -An -tx1 | tr -d ' \n')
[[ "$got_type" == "$want_type" ]] || fail "SM2 type bytes are $got_type"
# SubjectPublicKeyInfo { id-ecPublicKey, SM2 curve (1.2.156.10197.1.301) } around the point.
{
	printf '\x30\x59\x30\x13\x06\x07\x2a\x86\x48\xce\x3d\x02\x01\x06\x08\x2a\x81\x1c\xcf\x55'
	printf '\x01\x82\x2d\x03\x42\x00'
	tail -c 65 "$work/sm2.material"
} >"$work/sm2.spki.der"
openssl pkey -pubin -inform DER -in "$work/sm2.spki.der" -out "$work/sm2.pub.pem" ||
	fail "openssl refused the SM2 public key"

found=0
while IFS= read -r line; do
	[[ "$line" == "— "* ]] || continue
	printf '%s' "${line##* }" | openssl base64 -d -A >"$work/line.bin"
	[[ $(head -c 4 "$work/line.bin" | od -An -tx1 | tr -d ' \n') == "$sm2_id" ]] || continue
	tail -c +5 "$work/line.bin" >"$work/sm2.sig.der"
	found=1
done <"$note"
[[ $found -eq 1 ]] || fail "no signature line with the SM2 key ID $sm2_id"

sm2_verify() {
	openssl pkeyutl -verify -pubin -inkey "$work/sm2.pub.pem" -rawin -digest sm3 \
		-pkeyopt distid:1234567812345678 -in "$1" -sigfile "$work/sm2.sig.der" \
		>/dev/null 2>&1
}
sm2_verify "$work/checkpoint.txt" || fail "openssl refused the SM2 signature"
sed '2s/^1/2/' "$work/checkpoint.txt" >"$work/tampered.txt"
if sm2_verify "$work/tampered.txt"; then
	fail "openssl accepted the SM2 signature over an altered text"
fi
echo "ok 4 - the openssl CLI verifies the SM2 signature (SM3, ID 1234567812345678)"
