/*
 * fuzz/driver_replay — runs a libFuzzer target without libFuzzer, so that
 * ctest replays each corpus in the normal (gcc) build and old crashes stay
 * fixed.
 *
 * Usage: driver_replay PATH... — every PATH that is a regular file, and
 * every regular file directly inside a PATH that is a directory (names
 * starting with '.' skipped), is read whole into a buffer of exactly its size
 * and passed once to LLVMFuzzerTestOneInput. Link it with one target's .c.
 *
 * Exit 0 after at least one input; 1 when a path cannot be read, a file is
 * larger than REPLAY_MAX_FILE_BYTES, or there was nothing to replay (a wrong
 * path must not pass silently). A target that finds a bug aborts, which
 * ctest reports as a failure.
 *
 * What it does not do: no mutation, no recursion into subdirectories, no
 * ordering promise.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Corpus files are small seeds and found crashes; anything bigger is a mistake. */
#define REPLAY_MAX_FILE_BYTES ((size_t)64 * 1024 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Feeds one file to the target. Returns 0, or -1 after printing why it could not. */
static int replay_file(const char *path)
{
	FILE *f = NULL;
	struct stat st;
	uint8_t *data = NULL;
	size_t size;
	int rc = -1;

	f = fopen(path, "rb");
	if (f == NULL || fstat(fileno(f), &st) != 0) {
		fprintf(stderr, "driver_replay: %s: %s\n", path, strerror(errno));
		goto cleanup;
	}
	if (st.st_size < 0 || (uintmax_t)st.st_size > REPLAY_MAX_FILE_BYTES) {
		fprintf(stderr, "driver_replay: %s: larger than %zu bytes\n", path,
			REPLAY_MAX_FILE_BYTES);
		goto cleanup;
	}
	size = (size_t)st.st_size;
	/* Exactly size bytes, so that ASan sees a read past the end. */
	data = malloc(size ? size : 1);
	if (data == NULL) {
		fprintf(stderr, "driver_replay: %s: out of memory\n", path);
		goto cleanup;
	}
	if (size > 0 && fread(data, 1, size, f) != size) {
		fprintf(stderr, "driver_replay: %s: short read\n", path);
		goto cleanup;
	}
	LLVMFuzzerTestOneInput(data, size);
	rc = 0;
cleanup:
	free(data);
	if (f != NULL)
		fclose(f);
	return rc;
}

/* Replays the regular files directly in dir, adding to *count. Returns 0 or -1. */
static int replay_dir(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (d == NULL) {
		fprintf(stderr, "driver_replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		struct stat st;
		int n;

		if (e->d_name[0] == '.')
			continue;
		n = snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (n < 0 || (size_t)n >= sizeof(path)) {
			fprintf(stderr, "driver_replay: %s/%s: path too long\n", dir, e->d_name);
			rc = -1;
			continue;
		}
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (replay_file(path) < 0) {
			rc = -1;
			continue;
		}
		(*count)++;
	}
	closedir(d);
	return rc;
}

int main(int argc, char **argv)
{
	size_t count = 0;
	int rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "driver_replay: %s: %s\n", argv[i], strerror(errno));
			rc = 1;
		} else if (S_ISDIR(st.st_mode)) {
			if (replay_dir(argv[i], &count) < 0)
				rc = 1;
		} else if (replay_file(argv[i]) < 0) {
			rc = 1;
		} else {
			count++;
		}
	}
	if (count == 0) {
		fprintf(stderr, "driver_replay: nothing to replay\n");
		rc = 1;
	}
	printf("driver_replay: %zu inputs replayed\n", count);
	return rc;
}
