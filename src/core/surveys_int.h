/* surveys_int.h - what the files of the surveys landfall sends (surveys.c, survey_invite.c,
 * survey_answer.c, survey_trigger.c, survey_loop.c) share: a survey and a contact as they read
 * them, and the functions one of them calls in another (the closed loop's also demo.c, which
 * writes the loop's history into the demo). */
#ifndef CORE_SURVEYS_INT_H
#define CORE_SURVEYS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "core.h"

#define DAY_MS 86400000LL

struct srv {
    int64_t id, min, max, every;
    bool higher;
    char ext[257], kind[16], name[1025], question[1025], comment_q[1025], choice_q[1025];
    char choices[1025], aud[4][1025], trigger[16], channel[16], status[16], tp_kind[1025];
    char milestone[1025];
};

struct person {
    int64_t id, account_id;
    char ext[257], account_ext[257], email[1025], name[1025], role[1025];
    /* its account's */
    char plan[1025], segment[1025], stage[1025], owner[1025], account_name[1025];
};

/* invitations to send by mail, gathered before they are sent */
struct due {
    struct survey_send *v;
    size_t nr, cap;
    int64_t now;
};

/* surveys read into an array */
struct pick {
    struct srv *v;
    size_t nr, cap;
};

/* surveys.c: what the surveys read, as copies */
void survey_copy_value(char *out, size_t size, const struct value *v);
int survey_row(void *ctx, int64_t id, const struct value *v, struct lf_err *err);
int survey_load(struct store *st, int64_t ws, const char *ext, struct srv *s, struct lf_err *err);
int survey_load_id(struct store *st, int64_t ws, int64_t id, struct srv *s, struct lf_err *err);
int survey_person_load(struct store *st, int64_t ws, const char *ext, struct person *p,
                       struct lf_err *err);
int survey_person_load_id(struct store *st, int64_t ws, int64_t id, struct person *p,
                          struct lf_err *err);
int survey_pick_row_any(void *ctx, int64_t id, const struct value *v, struct lf_err *err);

/* survey_invite.c: invitations and their mail */
bool survey_audience_fits(const struct srv *s, const struct person *p, char *why, size_t size);
int survey_offer(struct store *st, int64_t ws, const struct survey_settings *cfg,
                 const struct srv *s, const struct person *p, const char *channel,
                 int64_t touchpoint, int64_t now, struct survey_send *d,
                 struct lf_survey_send_result *out, struct lf_err *err);
int survey_deliver(struct lf *lf, const struct survey_settings *cfg, struct survey_send *d,
                   int64_t now, struct lf_err *err);
void survey_html_text(struct buf *b, const char *s);
void survey_scale_words(const struct srv *s, const char **low, const char **high);

/* survey_loop.c: the closed loop's parts */
struct survey_rules {
    struct store_rule *v;
    struct rule_cond *cond;
    size_t nr, cap;
};
/* The workspace's rules of trigger "response", the built-in ones seeded, conditions parsed. */
int survey_rules_load(struct store *st, int64_t ws, struct survey_rules *rs, struct lf_err *err);
void survey_rules_free(struct survey_rules *rs);
/* The first enabled rule whose condition holds for these facts, NULL when none. */
const struct store_rule *survey_rules_match(const struct survey_rules *rs,
                                            const struct rule_facts *facts);
/* The due date of a follow-up of `rule` opened at `opened`: the start of the day of zone tz
 * that is the rule's SLA (else sla_days) business days after the day it was opened. */
int64_t survey_due_date(const struct tz *tz, const struct store_rule *rule, int64_t sla_days,
                        int64_t opened);
/* Runs the rules on response `id` as the loop does at time `now`; the first that holds opens
 * its follow-up and task (*task_id, unless NULL): 1 opened, 0 not, -1. */
int survey_follow(struct lf *lf, struct store *st, int64_t ws, const struct survey_rules *rs,
                  int64_t id, int64_t now, int64_t sla_days, int64_t *task_id, struct lf_err *err);
/* Task `task_id` done or dismissed: its follow-up closed at `now` with that outcome and the
 * task's note; another status leaves it open. 0 or -1. */
int survey_close_task(struct store *st, int64_t ws, int64_t task_id, int64_t now,
                      struct lf_err *err);

#endif
