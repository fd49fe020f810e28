/* fuzz_time.c - libFuzzer target: time_parse over any bytes. An accepted time of the years
 * 0000..9999 must come back the same from its own ISO form, and the calendar cuts of it must
 * hold it (day, week, month, quarter start <= it < the next one). */
#include "fuzz.h"

#include "base/time.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int64_t ms, again;
    const char *why = NULL;
    char iso[32], date[16];
    if (time_parse((const char *)data, size, &ms, &why) < 0) {
        fuzz_check(why && why[0], "a refused time without a reason");
        return 0;
    }
    if (ms < TIME_MIN_MS || ms >= TIME_END_MS) /* years time_format_iso cannot write */
        return 0;
    time_format_iso(ms, iso);
    fuzz_check(time_parse(iso, strlen(iso), &again, &why) == 0, "'%s' does not parse: %s", iso,
               why);
    fuzz_check(again == ms, "%lld → '%s' → %lld", (long long)ms, iso, (long long)again);
    int64_t day = time_day_start(ms);
    fuzz_check(day <= ms && ms < day + MS_PER_DAY && day % MS_PER_DAY == 0, "day of %lld",
               (long long)ms);
    time_format_date(ms, date);
    fuzz_check(strncmp(iso, date, 10) == 0, "date '%s' of '%s'", date, iso);
    int64_t week = time_week_start(ms);
    fuzz_check(week <= day && day < week + 7 * MS_PER_DAY, "week of %lld", (long long)ms);
    /* 1970-01-05 was a Monday */
    fuzz_check(((week / MS_PER_DAY - 4) % 7 + 7) % 7 == 0, "week of %lld starts on no Monday",
               (long long)ms);
    int64_t month = time_month_start(ms), next = time_add_months(month, 1);
    fuzz_check(month <= day && day < next, "month of %lld", (long long)ms);
    int64_t quarter = time_quarter_start(ms);
    fuzz_check(quarter <= month && month < time_add_months(quarter, 3), "quarter of %lld",
               (long long)ms);
    return 0;
}
