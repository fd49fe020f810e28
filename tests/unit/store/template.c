/* template.c - the key of the PostgreSQL template the test stores copy (scratch_db.h; the CLI
 * tests' tests/cli/lib.sh names it alike): what `cksum` prints of the migration files, computed
 * from the binary's copy of them, so that the unit tests and the CLI tests share one template
 * and an edited migration is another (tests/cli/pg/template.sh). */
#include <criterion/criterion.h>
#include <stdio.h>

#include "../scratch_db.h"
#include "../testdata.h"

/* The sum of text s as scratch_db_migrations_sum sums the migrations. */
static uint32_t sum_of(const char *s)
{
    uint32_t crc = 0;
    size_t len = strlen(s);
    for (size_t i = 0; i < len; i++)
        crc = scratch_db_crc(crc, (unsigned char)s[i]);
    for (size_t n = len; n; n >>= 8)
        crc = scratch_db_crc(crc, (unsigned char)(n & 0xff));
    return ~crc;
}

Test(template, crc_is_cksum)
{
    /* the reference: what `printf '' | cksum` and `printf a | cksum` print (GNU coreutils 9.1,
     * POSIX's algorithm) */
    cr_assert_eq(sum_of(""), 4294967295u);
    cr_assert_eq(sum_of("a"), 1220704766u);
}

/* A strong reference to the generated file of the migrations, which links it into this test
 * (scratch_db.h's references are weak: they link nothing). */
extern const char *const store_pg_migrations_names[];

Test(template, key_is_cksum_of_the_migration_files)
{
    char dir[1024], cmd[1200];
    unsigned long want = 0;
    cr_assert_str_eq(store_pg_migrations_names[0], "001_init");
    /* the sources beside tests/data: src/store/migrations/pg, what lib.sh hashes */
    testdata_path("../../src/store/migrations/pg", dir, sizeof(dir));
    snprintf(cmd, sizeof(cmd), "cat '%s'/[0-9]*.sql | cksum", dir);
    FILE *p = popen(cmd, "r");
    cr_assert(p);
    cr_assert_eq(fscanf(p, "%lu", &want), 1, "cannot read what '%s' prints", cmd);
    cr_assert_eq(pclose(p), 0);
    cr_assert(store_pg_migrations_nr > 0);
    cr_assert_eq(scratch_db_migrations_sum(), (uint32_t)want,
                 "the binary's migrations sum to %08x, the files to %08lx: are they the same?",
                 (unsigned)scratch_db_migrations_sum(), want);
}
