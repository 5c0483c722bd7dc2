/*
 * Replays kernel vectors through tdsc_run and compares every arena byte with the managed kernels' result.
 * Written by the xunit tests (tests/TinyDsc.Native.Tests, VectorFile.cs) from the same named shapes, fixture models
 * and random shapes they check through P/Invoke; built with AddressSanitizer + UndefinedBehaviorSanitizer
 * (TINYDSC_SANITIZE=ON) it is the sanitizer run. Each buffer is allocated with exactly its length so that any
 * out-of-bounds access is reported. Exit code 0 when every vector matches, 1 on a mismatch, 2 on a bad file.
 *
 * File: "TDSV", int32 version 1, int32 record count, then per record (int32 little-endian, byte arrays raw):
 *   name (length + UTF-8 bytes), kernel, params (count + values), arena (length + bytes), in0, in1, out,
 *   weights (length + bytes), bias, multiplier, shift (length + int32 values), scratch length,
 *   expected status, expected arena (arena length bytes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tinydsc/tdsc_kernels.h"

static FILE *g_file;

static int read_i32(int32_t *v)
{
    unsigned char b[4];
    if (fread(b, 1, 4, g_file) != 4) {
        return 0;
    }

    *v = (int32_t)((uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24));
    return 1;
}

/* Reads a length-prefixed array of `count` elements of `size` bytes into an exactly sized allocation. */
static int read_blob(void **data, int32_t *count, size_t size)
{
    int32_t i;
    *data = NULL;
    if (!read_i32(count) || *count < 0 || *count > (1 << 28)) {
        return 0;
    }

    if (*count == 0) {
        return 1;
    }

    *data = malloc((size_t)*count * size);
    if (*data == NULL) {
        return 0;
    }

    if (size == 1) {
        return fread(*data, 1, (size_t)*count, g_file) == (size_t)*count;
    }

    for (i = 0; i < *count; i++) {
        if (!read_i32((int32_t *)*data + i)) {
            return 0;
        }
    }

    return 1;
}

int main(int argc, char **argv)
{
    int32_t version = 0;
    int32_t records = 0;
    int32_t r;
    int32_t mismatches = 0;
    char magic[4];
    if (argc != 2) {
        fprintf(stderr, "usage: tdsc_replay VECTORS.bin\n");
        return 2;
    }

    g_file = fopen(argv[1], "rb");
    if (g_file == NULL || fread(magic, 1, 4, g_file) != 4 || memcmp(magic, "TDSV", 4) != 0 || !read_i32(&version)
        || version != 1 || !read_i32(&records) || records < 0) {
        fprintf(stderr, "tdsc_replay: %s is not a TDSV version 1 vector file\n", argv[1]);
        return 2;
    }

    for (r = 0; r < records; r++) {
        void *name = NULL, *params = NULL, *arena = NULL, *weights = NULL, *bias = NULL, *mult = NULL, *shift = NULL;
        void *expected = NULL;
        int8_t *scratch = NULL;
        int32_t name_len, kernel, param_count, arena_len, in0, in1, out, w_len, b_len, m_len, s_len, scratch_len;
        int32_t expected_status, expected_len, status;
        int ok = read_blob(&name, &name_len, 1) && read_i32(&kernel) && read_blob(&params, &param_count, 4)
            && read_blob(&arena, &arena_len, 1) && read_i32(&in0) && read_i32(&in1) && read_i32(&out)
            && read_blob(&weights, &w_len, 1) && read_blob(&bias, &b_len, 4) && read_blob(&mult, &m_len, 4)
            && read_blob(&shift, &s_len, 4) && read_i32(&scratch_len) && scratch_len >= 0
            && read_i32(&expected_status) && read_blob(&expected, &expected_len, 1) && expected_len == arena_len;
        if (!ok) {
            fprintf(stderr, "tdsc_replay: record %d is truncated or malformed\n", (int)r);
            return 2;
        }

        if (scratch_len > 0) {
            scratch = (int8_t *)malloc((size_t)scratch_len);
            if (scratch == NULL) {
                return 2;
            }

            memset(scratch, 0x5A, (size_t)scratch_len);
        }

        /* An empty arena still needs a valid pointer for tdsc_run; one byte is never read (all extents are 0). */
        status = tdsc_run(kernel, params == NULL ? (const int32_t *)"" : (const int32_t *)params, param_count,
            arena == NULL ? (int8_t *)&magic[0] : (int8_t *)arena, arena_len, in0, in1, out, (const int8_t *)weights,
            w_len, (const int32_t *)bias, b_len, (const int32_t *)mult, m_len, (const int32_t *)shift, s_len, scratch,
            scratch_len);
        if (status != expected_status) {
            fprintf(stderr, "MISMATCH %.*s: status %d, expected %d\n", (int)name_len, (const char *)name, (int)status,
                (int)expected_status);
            mismatches++;
        } else if (arena_len > 0 && memcmp(arena, expected, (size_t)arena_len) != 0) {
            int32_t i = 0;
            while (((int8_t *)arena)[i] == ((int8_t *)expected)[i]) {
                i++;
            }

            fprintf(stderr, "MISMATCH %.*s: arena byte %d is %d, managed kernel wrote %d\n", (int)name_len,
                (const char *)name, (int)i, ((int8_t *)arena)[i], ((int8_t *)expected)[i]);
            mismatches++;
        }

        free(name);
        free(params);
        free(arena);
        free(weights);
        free(bias);
        free(mult);
        free(shift);
        free(expected);
        free(scratch);
    }

    fclose(g_file);
    printf("tdsc_replay: %d vectors, %d mismatches\n", (int)records, (int)mismatches);
    return mismatches == 0 ? 0 : 1;
}
