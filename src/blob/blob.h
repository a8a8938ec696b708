/*
 * blob/blob — content-addressed evidence files (photos, audio, video, scans)
 * with streaming, resumable uploads.
 *
 * Layout under the store's root (directories 0700, created by blob_store_open):
 *
 *   root/sha256/ab/cd/<64 hex>   a finished blob, named by the SHA-256 of its
 *                                bytes ("ab", "cd": the first two bytes of the
 *                                digest); mode 0440, never rewritten in place
 *   root/uploads/<id>.part       the bytes received so far of upload <id> (a
 *                                ULID); once fsynced, its size is the durable
 *                                offset the client resumes from
 *   root/uploads/<id>.size       the upload's declared total size in bytes, in
 *                                decimal with a newline; written once at create,
 *                                so finish knows it after a restart
 *   root/tmp/<ULID>.tmp          blob_put_fd/blob_put_bytes while they write
 *
 * Invariants:
 *  - A file under sha256/ has exactly the SHA-256 of its name: it is written
 *    under another name, fsynced, then linked into place with link(2), which
 *    never replaces an existing file. The same content uploaded twice is stored
 *    once; the second upload finishes without touching the first file.
 *  - Nothing is held whole in memory: data streams through buffers of at most
 *    1 MiB (re-hashing, blob_put_fd, blob_verify) or is written straight from
 *    the caller's buffer (blob_upload_write). SHA-256 and SM3 are computed in the
 *    same pass.
 *  - The server acknowledges bytes only after fsync: blob_upload_end and
 *    blob_upload_finish fsync; blob_upload_write never does. Bytes written but
 *    not fsynced (a cancelled request, a failed fsync) are truncated away before
 *    the upload is written again, so a part file never holds a hole or bytes the
 *    hash state has not seen.
 *  - The store keeps, per open upload, the live SHA-256 and SM3 state in a table
 *    of at most max_open entries (least recently used idle one evicted). An
 *    upload whose state is not in the table (evicted, server restarted) is
 *    re-hashed from its part file at its next begin or finish.
 *  - At most one writer per upload: a begin hands out an exclusive handle until
 *    end or cancel; finish and abort also take the upload exclusively.
 *
 * Thread safety: every function may be called from any thread; a mutex guards
 * the table only, never file I/O, so uploads proceed in parallel. A struct
 * blob_upload belongs to one thread at a time.
 *
 * Ownership: struct blob_store is created by blob_store_open and freed by
 * blob_store_close (main/serve owns it); a struct blob_upload is freed by
 * blob_upload_end or blob_upload_cancel, always.
 *
 * Does not: keep metadata (media type, file name, case, uploader, retention end
 * live in the database), decide who may read or delete, speak HTTP, talk to S3.
 * Durability after a crash between write and fsync rests on the file system: a
 * part file's size after a crash is trusted as durable, so clients should send
 * their own SHA-256 and the service compare it with blob_info at finish.
 *
 * Follows: FIPS 180-4 (SHA-256), GB/T 32905-2016 (SM3). 《行政处罚法》第四十六条
 * admits 视听资料 and 电子数据 as evidence; naming a file by its hash is what lets
 * anyone later show that the evidence is the file that was collected.
 */
#ifndef SX_BLOB_BLOB_H
#define SX_BLOB_BLOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

/* Largest blob by default: 4 GiB. */
#define BLOB_DEFAULT_MAX_BYTES (UINT64_C(4) << 30)

/* Open uploads kept with hash state when blob_store_options.max_open is 0. */
#define BLOB_DEFAULT_MAX_OPEN 64

/* Upper bound of blob_store_options.max_open (the table is allocated whole at open). */
#define BLOB_MAX_OPEN_LIMIT 65536

/* Bytes of a SHA-256 or SM3 digest in hex, without the NUL. */
#define BLOB_HEX_LEN 64

/* Bytes blob_relative_path needs, with its NUL: "sha256/ab/cd/" (13) + 64 + 1. */
#define BLOB_RELATIVE_PATH_MAX 78

/* Opaque; thread-safe. */
struct blob_store;

/* One request's exclusive write handle on an upload. */
struct blob_upload;

struct blob_store_options {
	const char *root;  /* directory of the store, e.g. "var/blobs"; created with its parents */
	uint64_t max_bytes; /* largest blob in bytes; 0 = BLOB_DEFAULT_MAX_BYTES */
	size_t max_open;   /* uploads kept with hash state, 1..BLOB_MAX_OPEN_LIMIT; 0 = 64 */
};

struct blob_info {
	char sha256[BLOB_HEX_LEN + 1]; /* lower-case hex, NUL-terminated */
	char sm3[BLOB_HEX_LEN + 1];    /* lower-case hex, NUL-terminated */
	uint64_t size;                 /* bytes */
};

/*
 * Opens (and creates when missing: directories 0700) the store at opt->root.
 *
 * Returns 0 and sets *out (free with blob_store_close); SX_EINVALID
 * "bad_blob_options" for NULL arguments, an empty root or max_open above
 * BLOB_MAX_OPEN_LIMIT; SX_ENOMEM; SX_EPERM / SX_EIO "blob_store_unavailable"
 * when the directories cannot be created or opened. On error *out is NULL and
 * nothing is left open (directories already created stay).
 */
int blob_store_open(struct blob_store **out, const struct blob_store_options *opt,
		    struct sx_error *err);

/*
 * Frees bs and the hash state it holds. Part files stay on disk: their uploads
 * resume after the next open. bs may be NULL. Precondition: no struct
 * blob_upload of bs is still out.
 */
void blob_store_close(struct blob_store *bs);

/* The largest blob bs accepts, in bytes. */
uint64_t blob_store_max_bytes(const struct blob_store *bs);

/*
 * Starts upload upload_id (a ULID, 26 characters of [0-9A-Z], used in a file
 * name) of size bytes: creates the empty part file and the size file, fsyncs
 * them and the uploads directory. Allocates nothing.
 *
 * Returns 0; SX_EINVALID "bad_upload_id"; SX_ETOOBIG "upload_too_big" when size
 * is 0 or above blob_store_max_bytes (the message names the limit); SX_EEXISTS
 * "upload_exists"; SX_ENOSPC "disk_full"; SX_EIO "blob_io_failed". On error
 * nothing of the upload is left on disk.
 */
int blob_upload_create(struct blob_store *bs, const char *upload_id, uint64_t size,
		       struct sx_error *err);

/*
 * Sets *offset to the durable offset of upload_id: the bytes the store has
 * fsynced, from which the client continues. While a handle is out this is the
 * offset at its begin.
 *
 * Returns 0; SX_EINVALID "bad_upload_id"; SX_ENOTFOUND "upload_not_found";
 * SX_EIO "blob_io_failed".
 */
int blob_upload_offset(uint64_t *offset, struct blob_store *bs, const char *upload_id,
		       struct sx_error *err);

/*
 * Takes upload_id for writing at offset, which must equal the durable offset.
 * size is the total the client declares (Content-Range's TOTAL) and must equal
 * the size given to blob_upload_create. Bytes past the durable offset that an
 * earlier request wrote but never fsynced are truncated first. When the table
 * holds no hash state for the upload it is re-hashed from disk (streamed,
 * 1 MiB buffer) — up to max_bytes read before this returns.
 *
 * Returns 0 and sets *out (freed by blob_upload_end or blob_upload_cancel);
 * *current (may be NULL) gets the durable offset whenever it is known, on
 * success and on "offset_mismatch". Errors: SX_EINVALID "bad_upload_id" or
 * "upload_size_mismatch"; SX_ENOTFOUND "upload_not_found"; SX_ECONFLICT
 * "offset_mismatch" (continue from *current); SX_EBUSY "upload_busy" while
 * another handle (or finish/abort) has the upload, "too_many_uploads" when
 * every table entry is busy; SX_ENOMEM; SX_EIO "blob_io_failed"; SX_EINTERNAL
 * "hash_failed". On error *out is NULL and the upload is as it was.
 */
int blob_upload_begin(struct blob_upload **out, uint64_t *current, struct blob_store *bs,
		      const char *upload_id, uint64_t offset, uint64_t size, struct sx_error *err);

/*
 * Appends data[0..len) at the handle's position and hashes it; never buffers.
 * Does not fsync (blob_upload_end does).
 *
 * Returns 0; SX_EINVALID for NULL arguments; SX_ETOOBIG "upload_too_long" when
 * the bytes would go past the declared size (nothing of this call is written);
 * SX_ENOSPC "disk_full"; SX_EIO "blob_io_failed"; SX_EINTERNAL "hash_failed".
 * After an error the bytes of earlier calls are still good: blob_upload_end
 * keeps them (dropping this call's partial bytes), blob_upload_cancel drops
 * everything since begin.
 */
int blob_upload_write(struct blob_upload *u, const void *data, size_t len, struct sx_error *err);

/*
 * Fsyncs the part file and releases the handle; the hash state stays in the
 * table for the next request. *offset (may be NULL) gets the new durable
 * offset. On a failed fsync the hash state is dropped and the part truncated to
 * the durable offset of begin, which *offset then gets. u is freed in every case.
 *
 * Returns 0; SX_EINVALID for NULL u; SX_ENOSPC "disk_full"; SX_EIO
 * "blob_io_failed".
 */
int blob_upload_end(uint64_t *offset, struct blob_upload *u, struct sx_error *err);

/*
 * Releases u without fsync after an error mid-request: drops the hash state
 * and truncates the part to the durable offset of begin (now, or at the next
 * begin when that fails). u may be NULL; it is freed.
 */
void blob_upload_cancel(struct blob_upload *u);

/*
 * Completes upload_id once its durable offset equals its size: finishes both
 * hashes (re-hashing from disk when the table has no state), makes the part
 * read-only, fsyncs it, links it to sha256/ab/cd/<hex> — or, when that file
 * exists (same content uploaded before), keeps the existing file — removes the
 * part and size files, fsyncs both directories and forgets the upload.
 *
 * Returns 0 and fills *out; SX_EINVALID "bad_upload_id"; SX_ENOTFOUND
 * "upload_not_found"; SX_ECONFLICT "upload_incomplete" when the durable offset
 * is below the size; SX_EBUSY "upload_busy"/"too_many_uploads"; SX_ECORRUPT
 * "upload_corrupt" when the part is longer than its size or the size file is
 * unreadable; SX_ENOMEM; SX_ENOSPC; SX_EIO "blob_io_failed"; SX_EINTERNAL
 * "hash_failed". On error the upload stays and finish may be retried.
 */
int blob_upload_finish(struct blob_info *out, struct blob_store *bs, const char *upload_id,
		       struct sx_error *err);

/*
 * Removes upload_id's part and size files and its hash state.
 *
 * Returns 0; SX_EINVALID "bad_upload_id"; SX_ENOTFOUND "upload_not_found";
 * SX_EBUSY "upload_busy"/"too_many_uploads"; SX_EIO "blob_io_failed".
 */
int blob_upload_abort(struct blob_store *bs, const char *upload_id, struct sx_error *err);

/*
 * Stores everything read from fd until end of file as one blob (CLI import,
 * tests), streamed in 1 MiB pieces through root/tmp/. fd is read from its
 * current position and not closed.
 *
 * Returns 0 and fills *out; SX_EINVALID for NULL arguments or "blob_empty" for
 * no bytes; SX_ETOOBIG "upload_too_big" past blob_store_max_bytes; SX_ENOMEM;
 * SX_ENOSPC "disk_full"; SX_EIO "blob_io_failed" (reading fd included);
 * SX_EINTERNAL "hash_failed". On error nothing is stored.
 */
int blob_put_fd(struct blob_info *out, struct blob_store *bs, int fd, struct sx_error *err);

/* blob_put_fd for data[0..len) in memory. Returns as blob_put_fd. */
int blob_put_bytes(struct blob_info *out, struct blob_store *bs, const void *data, size_t len,
		   struct sx_error *err);

/*
 * Opens blob sha256 (64 lower-case hex) for reading (O_RDONLY | O_CLOEXEC) and
 * sets *size to its bytes. The caller closes *fd.
 *
 * Returns 0; SX_EINVALID "bad_hash"; SX_ENOTFOUND "blob_not_found"; SX_EIO
 * "blob_io_failed". On error *fd is -1.
 */
int blob_open(int *fd, uint64_t *size, struct blob_store *bs, const char *sha256,
	      struct sx_error *err);

/* Sets *out to whether blob sha256 is stored. Returns 0, SX_EINVALID "bad_hash", SX_EIO. */
int blob_exists(bool *out, struct blob_store *bs, const char *sha256, struct sx_error *err);

/*
 * Reads blob sha256 back and re-hashes it (1 MiB buffer); *out gets both
 * hashes and the size as read, also when they do not match.
 *
 * Returns 0 when the SHA-256 equals the name; SX_ECORRUPT "blob_corrupt" when it
 * differs; SX_EINVALID "bad_hash"; SX_ENOTFOUND "blob_not_found"; SX_ENOMEM;
 * SX_EIO; SX_EINTERNAL "hash_failed".
 */
int blob_verify(struct blob_info *out, struct blob_store *bs, const char *sha256,
		struct sx_error *err);

/*
 * Removes blob sha256 (retention expiry; the service checks who and when) and
 * fsyncs its directory.
 *
 * Returns 0; SX_EINVALID "bad_hash"; SX_ENOTFOUND "blob_not_found"; SX_EIO.
 */
int blob_delete(struct blob_store *bs, const char *sha256, struct sx_error *err);

/*
 * Writes "sha256/ab/cd/<hex>", the path of blob sha256 relative to the root
 * (for archives and documents), NUL-terminated, into out[0..out_size).
 * BLOB_RELATIVE_PATH_MAX always suffices.
 *
 * Returns 0; SX_EINVALID "bad_hash" (or NULL out); SX_ETOOBIG
 * "path_buffer_too_small" (out is then "" when out_size > 0).
 */
int blob_relative_path(char *out, size_t out_size, const char *sha256, struct sx_error *err);

#endif
