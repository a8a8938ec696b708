/*
 * ledger/note — see note.h.
 *
 * note_open works in two passes over the signature block: the first checks
 * the syntax of every line and decodes the signatures into one arena (decoded
 * base64 is never longer than its text, so an arena the size of the block
 * always suffices); the second verifies. A malformed note is therefore always
 * SX_EINVALID, whatever its signatures, and no signature is checked on a note
 * we would refuse anyway.
 */
#include "ledger/note.h"

#include <stdio.h>
#include <string.h>

#include "base/codec.h"
#include "base/error.h"
#include "base/mem.h"
#include "crypto/hash.h"

/* "— ": U+2014 EM DASH, then a space. */
static const char note_sig_prefix[] = "\xe2\x80\x94 ";
#define NOTE_SIG_PREFIX_LEN (sizeof(note_sig_prefix) - 1)

/* Type bytes of the SM2 key material: 0xff, the identifier, its NUL. */
static const unsigned char note_sm2_type[] = "\xff" NOTE_SM2_IDENTIFIER;
#define NOTE_SM2_TYPE_LEN sizeof(note_sm2_type) /* includes the terminating 0x00 */

/* Longest key material: SM2's 21 type bytes and 65-byte point. */
#define NOTE_MATERIAL_MAX (NOTE_SM2_TYPE_LEN + CRYPTO_SIGN_SM2_PUBLIC_BYTES)

/* One parsed signature line; name and sig point into the note and the arena. */
struct note_line {
	const char *name;
	size_t name_len;
	uint32_t key_id;
	const unsigned char *sig; /* signature without the key ID */
	size_t sig_len;
};

/* Whether the code point cp is Unicode White_Space, the set Go's unicode.IsSpace uses. */
static bool note_is_space(unsigned long cp)
{
	return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0x85 || cp == 0xa0 ||
	       cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

static bool note_name_is_valid_len(const char *name, size_t len)
{
	size_t i = 0;

	if (name == NULL || len == 0 || len >= NOTE_NAME_MAX)
		return false;
	while (i < len) {
		unsigned long cp;
		size_t n = codec_utf8_char_len(name + i, len - i, &cp);

		/* Controls would make the note malformed; '+' separates vkey fields. */
		if (n == 0 || cp < 0x20 || cp == '+' || note_is_space(cp))
			return false;
		i += n;
	}
	return true;
}

bool note_name_is_valid(const char *name)
{
	return name != NULL && note_name_is_valid_len(name, strnlen(name, NOTE_NAME_MAX));
}

/* Whether s[0..len) is UTF-8 without control characters other than '\n'. */
static bool note_text_is_clean(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)s[i] < 0x20 && s[i] != '\n')
			return false;
	}
	return codec_is_valid_utf8(s, len);
}

/* Writes the key material (type bytes || public key) of alg/pub to out. */
static int note_material(unsigned char out[NOTE_MATERIAL_MAX], size_t *out_len,
			 enum crypto_sign_alg alg, const unsigned char *pub, size_t pub_len)
{
	switch (alg) {
	case CRYPTO_SIGN_ED25519:
		if (pub_len != CRYPTO_SIGN_ED25519_PUBLIC_BYTES)
			return SX_EINVALID;
		out[0] = NOTE_TYPE_ED25519;
		memcpy(out + 1, pub, pub_len);
		*out_len = 1 + pub_len;
		return 0;
	case CRYPTO_SIGN_SM2:
		if (pub_len != CRYPTO_SIGN_SM2_PUBLIC_BYTES)
			return SX_EINVALID;
		memcpy(out, note_sm2_type, NOTE_SM2_TYPE_LEN);
		memcpy(out + NOTE_SM2_TYPE_LEN, pub, pub_len);
		*out_len = NOTE_SM2_TYPE_LEN + pub_len;
		return 0;
	}
	return SX_EINVALID;
}

/* SHA-256(name || '\n' || material)[:4] as a big-endian integer. */
static int note_id_of_material(uint32_t *out, const char *name, size_t name_len,
			       const unsigned char *material, size_t material_len)
{
	unsigned char input[NOTE_NAME_MAX + 1 + NOTE_MATERIAL_MAX];
	unsigned char digest[CRYPTO_HASH_MAX_BYTES];
	int rc;

	if (name_len >= NOTE_NAME_MAX || material_len > NOTE_MATERIAL_MAX)
		return SX_EINVALID;
	memcpy(input, name, name_len);
	input[name_len] = '\n';
	memcpy(input + name_len + 1, material, material_len);
	if ((rc = crypto_hash(CRYPTO_HASH_SHA256, digest, input, name_len + 1 + material_len)) < 0)
		return rc;
	*out = (uint32_t)digest[0] << 24 | (uint32_t)digest[1] << 16 | (uint32_t)digest[2] << 8 |
	       (uint32_t)digest[3];
	return 0;
}

/* Key material and key ID of key under name. */
static int note_key_info(uint32_t *out_id, unsigned char material[NOTE_MATERIAL_MAX],
			 size_t *material_len, const char *name, const struct crypto_sign_key *key)
{
	unsigned char pub[CRYPTO_SIGN_PUBLIC_MAX_BYTES];
	size_t pub_len = 0;
	int rc;

	if ((rc = crypto_sign_public_raw(pub, sizeof(pub), &pub_len, key)) < 0)
		return rc == SX_ETOOBIG ? SX_EINTERNAL : rc;
	if ((rc = note_material(material, material_len, crypto_sign_key_alg(key), pub, pub_len)) <
	    0)
		return SX_EINTERNAL; /* crypto/sign gave a key its own encoding does not fit */
	return note_id_of_material(out_id, name, strlen(name), material, *material_len);
}

int note_key_id(uint32_t *out, const char *name, enum crypto_sign_alg alg,
		const unsigned char *pub_raw, size_t pub_len)
{
	unsigned char material[NOTE_MATERIAL_MAX];
	size_t material_len = 0;
	int rc;

	if (out == NULL || pub_raw == NULL || !note_name_is_valid(name))
		return SX_EINVALID;
	if ((rc = note_material(material, &material_len, alg, pub_raw, pub_len)) < 0)
		return rc;
	return note_id_of_material(out, name, strlen(name), material, material_len);
}

int note_vkey(char *out, size_t out_size, const char *name, const struct crypto_sign_key *key)
{
	unsigned char material[NOTE_MATERIAL_MAX];
	size_t material_len = 0;
	uint32_t id = 0;
	int head;
	int rc;

	if (out != NULL && out_size > 0)
		out[0] = '\0';
	if (out == NULL || key == NULL || !note_name_is_valid(name))
		return SX_EINVALID;
	if ((rc = note_key_info(&id, material, &material_len, name, key)) < 0)
		return rc;
	head = snprintf(out, out_size, "%s+%08x+", name, (unsigned)id);
	if (head < 0 || (size_t)head >= out_size) {
		if (out_size > 0)
			out[0] = '\0';
		return SX_ETOOBIG;
	}
	rc = codec_base64_encode(out + head, out_size - (size_t)head, material, material_len);
	if (rc < 0) {
		out[0] = '\0';
		return rc;
	}
	return 0;
}

int note_verifier_parse(struct note_verifier *out, const char *vkey)
{
	const char *plus1, *plus2, *key64;
	unsigned char material[NOTE_MATERIAL_MAX];
	size_t material_len = 0;
	size_t name_len, key64_len;
	enum crypto_sign_alg alg;
	const unsigned char *pub;
	size_t pub_len;
	uint32_t id = 0, want = 0;
	int rc;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (out == NULL || vkey == NULL)
		return SX_EINVALID;

	/* name "+" 8 hex digits "+" base64; only the first two '+' separate fields. */
	plus1 = strchr(vkey, '+');
	if (plus1 == NULL)
		return SX_EINVALID;
	name_len = (size_t)(plus1 - vkey);
	if (!note_name_is_valid_len(vkey, name_len))
		return SX_EINVALID;
	plus2 = strchr(plus1 + 1, '+');
	if (plus2 == NULL || plus2 - plus1 != 9)
		return SX_EINVALID;
	{
		unsigned char id_bytes[4];
		size_t id_len = 0;

		if (codec_hex_decode(id_bytes, sizeof(id_bytes), &id_len, plus1 + 1, 8) < 0 ||
		    id_len != 4)
			return SX_EINVALID;
		id = (uint32_t)id_bytes[0] << 24 | (uint32_t)id_bytes[1] << 16 |
		     (uint32_t)id_bytes[2] << 8 | id_bytes[3];
	}
	key64 = plus2 + 1;
	key64_len = strlen(key64);
	if (key64_len == 0 || key64_len > 4 * ((NOTE_MATERIAL_MAX + 2) / 3))
		return SX_EINVALID;
	if (codec_base64_decode(material, sizeof(material), &material_len, key64, key64_len) < 0)
		return SX_EINVALID;
	if ((rc = note_id_of_material(&want, vkey, name_len, material, material_len)) < 0)
		return rc;
	if (id != want)
		return SX_EINVALID;

	if (material_len >= 1 && material[0] == NOTE_TYPE_ED25519) {
		alg = CRYPTO_SIGN_ED25519;
		pub = material + 1;
		pub_len = material_len - 1;
	} else if (material_len >= NOTE_SM2_TYPE_LEN &&
		   memcmp(material, note_sm2_type, NOTE_SM2_TYPE_LEN) == 0) {
		alg = CRYPTO_SIGN_SM2;
		pub = material + NOTE_SM2_TYPE_LEN;
		pub_len = material_len - NOTE_SM2_TYPE_LEN;
	} else {
		return material_len == 0 ? SX_EINVALID : SX_EUNSUPPORTED;
	}
	if ((rc = crypto_sign_key_from_public_raw(&out->key, alg, pub, pub_len)) < 0)
		return rc;
	memcpy(out->name, vkey, name_len);
	out->name[name_len] = '\0';
	out->key_id = id;
	return 0;
}

int note_verifier_from_key(struct note_verifier *out, const char *name,
			   const struct crypto_sign_key *key)
{
	unsigned char pub[CRYPTO_SIGN_PUBLIC_MAX_BYTES];
	size_t pub_len = 0;
	int rc;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (out == NULL || key == NULL || !note_name_is_valid(name))
		return SX_EINVALID;
	if ((rc = crypto_sign_public_raw(pub, sizeof(pub), &pub_len, key)) < 0)
		return rc;
	if ((rc = note_key_id(&out->key_id, name, crypto_sign_key_alg(key), pub, pub_len)) < 0)
		goto cleanup;
	if ((rc = crypto_sign_key_from_public_raw(&out->key, crypto_sign_key_alg(key), pub,
						  pub_len)) < 0)
		goto cleanup;
	memcpy(out->name, name, strlen(name) + 1);
	rc = 0;

cleanup:
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	return rc;
}

void note_verifier_free(struct note_verifier *v)
{
	if (v == NULL)
		return;
	crypto_sign_key_free(v->key);
	memset(v, 0, sizeof(*v));
}

/* Appends one signature line for signer s over text to b. */
static int note_append_signature(struct buf *b, const struct note_signer *s, uint32_t id,
				 const char *text, size_t text_len)
{
	unsigned char raw[4 + CRYPTO_SIGN_SIG_MAX_BYTES];
	char b64[4 * ((sizeof(raw) + 2) / 3) + 1];
	size_t sig_len = 0;
	int rc;

	raw[0] = (unsigned char)(id >> 24);
	raw[1] = (unsigned char)(id >> 16);
	raw[2] = (unsigned char)(id >> 8);
	raw[3] = (unsigned char)id;
	if ((rc = crypto_sign(raw + 4, sizeof(raw) - 4, &sig_len, s->key, text, text_len)) < 0)
		return rc;
	if ((rc = codec_base64_encode(b64, sizeof(b64), raw, 4 + sig_len)) < 0)
		return SX_EINTERNAL;
	if ((rc = buf_append(b, note_sig_prefix, NOTE_SIG_PREFIX_LEN)) < 0 ||
	    (rc = buf_append_str(b, s->name)) < 0 || (rc = buf_append_char(b, ' ')) < 0 ||
	    (rc = buf_append_str(b, b64)) < 0 || (rc = buf_append_char(b, '\n')) < 0)
		return rc;
	return 0;
}

int note_sign(struct buf *out, const char *text, size_t text_len,
	      const struct note_signer *signers, size_t count)
{
	uint32_t ids[NOTE_MAX_SIGNATURES];
	struct buf note;
	int rc;

	if (out == NULL || text == NULL || signers == NULL || count == 0 ||
	    count > NOTE_MAX_SIGNATURES)
		return SX_EINVALID;
	if (text_len > NOTE_MAX_BYTES)
		return SX_ETOOBIG;
	if (text_len == 0 || text[text_len - 1] != '\n' || !note_text_is_clean(text, text_len))
		return SX_EINVALID;
	for (size_t i = 0; i < count; i++) {
		unsigned char material[NOTE_MATERIAL_MAX];
		size_t material_len = 0;

		if (!note_name_is_valid(signers[i].name) ||
		    !crypto_sign_key_has_private(signers[i].key))
			return SX_EINVALID;
		if ((rc = note_key_info(&ids[i], material, &material_len, signers[i].name,
					signers[i].key)) < 0)
			return rc;
		for (size_t j = 0; j < i; j++) {
			if (ids[j] == ids[i] && strcmp(signers[j].name, signers[i].name) == 0)
				return SX_EINVALID;
		}
	}

	buf_init(&note, NOTE_MAX_BYTES);
	if ((rc = buf_append(&note, text, text_len)) < 0 || (rc = buf_append_char(&note, '\n')) < 0)
		goto cleanup;
	for (size_t i = 0; i < count; i++) {
		if ((rc = note_append_signature(&note, &signers[i], ids[i], text, text_len)) < 0)
			goto cleanup;
	}
	rc = buf_append(out, note.data, note.len);

cleanup:
	buf_free(&note);
	return rc;
}

/*
 * Parses the signature block sigs[0..len) (each line ending in '\n') into
 * lines[], decoding signatures into arena (at least len bytes).
 */
static int note_parse_lines(struct note_line *lines, size_t *line_count, unsigned char *arena,
			    const char *sigs, size_t len)
{
	const char *p = sigs;
	const char *end = sigs + len;
	size_t used = 0;
	size_t n = 0;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *name, *space, *b64;
		size_t decoded = 0;

		/* The block ends in '\n', so every line has one. */
		if (n == NOTE_MAX_SIGNATURES)
			return SX_ETOOBIG;
		if ((size_t)(eol - p) < NOTE_SIG_PREFIX_LEN ||
		    memcmp(p, note_sig_prefix, NOTE_SIG_PREFIX_LEN) != 0)
			return SX_EINVALID;
		name = p + NOTE_SIG_PREFIX_LEN;
		space = memchr(name, ' ', (size_t)(eol - name));
		if (space == NULL || !note_name_is_valid_len(name, (size_t)(space - name)))
			return SX_EINVALID;
		b64 = space + 1;
		if (codec_base64_decode(arena + used, len - used, &decoded, b64,
					(size_t)(eol - b64)) < 0)
			return SX_EINVALID;
		/* A key ID and at least one byte of signature, as sumdb/note demands. */
		if (decoded < 5)
			return SX_EINVALID;
		lines[n].name = name;
		lines[n].name_len = (size_t)(space - name);
		lines[n].key_id = (uint32_t)arena[used] << 24 | (uint32_t)arena[used + 1] << 16 |
				  (uint32_t)arena[used + 2] << 8 | (uint32_t)arena[used + 3];
		lines[n].sig = arena + used + 4;
		lines[n].sig_len = decoded - 4;
		used += decoded;
		n++;
		p = eol + 1;
	}
	*line_count = n;
	return 0;
}

/* Index of the verifier for (name, id), or count when there is none. */
static size_t note_find_verifier(const struct note_verifier *verifiers, size_t count,
				 const char *name, size_t name_len, uint32_t id)
{
	for (size_t i = 0; i < count; i++) {
		if (verifiers[i].key_id == id && strlen(verifiers[i].name) == name_len &&
		    memcmp(verifiers[i].name, name, name_len) == 0)
			return i;
	}
	return count;
}

static int note_check_verifiers(const struct note_verifier *verifiers, size_t count)
{
	if (count > 0 && verifiers == NULL)
		return SX_EINVALID;
	for (size_t i = 0; i < count; i++) {
		if (verifiers[i].key == NULL || !note_name_is_valid(verifiers[i].name))
			return SX_EINVALID;
		/* Two entries for one key: whichever we chose, the other would be ignored. */
		if (note_find_verifier(verifiers, i, verifiers[i].name, strlen(verifiers[i].name),
				       verifiers[i].key_id) != i)
			return SX_EINVALID;
	}
	return 0;
}

int note_open(struct note_opened *out, const char *note, size_t len,
	      const struct note_verifier *verifiers, size_t count)
{
	struct note_line *lines = NULL;
	unsigned char *arena = NULL;
	size_t line_count = 0;
	size_t split;
	size_t text_len, sigs_len;
	int rc;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (out == NULL || (note == NULL && len > 0))
		return SX_EINVALID;
	if ((rc = note_check_verifiers(verifiers, count)) < 0)
		return rc;
	if (len > NOTE_MAX_BYTES)
		return SX_ETOOBIG;
	if (!note_text_is_clean(note, len))
		return SX_EINVALID;

	/* The text ends at the last blank line: find the last "\n\n". */
	for (split = len; split >= 2; split--) {
		if (note[split - 2] == '\n' && note[split - 1] == '\n')
			break;
	}
	if (split < 2)
		return SX_EINVALID;
	text_len = split - 1;   /* includes the text's final '\n' */
	sigs_len = len - split; /* after the blank line */
	if (sigs_len == 0 || note[len - 1] != '\n')
		return SX_EINVALID;

	lines = sx_calloc(NOTE_MAX_SIGNATURES, sizeof(*lines));
	arena = sx_malloc(sigs_len);
	out->verified = sx_calloc(count, sizeof(*out->verified));
	if (lines == NULL || arena == NULL || out->verified == NULL) {
		rc = SX_ENOMEM;
		goto cleanup;
	}
	out->verifier_count = count;
	if ((rc = note_parse_lines(lines, &line_count, arena, note + split, sigs_len)) < 0)
		goto cleanup;

	for (size_t i = 0; i < line_count; i++) {
		size_t v = note_find_verifier(verifiers, count, lines[i].name, lines[i].name_len,
					      lines[i].key_id);

		if (v == count) {
			out->unknown_count++;
			continue;
		}
		rc = crypto_sign_verify(verifiers[v].key, note, text_len, lines[i].sig,
					lines[i].sig_len);
		if (rc == SX_EINVALID)
			rc = SX_ECORRUPT; /* a malformed signature by a known key is a bad one */
		if (rc < 0)
			goto cleanup;
		if (!out->verified[v]) {
			out->verified[v] = true;
			out->verified_count++;
		}
	}
	if (out->verified_count == 0) {
		rc = SX_ENOTFOUND;
		goto cleanup;
	}
	out->text = sx_strndup(note, text_len);
	if (out->text == NULL) {
		rc = SX_ENOMEM;
		goto cleanup;
	}
	out->text_len = text_len;
	rc = 0;

cleanup:
	sx_free(arena);
	sx_free(lines);
	if (rc < 0)
		note_opened_free(out);
	return rc;
}

void note_opened_free(struct note_opened *o)
{
	if (o == NULL)
		return;
	sx_free(o->text);
	sx_free(o->verified);
	memset(o, 0, sizeof(*o));
}
