/*
 * search/zhnorm — the search form of Chinese text for the public decision
 * portal's full-text search (issue 9 item 5): a traditional query finds
 * simplified decisions and the reverse, on SQLite (FTS5 trigram over the
 * normalized text) and PostgreSQL (a GIN-indexed text[] of grams, see
 * zhnorm_grams) alike.
 *
 * The search form of a text (zhnorm_text) is, in this order of concern:
 *   - traditional → simplified by OpenCC with the given configuration
 *     (default "t2s.json": TSPhrases then TSCharacters);
 *   - full-width ASCII letters and digits (U+FF10..FF19, U+FF21..FF3A,
 *     U+FF41..FF5A) → their ASCII forms; full-width punctuation is kept;
 *   - ASCII letters → lower case (nothing else is case-folded);
 *   - every run of white space (ASCII \t \n \v \f \r and space, U+0085,
 *     U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F,
 *     U+3000) and of C0/C1 control characters → one ASCII space; leading
 *     and trailing space is dropped.
 *
 * Invariants:
 *   - Apart from the white-space collapsing, the search form has exactly one
 *     character per character of the input, so an offset counted in
 *     characters maps back to the original (zhnorm_highlight relies on it).
 *     OpenCC converts phrase by phrase; the dictionaries of t2s.json
 *     (OpenCC 1.1.6: 277 phrases, 4113 characters) map every key to a value
 *     of the same number of characters (checked by reading every entry of
 *     the .ocd2 files), so t2s never changes the count. Other configurations
 *     may (tw2sp.json rewrites words): whenever the converted text has a
 *     different number of characters, the module converts that text again
 *     character by character and keeps a character unchanged where its own
 *     conversion is not exactly one character. The invariant therefore holds
 *     for any configuration.
 *   - Normalizing is idempotent for t2s.json (simplified text stays as it is).
 *
 * Threads: a struct zhnorm may be shared by any number of threads once it is
 * open. OpenCC's conversion functions are const all the way down (Converter,
 * MaxMatchSegmentation, DictGroup, MarisaDict: each lookup uses its own
 * marisa::Agent on a trie that is read-only after loading; see OpenCC
 * src/SimpleConverter.cpp, src/Converter.cpp, src/MarisaDict.cpp), and the
 * header says opencc_error() is the only function that is not thread-safe.
 * That function reads a process-wide string which OpenCC also writes when
 * opencc_open fails, or when a conversion throws (which this module avoids
 * by validating UTF-8 first). Hence zhnorm_open must not run concurrently
 * with another zhnorm_open (open at start-up), and no lock is needed.
 *
 * Memory: our allocations go through base/mem (sx_malloc). OpenCC allocates
 * with C++ new, outside the test hook; its out-of-memory (std::bad_alloc) is
 * not caught by OpenCC's C API and ends the process, as at start-up.
 *
 * What it does not do: no word segmentation, no variant folding beyond
 * OpenCC's table (e.g. 乾隆 stays 乾隆 while 乾燥 becomes 干燥, so a one-character
 * query 乾 is converted as 干), no Unicode case folding outside ASCII, no
 * NFKC (only the full-width letters and digits above).
 */
#ifndef SX_SEARCH_ZHNORM_H
#define SX_SEARCH_ZHNORM_H

#include <stddef.h>

#include "base/buf.h"
#include "base/error.h"

/* Largest text accepted by every function here, in bytes (4 MiB). */
#define ZHNORM_TEXT_MAX_BYTES ((size_t)4 * 1024 * 1024)

/* An open converter; opaque. Shareable between threads (see above). */
struct zhnorm;

/*
 * Opens a converter. config: an OpenCC configuration file name, looked up as
 * given and then in OpenCC's data directory (/usr/share/opencc); NULL means
 * "t2s.json". On success *out receives the converter, which the caller closes
 * with zhnorm_close. Errors (*out = NULL): SX_EINVALID (out NULL),
 * SX_ENOMEM, SX_EINTERNAL "zhnorm_unavailable" when OpenCC cannot load the
 * configuration or its dictionaries (the detail names the file and OpenCC's
 * reason). Must not run concurrently with another zhnorm_open.
 */
int zhnorm_open(struct zhnorm **out, const char *config, struct sx_error *err);

/* Closes z and frees it. z may be NULL. */
void zhnorm_close(struct zhnorm *z);

/*
 * The search form of text[0..len) (see above). On success *out receives a
 * NUL-terminated string the caller frees with sx_free, *out_len (out_len may
 * be NULL) its length in bytes; an empty or blank text gives "".
 * Errors (*out = NULL): SX_EINVALID "invalid" (NULL argument), SX_EINVALID
 * "bad_text" (not well-formed UTF-8), SX_ETOOBIG (len > ZHNORM_TEXT_MAX_BYTES),
 * SX_ENOMEM, SX_EINTERNAL (OpenCC failed; detail has its reason).
 */
int zhnorm_text(char **out, size_t *out_len, const struct zhnorm *z, const char *text, size_t len,
                struct sx_error *err);

/*
 * The index terms of a normalized text (the output of zhnorm_text), for the
 * PostgreSQL backend: a document stores its grams in a GIN-indexed text[]
 * and a query matches with `grams @> query_grams`, which is exact
 * (pg_trgm is not used: its handling of CJK depends on the cluster's locale).
 *
 * Terms: the text is split into runs of word characters; spaces and
 * punctuation end a run: white space and control characters, ASCII
 * punctuation and symbols, U+00A1..U+00BF, U+00D7, U+00F7, U+2010..U+206F,
 * the symbol blocks U+2190..U+2BFF (arrows to misc. symbols: ○ □ √ ×),
 * U+3001..U+3004, U+3008..U+3020, U+3030, U+303D..U+303F (so 々 and the 〇
 * of 二〇二四年 are word characters), U+FE10..U+FE1F, U+FE30..U+FE6F, and
 * U+FF01..U+FF65 and U+FFE0..U+FFEE except the full-width letters and
 * digits. Every character
 * of a run is a term by itself, and every two adjacent characters of a run
 * are a term (a bigram). ASCII letters and digits are characters like any
 * other (no whole words): so any substring of a text — a query cut in the
 * middle of a word, a single character, one spanning punctuation — has all
 * its terms among the text's terms. The unigrams are what let one-character
 * queries use the index; they cost about a third more terms.
 *
 * On success *out receives the distinct terms in byte order (memcmp) as
 * NUL-terminated strings, *count their number (0 and *out NULL for a text
 * without word characters). Free with zhnorm_grams_free(*out, *count).
 * Errors (*out = NULL, *count = 0): SX_EINVALID "invalid" (NULL argument),
 * SX_EINVALID "bad_text" (not well-formed UTF-8), SX_ETOOBIG, SX_ENOMEM.
 * The text need not be normalized, but only the normalized form matches.
 */
int zhnorm_grams(char ***out, size_t *count, const char *normalized, size_t len,
                 struct sx_error *err);

/* Frees what zhnorm_grams returned (one allocation). grams may be NULL. */
void zhnorm_grams_free(char **grams, size_t count);

/*
 * Appends to out an HTML-escaped snippet of original[0..len) — at most
 * max_chars characters of it — around the first occurrence of the query,
 * with every occurrence inside the snippet wrapped in <mark>…</mark>.
 * Matching is done on the search forms of both (so 處罰 marks 处罚 and the
 * reverse, ＡＢＣ marks abc, and a query's single space matches any run of
 * white space), and occurrences do not overlap (leftmost first). The snippet
 * starts about a third of the remaining room before the hit. "…" (U+2026,
 * not counted in max_chars) is put where the snippet cuts the text. No hit,
 * or a blank query: the first max_chars characters without marks. The
 * characters of the original are copied as they are, only escaped.
 * Returns 0, SX_EINVALID "invalid" (NULL argument, max_chars 0),
 * SX_EINVALID "bad_text" (original or query not well-formed UTF-8),
 * SX_ETOOBIG (an input over ZHNORM_TEXT_MAX_BYTES, or out's cap reached),
 * SX_ENOMEM, SX_EINTERNAL. On error out is unchanged.
 */
int zhnorm_highlight(struct buf *out, const struct zhnorm *z, const char *original, size_t len,
                     const char *query, size_t query_len, size_t max_chars, struct sx_error *err);

#endif
