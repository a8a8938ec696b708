/*
 * ledger/note — C2SP signed notes: text signed by one or more keys.
 *
 * The ledger publishes its checkpoints (ledger/checkpoint) as signed notes so
 * that anyone can check them offline with standard tools: Go's
 * golang.org/x/mod/sumdb/note, the transparency-dev witnesses, and our own
 * `sanxiang verify`. Each checkpoint carries two signatures, Ed25519 for that
 * ecosystem and SM2 for the 国密 profile; verifiers that know only one of the
 * keys skip the other line, as the spec requires.
 *
 * Wire format (c2sp.org/signed-note, the same as sumdb/note):
 *
 *     <text, ending in "\n">
 *     "\n"
 *     "— " <key name> " " base64(key ID (4 bytes, big-endian) || signature) "\n"   (1..100 lines)
 *
 * The signed message is the text including its final newline, excluding the
 * blank line; the text ends at the last "\n\n" of the note. The whole note is
 * valid UTF-8 without ASCII control characters other than "\n". Key names are
 * non-empty and contain neither Unicode white space nor '+'.
 *
 * Key IDs and verifier keys ("vkeys"), as in sumdb/note:
 *
 *     key material = signature type byte(s) || public key
 *     key ID       = SHA-256(key name || 0x0A || key material)[:4], big-endian
 *     vkey         = <key name> "+" <key ID as 8 lower-case hex digits> "+" base64(key material)
 *
 * Signature types:
 *   - Ed25519: type byte 0x01 (assigned by the spec), 32-byte public key, 64-byte
 *     RFC 8032 signature. Key IDs, vkeys and notes are byte-for-byte those of
 *     sumdb/note, so Go's note.NewVerifier and note.Open accept them.
 *   - SM2 with SM3: the spec assigns no byte for SM2. It reserves 0x01–0x05
 *     and 0xfa–0xfe, and sets aside 0xff "for signature types without an
 *     identifier byte assigned by this specification", RECOMMENDING that 0xff
 *     be followed by a longer identifier unlikely to collide. We do exactly
 *     that; taking an unassigned byte such as 0x06 would squat on the spec's
 *     future assignments. The key material is
 *
 *         0xff || "sanxiang/sm2-sm3/v1" (19 ASCII bytes) || 0x00 || 04 || X || Y
 *
 *     86 bytes: the identifier is NUL-terminated so that it delimits itself
 *     (no identifier can be a prefix of another, and a parser that does not
 *     know ours still finds where it ends), and the public key that follows is
 *     the 65-byte uncompressed point of the SM2 recommended curve. "v1" fixes
 *     everything else: signature = DER SEQUENCE { r, s } (crypto/sign), e =
 *     SM3(Z || text) with distinguishing ID "1234567812345678" (GM/T 0009).
 *     Verifiers that do not know this type (Go's note package among them)
 *     see an unknown key and ignore the line; Go's NewVerifier refuses such a
 *     vkey with "unknown verifier algorithm".
 *
 * Opening is stricter than sumdb/note in three ways, each refusing notes Go
 * would accept: every line signed by a known key is verified, including
 * repeats (Go checks the first and skips the rest; the spec says a known
 * key's signature MUST be verified); base64 must be canonical (no non-zero
 * spare bits); and the verifier list must not name one key twice (Go fails
 * only if such a key signed). The limits are those of Go and of the spec's
 * advice: at most NOTE_MAX_SIGNATURES lines and NOTE_MAX_BYTES in all.
 *
 * Does not: give meaning to the text (ledger/checkpoint does), fetch keys,
 * keep state between calls, or support the spec's other types (ECDSA 0x02,
 * cosignatures 0x04, RFC 6962 0x05): those lines are unknown keys to us.
 *
 * Follows: c2sp.org/signed-note (v1.0.0), golang.org/x/mod/sumdb/note.
 */
#ifndef SX_LEDGER_NOTE_H
#define SX_LEDGER_NOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "crypto/sign.h"

#define NOTE_MAX_BYTES (1024 * 1024) /* a whole note, text and signatures */
#define NOTE_MAX_SIGNATURES 100      /* signature lines in one note (sumdb/note's limit) */
#define NOTE_NAME_MAX 256            /* bytes of a key name including its NUL */
#define NOTE_VKEY_MAX 512            /* bytes of any vkey we write, including its NUL */

#define NOTE_TYPE_ED25519 0x01
#define NOTE_TYPE_OTHER 0xff
#define NOTE_SM2_IDENTIFIER "sanxiang/sm2-sm3/v1" /* follows 0xff, then a 0x00 */

/* A key to sign with and the name its signature line carries (borrowed). */
struct note_signer {
	const char *name;                  /* a valid key name (note_name_is_valid) */
	const struct crypto_sign_key *key; /* with its private key */
};

/* A trusted key, as parsed from a vkey. Owns key; free with note_verifier_free. */
struct note_verifier {
	char name[NOTE_NAME_MAX];    /* NUL-terminated key name */
	uint32_t key_id;             /* as computed from name and key */
	struct crypto_sign_key *key; /* public key; NULL after note_verifier_free */
};

/* What note_open found. Owns its memory; free with note_opened_free. */
struct note_opened {
	char *text;            /* the signed text, NUL-terminated, ending in '\n'; sx_malloc'd */
	size_t text_len;       /* bytes of text without the NUL */
	bool *verified;        /* [verifier_count]; true where verifiers[i] signed the note */
	size_t verifier_count; /* count passed to note_open */
	size_t verified_count; /* verifiers whose signature verified, 1..verifier_count */
	size_t unknown_count;  /* signature lines by keys not among the verifiers (skipped) */
};

/*
 * Whether name is a valid key name: 1..NOTE_NAME_MAX-1 bytes of UTF-8 without
 * '+', Unicode white space (Go's unicode.IsSpace) or other control characters.
 * False for NULL.
 */
bool note_name_is_valid(const char *name);

/*
 * Computes the key ID of the key pub_raw (crypto_sign_public_raw's encoding)
 * of algorithm alg under name, as described at the top of this file.
 *
 * Returns 0 and sets *out; SX_EINVALID for NULL arguments, an invalid name, an
 * unknown alg or a public key of the wrong length for alg.
 */
int note_key_id(uint32_t *out, const char *name, enum crypto_sign_alg alg,
		const unsigned char *pub_raw, size_t pub_len);

/*
 * Writes the vkey of key under name ("name+hexid+base64(material)"),
 * NUL-terminated, to out[0..out_size). NOTE_VKEY_MAX always suffices.
 *
 * Returns 0; SX_EINVALID for NULL arguments or an invalid name; SX_ETOOBIG
 * when out_size is too small (out is then the empty string when out_size > 0);
 * SX_EINTERNAL.
 */
int note_vkey(char *out, size_t out_size, const char *name, const struct crypto_sign_key *key);

/*
 * Parses a vkey (NUL-terminated) into a verifier, checking that the key ID
 * matches the name and key material.
 *
 * Returns 0 and fills *out (free with note_verifier_free); SX_EINVALID for
 * NULL arguments, a malformed vkey, a key ID that does not match, or a
 * public key that is not valid for its type; SX_EUNSUPPORTED for a
 * well-formed vkey of a signature type we do not implement; SX_ENOMEM;
 * SX_EINTERNAL. On error *out is zeroed (when out is not NULL).
 */
int note_verifier_parse(struct note_verifier *out, const char *vkey);

/*
 * Makes a verifier for key (only its public half is kept) under name, as
 * note_verifier_parse would from note_vkey(name, key).
 *
 * Returns 0 and fills *out (free with note_verifier_free); SX_EINVALID for
 * NULL arguments or an invalid name; SX_ENOMEM; SX_EINTERNAL. On error *out is
 * zeroed (when out is not NULL).
 */
int note_verifier_from_key(struct note_verifier *out, const char *name,
			   const struct crypto_sign_key *key);

/* Frees v's key and clears v. v may be NULL; freeing twice is harmless. */
void note_verifier_free(struct note_verifier *v);

/*
 * Signs text[0..text_len) with every signer, in order, and appends the
 * signed note to out (a buffer the caller has set up with buf_init).
 *
 * text must be non-empty, end in '\n', be valid UTF-8 and contain no ASCII
 * control character other than '\n'. count is 1..NOTE_MAX_SIGNATURES, and no
 * two signers may have the same name and key ID.
 *
 * Returns 0; SX_EINVALID for NULL arguments, a text or signer breaking these
 * rules, or a signer key without its private key; SX_ETOOBIG when the note
 * would exceed NOTE_MAX_BYTES or out's cap; SX_ENOMEM; SX_EINTERNAL. On error
 * out is unchanged.
 */
int note_sign(struct buf *out, const char *text, size_t text_len,
	      const struct note_signer *signers, size_t count);

/*
 * Parses the signed note note[0..len) and verifies the signature of every
 * line whose key name and key ID match one of verifiers[0..count). Lines by
 * other keys are counted and skipped.
 *
 * Returns 0 and fills *out (free with note_opened_free) when the note is
 * well-formed, every known key's signature verifies and at least one does;
 * SX_EINVALID for NULL arguments, a malformed note, or verifiers that are
 * incomplete or name one key twice; SX_ETOOBIG for a note over NOTE_MAX_BYTES
 * or with more than NOTE_MAX_SIGNATURES lines; SX_ECORRUPT when a known key's
 * signature does not verify; SX_ENOTFOUND when no known key signed;
 * SX_ENOMEM; SX_EINTERNAL. On error *out is zeroed (when out is not NULL) and
 * the text must not be trusted.
 */
int note_open(struct note_opened *out, const char *note, size_t len,
	      const struct note_verifier *verifiers, size_t count);

/* Frees what o owns and zeroes it. o may be NULL. */
void note_opened_free(struct note_opened *o);

#endif
