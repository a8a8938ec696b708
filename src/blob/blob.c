/*
 * blob/blob — see blob.h.
 *
 * The table of open uploads: an array of max_open entries allocated at open,
 * so claiming an entry never allocates. An entry is free (id ""), busy (one
 * thread owns it: a handle is out, or begin/finish/abort is running) or idle
 * (it keeps an upload's hash state, or the knowledge that the part holds
 * unsynced bytes past the durable offset). The mutex guards the entries' id,
 * is_busy, offset, has_offset and last_used fields; the hashers and the size of
 * a busy entry belong to its owner, and an idle entry's hashers are touched only
 * under the mutex (eviction). No file I/O happens under the mutex.
 *
 * Why link(2) and not rename(2) to publish: rename replaces an existing file,
 * link fails with EEXIST, so "already stored" and "store it" are decided by the
 * file system in one step, and a finished blob is never rewritten.
 *
 * Writes hash after the bytes are on their way to disk (pwrite succeeded), so
 * the hash state never covers bytes the part does not hold; a write that fails
 * half-way marks the handle, and end truncates its partial bytes.
 */
#include "blob/blob.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "base/id.h"
#include "base/mem.h"
#include "crypto/hash.h"

/* Read buffer of re-hashing, blob_put_fd and blob_verify. */
#define BLOB_BUF_BYTES ((size_t)1 << 20)

/* Bytes given to one hasher before the other: small enough to stay in L2 between the two. */
#define BLOB_HASH_SLICE ((size_t)64 << 10)

/* "<id>.part", "<id>.size", "<id>.tmp" with NUL. */
#define BLOB_NAME_MAX (SX_ID_LEN + 6)

/* Decimal uint64_t and a newline. */
#define BLOB_SIZE_FILE_MAX 24

/* Messages for people, used in several places. */
#define BLOB_MSG_IO "证据文件读写失败，请稍后重试"
#define BLOB_MSG_DISK_FULL "服务器存储空间不足，请稍后重试"
#define BLOB_MSG_BUSY "该文件正在上传中，请稍后重试"
#define BLOB_MSG_TOO_MANY "同时进行的上传过多，请稍后重试"
#define BLOB_MSG_BAD_PART "上传的临时文件已损坏，请重新上传"
#define BLOB_MSG_NO_UPLOAD "上传不存在或已结束"
#define BLOB_MSG_NO_STORE "无法打开证据存储目录"
#define BLOB_MSG_EXISTS "该上传已存在"
#define BLOB_MSG_TOO_LONG "上传的数据超过声明的文件大小"
#define BLOB_MSG_CORRUPT "文件内容与其摘要不符，文件已损坏"
#define BLOB_MSG_NO_BLOB "文件不存在"

struct blob_entry {
	char id[SX_ID_LEN + 1];       /* "" = free slot */
	bool is_busy;                 /* an owner (handle, begin, finish, abort) has it */
	bool has_offset;              /* offset is known to be the durable offset */
	bool has_tail;                /* the part may hold unsynced bytes past offset */
	uint64_t offset;              /* durable offset in bytes, when has_offset */
	uint64_t size;                /* declared size in bytes; 0 = not read yet */
	struct crypto_hasher *sha256; /* with sm3: state over [0, offset); both or neither */
	struct crypto_hasher *sm3;
	uint64_t last_used;           /* bs->tick at release, for LRU eviction */
};

struct blob_store {
	pthread_mutex_t lock;
	char *root;          /* for log details only */
	int root_fd;
	int sha256_fd;       /* root/sha256 */
	int uploads_fd;      /* root/uploads */
	int tmp_fd;          /* root/tmp */
	uint64_t max_bytes;  /* largest blob, >= 1 */
	size_t max_open;     /* entries, 1..BLOB_MAX_OPEN_LIMIT */
	uint64_t tick;       /* LRU clock, under lock */
	struct blob_entry *entries;
};

struct blob_upload {
	struct blob_store *bs;
	struct blob_entry *entry; /* busy while the handle is out */
	int fd;                   /* part file, O_RDWR */
	uint64_t start;           /* durable offset at begin */
	uint64_t pos;             /* end of the last whole write; hashes cover [0, pos) */
	uint64_t size;            /* declared size */
	struct crypto_hasher *sha256;
	struct crypto_hasher *sm3;
	bool has_partial;         /* a failed write may have left bytes past pos */
	bool is_hash_broken;      /* a hasher failed: its state must not be kept */
};

/* ---- names and checks ---- */

static bool blob__id_is_valid(const char *id)
{
	return id != NULL && sx_id_is_valid(id, strnlen(id, SX_ID_LEN + 1));
}

static bool blob__hash_is_valid(const char *hex)
{
	if (hex == NULL)
		return false;
	for (size_t i = 0; i < BLOB_HEX_LEN; i++) {
		char c = hex[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return hex[BLOB_HEX_LEN] == '\0';
}

static void blob__name(char out[BLOB_NAME_MAX], const char *id, const char *suffix)
{
	snprintf(out, BLOB_NAME_MAX, "%s.%s", id, suffix);
}

/* "ab/cd/<hex>" below root/sha256. */
static void blob__sub_path(char out[BLOB_RELATIVE_PATH_MAX], const char *hex)
{
	snprintf(out, BLOB_RELATIVE_PATH_MAX, "%.2s/%.2s/%s", hex, hex + 2, hex);
}

static void blob__to_hex(char out[BLOB_HEX_LEN + 1],
			 const unsigned char digest[CRYPTO_HASH_MAX_BYTES])
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < BLOB_HEX_LEN / 2; i++) {
		out[2 * i] = digits[digest[i] >> 4];
		out[2 * i + 1] = digits[digest[i] & 0x0f];
	}
	out[BLOB_HEX_LEN] = '\0';
}

/* ---- errors ---- */

static int blob__bad_id(struct sx_error *err)
{
	return sx_error_set(err, SX_EINVALID, "bad_upload_id", "上传编号不合法");
}

static int blob__bad_hash(struct sx_error *err)
{
	return sx_error_set(err, SX_EINVALID, "bad_hash", "文件摘要格式不正确");
}

static int blob__no_upload(struct sx_error *err)
{
	return sx_error_set(err, SX_ENOTFOUND, "upload_not_found", BLOB_MSG_NO_UPLOAD);
}

static int blob__upload_exists(struct sx_error *err)
{
	return sx_error_set(err, SX_EEXISTS, "upload_exists", BLOB_MSG_EXISTS);
}

static int blob__no_blob(struct sx_error *err)
{
	return sx_error_set(err, SX_ENOTFOUND, "blob_not_found", BLOB_MSG_NO_BLOB);
}

static int blob__nomem(struct sx_error *err)
{
	return sx_error_set(err, SX_ENOMEM, NULL, NULL);
}

static int blob__hash_failed(struct sx_error *err)
{
	return sx_error_set(err, SX_EINTERNAL, "hash_failed", "计算文件摘要失败");
}

/* An errno from file I/O as our code: a full disk (or quota) is SX_ENOSPC, anything else SX_EIO. */
static int blob__io_error(struct sx_error *err, int e, const char *what, const char *name)
{
	if (e == ENOSPC || e == EDQUOT)
		return sx_error_setf(err, SX_ENOSPC, "disk_full", BLOB_MSG_DISK_FULL, "%s %s: %s",
				     what, name, strerror(e));
	return sx_error_setf(err, SX_EIO, "blob_io_failed", BLOB_MSG_IO, "%s %s: %s", what, name,
			     strerror(e));
}

/* "upload_too_big", naming the limit in GiB or MiB when it is a whole number of them. */
static int blob__too_big(struct sx_error *err, uint64_t max_bytes)
{
	char limit[48];
	char message[SX_ERROR_MESSAGE_MAX];

	if (max_bytes % (UINT64_C(1) << 30) == 0)
		snprintf(limit, sizeof(limit), "%" PRIu64 " GiB", max_bytes >> 30);
	else if (max_bytes % (UINT64_C(1) << 20) == 0)
		snprintf(limit, sizeof(limit), "%" PRIu64 " MiB", max_bytes >> 20);
	else
		snprintf(limit, sizeof(limit), "%" PRIu64 " 字节", max_bytes);
	snprintf(message, sizeof(message), "文件大小须在 1 字节至 %s 之间", limit);
	return sx_error_set(err, SX_ETOOBIG, "upload_too_big", message);
}

/* ---- file helpers (EINTR and short transfers handled) ---- */

/* Writes data[0..len) at off. Returns 0 or an errno; *done gets the bytes written. */
static int blob__pwrite_all(int fd, const unsigned char *data, size_t len, uint64_t off,
			    size_t *done)
{
	*done = 0;
	while (*done < len) {
		ssize_t n = pwrite(fd, data + *done, len - *done, (off_t)(off + *done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			return EIO;
		*done += (size_t)n;
	}
	return 0;
}

/* Reads up to len bytes at off; stops early only at end of file. Returns 0 or an errno. */
static int blob__pread_full(int fd, unsigned char *buf, size_t len, uint64_t off, size_t *got)
{
	*got = 0;
	while (*got < len) {
		ssize_t n = pread(fd, buf + *got, len - *got, (off_t)(off + *got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return 0;
}

/* Reads up to len bytes from fd's position; stops early only at end of file. */
static int blob__read_full(int fd, unsigned char *buf, size_t len, size_t *got)
{
	*got = 0;
	while (*got < len) {
		ssize_t n = read(fd, buf + *got, len - *got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return 0;
}

static int blob__fsync(int fd)
{
	while (fsync(fd) < 0) {
		if (errno != EINTR)
			return errno;
	}
	return 0;
}

static int blob__ftruncate(int fd, uint64_t len)
{
	while (ftruncate(fd, (off_t)len) < 0) {
		if (errno != EINTR)
			return errno;
	}
	return 0;
}

/* Creates dir_fd/name (0700) unless it exists; *created tells which. Returns 0 or an errno. */
static int blob__mkdirat(int dir_fd, const char *name, bool *created)
{
	*created = false;
	if (mkdirat(dir_fd, name, 0700) == 0) {
		*created = true;
		return 0;
	}
	return errno == EEXIST ? 0 : errno;
}

/* ---- hashing ---- */

static int blob__hashers_new(struct crypto_hasher **sha256, struct crypto_hasher **sm3)
{
	int rc;

	*sha256 = NULL;
	*sm3 = NULL;
	if ((rc = crypto_hasher_new(sha256, CRYPTO_HASH_SHA256)) < 0)
		return rc;
	if ((rc = crypto_hasher_new(sm3, CRYPTO_HASH_SM3)) < 0) {
		crypto_hasher_free(*sha256);
		*sha256 = NULL;
		return rc;
	}
	return 0;
}

/* Feeds data to both hashers in slices, so each slice is still in cache for the second. */
static int blob__hash_update(struct crypto_hasher *sha256, struct crypto_hasher *sm3,
			     const unsigned char *data, size_t len)
{
	while (len > 0) {
		size_t n = len < BLOB_HASH_SLICE ? len : BLOB_HASH_SLICE;

		if (crypto_hasher_update(sha256, data, n) < 0 ||
		    crypto_hasher_update(sm3, data, n) < 0)
			return SX_EINTERNAL;
		data += n;
		len -= n;
	}
	return 0;
}

static int blob__hash_final(struct blob_info *out, struct crypto_hasher *sha256,
			    struct crypto_hasher *sm3, uint64_t size)
{
	unsigned char digest[CRYPTO_HASH_MAX_BYTES];

	if (crypto_hasher_final(sha256, digest) < 0)
		return SX_EINTERNAL;
	blob__to_hex(out->sha256, digest);
	if (crypto_hasher_final(sm3, digest) < 0)
		return SX_EINTERNAL;
	blob__to_hex(out->sm3, digest);
	out->size = size;
	return 0;
}

/*
 * New hashers over fd[0..len), read in BLOB_BUF_BYTES pieces. A file shorter
 * than len is SX_EIO (it shrank under us).
 */
static int blob__rehash(struct crypto_hasher **sha256, struct crypto_hasher **sm3, int fd,
			uint64_t len, const char *name, struct sx_error *err)
{
	unsigned char *buf = NULL;
	uint64_t off = 0;
	int rc, e;

	*sha256 = NULL;
	*sm3 = NULL;
	if ((rc = blob__hashers_new(sha256, sm3)) < 0) {
		rc = rc == SX_ENOMEM ? blob__nomem(err) : blob__hash_failed(err);
		goto done;
	}
	if (len > 0 && (buf = sx_malloc(BLOB_BUF_BYTES)) == NULL) {
		rc = blob__nomem(err);
		goto done;
	}
	while (off < len) {
		size_t want = len - off < BLOB_BUF_BYTES ? (size_t)(len - off) : BLOB_BUF_BYTES;
		size_t got;

		if ((e = blob__pread_full(fd, buf, want, off, &got)) != 0) {
			rc = blob__io_error(err, e, "pread", name);
			goto done;
		}
		if (got < want) {
			rc = sx_error_setf(err, SX_EIO, "blob_io_failed", BLOB_MSG_IO,
					   "%s: shorter than %" PRIu64 " bytes while re-hashing",
					   name, len);
			goto done;
		}
		if (blob__hash_update(*sha256, *sm3, buf, got) < 0) {
			rc = blob__hash_failed(err);
			goto done;
		}
		off += got;
	}
	rc = 0;
done:
	sx_free(buf);
	if (rc < 0) {
		crypto_hasher_free(*sha256);
		crypto_hasher_free(*sm3);
		*sha256 = NULL;
		*sm3 = NULL;
	}
	return rc;
}

/* ---- the table ---- */

static void blob__entry_drop_state(struct blob_entry *e)
{
	crypto_hasher_free(e->sha256);
	crypto_hasher_free(e->sm3);
	e->sha256 = NULL;
	e->sm3 = NULL;
}

static void blob__entry_clear(struct blob_entry *e)
{
	blob__entry_drop_state(e);
	memset(e, 0, sizeof(*e));
}

static struct blob_entry *blob__entry_find(struct blob_store *bs, const char *id)
{
	for (size_t i = 0; i < bs->max_open; i++) {
		if (bs->entries[i].id[0] != '\0' && strcmp(bs->entries[i].id, id) == 0)
			return &bs->entries[i];
	}
	return NULL;
}

/*
 * Takes the entry of id for the calling thread (creating it, evicting the
 * least recently used idle entry when the table is full). Allocates nothing.
 */
static int blob__claim(struct blob_entry **out, struct blob_store *bs, const char *id,
		       struct sx_error *err)
{
	struct blob_entry *e, *victim = NULL;
	int rc = 0;

	*out = NULL;
	pthread_mutex_lock(&bs->lock);
	e = blob__entry_find(bs, id);
	if (e != NULL) {
		if (e->is_busy) {
			rc = sx_error_set(err, SX_EBUSY, "upload_busy", BLOB_MSG_BUSY);
			goto done;
		}
		e->is_busy = true;
		*out = e;
		goto done;
	}
	for (size_t i = 0; i < bs->max_open; i++) {
		struct blob_entry *c = &bs->entries[i];

		if (c->id[0] == '\0') {
			victim = c;
			break;
		}
		if (!c->is_busy && (victim == NULL || c->last_used < victim->last_used))
			victim = c;
	}
	if (victim == NULL) {
		rc = sx_error_set(err, SX_EBUSY, "too_many_uploads", BLOB_MSG_TOO_MANY);
		goto done;
	}
	/* Evicting loses only the hash state (re-hashed from disk at the next begin). */
	blob__entry_clear(victim);
	memcpy(victim->id, id, SX_ID_LEN + 1);
	victim->is_busy = true;
	*out = victim;
done:
	pthread_mutex_unlock(&bs->lock);
	return rc;
}

/*
 * Gives e back. The entry stays while it holds something worth keeping (hash
 * state, or unsynced bytes to truncate); otherwise, or with forget, its slot is
 * freed.
 */
static void blob__release(struct blob_store *bs, struct blob_entry *e, bool forget)
{
	pthread_mutex_lock(&bs->lock);
	if (forget || (e->sha256 == NULL && !e->has_tail)) {
		blob__entry_clear(e);
	} else {
		e->is_busy = false;
		e->last_used = ++bs->tick;
	}
	pthread_mutex_unlock(&bs->lock);
}

/* Sets the durable offset of a busy entry (read by blob_upload_offset under the lock). */
static void blob__set_offset(struct blob_store *bs, struct blob_entry *e, uint64_t offset,
			     bool has_tail)
{
	pthread_mutex_lock(&bs->lock);
	e->offset = offset;
	e->has_offset = true;
	e->has_tail = has_tail;
	pthread_mutex_unlock(&bs->lock);
}

/* ---- upload files ---- */

/* The declared size of upload e->id, from its size file (cached in e). */
static int blob__read_size(uint64_t *out, struct blob_store *bs, struct blob_entry *e,
			   struct sx_error *err)
{
	char name[BLOB_NAME_MAX];
	unsigned char text[BLOB_SIZE_FILE_MAX];
	size_t got = 0, i;
	uint64_t size = 0;
	int fd, e_no;

	if (e->size > 0) {
		*out = e->size;
		return 0;
	}
	blob__name(name, e->id, "size");
	fd = openat(bs->uploads_fd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return sx_error_setf(err, SX_ECORRUPT, "upload_corrupt",
					     BLOB_MSG_BAD_PART, "%s: missing", name);
		return blob__io_error(err, errno, "open", name);
	}
	e_no = blob__pread_full(fd, text, sizeof(text), 0, &got);
	close(fd);
	if (e_no != 0)
		return blob__io_error(err, e_no, "read", name);
	for (i = 0; i < got && text[i] >= '0' && text[i] <= '9'; i++) {
		if (size > (UINT64_MAX - 9) / 10)
			break;
		size = size * 10 + (uint64_t)(text[i] - '0');
	}
	if (i == 0 || i + 1 != got || text[i] != '\n' || size == 0)
		return sx_error_setf(err, SX_ECORRUPT, "upload_corrupt",
				     BLOB_MSG_BAD_PART, "%s: not a size", name);
	e->size = size;
	*out = size;
	return 0;
}

/*
 * Opens the part of busy entry e and brings it to its durable offset: bytes
 * past a known durable offset are truncated; otherwise the file's size is the
 * durable offset. Returns the fd in *fd and the offset in *durable.
 */
static int blob__open_part(int *fd, uint64_t *durable, struct blob_store *bs, struct blob_entry *e,
			   struct sx_error *err)
{
	char name[BLOB_NAME_MAX];
	struct stat st;
	uint64_t file_size, off;
	int rc, e_no;

	*fd = -1;
	blob__name(name, e->id, "part");
	*fd = openat(bs->uploads_fd, name, O_RDWR | O_CLOEXEC);
	if (*fd < 0) {
		if (errno == ENOENT)
			return blob__no_upload(err);
		return blob__io_error(err, errno, "open", name);
	}
	if (fstat(*fd, &st) < 0) {
		rc = blob__io_error(err, errno, "fstat", name);
		goto fail;
	}
	file_size = (uint64_t)st.st_size;
	off = file_size;
	if (e->has_offset && file_size > e->offset) {
		if ((e_no = blob__ftruncate(*fd, e->offset)) != 0) {
			rc = blob__io_error(err, e_no, "ftruncate", name);
			goto fail;
		}
		off = e->offset;
	} else if (e->has_offset && file_size < e->offset) {
		/* Shorter than we fsynced: changed behind our back; trust the file, re-hash it. */
		blob__entry_drop_state(e);
	}
	blob__set_offset(bs, e, off, false);
	*durable = off;
	return 0;
fail:
	close(*fd);
	*fd = -1;
	return rc;
}

/* ---- store ---- */

/* mkdir -p path, 0700. Returns 0 or an errno. */
static int blob__mkdirs(char *path)
{
	bool created;
	int e;

	for (char *p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		e = blob__mkdirat(AT_FDCWD, path, &created);
		*p = '/';
		if (e != 0)
			return e;
	}
	return blob__mkdirat(AT_FDCWD, path, &created);
}

static int blob__open_subdir(int *out, struct blob_store *bs, const char *name, bool *created,
			     struct sx_error *err)
{
	bool made;
	int e;

	if ((e = blob__mkdirat(bs->root_fd, name, &made)) != 0)
		goto fail;
	*created = *created || made;
	*out = openat(bs->root_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*out < 0) {
		e = errno;
		goto fail;
	}
	return 0;
fail:
	return sx_error_setf(err, e == EACCES || e == EPERM ? SX_EPERM : SX_EIO,
			     "blob_store_unavailable", BLOB_MSG_NO_STORE, "%s/%s: %s", bs->root,
			     name, strerror(e));
}

int blob_store_open(struct blob_store **out, const struct blob_store_options *opt,
		    struct sx_error *err)
{
	struct blob_store *bs = NULL;
	bool created = false;
	int rc, e;

	if (out == NULL)
		return sx_error_set(err, SX_EINVALID, "bad_blob_options", "证据存储配置不正确");
	*out = NULL;
	if (opt == NULL || opt->root == NULL || opt->root[0] == '\0' ||
	    opt->max_open > BLOB_MAX_OPEN_LIMIT)
		return sx_error_set(err, SX_EINVALID, "bad_blob_options", "证据存储配置不正确");

	bs = sx_calloc(1, sizeof(*bs));
	if (bs == NULL)
		return blob__nomem(err);
	bs->root_fd = bs->sha256_fd = bs->uploads_fd = bs->tmp_fd = -1;
	if (pthread_mutex_init(&bs->lock, NULL) != 0) {
		sx_free(bs);
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	}
	bs->max_bytes = opt->max_bytes ? opt->max_bytes : BLOB_DEFAULT_MAX_BYTES;
	bs->max_open = opt->max_open ? opt->max_open : BLOB_DEFAULT_MAX_OPEN;
	bs->root = sx_strdup(opt->root);
	bs->entries = sx_calloc(bs->max_open, sizeof(*bs->entries));
	if (bs->root == NULL || bs->entries == NULL) {
		rc = blob__nomem(err);
		goto done;
	}
	if ((e = blob__mkdirs(bs->root)) != 0) {
		rc = sx_error_setf(err, e == EACCES || e == EPERM ? SX_EPERM : SX_EIO,
				   "blob_store_unavailable", BLOB_MSG_NO_STORE, "mkdir %s: %s",
				   bs->root, strerror(e));
		goto done;
	}
	bs->root_fd = open(bs->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (bs->root_fd < 0) {
		rc = sx_error_setf(err, errno == EACCES ? SX_EPERM : SX_EIO,
				   "blob_store_unavailable", BLOB_MSG_NO_STORE, "open %s: %s", bs->root,
				   strerror(errno));
		goto done;
	}
	if ((rc = blob__open_subdir(&bs->sha256_fd, bs, "sha256", &created, err)) < 0 ||
	    (rc = blob__open_subdir(&bs->uploads_fd, bs, "uploads", &created, err)) < 0 ||
	    (rc = blob__open_subdir(&bs->tmp_fd, bs, "tmp", &created, err)) < 0)
		goto done;
	if (created && (e = blob__fsync(bs->root_fd)) != 0) {
		rc = blob__io_error(err, e, "fsync", bs->root);
		goto done;
	}
	*out = bs;
	bs = NULL;
	rc = 0;
done:
	blob_store_close(bs);
	return rc;
}

void blob_store_close(struct blob_store *bs)
{
	if (bs == NULL)
		return;
	if (bs->entries != NULL) {
		for (size_t i = 0; i < bs->max_open; i++)
			blob__entry_drop_state(&bs->entries[i]);
	}
	sx_free(bs->entries);
	if (bs->tmp_fd >= 0)
		close(bs->tmp_fd);
	if (bs->uploads_fd >= 0)
		close(bs->uploads_fd);
	if (bs->sha256_fd >= 0)
		close(bs->sha256_fd);
	if (bs->root_fd >= 0)
		close(bs->root_fd);
	sx_free(bs->root);
	pthread_mutex_destroy(&bs->lock);
	sx_free(bs);
}

uint64_t blob_store_max_bytes(const struct blob_store *bs)
{
	return bs->max_bytes;
}

/* ---- uploads ---- */

int blob_upload_create(struct blob_store *bs, const char *upload_id, uint64_t size,
		       struct sx_error *err)
{
	char size_name[BLOB_NAME_MAX], part_name[BLOB_NAME_MAX];
	char text[BLOB_SIZE_FILE_MAX];
	int size_fd = -1, part_fd = -1;
	bool made_size = false, made_part = false;
	size_t done_bytes;
	int len, rc, e;

	if (bs == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if (!blob__id_is_valid(upload_id))
		return blob__bad_id(err);
	if (size == 0 || size > bs->max_bytes)
		return blob__too_big(err, bs->max_bytes);

	blob__name(size_name, upload_id, "size");
	blob__name(part_name, upload_id, "part");
	/* The size file first: when a part exists its size file does, so begin and finish can
	 * always read the declared size. O_EXCL on it claims the id. */
	size_fd = openat(bs->uploads_fd, size_name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (size_fd < 0) {
		rc = errno == EEXIST ? blob__upload_exists(err)
				     : blob__io_error(err, errno, "create", size_name);
		goto done;
	}
	made_size = true;
	len = snprintf(text, sizeof(text), "%" PRIu64 "\n", size);
	if ((e = blob__pwrite_all(size_fd, (const unsigned char *)text, (size_t)len, 0,
				  &done_bytes)) != 0 ||
	    (e = blob__fsync(size_fd)) != 0) {
		rc = blob__io_error(err, e, "write", size_name);
		goto done;
	}
	part_fd = openat(bs->uploads_fd, part_name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (part_fd < 0) {
		rc = errno == EEXIST ? blob__upload_exists(err)
				     : blob__io_error(err, errno, "create", part_name);
		goto done;
	}
	made_part = true;
	if ((e = blob__fsync(bs->uploads_fd)) != 0) {
		rc = blob__io_error(err, e, "fsync", "uploads/");
		goto done;
	}
	rc = 0;
done:
	if (part_fd >= 0)
		close(part_fd);
	if (size_fd >= 0)
		close(size_fd);
	if (rc < 0) {
		if (made_part)
			unlinkat(bs->uploads_fd, part_name, 0);
		if (made_size)
			unlinkat(bs->uploads_fd, size_name, 0);
	}
	return rc;
}

int blob_upload_offset(uint64_t *offset, struct blob_store *bs, const char *upload_id,
		       struct sx_error *err)
{
	char name[BLOB_NAME_MAX];
	struct blob_entry *e;
	struct stat st;
	bool is_known = false;

	if (offset == NULL || bs == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if (!blob__id_is_valid(upload_id))
		return blob__bad_id(err);
	/* The table knows better than the file while unsynced bytes may sit past the offset. */
	pthread_mutex_lock(&bs->lock);
	e = blob__entry_find(bs, upload_id);
	if (e != NULL && e->has_offset) {
		*offset = e->offset;
		is_known = true;
	}
	pthread_mutex_unlock(&bs->lock);
	blob__name(name, upload_id, "part");
	if (fstatat(bs->uploads_fd, name, &st, 0) < 0) {
		if (errno == ENOENT)
			return blob__no_upload(err);
		return blob__io_error(err, errno, "stat", name);
	}
	if (!is_known)
		*offset = (uint64_t)st.st_size;
	return 0;
}

int blob_upload_begin(struct blob_upload **out, uint64_t *current, struct blob_store *bs,
		      const char *upload_id, uint64_t offset, uint64_t size, struct sx_error *err)
{
	struct blob_entry *e = NULL;
	struct blob_upload *u = NULL;
	uint64_t declared, durable;
	int fd = -1;
	int rc;

	if (out == NULL || bs == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	*out = NULL;
	if (!blob__id_is_valid(upload_id))
		return blob__bad_id(err);
	if ((rc = blob__claim(&e, bs, upload_id, err)) < 0)
		return rc;
	if ((rc = blob__open_part(&fd, &durable, bs, e, err)) < 0)
		goto done;
	if (current != NULL)
		*current = durable;
	if ((rc = blob__read_size(&declared, bs, e, err)) < 0)
		goto done;
	if (size != declared) {
		rc = sx_error_setf(err, SX_EINVALID, "upload_size_mismatch",
				   "文件总大小与创建上传时声明的不一致", "declared %" PRIu64
				   ", given %" PRIu64, declared, size);
		goto done;
	}
	if (durable > declared) {
		rc = sx_error_setf(err, SX_ECORRUPT, "upload_corrupt", BLOB_MSG_BAD_PART,
				   "%s: %" PRIu64 " bytes of %" PRIu64, upload_id, durable,
				   declared);
		goto done;
	}
	if (offset != durable) {
		rc = sx_error_setf(err, SX_ECONFLICT, "offset_mismatch",
				   "续传位置与服务器已保存的位置不一致，请从服务器返回的位置继续",
				   "given %" PRIu64 ", durable %" PRIu64, offset, durable);
		goto done;
	}
	u = sx_calloc(1, sizeof(*u));
	if (u == NULL) {
		rc = blob__nomem(err);
		goto done;
	}
	if (e->sha256 == NULL &&
	    (rc = blob__rehash(&e->sha256, &e->sm3, fd, durable, upload_id, err)) < 0)
		goto done;
	u->bs = bs;
	u->entry = e;
	u->fd = fd;
	u->start = durable;
	u->pos = durable;
	u->size = declared;
	u->sha256 = e->sha256;
	u->sm3 = e->sm3;
	e->sha256 = NULL;
	e->sm3 = NULL;
	*out = u;
	u = NULL;
	fd = -1;
	e = NULL;
	rc = 0;
done:
	sx_free(u);
	if (fd >= 0)
		close(fd);
	if (e != NULL)
		blob__release(bs, e, rc == SX_ENOTFOUND);
	return rc;
}

int blob_upload_write(struct blob_upload *u, const void *data, size_t len, struct sx_error *err)
{
	size_t written;
	int e;

	if (u == NULL || (data == NULL && len > 0))
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if (u->is_hash_broken)
		return blob__hash_failed(err);
	if (len == 0)
		return 0;
	if (len > u->size - u->pos)
		return sx_error_setf(err, SX_ETOOBIG, "upload_too_long", BLOB_MSG_TOO_LONG,
				     "%" PRIu64 " + %zu > %" PRIu64, u->pos, len, u->size);
	if ((e = blob__pwrite_all(u->fd, data, len, u->pos, &written)) != 0) {
		/* What landed of data stays past pos: end truncates it, cancel drops it all. */
		u->has_partial = u->has_partial || written > 0;
		return blob__io_error(err, e, "pwrite", u->entry->id);
	}
	if (blob__hash_update(u->sha256, u->sm3, data, len) < 0) {
		u->is_hash_broken = true;
		u->has_partial = true;
		return blob__hash_failed(err);
	}
	u->pos += len;
	return 0;
}

static void blob__upload_free(struct blob_upload *u)
{
	if (u->fd >= 0)
		close(u->fd);
	crypto_hasher_free(u->sha256);
	crypto_hasher_free(u->sm3);
	sx_free(u);
}

/* Drops u's hash state, truncates the part to u->start; the entry notes a failed truncate. */
static void blob__upload_rollback(struct blob_upload *u)
{
	bool has_tail = blob__ftruncate(u->fd, u->start) != 0;

	crypto_hasher_free(u->sha256);
	crypto_hasher_free(u->sm3);
	u->sha256 = NULL;
	u->sm3 = NULL;
	blob__set_offset(u->bs, u->entry, u->start, has_tail);
}

int blob_upload_end(uint64_t *offset, struct blob_upload *u, struct sx_error *err)
{
	int rc = 0, e = 0;

	if (u == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if (u->has_partial)
		e = blob__ftruncate(u->fd, u->pos);
	if (e == 0)
		e = blob__fsync(u->fd);
	if (e != 0) {
		/* After a failed fsync the kernel may have dropped dirty pages: nothing past the
		 * last durable offset can be trusted, nor the hash state that covers it. */
		rc = blob__io_error(err, e, "fsync", u->entry->id);
		blob__upload_rollback(u);
	} else {
		if (u->is_hash_broken) {
			crypto_hasher_free(u->sha256);
			crypto_hasher_free(u->sm3);
			u->sha256 = NULL;
			u->sm3 = NULL;
		}
		blob__set_offset(u->bs, u->entry, u->pos, false);
		u->entry->sha256 = u->sha256;
		u->entry->sm3 = u->sm3;
		u->sha256 = NULL;
		u->sm3 = NULL;
	}
	if (offset != NULL)
		*offset = u->entry->offset;
	blob__release(u->bs, u->entry, false);
	blob__upload_free(u);
	return rc;
}

void blob_upload_cancel(struct blob_upload *u)
{
	if (u == NULL)
		return;
	blob__upload_rollback(u);
	blob__release(u->bs, u->entry, false);
	blob__upload_free(u);
}

/* ---- publishing ---- */

/* Opens (creating) root/sha256/ab/cd for hex; fsyncs a parent whenever it got a new directory. */
static int blob__open_leaf_dir(int *out, struct blob_store *bs, const char *hex,
			       struct sx_error *err)
{
	char sub[6];
	bool created;
	int ab_fd = -1;
	int rc, e;

	*out = -1;
	snprintf(sub, sizeof(sub), "%.2s", hex);
	if ((e = blob__mkdirat(bs->sha256_fd, sub, &created)) != 0 ||
	    (created && (e = blob__fsync(bs->sha256_fd)) != 0)) {
		rc = blob__io_error(err, e, "mkdir sha256/", sub);
		goto done;
	}
	ab_fd = openat(bs->sha256_fd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ab_fd < 0) {
		rc = blob__io_error(err, errno, "open sha256/", sub);
		goto done;
	}
	snprintf(sub, sizeof(sub), "%.2s", hex + 2);
	if ((e = blob__mkdirat(ab_fd, sub, &created)) != 0 ||
	    (created && (e = blob__fsync(ab_fd)) != 0)) {
		rc = blob__io_error(err, e, "mkdir sha256/ab/", sub);
		goto done;
	}
	*out = openat(ab_fd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*out < 0) {
		rc = blob__io_error(err, errno, "open sha256/ab/", sub);
		goto done;
	}
	rc = 0;
done:
	if (ab_fd >= 0)
		close(ab_fd);
	return rc;
}

/*
 * Publishes the finished file fd, named src_name in src_dir_fd, as blob
 * info->sha256: read-only, fsynced, linked into place (kept as is when the
 * blob exists), src_name removed, the blob's directory fsynced. The caller
 * fsyncs src_dir_fd.
 */
static int blob__publish(struct blob_store *bs, int src_dir_fd, const char *src_name, int fd,
			 const struct blob_info *info, struct sx_error *err)
{
	int leaf_fd = -1;
	bool is_linked = false;
	int rc, e;

	if ((rc = blob__open_leaf_dir(&leaf_fd, bs, info->sha256, err)) < 0)
		goto done;
	if (fchmod(fd, 0440) < 0) {
		rc = blob__io_error(err, errno, "fchmod", src_name);
		goto done;
	}
	if ((e = blob__fsync(fd)) != 0) {
		rc = blob__io_error(err, e, "fsync", src_name);
		goto done;
	}
	/* EEXIST: the same content is stored already; the existing file stays, ours goes. */
	if (linkat(src_dir_fd, src_name, leaf_fd, info->sha256, 0) < 0 && errno != EEXIST) {
		rc = blob__io_error(err, errno, "link", info->sha256);
		goto done;
	}
	is_linked = true;
	if (unlinkat(src_dir_fd, src_name, 0) < 0) {
		rc = blob__io_error(err, errno, "unlink", src_name);
		goto done;
	}
	if ((e = blob__fsync(leaf_fd)) != 0) {
		rc = blob__io_error(err, e, "fsync", info->sha256);
		goto done;
	}
	rc = 0;
done:
	/* Not published: a retry must be able to open the source for writing again. */
	if (rc < 0 && !is_linked)
		(void)fchmod(fd, 0600);
	if (leaf_fd >= 0)
		close(leaf_fd);
	return rc;
}

int blob_upload_finish(struct blob_info *out, struct blob_store *bs, const char *upload_id,
		       struct sx_error *err)
{
	char part_name[BLOB_NAME_MAX], size_name[BLOB_NAME_MAX];
	struct blob_entry *e = NULL;
	struct blob_info info;
	uint64_t declared, durable;
	bool is_done = false;
	int fd = -1;
	int rc;

	if (out == NULL || bs == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if (!blob__id_is_valid(upload_id))
		return blob__bad_id(err);
	if ((rc = blob__claim(&e, bs, upload_id, err)) < 0)
		return rc;
	if ((rc = blob__open_part(&fd, &durable, bs, e, err)) < 0 ||
	    (rc = blob__read_size(&declared, bs, e, err)) < 0)
		goto done;
	if (durable < declared) {
		rc = sx_error_setf(err, SX_ECONFLICT, "upload_incomplete", "文件尚未上传完整",
				   "%" PRIu64 " of %" PRIu64 " bytes", durable, declared);
		goto done;
	}
	if (durable > declared) {
		rc = sx_error_setf(err, SX_ECORRUPT, "upload_corrupt", BLOB_MSG_BAD_PART,
				   "%s: %" PRIu64 " bytes of %" PRIu64, upload_id, durable,
				   declared);
		goto done;
	}
	if (e->sha256 == NULL &&
	    (rc = blob__rehash(&e->sha256, &e->sm3, fd, durable, upload_id, err)) < 0)
		goto done;
	/* From here the hash state is spent: an error below leaves it to be rebuilt from disk. */
	rc = blob__hash_final(&info, e->sha256, e->sm3, durable);
	blob__entry_drop_state(e);
	if (rc < 0) {
		rc = blob__hash_failed(err);
		goto done;
	}
	blob__name(part_name, upload_id, "part");
	blob__name(size_name, upload_id, "size");
	if ((rc = blob__publish(bs, bs->uploads_fd, part_name, fd, &info, err)) < 0)
		goto done;
	/* The blob is stored and durable (its directory fsynced). What is left is tidying: a
	 * size file or a part that comes back after a crash is harmless (a later finish
	 * dedups, abort removes), so failures here do not fail the upload. */
	is_done = true;
	(void)unlinkat(bs->uploads_fd, size_name, 0);
	(void)blob__fsync(bs->uploads_fd);
	*out = info;
	rc = 0;
done:
	if (fd >= 0)
		close(fd);
	/* Once the part is gone the upload is over, even if tidying up failed. */
	blob__release(bs, e, is_done || rc == SX_ENOTFOUND);
	return rc;
}

int blob_upload_abort(struct blob_store *bs, const char *upload_id, struct sx_error *err)
{
	char part_name[BLOB_NAME_MAX], size_name[BLOB_NAME_MAX];
	struct blob_entry *e = NULL;
	int rc, e_no;

	if (bs == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if (!blob__id_is_valid(upload_id))
		return blob__bad_id(err);
	if ((rc = blob__claim(&e, bs, upload_id, err)) < 0)
		return rc;
	blob__name(part_name, upload_id, "part");
	blob__name(size_name, upload_id, "size");
	if (unlinkat(bs->uploads_fd, part_name, 0) < 0) {
		rc = errno == ENOENT ? blob__no_upload(err)
				     : blob__io_error(err, errno, "unlink", part_name);
		/* A size file without its part (an interrupted finish) goes too. */
		if (rc == SX_ENOTFOUND)
			(void)unlinkat(bs->uploads_fd, size_name, 0);
		goto done;
	}
	if (unlinkat(bs->uploads_fd, size_name, 0) < 0 && errno != ENOENT) {
		rc = blob__io_error(err, errno, "unlink", size_name);
		goto done;
	}
	if ((e_no = blob__fsync(bs->uploads_fd)) != 0) {
		rc = blob__io_error(err, e_no, "fsync", "uploads/");
		goto done;
	}
	rc = 0;
done:
	blob__release(bs, e, true);
	return rc;
}

/* ---- whole blobs ---- */

/*
 * Stores a blob read from src_fd (when >= 0) or taken from data[0..len), via a
 * file in root/tmp/.
 */
static int blob__put(struct blob_info *out, struct blob_store *bs, int src_fd,
		     const unsigned char *data, size_t len, struct sx_error *err)
{
	char id[SX_ID_LEN + 1], name[BLOB_NAME_MAX];
	struct crypto_hasher *sha256 = NULL, *sm3 = NULL;
	unsigned char *buf = NULL;
	struct blob_info info;
	uint64_t total = 0;
	int fd = -1;
	int rc, e;

	if (out == NULL || bs == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if (src_fd < 0 && (uint64_t)len > bs->max_bytes)
		return blob__too_big(err, bs->max_bytes);
	if (src_fd < 0 && len == 0)
		return sx_error_set(err, SX_EINVALID, "blob_empty", "文件为空");
	if ((rc = blob__hashers_new(&sha256, &sm3)) < 0) {
		rc = rc == SX_ENOMEM ? blob__nomem(err) : blob__hash_failed(err);
		goto done;
	}
	if (src_fd >= 0 && (buf = sx_malloc(BLOB_BUF_BYTES)) == NULL) {
		rc = blob__nomem(err);
		goto done;
	}
	if (sx_id_new(id) < 0) {
		rc = sx_error_set(err, SX_EIO, "blob_io_failed", BLOB_MSG_IO);
		goto done;
	}
	blob__name(name, id, "tmp");
	fd = openat(bs->tmp_fd, name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = blob__io_error(err, errno, "create tmp/", name);
		goto done;
	}
	for (;;) {
		const unsigned char *piece;
		size_t n, written;

		if (src_fd >= 0) {
			if ((e = blob__read_full(src_fd, buf, BLOB_BUF_BYTES, &n)) != 0) {
				rc = sx_error_setf(err, SX_EIO, "blob_io_failed", BLOB_MSG_IO,
						   "read source: %s", strerror(e));
				goto done;
			}
			piece = buf;
		} else {
			n = len - (size_t)total;
			if (n > BLOB_BUF_BYTES)
				n = BLOB_BUF_BYTES;
			piece = data + total;
		}
		if (n == 0)
			break;
		if (n > bs->max_bytes - total) {
			rc = blob__too_big(err, bs->max_bytes);
			goto done;
		}
		if ((e = blob__pwrite_all(fd, piece, n, total, &written)) != 0) {
			rc = blob__io_error(err, e, "write tmp/", name);
			goto done;
		}
		if (blob__hash_update(sha256, sm3, piece, n) < 0) {
			rc = blob__hash_failed(err);
			goto done;
		}
		total += n;
	}
	if (total == 0) {
		rc = sx_error_set(err, SX_EINVALID, "blob_empty", "文件为空");
		goto done;
	}
	if (blob__hash_final(&info, sha256, sm3, total) < 0) {
		rc = blob__hash_failed(err);
		goto done;
	}
	if ((rc = blob__publish(bs, bs->tmp_fd, name, fd, &info, err)) < 0)
		goto done;
	*out = info;
	rc = 0;
done:
	if (fd >= 0) {
		close(fd);
		if (rc < 0)
			(void)unlinkat(bs->tmp_fd, name, 0);
	}
	sx_free(buf);
	crypto_hasher_free(sha256);
	crypto_hasher_free(sm3);
	return rc;
}

int blob_put_fd(struct blob_info *out, struct blob_store *bs, int fd, struct sx_error *err)
{
	if (fd < 0)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	return blob__put(out, bs, fd, NULL, 0, err);
}

int blob_put_bytes(struct blob_info *out, struct blob_store *bs, const void *data, size_t len,
		   struct sx_error *err)
{
	if (data == NULL && len > 0)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	return blob__put(out, bs, -1, data, len, err);
}

/* ---- reading and removing ---- */

int blob_open(int *fd, uint64_t *size, struct blob_store *bs, const char *sha256,
	      struct sx_error *err)
{
	char sub[BLOB_RELATIVE_PATH_MAX];
	struct stat st;

	if (fd == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	*fd = -1;
	if (size == NULL || bs == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if (!blob__hash_is_valid(sha256))
		return blob__bad_hash(err);
	blob__sub_path(sub, sha256);
	*fd = openat(bs->sha256_fd, sub, O_RDONLY | O_CLOEXEC);
	if (*fd < 0) {
		if (errno == ENOENT)
			return blob__no_blob(err);
		return blob__io_error(err, errno, "open", sub);
	}
	if (fstat(*fd, &st) < 0) {
		int rc = blob__io_error(err, errno, "fstat", sub);

		close(*fd);
		*fd = -1;
		return rc;
	}
	*size = (uint64_t)st.st_size;
	return 0;
}

int blob_exists(bool *out, struct blob_store *bs, const char *sha256, struct sx_error *err)
{
	char sub[BLOB_RELATIVE_PATH_MAX];
	struct stat st;

	if (out == NULL || bs == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if (!blob__hash_is_valid(sha256))
		return blob__bad_hash(err);
	blob__sub_path(sub, sha256);
	if (fstatat(bs->sha256_fd, sub, &st, 0) == 0) {
		*out = true;
		return 0;
	}
	if (errno == ENOENT || errno == ENOTDIR) {
		*out = false;
		return 0;
	}
	return blob__io_error(err, errno, "stat", sub);
}

int blob_verify(struct blob_info *out, struct blob_store *bs, const char *sha256,
		struct sx_error *err)
{
	struct crypto_hasher *h256 = NULL, *hsm3 = NULL;
	struct blob_info info;
	uint64_t size = 0;
	int fd = -1;
	int rc;

	if (out == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if ((rc = blob_open(&fd, &size, bs, sha256, err)) < 0)
		return rc;
	if ((rc = blob__rehash(&h256, &hsm3, fd, size, sha256, err)) < 0)
		goto done;
	if (blob__hash_final(&info, h256, hsm3, size) < 0) {
		rc = blob__hash_failed(err);
		goto done;
	}
	*out = info;
	if (strcmp(info.sha256, sha256) != 0) {
		rc = sx_error_setf(err, SX_ECORRUPT, "blob_corrupt", BLOB_MSG_CORRUPT,
				   "sha256/%s hashes to %s", sha256, info.sha256);
		goto done;
	}
	rc = 0;
done:
	crypto_hasher_free(h256);
	crypto_hasher_free(hsm3);
	close(fd);
	return rc;
}

int blob_delete(struct blob_store *bs, const char *sha256, struct sx_error *err)
{
	char sub[BLOB_RELATIVE_PATH_MAX];
	int leaf_fd, rc = 0, e;

	if (bs == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if (!blob__hash_is_valid(sha256))
		return blob__bad_hash(err);
	snprintf(sub, sizeof(sub), "%.2s/%.2s", sha256, sha256 + 2);
	leaf_fd = openat(bs->sha256_fd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (leaf_fd < 0) {
		if (errno == ENOENT)
			return blob__no_blob(err);
		return blob__io_error(err, errno, "open sha256/", sub);
	}
	if (unlinkat(leaf_fd, sha256, 0) < 0) {
		rc = errno == ENOENT ? blob__no_blob(err)
				     : blob__io_error(err, errno, "unlink", sha256);
	} else if ((e = blob__fsync(leaf_fd)) != 0) {
		rc = blob__io_error(err, e, "fsync sha256/", sub);
	}
	close(leaf_fd);
	return rc;
}

int blob_relative_path(char *out, size_t out_size, const char *sha256, struct sx_error *err)
{
	if (out == NULL)
		return blob__bad_hash(err);
	if (out_size > 0)
		out[0] = '\0';
	if (!blob__hash_is_valid(sha256))
		return blob__bad_hash(err);
	if (out_size < BLOB_RELATIVE_PATH_MAX)
		return sx_error_set(err, SX_ETOOBIG, "path_buffer_too_small", "路径缓冲区太小");
	snprintf(out, out_size, "sha256/%.2s/%.2s/%s", sha256, sha256 + 2, sha256);
	return 0;
}
