#!/usr/bin/env bash
# analyze.sh - `landfall text analyze`: its formats, files, taxonomies, and the texts it must
# decide about: empty, very long, not UTF-8, full of markup, emoji, not English.
source "$(dirname "$0")/../lib.sh"

json() { printf '%s' "$out" | jq -r "$1"; }

# ---- one text, every format ----
# "The book was good." is one of VADER's published examples: compound 0.4404 (good is 1.9:
# 1.9 / sqrt(1.9² + 15)); of its 4 words "good" is positive (1.9 + 1 = 2.9) and 3 neutral, so
# pos = 2.9 / 5.9 = 0.492 and neu = 3 / 5.9 = 0.508.
run_lf text analyze --json "The book was good."
check_eq "text analyze --json exits 0" 0 "$rc"
check_eq "the document is the metric table 'text'" "text 1" "$(json '.metric + " " + (.rows | length | tostring)')"
check_eq "compound, pos, neu, neg" "0.4404 0.492 0.508 0" \
    "$(json '.rows[0] | "\(.compound) \(.pos) \(.neu) \(.neg)"')"
check_eq "positive, English, no note" "positive en null" \
    "$(json '.rows[0] | "\(.sentiment) \(.language) \(.notes)"')"
# "good" alone is too weak a sign of delight (0.3 in src/text/emotions.txt, under 0.5)
run_lf text analyze --csv "The book was good." "Today SUX!"
check_eq "CSV: a header and a row per text" \
    "index,language,sentiment,compound,pos,neu,neg,emotions,topics,notes|0,en,positive,0.4404,0.492,0.508,0,,,|1,en,negative,-0.5461,0,0.221,0.779,,," \
    "$(printf '%s' "$out" | tr '\n' '|')"
run_lf text analyze "The book was good."
check "the table has the columns" grep -q '^index  language  sentiment  compound' "$SCRATCH/out"

# ---- --file: one text a line, CRLF or not; an empty line is an empty text ----
printf 'The book was good.\r\n\r\nToday SUX!\nno newline at the end' >"$SCRATCH/texts.txt"
run_lf text analyze --csv --file "$SCRATCH/texts.txt"
check_eq "--file: a row per line" 4 "$(tail -n +2 "$SCRATCH/out" | wc -l)"
check_eq "--file: the CR is not part of the text" "0.4404" "$(sed -n 2p "$SCRATCH/out" | cut -d, -f4)"
check_eq "an empty line is empty, not scored" "1,und,,,,,,,,empty" "$(sed -n 3p "$SCRATCH/out")"
run_lf text analyze --csv --file - <"$SCRATCH/texts.txt"
check_eq "--file - reads standard input" 4 "$(tail -n +2 "$SCRATCH/out" | wc -l)"
run_lf text analyze --file "$SCRATCH/missing.txt"
check_eq "a missing file: exit 4" 4 "$rc"
check_eq "it says so" "landfall: cannot open '$SCRATCH/missing.txt': No such file or directory" "$errout"

# ---- not UTF-8: refused, naming the byte ----
printf 'fine\nbad \xff here\n' >"$SCRATCH/bad.txt"
run_lf text analyze --file "$SCRATCH/bad.txt"
check_eq "a line that is not UTF-8: exit 2" 2 "$rc"
check_eq "the line and the byte offset in it" \
    "landfall: '$SCRATCH/bad.txt' line 2: text is not UTF-8: byte offset 4 (0xff)" "$errout"
check_eq "nothing is printed" "" "$out"
# "caf" then the first byte of a two-byte é without its second: byte offset 3 is bad
run_lf text analyze "fine" "$(printf 'caf\xc3')"
check_eq "an argument that is not UTF-8" \
    "landfall: texts[1]: text is not UTF-8: byte offset 3 (0xc3)" "$errout"

# ---- markup: removed before the analysis, and noted ----
# the same words as "The book was good.": the same scores
run_lf text analyze --csv "<p>The book was <b>good</b>.</p><!-- a comment: awful -->"
check_eq "markup is removed: the scores of the words alone" "0,en,positive,0.4404,0.492,0.508,0,,,html" \
    "$(sed -n 2p "$SCRATCH/out")"
# "great" is 3.1: 3.1 / sqrt(3.1² + 15) = 0.6249; the script's "terrible" is not text
run_lf text analyze --csv "<script>alert('terrible')</script><style>p{}</style>Great"
check_eq "scripts and styles are not text" "0.6249" "$(sed -n 2p "$SCRATCH/out" | cut -d, -f4)"
run_lf text analyze --json "Fish &amp; chips &#8212; great"
check_eq "entities are decoded" "0.6249 html" "$(json '.rows[0] | "\(.compound) \(.notes)"')"
# "<3" is an emoticon (VADER's lexicon: 1.9), "a < b" is text: neither is markup
run_lf text analyze --json "<3" "a < b"
check_eq "'<3' is no tag" "0.4404 null" "$(json '.rows[0] | "\(.compound) \(.notes)"')"
check_eq "'a < b' is no tag" "null" "$(json '.rows[1].notes')"

# ---- very long: the first 16384 bytes, cut at a space ----
# 4000 × "good " is 20000 bytes; the first 16384 hold 3276 whole words ("good " × 3276 is
# 16380 bytes). 3276 × 1.9 = 6224.4, and 6224.4 / sqrt(6224.4² + 15) rounds to 1.
long=$(printf 'good %.0s' $(seq 4000))
run_lf text analyze --json "$long"
check_eq "a long text is cut and noted" "1 truncated" "$(json '.rows[0] | "\(.compound) \(.notes)"')"

# ---- emoji, as VADER 3.3.2 reads them: their CLDR names ----
# "I love it 😍" reads "I love it smiling face with heart-eyes": love 3.2 and smiling 2.0 make
# 5.2, and 5.2 / sqrt(5.2² + 15) = 0.8020 (the port, which reads no emoji, gives 0.6369)
run_lf text analyze --json "I love it 😍" "👍"
check_eq "an emoji counts by its name" "0.802" "$(json '.rows[0].compound')"
# "👍" is "thumbs up": neither word is in the lexicon, so 0; a text without letters has no
# language ("und") and is scored all the same
check_eq "an emoji alone: no language, scored" "und neutral 0" \
    "$(json '.rows[1] | "\(.language) \(.sentiment) \(.compound)"')"

# ---- not English: marked, not scored ----
run_lf text analyze --json "Das Produkt ist leider sehr langsam und der Support antwortet nicht." \
    "Le produit est très lent et le support ne répond pas." \
    "El producto es muy lento y el soporte no responde." \
    "Продукт очень медленный." "製品がとても遅いです。" "这个产品很慢。" \
    "Sehr gut"
check_eq "the languages" "de fr es ru ja zh de" "$(json '[.rows[].language] | join(" ")')"
check_eq "none is scored" "0" "$(json '[.rows[] | select(.compound != null)] | length')"
run_lf text analyze --json --english "Sehr gut"
check_eq "--english scores it all the same (neither word is in VADER's lexicon)" "en 0" \
    "$(json '.rows[0] | "\(.language) \(.compound)"')"

# ---- another taxonomy ----
printf '# shipping only\nshipping: delivery, package, courier, arrive late\n' >"$SCRATCH/tax.txt"
run_lf text analyze --json --taxonomy "$SCRATCH/tax.txt" "My packages arrived late, again" \
    "Your invoice is attached"
# "packages" and "package" have the stem "packag"; "arrived late" → "arriv late"
check_eq "the taxonomy given is used, on stems" "shipping|" "$(json '[.rows[].topics] | join("|")')"
printf 'shipping delivery\n' >"$SCRATCH/badtax.txt"
run_lf text analyze --taxonomy "$SCRATCH/badtax.txt" "hello"
check_eq "a taxonomy that does not parse: exit 2" 2 "$rc"
check_eq "it names the line" "landfall: '$SCRATCH/badtax.txt' line 1: not 'topic: term, term…'" "$errout"

# ---- usage ----
run_lf text analyze
check_eq "no text: exit 2" 2 "$rc"
run_lf text analyze --file "$SCRATCH/texts.txt" "and a text"
check_eq "texts and --file: exit 2" 2 "$rc"
run_lf text summarize
check_eq "an unknown text command: exit 2" 2 "$rc"
run_lf help text
check "landfall help text" grep -q 'landfall text analyze \[OPTIONS\] --file FILE' "$SCRATCH/out"
finish
