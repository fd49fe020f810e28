/* demo_text.c - the wording of tickets, comments and churn reasons, fitted to score and cause.
 *
 * Every comment of a promoter (NPS 9-10) opens with one of the words of `praise`, and every
 * comment of a detractor scoring 0-4 with one of `blame`, so sentiment analysis has a ground
 * truth; the rest of the sentence names the cause (docs/demo-data.md lists the vocabulary). */
#include "demo_int.h"

#define NR(a) ((int)(sizeof(a) / sizeof(*(a))))
#define PICK(r, a) ((a)[rng_range((r), 0, NR(a) - 1)])

static const char *const topic_names[TOPIC_NR] = {
    [TOPIC_EXPORT] = "export",
    [TOPIC_INTEGRATION] = "integration",
    [TOPIC_LOGIN] = "login",
    [TOPIC_BILLING] = "billing",
    [TOPIC_PERFORMANCE] = "performance",
    [TOPIC_BUG] = "bug",
    [TOPIC_HOWTO] = "how-to",
    [TOPIC_OFFBOARDING] = "offboarding",
    [TOPIC_ORDER] = "order",
};

/* How a customer names a topic inside a sentence. */
static const char *const topic_phrases[TOPIC_NR] = {
    [TOPIC_EXPORT] = "the export",
    [TOPIC_INTEGRATION] = "the Salesforce sync",
    [TOPIC_LOGIN] = "the SSO login",
    [TOPIC_BILLING] = "the invoice",
    [TOPIC_PERFORMANCE] = "the dashboard speed",
    [TOPIC_BUG] = "the missing tasks",
    [TOPIC_HOWTO] = "the setup question",
    [TOPIC_OFFBOARDING] = "the data export",
    [TOPIC_ORDER] = "my order",
};

static const char *const tickets[TOPIC_NR][3] = {
    [TOPIC_EXPORT] = {"CSV export keeps failing with a timeout",
                      "Export to Excel is missing columns", "The scheduled export did not arrive"},
    [TOPIC_INTEGRATION] = {"Salesforce sync stopped working",
                           "Slack notifications are not arriving",
                           "Webhook calls fail with error 500"},
    [TOPIC_LOGIN] = {"Cannot log in with SSO", "Password reset email never arrives",
                     "Users are logged out every few minutes"},
    [TOPIC_BILLING] = {"We were charged twice this month", "Need a copy of last month's invoice",
                       "How do we change the billing contact?"},
    [TOPIC_PERFORMANCE] = {"Dashboards take a minute to load", "The app is very slow today",
                           "Search times out on large projects"},
    [TOPIC_BUG] = {"Tasks disappear after saving", "Comments show the wrong author",
                   "Attachments cannot be opened"},
    [TOPIC_HOWTO] = {"How do I set up an automation?", "How can I invite my team?",
                     "How do we import our old projects?"},
    [TOPIC_OFFBOARDING] = {"How do I export all our projects and files?",
                           "Can we get a full copy of our data?",
                           "How do we cancel our subscription?"},
    [TOPIC_ORDER] = {"My order has not arrived yet", "I received the wrong item",
                     "I would like to return my order"},
};

const char *demo_topic_name(int topic)
{
    return topic_names[topic];
}

void demo_text_ticket(struct rng *r, int topic, struct buf *out)
{
    buf_adds(out, PICK(r, tickets[topic]));
}

static const char *const praise[] = {
    "Love it.",
    "Great product.",
    "Excellent tool.",
    "Fantastic experience.",
    "Highly recommend it.",
};
static const char *const praise_b2b[] = {
    "The automations save us hours every week.",
    "Reporting is excellent and the whole team uses it daily.",
    "Support is fast and helpful.",
    "Onboarding was great and we were live in days.",
    "Easy to use, everyone picked it up quickly.",
    "Reliable, and the integrations just work.",
};
static const char *const praise_csm = "Our customer success manager is amazing.";
static const char *const praise_consumer[] = {
    "Fast delivery and great quality.",
    "Easy checkout and excellent service.",
    "Lovely products, I will order again.",
};

static const char *const passive_b2b[] = {
    "the reports could be faster",
    "we would like more integrations",
    "the mobile app needs work",
    "some advanced features are hard to find",
    "pricing is a bit high for a small team",
};
static const char *const passive_consumer[] = {
    "delivery could be faster",
    "shipping is a bit expensive",
    "the website is hard to search",
};

static const char *const blame[] = {
    "Very disappointed.", "Frustrating experience.", "Really unhappy with it.",
    "Terrible lately.",   "Awful experience.",
};

/* Complaints by cause, worded for detractors; the mild ones (5-6) reuse them after "but". */
static const char *const complaints[CAUSE_NR][2] = {
    [CAUSE_NONE] = {"it is buggy and slow", "we expected more for the money"},
    [CAUSE_ADOPTION] = {"the team never really picked it up",
                        "we barely use it anymore, it is not worth the money"},
    [CAUSE_ONBOARDING] = {"setup was confusing and we never finished onboarding",
                          "onboarding was a mess and nobody helped us get started"},
    [CAUSE_SUPPORT] = {"support is slow and nobody fixes the problem",
                       "our tickets stay open for weeks"},
    [CAUSE_CHAMPION] = {"since our admin left nobody here knows how to use it",
                        "we lost the person who ran it and the team gave up"},
    [CAUSE_PRICE] = {"it is way too expensive for what we get",
                     "the price went up but the value did not"},
    [CAUSE_PRODUCT] = {"it is missing basic features we need", "it is buggy and slow"},
};
static const char *const complaints_consumer[] = {
    "my order arrived late and damaged",
    "customer service never answered my email",
    "the quality was poor",
};

static void capitalised(struct buf *out, const char *s)
{
    char c = s[0];
    buf_addc(out, c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c);
    buf_adds(out, s + 1);
}

void demo_text_nps(struct rng *r, int score, int cause, int topic, bool consumer, bool covered,
                   struct buf *out)
{
    if (score >= 9) {
        buf_addf(out, "%s ", PICK(r, praise));
        if (consumer)
            buf_adds(out, PICK(r, praise_consumer));
        else if (covered && rng_bernoulli(r, 0.25))
            buf_adds(out, praise_csm);
        else
            buf_adds(out, PICK(r, praise_b2b));
    } else if (score >= 7) {
        buf_addf(out, "Good %s overall, but %s.", consumer ? "shop" : "product",
                 consumer ? PICK(r, passive_consumer) : PICK(r, passive_b2b));
    } else if (score >= 5) {
        buf_addf(out, "It does the job, but %s.",
                 consumer ? PICK(r, complaints_consumer) : PICK(r, complaints[cause]));
    } else {
        buf_addf(out, "%s ", PICK(r, blame));
        if (consumer)
            capitalised(out, PICK(r, complaints_consumer));
        else if (cause == CAUSE_SUPPORT && topic >= 0)
            buf_addf(out, "Our ticket about %s is still open after weeks", topic_phrases[topic]);
        else
            capitalised(out, PICK(r, complaints[cause]));
        buf_addc(out, '.');
    }
}

void demo_text_csat(struct rng *r, int score, int topic, struct buf *out)
{
    static const char *const five[] = {"Quick and helpful answer, thank you!",
                                       "Fixed in minutes, great support."};
    static const char *const two[] = {"Slow answers and no real fix, very frustrating.",
                                      "Still broken after several emails."};
    switch (score) {
    case 5:
        if (rng_bernoulli(r, 0.5))
            buf_addf(out, "Excellent help with %s.", topic_phrases[topic]);
        else
            buf_adds(out, PICK(r, five));
        break;
    case 4:
        buf_addf(out, "Solved %s, thanks. Took a little while.", topic_phrases[topic]);
        break;
    case 3:
        buf_adds(out, rng_bernoulli(r, 0.5) ? "It is fixed, but it took too long."
                                            : "Okay in the end, the first answer did not help.");
        break;
    default:
        if (rng_bernoulli(r, 0.5))
            buf_addf(out, "Took days to get a reply and %s is still a problem.",
                     topic_phrases[topic]);
        else
            buf_adds(out, PICK(r, two));
    }
}

void demo_text_ces(struct rng *r, int score, struct buf *out)
{
    static const char *const easy[] = {"Onboarding was great, we were set up in an afternoon.",
                                       "Very easy to get started.",
                                       "The kickoff call made setup easy."};
    static const char *const middle[] = {"Setup was fine, but importing our data took some effort.",
                                         "Okay, a few steps were unclear."};
    static const char *const hard[] = {"Setup was confusing and took weeks.",
                                       "Importing our data was painful and nobody helped.",
                                       "Too many steps, hard to get started."};
    if (score >= 6)
        buf_adds(out, PICK(r, easy));
    else if (score >= 4)
        buf_adds(out, PICK(r, middle));
    else
        buf_adds(out, PICK(r, hard));
}

void demo_text_feature_request(struct rng *r, struct buf *out)
{
    static const char *const wishes[] = {"a Gantt chart view", "two-factor login",
                                         "a Jira integration", "custom fields on reports",
                                         "a dark mode",        "recurring tasks"};
    buf_addf(out, "Please add %s", PICK(r, wishes));
}

const char *demo_churn_reason(struct rng *r, int cause)
{
    switch (cause) {
    case CAUSE_ADOPTION:
    case CAUSE_ONBOARDING:
        return "low adoption";
    case CAUSE_SUPPORT:
        return "poor support";
    case CAUSE_CHAMPION:
        return "champion left";
    case CAUSE_PRODUCT:
        return rng_bernoulli(r, 0.6) ? "switched to competitor" : "missing features";
    case CAUSE_PRICE:
        return rng_bernoulli(r, 0.6) ? "price" : "budget cuts";
    default: {
        static const char *const background[] = {"price", "budget cuts", "switched to competitor"};
        return PICK(r, background);
    }
    }
}
