// Command note_verify opens a C2SP signed note with Go's reference
// implementation, golang.org/x/mod/sumdb/note, so that tests can show that
// notes signed by sanxiang (ledger/note) verify with an independent verifier.
//
//	note_verify VKEY NOTEFILE
//
// VKEY is a verifier key ("name+hexid+base64(type||key)"); NOTEFILE holds the
// signed note. On success it prints the note's text on stdout, "verified N,
// unknown M" on stderr (signature lines by VKEY's key, and by other keys,
// which note.Open ignores), and exits 0. It exits 1 when the key or the note
// is refused (the reason on stderr) and 2 on bad usage.
//
// Built offline from Debian's golang-golang-x-mod-dev, without modules:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run tests/interop/note_verify/main.go VKEY NOTEFILE
package main

import (
	"fmt"
	"os"

	"golang.org/x/mod/sumdb/note"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: note_verify VKEY NOTEFILE")
		os.Exit(2)
	}
	verifier, err := note.NewVerifier(os.Args[1])
	if err != nil {
		fmt.Fprintf(os.Stderr, "note_verify: vkey: %v\n", err)
		os.Exit(1)
	}
	msg, err := os.ReadFile(os.Args[2])
	if err != nil {
		fmt.Fprintf(os.Stderr, "note_verify: %v\n", err)
		os.Exit(1)
	}
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		fmt.Fprintf(os.Stderr, "note_verify: open: %v\n", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "verified %d, unknown %d\n", len(n.Sigs), len(n.UnverifiedSigs))
	os.Stdout.WriteString(n.Text)
}
