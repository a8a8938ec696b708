/*
 * Unit tests for blob/blob: published SHA-256 and SM3 vectors over uploads
 * written in odd-sized chunks, resuming after a cancelled request and after a
 * restart (re-hash from disk), offsets, exclusivity, limits, deduplication,
 * corruption found by verify, ids and hashes that could escape the root,
 * eviction, a 64 MiB upload, write errors (a full disk, a partial write) and
 * allocation failure. Each test works in its own mkdtemp folder.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/error.h"
#include "base/id.h"
#include "base/mem.h"
#include "blob/blob.h"
#include "crypto/hash.h"

#define SHA256_ABC_HEX "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/* GB/T 32905-2016 appendix A.1. */
#define SM3_ABC_HEX "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"

#define MIB ((size_t)1 << 20)

struct fixture {
	char dir[64];   /* mkdtemp folder, removed after the test */
	char root[128]; /* dir/blobs: the store's root, made by blob_store_open */
	struct blob_store *bs;
};

/* ---- helpers ---- */

/* rm -r path (blobs are 0440: made writable first, for runs as a non-root user). */
static void remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char child[512];

	if (d != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(child, sizeof(child), "%s/%s", path, de->d_name);
			if (de->d_type == DT_DIR)
				remove_tree(child);
			else
				unlink(child);
		}
		closedir(d);
	}
	rmdir(path);
}

static void store_open(struct fixture *f, uint64_t max_bytes, size_t max_open)
{
	struct blob_store_options opt = {
		.root = f->root, .max_bytes = max_bytes, .max_open = max_open};
	struct sx_error err = {0};

	assert_int_equal(blob_store_open(&f->bs, &opt, &err), 0);
	assert_non_null(f->bs);
}

static void store_reopen(struct fixture *f, uint64_t max_bytes, size_t max_open)
{
	blob_store_close(f->bs);
	f->bs = NULL;
	store_open(f, max_bytes, max_open);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");

	if (f == NULL)
		return -1;
	if (tmp == NULL || strlen(tmp) > 40)
		tmp = "/tmp";
	snprintf(f->dir, sizeof(f->dir), "%s/sx_blob_XXXXXX", tmp);
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	snprintf(f->root, sizeof(f->root), "%s/var/blobs", f->dir);
	store_open(f, 0, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	sx_mem_fail_after(-1);
	blob_store_close(f->bs);
	remove_tree(f->dir);
	free(f);
	return 0;
}

/* Upload id number n (a valid ULID). */
static void make_id(char out[SX_ID_LEN + 1], unsigned n)
{
	unsigned char random[10] = {0};

	random[9] = (unsigned char)n;
	random[8] = (unsigned char)(n >> 8);
	assert_int_equal(sx_id_from_parts(out, INT64_C(1700000000000), random), 0);
}

/* Deterministic bytes (xorshift64) for message number seed. */
static void fill(unsigned char *buf, size_t len, uint64_t *seed)
{
	uint64_t x = *seed;

	for (size_t i = 0; i < len; i++) {
		if (i % 8 == 0) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
		}
		buf[i] = (unsigned char)(x >> (8 * (i % 8)));
	}
	*seed = x;
}

static void expect_hex(char out[65], enum crypto_hash_alg alg, const void *data, size_t len)
{
	assert_int_equal(crypto_hash_hex(out, alg, data, len), 0);
}

/* Writes data[from..to) through one begin/end in chunks of the given sizes (cycled). */
static void write_range(struct blob_store *bs, const char *id, const unsigned char *data,
			size_t from, size_t to, size_t total, const size_t *chunks, size_t nchunks)
{
	struct blob_upload *u = NULL;
	struct sx_error err = {0};
	uint64_t current = 0, offset = 0;
	size_t i = 0;

	assert_int_equal(blob_upload_begin(&u, &current, bs, id, from, total, &err), 0);
	assert_int_equal(current, from);
	for (size_t pos = from; pos < to; i++) {
		size_t n = chunks[i % nchunks];

		if (n > to - pos)
			n = to - pos;
		assert_int_equal(blob_upload_write(u, data + pos, n, &err), 0);
		pos += n;
	}
	assert_int_equal(blob_upload_end(&offset, u, &err), 0);
	assert_int_equal(offset, to);
}

static size_t count_files(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	size_t n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] != '.')
			n++;
	}
	closedir(d);
	return n;
}

static void blob_file_path(char *out, size_t size, const struct fixture *f, const char *hex)
{
	char rel[BLOB_RELATIVE_PATH_MAX];

	assert_int_equal(blob_relative_path(rel, sizeof(rel), hex, NULL), 0);
	snprintf(out, size, "%s/%s", f->root, rel);
}

/* ---- tests ---- */

static void test_abc_written_in_odd_chunks_has_the_published_sha256_and_sm3(void **state)
{
	struct fixture *f = *state;
	static const size_t chunks[] = {1, 2};
	char id[SX_ID_LEN + 1], path[256];
	struct blob_info info;
	struct sx_error err = {0};
	struct stat st;

	make_id(id, 1);
	assert_int_equal(blob_upload_create(f->bs, id, 3, &err), 0);
	write_range(f->bs, id, (const unsigned char *)"abc", 0, 3, 3, chunks, 2);
	assert_int_equal(blob_upload_finish(&info, f->bs, id, &err), 0);
	assert_string_equal(info.sha256, SHA256_ABC_HEX);
	assert_string_equal(info.sm3, SM3_ABC_HEX);
	assert_int_equal(info.size, 3);

	/* Named by content, read-only, and the upload's files are gone. */
	blob_file_path(path, sizeof(path), f, SHA256_ABC_HEX);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0440);
	assert_int_equal(st.st_size, 3);
	snprintf(path, sizeof(path), "%s/uploads", f->root);
	assert_int_equal(count_files(path), 0);
	assert_int_equal(stat(f->root, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
}

static void test_a_megabyte_in_odd_chunks_hashes_like_one_shot(void **state)
{
	struct fixture *f = *state;
	static const size_t chunks[] = {7, 65537, 4093, 1, 131071};
	const size_t len = MIB + 3;
	unsigned char *data = malloc(len);
	char id[SX_ID_LEN + 1], sha[65], sm3[65];
	struct blob_info info;
	uint64_t seed = 42;

	assert_non_null(data);
	fill(data, len, &seed);
	make_id(id, 2);
	assert_int_equal(blob_upload_create(f->bs, id, len, NULL), 0);
	write_range(f->bs, id, data, 0, len, len, chunks, 5);
	assert_int_equal(blob_upload_finish(&info, f->bs, id, NULL), 0);
	expect_hex(sha, CRYPTO_HASH_SHA256, data, len);
	expect_hex(sm3, CRYPTO_HASH_SM3, data, len);
	assert_string_equal(info.sha256, sha);
	assert_string_equal(info.sm3, sm3);
	assert_int_equal(info.size, len);
	free(data);
}

static void test_cancel_drops_unsynced_bytes_and_the_upload_resumes_from_the_durable_offset(
	void **state)
{
	struct fixture *f = *state;
	static const size_t chunks[] = {33};
	unsigned char data[300];
	char id[SX_ID_LEN + 1], path[256], sha[65], sm3[65];
	struct blob_upload *u = NULL;
	struct blob_info info;
	struct sx_error err = {0};
	struct stat st;
	uint64_t seed = 7, offset = 0, current = 0;

	fill(data, sizeof(data), &seed);
	make_id(id, 3);
	assert_int_equal(blob_upload_create(f->bs, id, sizeof(data), &err), 0);
	write_range(f->bs, id, data, 0, 100, sizeof(data), chunks, 1);

	/* A request that breaks off: 50 bytes written, never fsynced. */
	assert_int_equal(blob_upload_begin(&u, &current, f->bs, id, 100, sizeof(data), &err), 0);
	assert_int_equal(blob_upload_write(u, data + 100, 50, &err), 0);
	assert_int_equal(blob_upload_offset(&offset, f->bs, id, &err), 0);
	assert_int_equal(offset, 100); /* HEAD during the request: only durable bytes count */
	blob_upload_cancel(u);

	assert_int_equal(blob_upload_offset(&offset, f->bs, id, &err), 0);
	assert_int_equal(offset, 100);
	snprintf(path, sizeof(path), "%s/uploads/%s.part", f->root, id);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 100);

	/* The client that believes it sent 150 is told 100. */
	u = NULL;
	assert_int_equal(blob_upload_begin(&u, &current, f->bs, id, 150, sizeof(data), &err),
			 SX_ECONFLICT);
	assert_null(u);
	assert_string_equal(err.code, "offset_mismatch");
	assert_int_equal(current, 100);

	write_range(f->bs, id, data, 100, sizeof(data), sizeof(data), chunks, 1);
	assert_int_equal(blob_upload_finish(&info, f->bs, id, &err), 0);
	expect_hex(sha, CRYPTO_HASH_SHA256, data, sizeof(data));
	expect_hex(sm3, CRYPTO_HASH_SM3, data, sizeof(data));
	assert_string_equal(info.sha256, sha);
	assert_string_equal(info.sm3, sm3);
}

static void test_an_upload_resumes_after_a_restart_with_the_same_hashes_as_one_shot(void **state)
{
	struct fixture *f = *state;
	static const size_t chunks[] = {4099, 17};
	const size_t len = 3 * MIB + 5; /* re-hashing crosses several 1 MiB reads */
	unsigned char *data = malloc(len);
	char id[SX_ID_LEN + 1], sha[65], sm3[65];
	struct blob_info info;
	uint64_t seed = 9, offset = 0;

	assert_non_null(data);
	fill(data, len, &seed);
	make_id(id, 4);
	assert_int_equal(blob_upload_create(f->bs, id, len, NULL), 0);
	write_range(f->bs, id, data, 0, 2 * MIB + 1, len, chunks, 2);

	store_reopen(f, 0, 0);
	assert_int_equal(blob_upload_offset(&offset, f->bs, id, NULL), 0);
	assert_int_equal(offset, 2 * MIB + 1);
	write_range(f->bs, id, data, 2 * MIB + 1, len, len, chunks, 2);
	assert_int_equal(blob_upload_finish(&info, f->bs, id, NULL), 0);
	expect_hex(sha, CRYPTO_HASH_SHA256, data, len);
	expect_hex(sm3, CRYPTO_HASH_SM3, data, len);
	assert_string_equal(info.sha256, sha);
	assert_string_equal(info.sm3, sm3);

	/* A complete upload whose store restarted before finish is finished from disk. */
	make_id(id, 5);
	assert_int_equal(blob_upload_create(f->bs, id, len, NULL), 0);
	write_range(f->bs, id, data, 0, len, len, chunks, 2);
	store_reopen(f, 0, 0);
	assert_int_equal(blob_upload_finish(&info, f->bs, id, NULL), 0);
	assert_string_equal(info.sha256, sha);
	assert_string_equal(info.sm3, sm3);
	free(data);
}

static void test_a_wrong_offset_is_refused_and_told_the_durable_offset(void **state)
{
	struct fixture *f = *state;
	char id[SX_ID_LEN + 1];
	struct blob_upload *u = NULL;
	struct sx_error err = {0};
	uint64_t current = 99;

	make_id(id, 6);
	assert_int_equal(blob_upload_create(f->bs, id, 10, &err), 0);
	assert_int_equal(blob_upload_begin(&u, &current, f->bs, id, 5, 10, &err), SX_ECONFLICT);
	assert_null(u);
	assert_string_equal(err.code, "offset_mismatch");
	assert_int_equal(current, 0);

	/* A total that differs from the one declared at create is refused too. */
	assert_int_equal(blob_upload_begin(&u, &current, f->bs, id, 0, 11, &err), SX_EINVALID);
	assert_string_equal(err.code, "upload_size_mismatch");
	assert_int_equal(blob_upload_begin(&u, &current, f->bs, id, 0, 10, &err), 0);
	assert_int_equal(blob_upload_end(NULL, u, &err), 0);
}

static void test_a_second_writer_finisher_or_aborter_gets_upload_busy(void **state)
{
	struct fixture *f = *state;
	char id[SX_ID_LEN + 1];
	struct blob_upload *u = NULL, *other = NULL;
	struct blob_info info;
	struct sx_error err = {0};
	uint64_t offset = 0;

	make_id(id, 7);
	assert_int_equal(blob_upload_create(f->bs, id, 4, &err), 0);
	assert_int_equal(blob_upload_begin(&u, NULL, f->bs, id, 0, 4, &err), 0);
	assert_int_equal(blob_upload_begin(&other, NULL, f->bs, id, 0, 4, &err), SX_EBUSY);
	assert_null(other);
	assert_string_equal(err.code, "upload_busy");
	assert_int_equal(blob_upload_finish(&info, f->bs, id, &err), SX_EBUSY);
	assert_int_equal(blob_upload_abort(f->bs, id, &err), SX_EBUSY);
	assert_int_equal(blob_upload_write(u, "wxyz", 4, &err), 0);
	assert_int_equal(blob_upload_end(&offset, u, &err), 0);
	assert_int_equal(offset, 4);

	assert_int_equal(blob_upload_begin(&other, NULL, f->bs, id, 4, 4, &err), 0);
	blob_upload_cancel(other);
	assert_int_equal(blob_upload_finish(&info, f->bs, id, &err), 0);
}

static void test_sizes_over_the_limit_and_writes_past_the_size_are_refused(void **state)
{
	struct fixture *f = *state;
	char id[SX_ID_LEN + 1];
	struct blob_upload *u = NULL;
	struct blob_info info;
	struct sx_error err = {0};
	unsigned char data[16] = {0};
	uint64_t offset = 0;

	make_id(id, 8);
	assert_int_equal(blob_store_max_bytes(f->bs), BLOB_DEFAULT_MAX_BYTES);
	assert_int_equal(blob_upload_create(f->bs, id, BLOB_DEFAULT_MAX_BYTES + 1, &err),
			 SX_ETOOBIG);
	assert_string_equal(err.code, "upload_too_big");
	assert_non_null(strstr(err.message, "4 GiB"));
	assert_int_equal(blob_upload_create(f->bs, id, 0, &err), SX_ETOOBIG);

	store_reopen(f, 3 * MIB, 0);
	assert_int_equal(blob_upload_create(f->bs, id, 3 * MIB + 1, &err), SX_ETOOBIG);
	assert_non_null(strstr(err.message, "3 MiB"));
	assert_int_equal(blob_put_bytes(&info, f->bs, data, 0, &err), SX_EINVALID);
	assert_string_equal(err.code, "blob_empty");

	/* 10 declared; 8 written, then a write of 3 is refused whole. */
	assert_int_equal(blob_upload_create(f->bs, id, 10, &err), 0);
	assert_int_equal(blob_upload_begin(&u, NULL, f->bs, id, 0, 10, &err), 0);
	assert_int_equal(blob_upload_write(u, data, 8, &err), 0);
	assert_int_equal(blob_upload_write(u, data, 3, &err), SX_ETOOBIG);
	assert_string_equal(err.code, "upload_too_long");
	assert_int_equal(blob_upload_end(&offset, u, &err), 0);
	assert_int_equal(offset, 8);
	assert_int_equal(blob_upload_finish(&info, f->bs, id, &err), SX_ECONFLICT);
	assert_string_equal(err.code, "upload_incomplete");
}

static void test_put_refuses_a_source_longer_than_the_limit(void **state)
{
	struct fixture *f = *state;
	unsigned char *data = calloc(1, MIB + 1);
	char path[256];
	struct blob_info info;
	struct sx_error err = {0};
	int fd;

	assert_non_null(data);
	store_reopen(f, MIB, 0);
	assert_int_equal(blob_put_bytes(&info, f->bs, data, MIB + 1, &err), SX_ETOOBIG);
	snprintf(path, sizeof(path), "%s/src", f->dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, MIB + 1), (ssize_t)(MIB + 1));
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(blob_put_fd(&info, f->bs, fd, &err), SX_ETOOBIG);
	assert_string_equal(err.code, "upload_too_big");
	close(fd);
	snprintf(path, sizeof(path), "%s/tmp", f->root);
	assert_int_equal(count_files(path), 0); /* nothing left behind */
	snprintf(path, sizeof(path), "%s/sha256", f->root);
	assert_int_equal(count_files(path), 0);
	free(data);
}

static void test_the_same_content_uploaded_twice_is_stored_once(void **state)
{
	struct fixture *f = *state;
	static const size_t chunks[] = {5};
	const unsigned char data[] = "the same photo, sent twice";
	char id1[SX_ID_LEN + 1], id2[SX_ID_LEN + 1], path[256], dir[256];
	struct blob_info a, b, c;
	struct stat st;

	make_id(id1, 9);
	make_id(id2, 10);
	assert_int_equal(blob_upload_create(f->bs, id1, sizeof(data), NULL), 0);
	assert_int_equal(blob_upload_create(f->bs, id2, sizeof(data), NULL), 0);
	write_range(f->bs, id1, data, 0, sizeof(data), sizeof(data), chunks, 1);
	write_range(f->bs, id2, data, 0, sizeof(data), sizeof(data), chunks, 1);
	assert_int_equal(blob_upload_finish(&a, f->bs, id1, NULL), 0);
	blob_file_path(path, sizeof(path), f, a.sha256);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(blob_upload_finish(&b, f->bs, id2, NULL), 0);
	assert_int_equal(blob_put_bytes(&c, f->bs, data, sizeof(data), NULL), 0);
	assert_string_equal(a.sha256, b.sha256);
	assert_string_equal(a.sm3, b.sm3);
	assert_string_equal(a.sha256, c.sha256);

	snprintf(dir, sizeof(dir), "%s/sha256/%.2s/%.2s", f->root, a.sha256, a.sha256 + 2);
	assert_int_equal(count_files(dir), 1);
	{
		struct stat again;

		/* The first file stayed: same inode, one link. */
		assert_int_equal(stat(path, &again), 0);
		assert_int_equal(again.st_ino, st.st_ino);
		assert_int_equal(again.st_nlink, 1);
	}
	snprintf(dir, sizeof(dir), "%s/uploads", f->root);
	assert_int_equal(count_files(dir), 0);
	snprintf(dir, sizeof(dir), "%s/tmp", f->root);
	assert_int_equal(count_files(dir), 0);
}

static void test_verify_detects_a_flipped_byte(void **state)
{
	struct fixture *f = *state;
	unsigned char data[5000];
	char path[256], stored[65];
	struct blob_info info, check;
	struct sx_error err = {0};
	uint64_t seed = 11;
	unsigned char byte;
	int fd;

	fill(data, sizeof(data), &seed);
	assert_int_equal(blob_put_bytes(&info, f->bs, data, sizeof(data), &err), 0);
	assert_int_equal(blob_verify(&check, f->bs, info.sha256, &err), 0);
	assert_string_equal(check.sha256, info.sha256);
	assert_string_equal(check.sm3, info.sm3);
	assert_int_equal(check.size, sizeof(data));

	memcpy(stored, info.sha256, sizeof(stored));
	blob_file_path(path, sizeof(path), f, stored);
	assert_int_equal(chmod(path, 0640), 0);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	byte = data[4321] ^ 0x01;
	assert_int_equal(pwrite(fd, &byte, 1, 4321), 1);
	close(fd);

	assert_int_equal(blob_verify(&check, f->bs, stored, &err), SX_ECORRUPT);
	assert_string_equal(err.code, "blob_corrupt");
	assert_string_not_equal(check.sha256, stored);
	assert_string_not_equal(check.sm3, info.sm3);
}

static void test_ids_and_hashes_that_could_leave_the_root_are_refused(void **state)
{
	struct fixture *f = *state;
	static const char *const bad_ids[] = {
		"../../../../../../etc/pass", /* 26 characters */
		"../AAAAAAAAAAAAAAAAAAAAAAA",
		"01HZX3K4M5N6P7Q8R9S0T1V2W/",
		"01hzx3k4m5n6p7q8r9s0t1v2w3", /* lower case */
		"01HZX3K4M5N6P7Q8R9S0T1V2W",  /* 25 */
		"01HZX3K4M5N6P7Q8R9S0T1V2W3A", /* 27 */
		"",
		NULL,
	};
	static const char *const bad_hashes[] = {
		"../../../../../../../../../../../../../../../../../../etc/passwd",
		"BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a",
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0",
		"ba/816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		NULL,
	};
	struct blob_upload *u = NULL;
	struct blob_info info;
	struct sx_error err = {0};
	char rel[BLOB_RELATIVE_PATH_MAX];
	uint64_t offset;
	bool exists;
	int fd = 0;

	for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
		const char *id = bad_ids[i];

		assert_int_equal(blob_upload_create(f->bs, id, 1, &err), SX_EINVALID);
		assert_string_equal(err.code, "bad_upload_id");
		assert_int_equal(blob_upload_offset(&offset, f->bs, id, &err), SX_EINVALID);
		assert_int_equal(blob_upload_begin(&u, NULL, f->bs, id, 0, 1, &err), SX_EINVALID);
		assert_string_equal(err.code, "bad_upload_id");
		assert_int_equal(blob_upload_finish(&info, f->bs, id, &err), SX_EINVALID);
		assert_int_equal(blob_upload_abort(f->bs, id, &err), SX_EINVALID);
	}
	for (size_t i = 0; i < sizeof(bad_hashes) / sizeof(bad_hashes[0]); i++) {
		const char *h = bad_hashes[i];

		assert_int_equal(blob_open(&fd, &offset, f->bs, h, &err), SX_EINVALID);
		assert_string_equal(err.code, "bad_hash");
		assert_int_equal(fd, -1);
		assert_int_equal(blob_exists(&exists, f->bs, h, &err), SX_EINVALID);
		assert_int_equal(blob_verify(&info, f->bs, h, &err), SX_EINVALID);
		assert_int_equal(blob_delete(f->bs, h, &err), SX_EINVALID);
		assert_int_equal(blob_relative_path(rel, sizeof(rel), h, &err), SX_EINVALID);
	}
	assert_int_equal(blob_relative_path(rel, sizeof(rel), SHA256_ABC_HEX, &err), 0);
	assert_string_equal(rel, "sha256/ba/78/" SHA256_ABC_HEX);
	assert_int_equal(blob_relative_path(rel, sizeof(rel) - 1, SHA256_ABC_HEX, &err),
			 SX_ETOOBIG);
	assert_string_equal(rel, "");
}

static void test_open_gives_the_bytes_and_size_and_delete_removes_the_blob(void **state)
{
	struct fixture *f = *state;
	const char text[] = "现场照片 photo bytes";
	char back[sizeof(text)];
	struct blob_info info;
	struct sx_error err = {0};
	uint64_t size = 0;
	bool exists = false;
	int fd = -1;

	assert_int_equal(blob_put_bytes(&info, f->bs, text, sizeof(text), &err), 0);
	assert_int_equal(info.size, sizeof(text));
	assert_int_equal(blob_exists(&exists, f->bs, info.sha256, &err), 0);
	assert_true(exists);
	assert_int_equal(blob_open(&fd, &size, f->bs, info.sha256, &err), 0);
	assert_int_equal(size, sizeof(text));
	assert_int_equal(read(fd, back, sizeof(back)), (ssize_t)sizeof(back));
	assert_memory_equal(back, text, sizeof(text));
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);

	assert_int_equal(blob_delete(f->bs, info.sha256, &err), 0);
	assert_int_equal(blob_exists(&exists, f->bs, info.sha256, &err), 0);
	assert_false(exists);
	assert_int_equal(blob_open(&fd, &size, f->bs, info.sha256, &err), SX_ENOTFOUND);
	assert_string_equal(err.code, "blob_not_found");
	assert_int_equal(fd, -1);
	assert_int_equal(blob_delete(f->bs, info.sha256, &err), SX_ENOTFOUND);
	assert_int_equal(blob_delete(f->bs, SHA256_ABC_HEX, &err), SX_ENOTFOUND);
	assert_int_equal(blob_verify(&info, f->bs, SHA256_ABC_HEX, &err), SX_ENOTFOUND);
}

static void test_put_fd_streams_a_file_and_refuses_an_empty_one(void **state)
{
	struct fixture *f = *state;
	const size_t len = 2 * MIB + 77;
	unsigned char *data = malloc(len);
	char path[256], sha[65], sm3[65];
	struct blob_info info;
	struct sx_error err = {0};
	uint64_t seed = 13;
	int fd;

	assert_non_null(data);
	fill(data, len, &seed);
	snprintf(path, sizeof(path), "%s/src", f->dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(blob_put_fd(&info, f->bs, fd, &err), 0);
	expect_hex(sha, CRYPTO_HASH_SHA256, data, len);
	expect_hex(sm3, CRYPTO_HASH_SM3, data, len);
	assert_string_equal(info.sha256, sha);
	assert_string_equal(info.sm3, sm3);
	assert_int_equal(info.size, len);
	/* At end of file now: nothing left to read is an empty blob. */
	assert_int_equal(blob_put_fd(&info, f->bs, fd, &err), SX_EINVALID);
	assert_string_equal(err.code, "blob_empty");
	close(fd);
	assert_int_equal(blob_put_fd(&info, f->bs, -1, &err), SX_EINVALID);
	free(data);
}

static void test_with_one_slot_an_evicted_upload_is_rehashed_and_hashes_correctly(void **state)
{
	struct fixture *f = *state;
	static const size_t chunks[] = {1000};
	unsigned char a[7000], b[5000];
	char ida[SX_ID_LEN + 1], idb[SX_ID_LEN + 1], sha[65], sm3[65];
	struct blob_upload *u = NULL, *other = NULL;
	struct blob_info info;
	struct sx_error err = {0};
	uint64_t seed = 17;

	fill(a, sizeof(a), &seed);
	fill(b, sizeof(b), &seed);
	store_reopen(f, 0, 1);
	make_id(ida, 11);
	make_id(idb, 12);
	assert_int_equal(blob_upload_create(f->bs, ida, sizeof(a), NULL), 0);
	assert_int_equal(blob_upload_create(f->bs, idb, sizeof(b), NULL), 0);
	write_range(f->bs, ida, a, 0, 3000, sizeof(a), chunks, 1);
	write_range(f->bs, idb, b, 0, 2000, sizeof(b), chunks, 1); /* evicts a's state */

	/* The one slot is taken while b's handle is out. */
	assert_int_equal(blob_upload_begin(&u, NULL, f->bs, idb, 2000, sizeof(b), &err), 0);
	assert_int_equal(blob_upload_begin(&other, NULL, f->bs, ida, 3000, sizeof(a), &err),
			 SX_EBUSY);
	assert_string_equal(err.code, "too_many_uploads");
	assert_int_equal(blob_upload_write(u, b + 2000, 1000, &err), 0);
	assert_int_equal(blob_upload_end(NULL, u, &err), 0);

	write_range(f->bs, ida, a, 3000, sizeof(a), sizeof(a), chunks, 1); /* re-hash a, evict b */
	write_range(f->bs, idb, b, 3000, sizeof(b), sizeof(b), chunks, 1);
	assert_int_equal(blob_upload_finish(&info, f->bs, ida, NULL), 0);
	expect_hex(sha, CRYPTO_HASH_SHA256, a, sizeof(a));
	expect_hex(sm3, CRYPTO_HASH_SM3, a, sizeof(a));
	assert_string_equal(info.sha256, sha);
	assert_string_equal(info.sm3, sm3);
	assert_int_equal(blob_upload_finish(&info, f->bs, idb, NULL), 0);
	expect_hex(sha, CRYPTO_HASH_SHA256, b, sizeof(b));
	expect_hex(sm3, CRYPTO_HASH_SM3, b, sizeof(b));
	assert_string_equal(info.sha256, sha);
	assert_string_equal(info.sm3, sm3);
}

static void test_a_64_mib_upload_in_1_mib_chunks_hashes_correctly(void **state)
{
	struct fixture *f = *state;
	const size_t total = 64 * MIB;
	unsigned char *chunk = malloc(MIB);
	unsigned char digest[CRYPTO_HASH_MAX_BYTES];
	struct crypto_hasher *ref256 = NULL, *refsm3 = NULL;
	char id[SX_ID_LEN + 1], sha[65], sm3[65];
	struct blob_upload *u = NULL;
	struct blob_info info;
	struct sx_error err = {0};
	uint64_t seed = 19, offset = 0;
	struct timespec t0, t1;
	double seconds;

	assert_non_null(chunk);
	assert_int_equal(crypto_hasher_new(&ref256, CRYPTO_HASH_SHA256), 0);
	assert_int_equal(crypto_hasher_new(&refsm3, CRYPTO_HASH_SM3), 0);
	make_id(id, 13);
	assert_int_equal(blob_upload_create(f->bs, id, total, &err), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(blob_upload_begin(&u, NULL, f->bs, id, 0, total, &err), 0);
	for (size_t done = 0; done < total; done += MIB) {
		fill(chunk, MIB, &seed);
		assert_int_equal(crypto_hasher_update(ref256, chunk, MIB), 0);
		assert_int_equal(crypto_hasher_update(refsm3, chunk, MIB), 0);
		assert_int_equal(blob_upload_write(u, chunk, MIB, &err), 0);
	}
	assert_int_equal(blob_upload_end(&offset, u, &err), 0);
	assert_int_equal(offset, total);
	assert_int_equal(blob_upload_finish(&info, f->bs, id, &err), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);

	assert_int_equal(crypto_hasher_final(ref256, digest), 0);
	for (size_t i = 0; i < 32; i++)
		snprintf(sha + 2 * i, 3, "%02x", digest[i]);
	assert_int_equal(crypto_hasher_final(refsm3, digest), 0);
	for (size_t i = 0; i < 32; i++)
		snprintf(sm3 + 2 * i, 3, "%02x", digest[i]);
	assert_string_equal(info.sha256, sha);
	assert_string_equal(info.sm3, sm3);
	assert_int_equal(info.size, total);
	seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_message("64 MiB upload (generate + reference hashes + store): %.2f s\n", seconds);
	crypto_hasher_free(ref256);
	crypto_hasher_free(refsm3);
	free(chunk);
}

struct parallel_job {
	struct blob_store *bs;
	unsigned n;        /* upload number, also the seed */
	int rc;            /* first failure, 0 when all went well */
	char sha256[65];   /* expected */
	char got[65];      /* from finish */
};

static void *parallel_upload(void *arg)
{
	struct parallel_job *job = arg;
	const size_t len = 256 * 1024 + job->n;
	unsigned char *data = malloc(len);
	char id[SX_ID_LEN + 1];
	struct blob_upload *u = NULL;
	struct blob_info info;
	uint64_t seed = 1000 + job->n;

	job->rc = SX_ENOMEM;
	if (data == NULL)
		return NULL;
	fill(data, len, &seed);
	crypto_hash_hex(job->sha256, CRYPTO_HASH_SHA256, data, len);
	make_id(id, 100 + job->n);
	if ((job->rc = blob_upload_create(job->bs, id, len, NULL)) < 0)
		goto done;
	for (size_t pos = 0; pos < len;) {
		size_t n = len - pos < 100000 ? len - pos : 100000;

		if ((job->rc = blob_upload_begin(&u, NULL, job->bs, id, pos, len, NULL)) < 0)
			goto done;
		for (size_t i = 0; i < n; i += 7777) {
			size_t piece = n - i < 7777 ? n - i : 7777;

			if ((job->rc = blob_upload_write(u, data + pos + i, piece, NULL)) < 0) {
				blob_upload_cancel(u);
				goto done;
			}
		}
		if ((job->rc = blob_upload_end(NULL, u, NULL)) < 0)
			goto done;
		pos += n;
	}
	if ((job->rc = blob_upload_finish(&info, job->bs, id, NULL)) < 0)
		goto done;
	memcpy(job->got, info.sha256, sizeof(job->got));
done:
	free(data);
	return NULL;
}

static void test_parallel_uploads_of_different_files_each_hash_correctly(void **state)
{
	struct fixture *f = *state;
	struct parallel_job jobs[6];
	pthread_t threads[6];

	store_reopen(f, 0, 6); /* every upload keeps its state; none waits for a slot */
	for (unsigned i = 0; i < 6; i++) {
		jobs[i] = (struct parallel_job){.bs = f->bs, .n = i};
		assert_int_equal(pthread_create(&threads[i], NULL, parallel_upload, &jobs[i]), 0);
	}
	for (unsigned i = 0; i < 6; i++) {
		assert_int_equal(pthread_join(threads[i], NULL), 0);
		assert_int_equal(jobs[i].rc, 0);
		assert_string_equal(jobs[i].got, jobs[i].sha256);
	}
}

static void test_a_full_disk_is_reported_as_disk_full(void **state)
{
	struct fixture *f = *state;
	char id[SX_ID_LEN + 1], path[256];
	struct blob_upload *u = NULL;
	struct sx_error err = {0};
	uint64_t offset = 0;

	make_id(id, 14);
	assert_int_equal(blob_upload_create(f->bs, id, 100, &err), 0);
	/* The part replaced by /dev/full: every write fails with ENOSPC. */
	snprintf(path, sizeof(path), "%s/uploads/%s.part", f->root, id);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(symlink("/dev/full", path), 0);
	assert_int_equal(blob_upload_begin(&u, NULL, f->bs, id, 0, 100, &err), 0);
	assert_int_equal(blob_upload_write(u, "evidence", 8, &err), SX_ENOSPC);
	assert_string_equal(err.code, "disk_full");
	assert_string_equal(err.message, "服务器存储空间不足，请稍后重试");
	blob_upload_cancel(u);
	assert_int_equal(blob_upload_offset(&offset, f->bs, id, &err), 0);
	assert_int_equal(offset, 0);
	assert_int_equal(blob_upload_abort(f->bs, id, &err), 0);
	assert_int_equal(blob_upload_offset(&offset, f->bs, id, &err), SX_ENOTFOUND);
}

static void test_end_after_a_partial_write_keeps_the_whole_writes_before_it(void **state)
{
	struct fixture *f = *state;
	unsigned char data[4096 * 3];
	char id[SX_ID_LEN + 1], sha[65];
	struct blob_upload *u = NULL;
	struct blob_info info;
	struct sx_error err = {0};
	struct rlimit old, small;
	uint64_t seed = 23, offset = 0;
	void (*old_handler)(int);

	fill(data, sizeof(data), &seed);
	make_id(id, 15);
	assert_int_equal(blob_upload_create(f->bs, id, sizeof(data), &err), 0);
	assert_int_equal(blob_upload_begin(&u, NULL, f->bs, id, 0, sizeof(data), &err), 0);
	assert_int_equal(blob_upload_write(u, data, 4096, &err), 0);

	/* A file size limit of 6000 bytes: the next 4096-byte write lands only in part (EFBIG). */
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = 6000;
	old_handler = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	assert_int_equal(blob_upload_write(u, data + 4096, 4096, &err), SX_EIO);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, old_handler);
	assert_string_equal(err.code, "blob_io_failed");

	assert_int_equal(blob_upload_end(&offset, u, &err), 0);
	assert_int_equal(offset, 4096);
	write_range(f->bs, id, data, 4096, sizeof(data), sizeof(data), (const size_t[]){4096}, 1);
	assert_int_equal(blob_upload_finish(&info, f->bs, id, &err), 0);
	expect_hex(sha, CRYPTO_HASH_SHA256, data, sizeof(data));
	assert_string_equal(info.sha256, sha);
}

static void test_create_twice_abort_and_unknown_uploads(void **state)
{
	struct fixture *f = *state;
	char id[SX_ID_LEN + 1], path[256];
	struct blob_upload *u = NULL;
	struct blob_info info;
	struct sx_error err = {0};
	uint64_t offset = 0;

	make_id(id, 16);
	assert_int_equal(blob_upload_offset(&offset, f->bs, id, &err), SX_ENOTFOUND);
	assert_string_equal(err.code, "upload_not_found");
	assert_int_equal(blob_upload_begin(&u, NULL, f->bs, id, 0, 5, &err), SX_ENOTFOUND);
	assert_int_equal(blob_upload_finish(&info, f->bs, id, &err), SX_ENOTFOUND);
	assert_int_equal(blob_upload_abort(f->bs, id, &err), SX_ENOTFOUND);

	assert_int_equal(blob_upload_create(f->bs, id, 5, &err), 0);
	assert_int_equal(blob_upload_create(f->bs, id, 5, &err), SX_EEXISTS);
	assert_string_equal(err.code, "upload_exists");
	assert_int_equal(blob_upload_offset(&offset, f->bs, id, &err), 0);
	assert_int_equal(offset, 0);
	assert_int_equal(blob_upload_abort(f->bs, id, &err), 0);
	snprintf(path, sizeof(path), "%s/uploads", f->root);
	assert_int_equal(count_files(path), 0);
	assert_int_equal(blob_upload_begin(&u, NULL, f->bs, id, 0, 5, &err), SX_ENOTFOUND);
}

static void test_open_reports_allocation_failure_and_leaves_nothing_open(void **state)
{
	struct fixture *f = *state;
	struct blob_store_options opt = {.root = f->root};
	struct blob_store *bs = (struct blob_store *)state; /* must be overwritten */
	struct sx_error err = {0};
	long n;
	int rc;

	for (n = 0;; n++) {
		sx_mem_fail_after(n);
		rc = blob_store_open(&bs, &opt, &err);
		sx_mem_fail_after(-1);
		if (rc == 0)
			break;
		assert_int_equal(rc, SX_ENOMEM);
		assert_null(bs);
	}
	assert_true(n >= 3); /* store, root copy, table */
	blob_store_close(bs);
	assert_int_equal(blob_store_open(&bs, NULL, &err), SX_EINVALID);
	opt.max_open = BLOB_MAX_OPEN_LIMIT + 1;
	assert_int_equal(blob_store_open(&bs, &opt, &err), SX_EINVALID);
	assert_string_equal(err.code, "bad_blob_options");
}

static void test_create_allocates_nothing(void **state)
{
	struct fixture *f = *state;
	char id[SX_ID_LEN + 1];
	void *p;

	make_id(id, 17);
	sx_mem_fail_after(0);
	assert_int_equal(blob_upload_create(f->bs, id, 10, NULL), 0);
	p = sx_malloc(1); /* the countdown is still armed: create took nothing from it */
	sx_mem_fail_after(-1);
	assert_null(p);
}

static void test_begin_reports_allocation_failure_and_the_upload_stays_usable(void **state)
{
	struct fixture *f = *state;
	static const size_t chunks[] = {999};
	unsigned char data[6000];
	char id[SX_ID_LEN + 1], sha[65];
	struct blob_upload *u = NULL;
	struct blob_info info;
	struct sx_error err = {0};
	uint64_t seed = 29, offset = 0, current = 0;
	long n;
	int rc;

	fill(data, sizeof(data), &seed);
	make_id(id, 18);
	assert_int_equal(blob_upload_create(f->bs, id, sizeof(data), NULL), 0);
	write_range(f->bs, id, data, 0, 2500, sizeof(data), chunks, 1);
	store_reopen(f, 0, 0); /* so that begin re-hashes: handle, two hashers, a buffer */

	for (n = 0;; n++) {
		sx_mem_fail_after(n);
		rc = blob_upload_begin(&u, &current, f->bs, id, 2500, sizeof(data), &err);
		sx_mem_fail_after(-1);
		if (rc == 0)
			break;
		assert_int_equal(rc, SX_ENOMEM);
		assert_null(u);
		assert_int_equal(blob_upload_offset(&offset, f->bs, id, &err), 0);
		assert_int_equal(offset, 2500);
	}
	assert_true(n >= 4);
	assert_int_equal(blob_upload_write(u, data + 2500, sizeof(data) - 2500, &err), 0);
	assert_int_equal(blob_upload_end(&offset, u, &err), 0);

	/* finish after a restart re-hashes too, and fails cleanly without memory. */
	store_reopen(f, 0, 0);
	sx_mem_fail_after(0);
	rc = blob_upload_finish(&info, f->bs, id, &err);
	sx_mem_fail_after(-1);
	assert_int_equal(rc, SX_ENOMEM);
	assert_int_equal(blob_upload_finish(&info, f->bs, id, &err), 0);
	expect_hex(sha, CRYPTO_HASH_SHA256, data, sizeof(data));
	assert_string_equal(info.sha256, sha);
}

static void test_put_reports_allocation_failure_and_stores_nothing(void **state)
{
	struct fixture *f = *state;
	const char text[] = "scan of a decision";
	char path[256];
	struct blob_info info;
	struct sx_error err = {0};
	bool exists = true;
	long n;
	int rc;

	for (n = 0;; n++) {
		sx_mem_fail_after(n);
		rc = blob_put_bytes(&info, f->bs, text, sizeof(text), &err);
		sx_mem_fail_after(-1);
		if (rc == 0)
			break;
		assert_int_equal(rc, SX_ENOMEM);
		snprintf(path, sizeof(path), "%s/tmp", f->root);
		assert_int_equal(count_files(path), 0);
	}
	assert_true(n >= 2);
	assert_int_equal(blob_exists(&exists, f->bs, info.sha256, &err), 0);
	assert_true(exists);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_abc_written_in_odd_chunks_has_the_published_sha256_and_sm3),
		T(test_a_megabyte_in_odd_chunks_hashes_like_one_shot),
		T(test_cancel_drops_unsynced_bytes_and_the_upload_resumes_from_the_durable_offset),
		T(test_an_upload_resumes_after_a_restart_with_the_same_hashes_as_one_shot),
		T(test_a_wrong_offset_is_refused_and_told_the_durable_offset),
		T(test_a_second_writer_finisher_or_aborter_gets_upload_busy),
		T(test_sizes_over_the_limit_and_writes_past_the_size_are_refused),
		T(test_put_refuses_a_source_longer_than_the_limit),
		T(test_the_same_content_uploaded_twice_is_stored_once),
		T(test_verify_detects_a_flipped_byte),
		T(test_ids_and_hashes_that_could_leave_the_root_are_refused),
		T(test_open_gives_the_bytes_and_size_and_delete_removes_the_blob),
		T(test_put_fd_streams_a_file_and_refuses_an_empty_one),
		T(test_with_one_slot_an_evicted_upload_is_rehashed_and_hashes_correctly),
		T(test_a_64_mib_upload_in_1_mib_chunks_hashes_correctly),
		T(test_parallel_uploads_of_different_files_each_hash_correctly),
		T(test_a_full_disk_is_reported_as_disk_full),
		T(test_end_after_a_partial_write_keeps_the_whole_writes_before_it),
		T(test_create_twice_abort_and_unknown_uploads),
		T(test_open_reports_allocation_failure_and_leaves_nothing_open),
		T(test_create_allocates_nothing),
		T(test_begin_reports_allocation_failure_and_the_upload_stays_usable),
		T(test_put_reports_allocation_failure_and_stores_nothing),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
