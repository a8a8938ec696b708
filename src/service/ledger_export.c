/*
 * service/ledger_export — see ledger_export.h. Everything read from the store
 * is read first, in one read transaction (leaf indices, leaf bytes, the
 * checkpoint, the log's meta), and the transaction is closed before the
 * proofs are computed: service_ledger_prove_* open read transactions of their
 * own, and holding two readers at once from one thread is needless.
 */
#include "service/ledger_export.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "crypto/hash.h"
#include "ledger/bundle.h"
#include "ledger/note.h"
#include "service/ledger.h"
#include "store/store.h"

#define EXPORT_KEYS_MAX_BYTES (BUNDLE_MAX_VKEYS * NOTE_VKEY_MAX)

/* What the read transaction found. Owns everything; free with export__state_free. */
struct export_state {
	struct store_ledger_meta meta;
	struct store_ledger_checkpoint checkpoint;
	uint64_t *indices;               /* all leaves of the entity, ascending */
	size_t index_count;
	size_t covered;                  /* indices[0..covered) are < checkpoint.size */
	struct store_ledger_leaf *leaves; /* covered entries */
	struct merkle_hash **proofs;     /* covered entries, each sx_malloc'd */
	struct bundle_leaf *parts;       /* covered entries, borrowing leaves and proofs */
	uint64_t *from;                  /* requested sizes, sorted, unique */
	size_t from_count;
	struct merkle_hash **from_proofs;
	struct bundle_consistency *consistency;
	char *keys;                      /* the vkey lines, NUL-separated after splitting */
	const char *vkeys[BUNDLE_MAX_VKEYS];
	size_t vkey_count;
	struct note_verifier verifiers[BUNDLE_MAX_VKEYS];
	size_t verifier_count;
};

static void export__state_free(struct export_state *s)
{
	for (size_t i = 0; i < s->covered; i++) {
		if (s->leaves)
			store_ledger_leaf_clear(&s->leaves[i]);
		if (s->proofs)
			sx_free(s->proofs[i]);
	}
	for (size_t i = 0; i < s->from_count; i++) {
		if (s->from_proofs)
			sx_free(s->from_proofs[i]);
	}
	for (size_t i = 0; i < s->verifier_count; i++)
		note_verifier_free(&s->verifiers[i]);
	store_ledger_checkpoint_clear(&s->checkpoint);
	sx_free(s->indices);
	sx_free(s->leaves);
	sx_free(s->proofs);
	sx_free(s->parts);
	sx_free(s->from);
	sx_free(s->from_proofs);
	sx_free(s->consistency);
	sx_free(s->keys);
}

static int export__read(struct export_state *s, const struct service *svc, const char *entity_id,
			struct sx_error *err)
{
	struct store_tx *tx = NULL;
	int rc;

	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		return rc;
	if ((rc = store_ledger_meta_get(&s->meta, tx, err)) < 0)
		goto cleanup;
	rc = store_ledger_checkpoint_latest(&s->checkpoint, tx, err);
	if (rc == SX_ENOTFOUND) {
		rc = sx_error_set(err, rc, "no_checkpoint",
				  "尚未发布检查点，无法导出证明；请启动服务，待其发布检查点后再试");
		goto cleanup;
	}
	if (rc < 0)
		goto cleanup;
	if ((rc = store_ledger_leaves_of(&s->indices, &s->index_count, tx, entity_id, err)) < 0)
		goto cleanup;
	if (s->index_count == 0) {
		rc = sx_error_set(err, SX_ENOTFOUND, "no_events", "日志中没有关于该对象的事件");
		goto cleanup;
	}
	while (s->covered < s->index_count && s->indices[s->covered] < s->checkpoint.size)
		s->covered++;
	if (s->covered == 0) {
		rc = sx_error_set(err, SX_ECONFLICT, "not_yet_covered",
				  "该对象的事件尚未被检查点覆盖；服务发布下一个检查点（约 1 秒）后再试");
		goto cleanup;
	}
	if (s->covered > BUNDLE_MAX_LEAVES || s->index_count - s->covered > BUNDLE_MAX_LEAVES) {
		rc = sx_error_set(err, SX_ETOOBIG, "too_many_events",
				  "该对象的事件过多，超出单个证明包的上限");
		goto cleanup;
	}
	s->leaves = sx_calloc(s->covered, sizeof(*s->leaves));
	s->proofs = sx_calloc(s->covered, sizeof(*s->proofs));
	s->parts = sx_calloc(s->covered, sizeof(*s->parts));
	if (s->leaves == NULL || s->proofs == NULL || s->parts == NULL) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto cleanup;
	}
	for (size_t i = 0; i < s->covered; i++) {
		if ((rc = store_ledger_leaf_get(&s->leaves[i], tx, s->indices[i], err)) < 0)
			goto cleanup;
	}
cleanup:
	store_rollback(tx);
	return rc;
}

static int export__prove_leaves(struct export_state *s, const struct service *svc,
				struct sx_error *err)
{
	struct service_ledger_proof proof;
	int rc;

	for (size_t i = 0; i < s->covered; i++) {
		if ((rc = service_ledger_prove_inclusion(&proof, svc, s->indices[i],
							 s->checkpoint.size, err)) < 0)
			return rc;
		/* path_len is 0 for a tree of one leaf; keep a non-NULL pointer anyway. */
		s->proofs[i] = sx_malloc((proof.path_len ? proof.path_len : 1) *
					 sizeof(struct merkle_hash));
		if (s->proofs[i] == NULL)
			return sx_error_set(err, SX_ENOMEM, NULL, NULL);
		memcpy(s->proofs[i], proof.path, proof.path_len * sizeof(struct merkle_hash));
		s->parts[i].index = s->indices[i];
		s->parts[i].data = s->leaves[i].data;
		s->parts[i].data_len = s->leaves[i].data_len;
		s->parts[i].proof = s->proofs[i];
		s->parts[i].proof_len = proof.path_len;
	}
	return 0;
}

static int export__u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a;
	uint64_t y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int export__prove_consistency(struct export_state *s, const struct service *svc,
				     const uint64_t *from_sizes, size_t from_count,
				     struct sx_error *err)
{
	struct service_ledger_proof proof;
	size_t unique = 0;
	int rc;

	if (from_count == 0)
		return 0;
	if (from_count > BUNDLE_MAX_CONSISTENCY)
		return sx_error_set(err, SX_ETOOBIG, "bad_from_size", "一致性证明的起始大小过多");
	s->from = sx_calloc(from_count, sizeof(*s->from));
	if (s->from == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	memcpy(s->from, from_sizes, from_count * sizeof(*s->from));
	qsort(s->from, from_count, sizeof(*s->from), export__u64_cmp);
	for (size_t i = 0; i < from_count; i++) {
		if (s->from[i] == 0 || s->from[i] > s->checkpoint.size)
			return sx_error_setf(err, SX_EINVALID, "bad_from_size",
					     "一致性证明的起始大小须在 1 到最新检查点的大小之间",
					     "from %llu, checkpoint %llu",
					     (unsigned long long)s->from[i],
					     (unsigned long long)s->checkpoint.size);
		if (unique == 0 || s->from[unique - 1] != s->from[i])
			s->from[unique++] = s->from[i];
	}
	s->from_proofs = sx_calloc(unique, sizeof(*s->from_proofs));
	s->consistency = sx_calloc(unique, sizeof(*s->consistency));
	if (s->from_proofs == NULL || s->consistency == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	for (size_t i = 0; i < unique; i++) {
		if ((rc = service_ledger_prove_consistency(&proof, svc, s->from[i],
							   s->checkpoint.size, err)) < 0)
			return rc;
		s->from_proofs[i] = sx_malloc((proof.path_len ? proof.path_len : 1) *
					      sizeof(struct merkle_hash));
		if (s->from_proofs[i] == NULL)
			return sx_error_set(err, SX_ENOMEM, NULL, NULL);
		s->from_count = i + 1;
		memcpy(s->from_proofs[i], proof.path, proof.path_len * sizeof(struct merkle_hash));
		s->consistency[i].from = s->from[i];
		s->consistency[i].from_root = proof.from_root;
		s->consistency[i].proof = s->from_proofs[i];
		s->consistency[i].proof_len = proof.path_len;
	}
	return 0;
}

/* The log's vkeys, as strings for the bundle and as verifiers for the self-check. */
static int export__keys(struct export_state *s, const struct service *svc, struct sx_error *err)
{
	struct buf keys;
	size_t len = 0;
	char *line, *end;
	int rc;

	buf_init(&keys, EXPORT_KEYS_MAX_BYTES);
	if ((rc = service_ledger_keys(&keys, svc, err)) < 0) {
		buf_free(&keys);
		return rc;
	}
	s->keys = buf_detach(&keys, &len);
	if (s->keys == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	/* One vkey per line; each line is cut out in place. */
	for (line = s->keys, end = s->keys + len; line < end; line++) {
		char *eol = memchr(line, '\n', (size_t)(end - line));

		if (eol == NULL)
			eol = end;
		*eol = '\0';
		if (eol > line) {
			if (s->vkey_count == BUNDLE_MAX_VKEYS)
				return sx_error_set(err, SX_EINTERNAL, NULL, NULL);
			s->vkeys[s->vkey_count++] = line;
			rc = note_verifier_parse(&s->verifiers[s->verifier_count], line);
			if (rc < 0)
				return sx_error_setf(err, rc == SX_ENOMEM ? rc : SX_EINTERNAL, NULL,
						     NULL, "own vkey does not parse: %s", line);
			s->verifier_count++;
		}
		line = eol;
	}
	return 0;
}

int service_ledger_export(struct buf *out, const struct service *svc, const char *entity_id,
			  const uint64_t *from_sizes, size_t from_count, struct sx_error *err)
{
	struct export_state s;
	struct bundle_parts parts;
	struct bundle_verify_options check;
	struct bundle_report report;
	struct sx_error check_err;
	uint64_t *pending;
	struct buf bundle;
	int rc;

	memset(&s, 0, sizeof(s));
	memset(&parts, 0, sizeof(parts));
	memset(&report, 0, sizeof(report));
	buf_init(&bundle, out ? out->max_bytes : 0);
	if (out == NULL || svc == NULL || entity_id == NULL || entity_id[0] == '\0' ||
	    strlen(entity_id) >= BUNDLE_ENTITY_MAX || (from_count > 0 && from_sizes == NULL))
		return sx_error_set(err, SX_EINVALID, "invalid", "案件（对象）标识无效");
	if (svc->ledger == NULL)
		return sx_error_set(err, SX_EINVALID, "ledger_not_open", "防篡改日志未打开");
	if ((rc = export__read(&s, svc, entity_id, err)) < 0 ||
	    (rc = export__prove_leaves(&s, svc, err)) < 0 ||
	    (rc = export__prove_consistency(&s, svc, from_sizes, from_count, err)) < 0 ||
	    (rc = export__keys(&s, svc, err)) < 0)
		goto cleanup;
	if (crypto_hash_from_name(&parts.alg, s.meta.hash_name) < 0) {
		rc = sx_error_setf(err, SX_ECORRUPT, NULL, NULL, "ledger hash %s",
				   s.meta.hash_name);
		goto cleanup;
	}
	pending = s.indices + s.covered;
	parts.origin = s.meta.origin;
	parts.entity = entity_id;
	parts.checkpoint = s.checkpoint.note;
	parts.checkpoint_len = s.checkpoint.note_len;
	parts.vkeys = s.vkeys;
	parts.vkey_count = s.vkey_count;
	parts.leaves = s.parts;
	parts.leaf_count = s.covered;
	parts.consistency = s.consistency;
	parts.consistency_count = s.from_count;
	parts.pending = pending;
	parts.pending_count = s.index_count - s.covered;
	if ((rc = bundle_build(&bundle, &parts, err)) < 0)
		goto cleanup;

	/* What we hand out must verify with our own keys; if it does not, the stored log no
	 * longer matches what we signed, and that must be said, not exported. */
	memset(&check, 0, sizeof(check));
	check.trusted = s.verifiers;
	check.trusted_count = s.verifier_count;
	sx_error_clear(&check_err);
	rc = bundle_verify(&report, bundle.data, bundle.len, &check, &check_err);
	if (rc == SX_ENOMEM) {
		sx_error_set(err, rc, NULL, NULL);
		goto cleanup;
	}
	if (rc < 0) {
		static const char prefix[] = "日志数据自检未通过，已停止导出：";
		char message[SX_ERROR_MESSAGE_MAX];
		size_t len = strlen(check_err.message);

		/* Whole characters only: without room for both, the reason alone. */
		if (sizeof(prefix) + len <= sizeof(message)) {
			memcpy(message, prefix, sizeof(prefix) - 1);
			memcpy(message + sizeof(prefix) - 1, check_err.message, len + 1);
		} else {
			memcpy(message, check_err.message, len + 1);
		}
		rc = sx_error_setf(err, SX_ECORRUPT, check_err.code, message,
				   "export self-check of %s failed: %s", entity_id, check_err.code);
		goto cleanup;
	}
	if ((rc = buf_append(out, bundle.data, bundle.len)) < 0)
		sx_error_set(err, rc, rc == SX_ETOOBIG ? "bundle_too_large" : NULL,
			     rc == SX_ETOOBIG ? "证明包过大" : NULL);
cleanup:
	bundle_report_free(&report);
	buf_free(&bundle);
	export__state_free(&s);
	return rc;
}
