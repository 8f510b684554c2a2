
use builtin;
use str;

set edit:completion:arg-completer[ckm] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'ckm'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'ckm'= {
            cand --audit-log 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand ingest 'Read CSV, TSV, Parquet, JSON, NDJSON or Arrow exports into the canonical transactions table'
            cand clean 'Remove duplicates, reject unusable rows with a reason, separate returns, normalise ids'
            cand segment 'One row per customer: RFM features, scores and segments, k-means clusters, outliers'
            cand rules 'Frequent itemsets and association rules (FP-Growth) from baskets or transactions'
            cand forecast 'Forecasts: customers'' future purchases, survival and value (buy-till-you-die models), and sales per period with prediction intervals'
            cand churn 'Churn: train a model on labelled customers or on labels derived from transactions, score new customers with it, or score churn risk as 1 - P(alive) (BG/NBD)'
            cand report 'The customer-knowledge report: key figures, revenue and its forecast, segments, cohorts, rules, CLV and churn risk, as one self-contained HTML page, Markdown, or a terminal summary'
            cand generate-sample 'Write the deterministic sample CRM exports under sample-data/'
            cand generate-docs 'Regenerate the man pages and shell completions from these definitions'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ckm;ingest'= {
            cand --map 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=''Posting Date'''
            cand --date-format 'Date format for the ts column, strftime style (e.g. ''%d.%m.%Y %H:%M''), instead of detecting it'
            cand --encoding 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing'
            cand --delimiter 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |'
            cand --preset 'A platform''s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)'
            cand --sheet 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)'
            cand --customers 'Customer attribute tables (CRM, web-shop accounts, loyalty members), NAME=PATH to give the channel whose ids they hold (repeatable). Records that share a normalised email or phone number become one customer: customer_id becomes the unified id and the channel''s own id moves to source_customer_id'
            cand --default-country 'Country calling code for phone numbers written without one (1 for the US and Canada, 44 for the UK); without it such numbers compare as written'
            cand --identity-map 'Write the identity mapping (source_channel, source_customer_id, customer_id, rule) here; needs --customers'
            cand --secret-env 'Environment variable holding the secret for --pseudonymize'
            cand --secret-file 'File holding the secret for --pseudonymize (a trailing newline is ignored); beats --secret-env'
            cand -o 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV'
            cand --output 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV'
            cand --format 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)'
            cand --manifest 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings'
            cand --audit-log 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600'
            cand --dayfirst 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year'
            cand --explain 'Print the column mapping chosen for each input and why, then exit'
            cand --pseudonymize 'Replace customer_id (and source_customer_id) with keyed pseudonyms: `c_` and the first 20 hex digits of HMAC-SHA256(secret, id). The same secret gives the same pseudonyms in every run and every command, so outputs still join'
            cand --keep-pii 'Keep columns that hold personal data (emails, phones, names, addresses, postcodes, birth dates, IP addresses), which are dropped by default'
            cand --mask-pii 'Keep personal-data columns in a masked form (j***@example.com, ***4567, J***) for outputs people read'
            cand -q 'Print no summary on stderr (errors are still printed)'
            cand --quiet 'Print no summary on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ckm;clean'= {
            cand --map 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=''Posting Date'''
            cand --date-format 'Date format for the ts column, strftime style (e.g. ''%d.%m.%Y %H:%M''), instead of detecting it'
            cand --encoding 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing'
            cand --delimiter 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |'
            cand --preset 'A platform''s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)'
            cand --sheet 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)'
            cand --rejects 'Where the removed rows go, with their values, source row and a `reason` column (format from the extension, CSV by default)'
            cand --returns 'Returns and cancellations: drop them (to rejects), keep them (flagged in an `is_return` column), or net them against the customer''s matching purchases'
            cand --max-date 'Latest acceptable timestamp (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS); later rows are rejected as in the future. Default: now'
            cand --memory-limit 'Memory the run may hold (8G, 512M, or 40% of this machine''s); lines beyond it are spilled to disk by customer and cleaned partition by partition, with the same output. Default: half of this machine''s memory (or of the container''s limit)'
            cand --temp-dir 'Where lines spilled over --memory-limit go (removed at the end of the run). Default: the system''s temporary directory, or the output''s directory when that one is held in memory (tmpfs)'
            cand --secret-env 'Environment variable holding the secret for --pseudonymize'
            cand --secret-file 'File holding the secret for --pseudonymize (a trailing newline is ignored); beats --secret-env'
            cand -o 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV'
            cand --output 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV'
            cand --format 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)'
            cand --manifest 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings'
            cand --audit-log 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600'
            cand --dayfirst 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year'
            cand --pseudonymize 'Replace customer_id (and source_customer_id) with keyed pseudonyms: `c_` and the first 20 hex digits of HMAC-SHA256(secret, id). The same secret gives the same pseudonyms in every run and every command, so outputs still join'
            cand --keep-pii 'Keep columns that hold personal data (emails, phones, names, addresses, postcodes, birth dates, IP addresses), which are dropped by default'
            cand --mask-pii 'Keep personal-data columns in a masked form (j***@example.com, ***4567, J***) for outputs people read'
            cand -q 'Print no summary on stderr (errors are still printed)'
            cand --quiet 'Print no summary on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ckm;segment'= {
            cand --map 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=''Posting Date'''
            cand --date-format 'Date format for the ts column, strftime style (e.g. ''%d.%m.%Y %H:%M''), instead of detecting it'
            cand --encoding 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing'
            cand --delimiter 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |'
            cand --preset 'A platform''s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)'
            cand --sheet 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)'
            cand --engine 'Where the lines are aggregated: `local` (this machine) or `spark` (a Spark Connect server, --remote; INPUT is then a path the cluster reads, or give --table)'
            cand --remote 'The Spark Connect server for --engine spark: sc://HOST:PORT/;token=...;use_ssl=true'
            cand --table 'With --engine spark, read this table of the cluster''s catalog (catalog.db.orders) instead of INPUT'
            cand --as-of 'Date the features are computed as of (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS); default: the day after the latest line'
            cand --bins 'Number of score levels for r_score, f_score and m_score'
            cand --segment-map 'Segment rules replacing the built-in map: CSV with segment,r_min,r_max,f_min,f_max, or TOML (.toml) with [[segment]] tables of name, r = [min, max], f = [min, max]'
            cand --rejects 'Write lines without a customer_id here, with a reason (default: beside a file output as NAME.rejects.csv)'
            cand --clusters 'k-means clusters: a number, or `auto` to pick k in 2..10 by silhouette score'
            cand --features 'Features to cluster on and to check for outliers, comma-separated'
            cand --seed 'Seed for k-means initialisation and silhouette sampling: same input and seed, same clusters'
            cand --runs 'k-means runs from different seeded starts; the lowest inertia is kept'
            cand --outlier-threshold 'Robust z-score beyond which a feature marks a customer as an outlier'
            cand --profiles 'Write the cluster profiles (size, shares, mean and median of each feature) here'
            cand --secret-env 'Environment variable holding the secret for --pseudonymize'
            cand --secret-file 'File holding the secret for --pseudonymize (a trailing newline is ignored); beats --secret-env'
            cand -o 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV'
            cand --output 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV'
            cand --format 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)'
            cand --manifest 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings'
            cand --audit-log 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600'
            cand --dayfirst 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year'
            cand --pseudonymize 'Replace customer_id (and source_customer_id) with keyed pseudonyms: `c_` and the first 20 hex digits of HMAC-SHA256(secret, id). The same secret gives the same pseudonyms in every run and every command, so outputs still join'
            cand --keep-pii 'Keep columns that hold personal data (emails, phones, names, addresses, postcodes, birth dates, IP addresses), which are dropped by default'
            cand --mask-pii 'Keep personal-data columns in a masked form (j***@example.com, ***4567, J***) for outputs people read'
            cand -q 'Print no summary on stderr (errors are still printed)'
            cand --quiet 'Print no summary on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ckm;rules'= {
            cand --map 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=''Posting Date'''
            cand --date-format 'Date format for the ts column, strftime style (e.g. ''%d.%m.%Y %H:%M''), instead of detecting it'
            cand --encoding 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing'
            cand --delimiter 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |'
            cand --preset 'A platform''s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)'
            cand --sheet 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)'
            cand --engine 'Where the lines are aggregated: `local` (this machine) or `spark` (a Spark Connect server, --remote; INPUT is then a path the cluster reads, or give --table)'
            cand --remote 'The Spark Connect server for --engine spark: sc://HOST:PORT/;token=...;use_ssl=true'
            cand --table 'With --engine spark, read this table of the cluster''s catalog (catalog.db.orders) instead of INPUT'
            cand --baskets 'A basket file instead of a transactions table: one basket per line, no header (`-` for stdin)'
            cand --item-col 'The item column of a transactions table (default item_id, else item_name)'
            cand --min-support 'Minimum support as a fraction of baskets (inclusive), e.g. 0.001 or 1/1000'
            cand --min-count 'Minimum support as a number of baskets (inclusive)'
            cand --max-len 'Longest itemset (0 = no limit)'
            cand --max-itemsets 'Stop with an error beyond this many frequent itemsets, rather than run out of memory'
            cand --min-confidence 'Minimum confidence (inclusive), a fraction'
            cand --min-lift 'Minimum lift (inclusive)'
            cand --max-consequent 'Most items in a rule''s consequent'
            cand --sort 'Order of the rules (descending; ties by antecedent, then consequent)'
            cand --top 'Keep only the first N rules after sorting'
            cand --antecedent-has 'Keep rules whose antecedent contains this item (repeatable: all must be there)'
            cand --consequent-has 'Keep rules whose consequent contains this item (repeatable: all must be there)'
            cand --itemsets 'Write the frequent itemsets here (items, support, count, length)'
            cand --rejects 'Write transaction lines left out (no item, no basket) here, with a reason (default: beside a file output as NAME.rejects.csv)'
            cand -o 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV'
            cand --output 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV'
            cand --format 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)'
            cand --manifest 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings'
            cand --audit-log 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600'
            cand --dayfirst 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year'
            cand --closed 'Only closed itemsets in --itemsets (no superset with the same count)'
            cand --maximal 'Only maximal itemsets in --itemsets (no frequent superset)'
            cand -q 'Print no summary on stderr (errors are still printed)'
            cand --quiet 'Print no summary on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand mine 'Frequent itemsets and association rules (the default when no verb is given)'
            cand sequences 'Sequential patterns over each customer''s orders in time order (PrefixSpan)'
            cand recommend 'For each customer, items not yet bought, scored by the rules whose antecedent they bought'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ckm;rules;mine'= {
            cand --map 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=''Posting Date'''
            cand --date-format 'Date format for the ts column, strftime style (e.g. ''%d.%m.%Y %H:%M''), instead of detecting it'
            cand --encoding 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing'
            cand --delimiter 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |'
            cand --preset 'A platform''s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)'
            cand --sheet 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)'
            cand --engine 'Where the lines are aggregated: `local` (this machine) or `spark` (a Spark Connect server, --remote; INPUT is then a path the cluster reads, or give --table)'
            cand --remote 'The Spark Connect server for --engine spark: sc://HOST:PORT/;token=...;use_ssl=true'
            cand --table 'With --engine spark, read this table of the cluster''s catalog (catalog.db.orders) instead of INPUT'
            cand --baskets 'A basket file instead of a transactions table: one basket per line, no header (`-` for stdin)'
            cand --item-col 'The item column of a transactions table (default item_id, else item_name)'
            cand --min-support 'Minimum support as a fraction of baskets (inclusive), e.g. 0.001 or 1/1000'
            cand --min-count 'Minimum support as a number of baskets (inclusive)'
            cand --max-len 'Longest itemset (0 = no limit)'
            cand --max-itemsets 'Stop with an error beyond this many frequent itemsets, rather than run out of memory'
            cand --min-confidence 'Minimum confidence (inclusive), a fraction'
            cand --min-lift 'Minimum lift (inclusive)'
            cand --max-consequent 'Most items in a rule''s consequent'
            cand --sort 'Order of the rules (descending; ties by antecedent, then consequent)'
            cand --top 'Keep only the first N rules after sorting'
            cand --antecedent-has 'Keep rules whose antecedent contains this item (repeatable: all must be there)'
            cand --consequent-has 'Keep rules whose consequent contains this item (repeatable: all must be there)'
            cand --itemsets 'Write the frequent itemsets here (items, support, count, length)'
            cand --rejects 'Write transaction lines left out (no item, no basket) here, with a reason (default: beside a file output as NAME.rejects.csv)'
            cand -o 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV'
            cand --output 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV'
            cand --format 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)'
            cand --manifest 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings'
            cand --audit-log 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600'
            cand --dayfirst 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year'
            cand --closed 'Only closed itemsets in --itemsets (no superset with the same count)'
            cand --maximal 'Only maximal itemsets in --itemsets (no frequent superset)'
            cand -q 'Print no summary on stderr (errors are still printed)'
            cand --quiet 'Print no summary on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ckm;rules;sequences'= {
            cand --map 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=''Posting Date'''
            cand --date-format 'Date format for the ts column, strftime style (e.g. ''%d.%m.%Y %H:%M''), instead of detecting it'
            cand --encoding 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing'
            cand --delimiter 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |'
            cand --preset 'A platform''s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)'
            cand --sheet 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)'
            cand --item-col 'The item column (default item_id, else item_name)'
            cand --min-support 'Minimum support as a fraction of customers (inclusive)'
            cand --min-count 'Minimum support as a number of customers (inclusive)'
            cand --max-len 'Most items in a pattern (0 = no limit)'
            cand --max-gap 'Most days between consecutive elements of a pattern'
            cand --max-patterns 'Stop with an error beyond this many patterns, rather than run out of memory'
            cand --top 'Keep only the N patterns with the most customers'
            cand --rejects 'Write lines left out (no customer, item or date) here, with a reason (default: beside a file output as NAME.rejects.csv)'
            cand -o 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV'
            cand --output 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV'
            cand --format 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)'
            cand --manifest 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings'
            cand --audit-log 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600'
            cand --dayfirst 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year'
            cand -q 'Print no summary on stderr (errors are still printed)'
            cand --quiet 'Print no summary on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ckm;rules;recommend'= {
            cand --rules 'Rules written by `ckm rules` (CSV, TSV, Parquet, JSON)'
            cand --transactions 'The transactions table whose customers get recommendations'
            cand --map 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=''Posting Date'''
            cand --date-format 'Date format for the ts column, strftime style (e.g. ''%d.%m.%Y %H:%M''), instead of detecting it'
            cand --encoding 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing'
            cand --delimiter 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |'
            cand --preset 'A platform''s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)'
            cand --sheet 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)'
            cand --item-col 'The item column the rules were mined on (default item_id, else item_name)'
            cand --top 'Recommendations per customer'
            cand --rejects 'Write lines left out (no customer or item) here, with a reason (default: beside a file output as NAME.rejects.csv)'
            cand -o 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV'
            cand --output 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV'
            cand --format 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)'
            cand --manifest 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings'
            cand --audit-log 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600'
            cand --dayfirst 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year'
            cand -q 'Print no summary on stderr (errors are still printed)'
            cand --quiet 'Print no summary on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ckm;rules;help'= {
            cand mine 'Frequent itemsets and association rules (the default when no verb is given)'
            cand sequences 'Sequential patterns over each customer''s orders in time order (PrefixSpan)'
            cand recommend 'For each customer, items not yet bought, scored by the rules whose antecedent they bought'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ckm;rules;help;mine'= {
        }
        &'ckm;rules;help;sequences'= {
        }
        &'ckm;rules;help;recommend'= {
        }
        &'ckm;rules;help;help'= {
        }
        &'ckm;forecast'= {
            cand --audit-log 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand customers 'Per-customer repeat purchases, P(alive) and value by BG/NBD and Gamma-Gamma'
            cand sales 'Revenue, orders, customers or quantity per period, forecast with prediction intervals (ETS, Theta, ARIMA, baselines, and the ETS + Theta ensemble)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ckm;forecast;customers'= {
            cand --map 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=''Posting Date'''
            cand --date-format 'Date format for the ts column, strftime style (e.g. ''%d.%m.%Y %H:%M''), instead of detecting it'
            cand --encoding 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing'
            cand --delimiter 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |'
            cand --preset 'A platform''s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)'
            cand --sheet 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)'
            cand --engine 'Where the lines are aggregated: `local` (this machine) or `spark` (a Spark Connect server, --remote; INPUT is then a path the cluster reads, or give --table)'
            cand --remote 'The Spark Connect server for --engine spark: sc://HOST:PORT/;token=...;use_ssl=true'
            cand --table 'With --engine spark, read this table of the cluster''s catalog (catalog.db.orders) instead of INPUT'
            cand --model 'Purchase model: bgnbd (BG/NBD), pareto-nbd (Pareto/NBD) or mbgnbd (MBG/NBD); or the path of a model saved with --model-out, to score the input with it instead of fitting (a file named like a model needs a directory, e.g. ./bgnbd)'
            cand --model-out 'Write the fitted models (kind, parameters, standard errors, log-likelihood, time unit, calibration end) as JSON, for scoring later with --model PATH'
            cand --time-unit 'Unit of recency, T and the horizon (purchases are counted per calendar day); default week, or the saved model''s'
            cand --calibration-end 'End of the calibration period (YYYY-MM-DD); default: the latest transaction''s date'
            cand --as-of 'End of the calibration period (YYYY-MM-DD); default: the latest transaction''s date'
            cand --holdout-end 'End of a holdout period after --calibration-end (YYYY-MM-DD): fit on the calibration period, predict the holdout, and compare with what the customers actually bought'
            cand --evaluation 'Write the holdout comparison (mean predicted and actual repeat transactions by calibration frequency 0..7+) to this table'
            cand --horizon 'Forecast horizon, in time units'
            cand --discount-rate 'Discount rate per time unit for the CLV'
            cand -o 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV'
            cand --output 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV'
            cand --format 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)'
            cand --manifest 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings'
            cand --audit-log 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600'
            cand --dayfirst 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year'
            cand --no-spend 'Skip the Gamma-Gamma spend model (no expected_avg_value or clv)'
            cand -q 'Print no summary on stderr (errors are still printed)'
            cand --quiet 'Print no summary on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ckm;forecast;sales'= {
            cand --map 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=''Posting Date'''
            cand --date-format 'Date format for the ts column, strftime style (e.g. ''%d.%m.%Y %H:%M''), instead of detecting it'
            cand --encoding 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing'
            cand --delimiter 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |'
            cand --preset 'A platform''s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)'
            cand --sheet 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)'
            cand --engine 'Where the lines are aggregated: `local` (this machine) or `spark` (a Spark Connect server, --remote; INPUT is then a path the cluster reads, or give --table)'
            cand --remote 'The Spark Connect server for --engine spark: sc://HOST:PORT/;token=...;use_ssl=true'
            cand --table 'With --engine spark, read this table of the cluster''s catalog (catalog.db.orders) instead of INPUT'
            cand --date-column 'Date column of a --series table'
            cand --value-column 'Value column of a --series table'
            cand --measure 'What to forecast from transactions: revenue (sum of amount), orders (distinct order_id), customers (distinct customer_id) or quantity'
            cand --period 'Calendar period of the series (weeks start on Monday)'
            cand --by 'Forecast each value of this column separately (channel, category, or any column; with --segments, a column of the segments file)'
            cand --segments 'A `ckm segment` output (or any table with customer_id): each customer''s lines go to the group of the --by column there (default rfm_segment)'
            cand --rejects 'Write transaction lines left out (no ts, or nothing to measure) here, with a reason (default: beside a file output as NAME.rejects.csv)'
            cand --horizon 'Periods to forecast; default one season (28 days, 13 weeks, 12 months, 8 quarters, 6 years)'
            cand --model 'Model: auto is the mean of ets and theta, or of the blend of ets, theta and arima whose backtests over all the series were clearly better'
            cand --season 'Season length in periods; default 7 (day), 52 (week), 12 (month), 4 (quarter), 1 (year: no season)'
            cand --level 'Prediction interval levels in percent'
            cand --holdout 'Hold out the last N periods: every model is fitted on the rest and scored on them (MAE, RMSE, MASE, sMAPE)'
            cand --evaluation 'Write the holdout scores per series and model to this table'
            cand -o 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV'
            cand --output 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV'
            cand --format 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)'
            cand --manifest 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings'
            cand --audit-log 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600'
            cand --dayfirst 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year'
            cand --series 'The input is a ready series: a date column and a value column (see --date-column, --value-column), summed per period'
            cand --keep-partial 'Keep an incomplete last period (dropped by default: it would look like a drop in sales)'
            cand -q 'Print no summary on stderr (errors are still printed)'
            cand --quiet 'Print no summary on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ckm;forecast;help'= {
            cand customers 'Per-customer repeat purchases, P(alive) and value by BG/NBD and Gamma-Gamma'
            cand sales 'Revenue, orders, customers or quantity per period, forecast with prediction intervals (ETS, Theta, ARIMA, baselines, and the ETS + Theta ensemble)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ckm;forecast;help;customers'= {
        }
        &'ckm;forecast;help;sales'= {
        }
        &'ckm;forecast;help;help'= {
        }
        &'ckm;churn'= {
            cand --map 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=''Posting Date'''
            cand --date-format 'Date format for the ts column, strftime style (e.g. ''%d.%m.%Y %H:%M''), instead of detecting it'
            cand --encoding 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing'
            cand --delimiter 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |'
            cand --preset 'A platform''s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)'
            cand --sheet 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)'
            cand --engine 'Where the lines are aggregated: `local` (this machine) or `spark` (a Spark Connect server, --remote; INPUT is then a path the cluster reads, or give --table)'
            cand --remote 'The Spark Connect server for --engine spark: sc://HOST:PORT/;token=...;use_ssl=true'
            cand --table 'With --engine spark, read this table of the cluster''s catalog (catalog.db.orders) instead of INPUT'
            cand --method 'Score churn risk as 1 - P(alive) of this customer-base model, fitted on the input'
            cand --bands 'Shares of customers in the high and medium risk bands'
            cand -o 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV'
            cand --output 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV'
            cand --format 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)'
            cand --manifest 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings'
            cand --audit-log 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600'
            cand --dayfirst 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year'
            cand -q 'Print no summary on stderr (errors are still printed)'
            cand --quiet 'Print no summary on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand train 'Train a churn model, report out-of-fold metrics and score the training customers'
            cand score 'Score customers with a model saved by `ckm churn train --model-out`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ckm;churn;train'= {
            cand --map 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=''Posting Date'''
            cand --date-format 'Date format for the ts column, strftime style (e.g. ''%d.%m.%Y %H:%M''), instead of detecting it'
            cand --encoding 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing'
            cand --delimiter 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |'
            cand --preset 'A platform''s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)'
            cand --sheet 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)'
            cand --engine 'Where the lines are aggregated: `local` (this machine) or `spark` (a Spark Connect server, --remote; INPUT is then a path the cluster reads, or give --table)'
            cand --remote 'The Spark Connect server for --engine spark: sc://HOST:PORT/;token=...;use_ssl=true'
            cand --table 'With --engine spark, read this table of the cluster''s catalog (catalog.db.orders) instead of INPUT'
            cand --target 'The label column of a customer table: yes/no, true/false, 1/0'
            cand --id 'The customer id column (default: customer_id, customerID, CustomerId, id, ...)'
            cand --exclude 'Columns not to use as features, comma-separated'
            cand --features 'Use only these columns as features, comma-separated'
            cand --cutoff 'Transactions: the last day of the history the features come from (YYYY-MM-DD); default: the latest line minus --window'
            cand --window 'Transactions: a customer churned when they bought nothing in this many days after the cutoff'
            cand --model 'logistic, gbdt, or auto (the better out-of-fold ROC AUC)'
            cand --folds 'Cross-validation folds (stratified)'
            cand --folds-file 'Read each customer''s fold from this CSV (id,fold), e.g. the folds scikit-learn used'
            cand --seed 'Seed for the folds and the trees'' early-stopping sample'
            cand --cv-sample 'Cross-validate the models on a stratified sample of this many customers when there are more (0: all); the chosen model is then fitted on every customer. The out-of-fold metrics, the threshold and the calibration are the sample''s'
            cand --class-weight 'Weight the classes equally in training (probabilities then overstate churn)'
            cand --bands 'Shares of customers in the high and medium risk bands'
            cand --model-out 'Save the model (features, encodings, parameters, training metrics) as JSON'
            cand --metrics 'Write the metrics as JSON'
            cand --rejects 'Write rows that could not be used (a label that is not yes/no; a transaction line without customer_id or ts) here, with a reason (default: beside a file output as NAME.rejects.csv)'
            cand -o 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV'
            cand --output 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV'
            cand --format 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)'
            cand --manifest 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings'
            cand --audit-log 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600'
            cand --dayfirst 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year'
            cand -q 'Print no summary on stderr (errors are still printed)'
            cand --quiet 'Print no summary on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ckm;churn;score'= {
            cand --map 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=''Posting Date'''
            cand --date-format 'Date format for the ts column, strftime style (e.g. ''%d.%m.%Y %H:%M''), instead of detecting it'
            cand --encoding 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing'
            cand --delimiter 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |'
            cand --preset 'A platform''s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)'
            cand --sheet 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)'
            cand --model 'The model saved by `ckm churn train --model-out`'
            cand -o 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV'
            cand --output 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV'
            cand --format 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)'
            cand --manifest 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings'
            cand --audit-log 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600'
            cand --dayfirst 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year'
            cand -q 'Print no summary on stderr (errors are still printed)'
            cand --quiet 'Print no summary on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ckm;churn;help'= {
            cand train 'Train a churn model, report out-of-fold metrics and score the training customers'
            cand score 'Score customers with a model saved by `ckm churn train --model-out`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ckm;churn;help;train'= {
        }
        &'ckm;churn;help;score'= {
        }
        &'ckm;churn;help;help'= {
        }
        &'ckm;report'= {
            cand --map 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=''Posting Date'''
            cand --date-format 'Date format for the ts column, strftime style (e.g. ''%d.%m.%Y %H:%M''), instead of detecting it'
            cand --encoding 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing'
            cand --delimiter 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |'
            cand --preset 'A platform''s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)'
            cand --sheet 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)'
            cand --engine 'Where the lines are aggregated: `local` (this machine) or `spark` (a Spark Connect server, --remote; INPUT is then a path the cluster reads, or give --table)'
            cand --remote 'The Spark Connect server for --engine spark: sc://HOST:PORT/;token=...;use_ssl=true'
            cand --table 'With --engine spark, read this table of the cluster''s catalog (catalog.db.orders) instead of INPUT'
            cand -o 'Where the report goes: .html/.htm or .md; without it, a terminal summary'
            cand --output 'Where the report goes: .html/.htm or .md; without it, a terminal summary'
            cand --format 'The format, overriding the extension'
            cand --title 'The report''s title'
            cand --as-of 'The day the key figures and cohorts are computed to (YYYY-MM-DD); default: the latest line''s day. The analyses use every line of the input'
            cand --currency 'Currency code or symbol shown with money (EUR, USD, £, ...)'
            cand --customers 'A customer table (`ckm ingest --customers` style) whose non-personal attributes (plan, region, ...) are broken down by customers and revenue'
            cand --segments 'A `ckm segment` output to use instead of running it'
            cand --rules 'A `ckm rules` output to use instead of running it'
            cand --forecast 'A `ckm forecast sales` output to use instead of running it'
            cand --clv 'A `ckm forecast customers` output to use instead of running it'
            cand --churn 'A `ckm churn` output (with churn_probability and risk_band) to use instead of running it'
            cand --clean-manifest 'A `ckm clean --manifest` file: its rejected rows by reason go in the data-quality section'
            cand --manifest 'Write a JSON run record'
            cand --audit-log 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600'
            cand --dayfirst 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year'
            cand -q 'Print no summary on stderr (errors are still printed)'
            cand --quiet 'Print no summary on stderr (errors are still printed)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ckm;generate-sample'= {
            cand --out-dir 'Folder to write the sample exports into'
            cand --customers 'Number of customers'
            cand --seed 'Random seed: the same seed writes the same bytes'
            cand --audit-log 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ckm;generate-docs'= {
            cand --out-dir 'Folder that receives man/ and completions/'
            cand --audit-log 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'ckm;help'= {
            cand ingest 'Read CSV, TSV, Parquet, JSON, NDJSON or Arrow exports into the canonical transactions table'
            cand clean 'Remove duplicates, reject unusable rows with a reason, separate returns, normalise ids'
            cand segment 'One row per customer: RFM features, scores and segments, k-means clusters, outliers'
            cand rules 'Frequent itemsets and association rules (FP-Growth) from baskets or transactions'
            cand forecast 'Forecasts: customers'' future purchases, survival and value (buy-till-you-die models), and sales per period with prediction intervals'
            cand churn 'Churn: train a model on labelled customers or on labels derived from transactions, score new customers with it, or score churn risk as 1 - P(alive) (BG/NBD)'
            cand report 'The customer-knowledge report: key figures, revenue and its forecast, segments, cohorts, rules, CLV and churn risk, as one self-contained HTML page, Markdown, or a terminal summary'
            cand generate-sample 'Write the deterministic sample CRM exports under sample-data/'
            cand generate-docs 'Regenerate the man pages and shell completions from these definitions'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ckm;help;ingest'= {
        }
        &'ckm;help;clean'= {
        }
        &'ckm;help;segment'= {
        }
        &'ckm;help;rules'= {
            cand mine 'Frequent itemsets and association rules (the default when no verb is given)'
            cand sequences 'Sequential patterns over each customer''s orders in time order (PrefixSpan)'
            cand recommend 'For each customer, items not yet bought, scored by the rules whose antecedent they bought'
        }
        &'ckm;help;rules;mine'= {
        }
        &'ckm;help;rules;sequences'= {
        }
        &'ckm;help;rules;recommend'= {
        }
        &'ckm;help;forecast'= {
            cand customers 'Per-customer repeat purchases, P(alive) and value by BG/NBD and Gamma-Gamma'
            cand sales 'Revenue, orders, customers or quantity per period, forecast with prediction intervals (ETS, Theta, ARIMA, baselines, and the ETS + Theta ensemble)'
        }
        &'ckm;help;forecast;customers'= {
        }
        &'ckm;help;forecast;sales'= {
        }
        &'ckm;help;churn'= {
            cand train 'Train a churn model, report out-of-fold metrics and score the training customers'
            cand score 'Score customers with a model saved by `ckm churn train --model-out`'
        }
        &'ckm;help;churn;train'= {
        }
        &'ckm;help;churn;score'= {
        }
        &'ckm;help;report'= {
        }
        &'ckm;help;generate-sample'= {
        }
        &'ckm;help;generate-docs'= {
        }
        &'ckm;help;help'= {
        }
    ]
    $completions[$command]
}
