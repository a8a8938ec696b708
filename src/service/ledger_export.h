/*
 * service/ledger_export — the offline proof bundle of one case (or any
 * entity the log records events about), as `sanxiang export-proof` writes it
 * and `sanxiang verify` checks it (format: ledger/bundle.h; for auditors:
 * docs/ledger.md).
 *
 * The bundle is proved against the newest published checkpoint: every event
 * about the entity with an index below that checkpoint's size goes in with
 * its inclusion proof; events appended since are listed in "pending" (named,
 * not proved — export again after the next checkpoint, about a second later
 * on a running server). Consistency proofs are added from each tree size the
 * caller asks for, so that an auditor holding an older checkpoint can check
 * that the log only grew.
 *
 * Before handing the bundle out, the export verifies it with the log's own
 * keys (bundle_verify): a database whose leaves or hashes no longer match its
 * signed checkpoints is reported (SX_ECORRUPT) rather than exported.
 *
 * Does not: write files (the CLI does), publish a checkpoint, or decide who
 * may export (the CLI runs as the machine's operator; an HTTP route would
 * check permission first).
 */
#ifndef SX_SERVICE_LEDGER_EXPORT_H
#define SX_SERVICE_LEDGER_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"
#include "service/service.h"

/*
 * Appends the proof bundle of entity_id to out (a buffer set up with
 * buf_init; BUNDLE_MAX_BYTES suffices). from_sizes[0..from_count) are older
 * tree sizes to prove consistency from (each 1..checkpoint size, duplicates
 * allowed; they are sorted and deduplicated); from_sizes may be NULL when
 * from_count is 0. svc->ledger must be open (service_ledger_open).
 *
 * Returns 0; SX_EINVALID for NULL arguments, an empty entity id or a from
 * size of 0 or beyond the checkpoint (code "bad_from_size"); SX_ENOTFOUND
 * when no checkpoint was published yet (code "no_checkpoint") or the log has
 * no event about the entity (code "no_events"); SX_ECONFLICT (code
 * "not_yet_covered") when it has some but none is covered by the newest
 * checkpoint yet; SX_ETOOBIG when the entity has more than BUNDLE_MAX_LEAVES
 * events or the bundle exceeds out's cap; SX_ECORRUPT when the stored log
 * does not verify against its own checkpoint (the reason is in err); the
 * store's errors; SX_ENOMEM. On error out is unchanged.
 */
int service_ledger_export(struct buf *out, const struct service *svc, const char *entity_id,
			  const uint64_t *from_sizes, size_t from_count, struct sx_error *err);

#endif
