/* demo_vocab.c - the demo business's vocabularies: plans, features, owners, countries, names. */
#include "demo_int.h"

#include <ctype.h>

const struct demo_plan demo_plans[PLAN_NR] = {
    /* name, seats, seat price, share, coverage, hazard intercept, resolve hours, onboarding,
     * annual */
    {"starter", 1, 4, 1900, 0.45, 0.15, -3.75, 20.0, 3, false},
    {"growth", 4, 14, 2900, 0.35, 0.45, -3.7, 14.0, 5, false},
    {"business", 12, 50, 4500, 0.15, 0.80, -3.85, 8.0, 7, false},
    {"enterprise", 30, 150, 6500, 0.05, 1.00, -4.2, 4.0, 10, true},
};

const struct demo_feature demo_features[FEAT_NR] = {
    [FEAT_PROJECT] = {"project_created", PLAN_STARTER, 0.60, 1.5},
    [FEAT_TASK] = {"task_completed", PLAN_STARTER, 0.70, 5.0},
    [FEAT_COMMENT] = {"comment_added", PLAN_STARTER, 0.45, 3.0},
    [FEAT_FILE] = {"file_uploaded", PLAN_STARTER, 0.30, 1.5},
    [FEAT_REPORT_VIEW] = {"report_viewed", PLAN_STARTER, 0.35, 3.0},
    [FEAT_REPORT_SHARE] = {"report_shared", PLAN_STARTER, 0.08, 0.8},
    [FEAT_EXPORT] = {"report_exported", PLAN_GROWTH, 0.10, 1.0},
    [FEAT_INTEGRATION] = {"integration_connected", PLAN_GROWTH, 0.05, 0.2},
    [FEAT_AUTOMATION] = {"automation_created", PLAN_GROWTH, 0.05, 0.6},
    [FEAT_API] = {"api_call", PLAN_BUSINESS, 0.04, 2.0},
    [FEAT_DASHBOARD] = {"dashboard_created", PLAN_BUSINESS, 0.03, 0.4},
    [FEAT_SSO] = {"sso_login", PLAN_ENTERPRISE, 0.08, 1.5},
    [FEAT_AUDIT] = {"audit_log_viewed", PLAN_ENTERPRISE, 0.02, 0.3},
};

const struct demo_owner demo_owners[] = {
    {"maria.lopez", 0.90}, {"james.chen", 0.75},  {"aisha.bello", 0.60},
    {"tom.weber", 0.45},   {"sofia.rossi", 0.30}, {"david.kim", 0.15},
};
const int demo_owners_nr = sizeof(demo_owners) / sizeof(*demo_owners);

const struct demo_country demo_countries[] = {
    {"US", 0.35, -300}, {"GB", 0.10, 0},   {"DE", 0.10, 60},   {"FR", 0.07, 60},
    {"NL", 0.05, 60},   {"ES", 0.05, 60},  {"CA", 0.07, -300}, {"BR", 0.05, -180},
    {"IN", 0.06, 330},  {"AU", 0.05, 600}, {"JP", 0.05, 540},
};
const int demo_countries_nr = sizeof(demo_countries) / sizeof(*demo_countries);

const char *const demo_industries[] = {
    "software",      "fintech", "healthcare", "retail",    "education",
    "manufacturing", "media",   "logistics",  "nonprofit", "real estate",
};
const int demo_industries_nr = sizeof(demo_industries) / sizeof(*demo_industries);

const char *const demo_first_names[DEMO_NAMES_NR] = {
    "Anna", "Ben",   "Carla",   "Daniel", "Elena",  "Felix", "Grace", "Hugo",    "Ines",   "Jonas",
    "Kira", "Liam",  "Mia",     "Noah",   "Olivia", "Pablo", "Quinn", "Rosa",    "Samuel", "Tara",
    "Umar", "Vera",  "Wes",     "Xenia",  "Yusuf",  "Zoe",   "Amir",  "Beatriz", "Chloe",  "Diego",
    "Emma", "Farah", "Gabriel", "Hana",   "Ivan",   "Julia", "Kenji", "Lena",    "Marco",  "Nadia",
};

const char *const demo_last_names[DEMO_NAMES_NR] = {
    "Silva",     "Novak",    "Jensen", "Garcia", "Okafor", "Schmidt", "Rossi",  "Tanaka",
    "Dubois",    "Kowalski", "Nguyen", "Patel",  "Moreau", "Hansen",  "Costa",  "Fischer",
    "Larsen",    "Romero",   "Ahmed",  "Berg",   "Conti",  "Ivanova", "Walsh",  "Yilmaz",
    "Mendes",    "Olsen",    "Brooks", "Sato",   "Keller", "Ortiz",   "Murphy", "Haddad",
    "Lindqvist", "Park",     "Weber",  "Santos", "Kim",    "Adeyemi", "Müller", "Horvat",
};

static const char *const prefixes[] = {
    "North",  "Blue",  "Bright", "Silver", "Red",     "Green",   "Swift",  "Iron",
    "Cedar",  "Lumen", "Atlas",  "Nova",   "Pine",    "Harbor",  "Summit", "Orbit",
    "Vertex", "Coral", "Maple",  "Falcon", "Granite", "Crystal", "Golden", "Aurora",
    "Echo",   "Delta", "Polar",  "Sun",    "River",   "Stone",
};
static const char *const roots[] = {
    "wind", "peak",  "field", "bridge", "point", "gate", "works", "line", "path", "ridge",
    "wave", "light", "stack", "forge",  "leaf",  "port", "spark", "grid", "loop", "craft",
};
static const char *const suffixes[] = {
    "Labs",  "Systems", "Analytics", "Health",   "Logistics", "Software", "Partners", "Studio",
    "Foods", "Energy",  "Media",     "Robotics", "Finance",   "Retail",   "Group",
};
static const char *const regions[] = {
    "",          " Europe", " Americas", " Asia",    " Nordic",  " Pacific",
    " Atlantic", " Iberia", " Alpine",   " Midwest", " Benelux", " Baltic",
};
#define NR(a) ((int64_t)(sizeof(a) / sizeof(*(a))))

void demo_company(int64_t index, struct buf *name, struct buf *domain)
{
    int64_t combos = NR(prefixes) * NR(roots) * NR(suffixes);
    /* 7919 is prime and does not divide the number of combinations, so stepping by it visits
     * every combination once before repeating, in an order that looks random. */
    int64_t k = (index % combos) * 7919 % combos, round = index / combos;
    size_t start = name->len;
    buf_addf(name, "%s%s %s", prefixes[k % NR(prefixes)], roots[k / NR(prefixes) % NR(roots)],
             suffixes[k / (NR(prefixes) * NR(roots))]);
    if (round > 0) {
        int64_t r = round - 1, other = NR(regions) - 1;
        buf_adds(name, regions[1 + r % other]);
        if (r >= other)
            buf_addf(name, " %lld", (long long)(r / other + 1));
    }
    for (size_t i = start; i < name->len; i++) {
        unsigned char c = (unsigned char)name->ptr[i];
        buf_addc(domain, c == ' ' ? '-' : (char)tolower(c));
    }
    buf_adds(domain, ".example");
}
