# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_ckm_global_optspecs
    string join \n audit-log= policy= role= encrypt-to= identity= h/help V/version
end

function __fish_ckm_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_ckm_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_ckm_using_subcommand
    set -l cmd (__fish_ckm_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c ckm -n "__fish_ckm_needs_command" -l audit-log -d 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600' -r -F
complete -c ckm -n "__fish_ckm_needs_command" -l policy -d 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role' -r -F
complete -c ckm -n "__fish_ckm_needs_command" -l role -d 'The role of --policy whose limits apply to every output of this run' -r
complete -c ckm -n "__fish_ckm_needs_command" -l encrypt-to -d 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable' -r
complete -c ckm -n "__fish_ckm_needs_command" -l identity -d 'The age identity file that decrypts inputs ending in .age (age-keygen\'s output)' -r -F
complete -c ckm -n "__fish_ckm_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ckm -n "__fish_ckm_needs_command" -s V -l version -d 'Print version'
complete -c ckm -n "__fish_ckm_needs_command" -f -a "ingest" -d 'Read CSV, TSV, Parquet, JSON, NDJSON or Arrow exports into the canonical transactions table'
complete -c ckm -n "__fish_ckm_needs_command" -f -a "clean" -d 'Remove duplicates, reject unusable rows with a reason, separate returns, normalise ids'
complete -c ckm -n "__fish_ckm_needs_command" -f -a "segment" -d 'One row per customer: RFM features, scores and segments, k-means clusters, outliers'
complete -c ckm -n "__fish_ckm_needs_command" -f -a "rules" -d 'Frequent itemsets and association rules (FP-Growth) from baskets or transactions'
complete -c ckm -n "__fish_ckm_needs_command" -f -a "forecast" -d 'Forecasts: customers\' future purchases, survival and value (buy-till-you-die models), and sales per period with prediction intervals'
complete -c ckm -n "__fish_ckm_needs_command" -f -a "churn" -d 'Churn: train a model on labelled customers or on labels derived from transactions, score new customers with it, or score churn risk as 1 - P(alive) (BG/NBD)'
complete -c ckm -n "__fish_ckm_needs_command" -f -a "report" -d 'The customer-knowledge report: key figures, revenue and its forecast, segments, cohorts, rules, CLV and churn risk, as one self-contained HTML page, Markdown, or a terminal summary'
complete -c ckm -n "__fish_ckm_needs_command" -f -a "generate-sample" -d 'Write the deterministic sample CRM exports under sample-data/'
complete -c ckm -n "__fish_ckm_needs_command" -f -a "generate-docs" -d 'Regenerate the man pages and shell completions from these definitions'
complete -c ckm -n "__fish_ckm_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ckm -n "__fish_ckm_using_subcommand ingest" -l map -d 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=\'Posting Date\'' -r
complete -c ckm -n "__fish_ckm_using_subcommand ingest" -l date-format -d 'Date format for the ts column, strftime style (e.g. \'%d.%m.%Y %H:%M\'), instead of detecting it' -r
complete -c ckm -n "__fish_ckm_using_subcommand ingest" -l encoding -d 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing' -r -f -a "utf-8\t''
latin-1\t''
windows-1252\t''"
complete -c ckm -n "__fish_ckm_using_subcommand ingest" -l delimiter -d 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |' -r
complete -c ckm -n "__fish_ckm_using_subcommand ingest" -l preset -d 'A platform\'s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)' -r
complete -c ckm -n "__fish_ckm_using_subcommand ingest" -l sheet -d 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)' -r
complete -c ckm -n "__fish_ckm_using_subcommand ingest" -l customers -d 'Customer attribute tables (CRM, web-shop accounts, loyalty members), NAME=PATH to give the channel whose ids they hold (repeatable). Records that share a normalised email or phone number become one customer: customer_id becomes the unified id and the channel\'s own id moves to source_customer_id' -r
complete -c ckm -n "__fish_ckm_using_subcommand ingest" -l default-country -d 'Country calling code for phone numbers written without one (1 for the US and Canada, 44 for the UK); without it such numbers compare as written' -r
complete -c ckm -n "__fish_ckm_using_subcommand ingest" -l identity-map -d 'Write the identity mapping (source_channel, source_customer_id, customer_id, rule) here; needs --customers' -r
complete -c ckm -n "__fish_ckm_using_subcommand ingest" -l secret-env -d 'Environment variable holding the secret for --pseudonymize' -r
complete -c ckm -n "__fish_ckm_using_subcommand ingest" -l secret-file -d 'File holding the secret for --pseudonymize (a trailing newline is ignored); beats --secret-env' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand ingest" -s o -l output -d 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV' -r
complete -c ckm -n "__fish_ckm_using_subcommand ingest" -l format -d 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)' -r -f -a "csv\t''
tsv\t''
parquet\t''
json\t''
ndjson\t''
arrow\t''"
complete -c ckm -n "__fish_ckm_using_subcommand ingest" -l manifest -d 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand ingest" -l audit-log -d 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand ingest" -l policy -d 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand ingest" -l role -d 'The role of --policy whose limits apply to every output of this run' -r
complete -c ckm -n "__fish_ckm_using_subcommand ingest" -l encrypt-to -d 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable' -r
complete -c ckm -n "__fish_ckm_using_subcommand ingest" -l identity -d 'The age identity file that decrypts inputs ending in .age (age-keygen\'s output)' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand ingest" -l dayfirst -d 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year'
complete -c ckm -n "__fish_ckm_using_subcommand ingest" -l explain -d 'Print the column mapping chosen for each input and why, then exit'
complete -c ckm -n "__fish_ckm_using_subcommand ingest" -l pseudonymize -d 'Replace customer_id (and source_customer_id) with keyed pseudonyms: `c_` and the first 20 hex digits of HMAC-SHA256(secret, id). The same secret gives the same pseudonyms in every run and every command, so outputs still join'
complete -c ckm -n "__fish_ckm_using_subcommand ingest" -l keep-pii -d 'Keep columns that hold personal data (emails, phones, names, addresses, postcodes, birth dates, IP addresses), which are dropped by default'
complete -c ckm -n "__fish_ckm_using_subcommand ingest" -l mask-pii -d 'Keep personal-data columns in a masked form (j***@example.com, ***4567, J***) for outputs people read'
complete -c ckm -n "__fish_ckm_using_subcommand ingest" -s q -l quiet -d 'Print no summary on stderr (errors are still printed)'
complete -c ckm -n "__fish_ckm_using_subcommand ingest" -s h -l help -d 'Print help'
complete -c ckm -n "__fish_ckm_using_subcommand ingest" -s V -l version -d 'Print version'
complete -c ckm -n "__fish_ckm_using_subcommand clean" -l map -d 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=\'Posting Date\'' -r
complete -c ckm -n "__fish_ckm_using_subcommand clean" -l date-format -d 'Date format for the ts column, strftime style (e.g. \'%d.%m.%Y %H:%M\'), instead of detecting it' -r
complete -c ckm -n "__fish_ckm_using_subcommand clean" -l encoding -d 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing' -r -f -a "utf-8\t''
latin-1\t''
windows-1252\t''"
complete -c ckm -n "__fish_ckm_using_subcommand clean" -l delimiter -d 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |' -r
complete -c ckm -n "__fish_ckm_using_subcommand clean" -l preset -d 'A platform\'s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)' -r
complete -c ckm -n "__fish_ckm_using_subcommand clean" -l sheet -d 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)' -r
complete -c ckm -n "__fish_ckm_using_subcommand clean" -l rejects -d 'Where the removed rows go, with their values, source row and a `reason` column (format from the extension, CSV by default)' -r
complete -c ckm -n "__fish_ckm_using_subcommand clean" -l returns -d 'Returns and cancellations: drop them (to rejects), keep them (flagged in an `is_return` column), or net them against the customer\'s matching purchases' -r -f -a "drop\t''
keep\t''
net\t''"
complete -c ckm -n "__fish_ckm_using_subcommand clean" -l max-date -d 'Latest acceptable timestamp (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS); later rows are rejected as in the future. Default: now' -r
complete -c ckm -n "__fish_ckm_using_subcommand clean" -l memory-limit -d 'Memory the run may hold (8G, 512M, or 40% of this machine\'s); lines beyond it are spilled to disk by customer and cleaned partition by partition, with the same output. Default: half of this machine\'s memory (or of the container\'s limit)' -r
complete -c ckm -n "__fish_ckm_using_subcommand clean" -l temp-dir -d 'Where lines spilled over --memory-limit go (removed at the end of the run). Default: the system\'s temporary directory, or the output\'s directory when that one is held in memory (tmpfs)' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand clean" -l secret-env -d 'Environment variable holding the secret for --pseudonymize' -r
complete -c ckm -n "__fish_ckm_using_subcommand clean" -l secret-file -d 'File holding the secret for --pseudonymize (a trailing newline is ignored); beats --secret-env' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand clean" -s o -l output -d 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV' -r
complete -c ckm -n "__fish_ckm_using_subcommand clean" -l format -d 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)' -r -f -a "csv\t''
tsv\t''
parquet\t''
json\t''
ndjson\t''
arrow\t''"
complete -c ckm -n "__fish_ckm_using_subcommand clean" -l manifest -d 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand clean" -l audit-log -d 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand clean" -l policy -d 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand clean" -l role -d 'The role of --policy whose limits apply to every output of this run' -r
complete -c ckm -n "__fish_ckm_using_subcommand clean" -l encrypt-to -d 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable' -r
complete -c ckm -n "__fish_ckm_using_subcommand clean" -l identity -d 'The age identity file that decrypts inputs ending in .age (age-keygen\'s output)' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand clean" -l dayfirst -d 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year'
complete -c ckm -n "__fish_ckm_using_subcommand clean" -l pseudonymize -d 'Replace customer_id (and source_customer_id) with keyed pseudonyms: `c_` and the first 20 hex digits of HMAC-SHA256(secret, id). The same secret gives the same pseudonyms in every run and every command, so outputs still join'
complete -c ckm -n "__fish_ckm_using_subcommand clean" -l keep-pii -d 'Keep columns that hold personal data (emails, phones, names, addresses, postcodes, birth dates, IP addresses), which are dropped by default'
complete -c ckm -n "__fish_ckm_using_subcommand clean" -l mask-pii -d 'Keep personal-data columns in a masked form (j***@example.com, ***4567, J***) for outputs people read'
complete -c ckm -n "__fish_ckm_using_subcommand clean" -s q -l quiet -d 'Print no summary on stderr (errors are still printed)'
complete -c ckm -n "__fish_ckm_using_subcommand clean" -s h -l help -d 'Print help'
complete -c ckm -n "__fish_ckm_using_subcommand clean" -s V -l version -d 'Print version'
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l map -d 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=\'Posting Date\'' -r
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l date-format -d 'Date format for the ts column, strftime style (e.g. \'%d.%m.%Y %H:%M\'), instead of detecting it' -r
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l encoding -d 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing' -r -f -a "utf-8\t''
latin-1\t''
windows-1252\t''"
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l delimiter -d 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |' -r
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l preset -d 'A platform\'s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)' -r
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l sheet -d 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)' -r
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l engine -d 'Where the lines are aggregated: `local` (this machine) or `spark` (a Spark Connect server, --remote; INPUT is then a path the cluster reads, or give --table)' -r -f -a "local\t''
spark\t''"
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l remote -d 'The Spark Connect server for --engine spark: sc://HOST:PORT/;token=...;use_ssl=true' -r
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l table -d 'With --engine spark, read this table of the cluster\'s catalog (catalog.db.orders) instead of INPUT' -r
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l as-of -d 'Date the features are computed as of (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS); default: the day after the latest line' -r
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l bins -d 'Number of score levels for r_score, f_score and m_score' -r
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l segment-map -d 'Segment rules replacing the built-in map: CSV with segment,r_min,r_max,f_min,f_max, or TOML (.toml) with [[segment]] tables of name, r = [min, max], f = [min, max]' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l rejects -d 'Write lines without a customer_id here, with a reason (default: beside a file output as NAME.rejects.csv)' -r
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l clusters -d 'k-means clusters: a number, or `auto` to pick k in 2..10 by silhouette score' -r
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l features -d 'Features to cluster on and to check for outliers, comma-separated' -r
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l seed -d 'Seed for k-means initialisation and silhouette sampling: same input and seed, same clusters' -r
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l runs -d 'k-means runs from different seeded starts; the lowest inertia is kept' -r
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l outlier-threshold -d 'Robust z-score beyond which a feature marks a customer as an outlier' -r
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l profiles -d 'Write the cluster profiles (size, shares, mean and median of each feature) here' -r
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l secret-env -d 'Environment variable holding the secret for --pseudonymize' -r
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l secret-file -d 'File holding the secret for --pseudonymize (a trailing newline is ignored); beats --secret-env' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand segment" -s o -l output -d 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV' -r
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l format -d 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)' -r -f -a "csv\t''
tsv\t''
parquet\t''
json\t''
ndjson\t''
arrow\t''"
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l manifest -d 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l audit-log -d 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l policy -d 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l role -d 'The role of --policy whose limits apply to every output of this run' -r
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l encrypt-to -d 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable' -r
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l identity -d 'The age identity file that decrypts inputs ending in .age (age-keygen\'s output)' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l dayfirst -d 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year'
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l pseudonymize -d 'Replace customer_id (and source_customer_id) with keyed pseudonyms: `c_` and the first 20 hex digits of HMAC-SHA256(secret, id). The same secret gives the same pseudonyms in every run and every command, so outputs still join'
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l keep-pii -d 'Keep columns that hold personal data (emails, phones, names, addresses, postcodes, birth dates, IP addresses), which are dropped by default'
complete -c ckm -n "__fish_ckm_using_subcommand segment" -l mask-pii -d 'Keep personal-data columns in a masked form (j***@example.com, ***4567, J***) for outputs people read'
complete -c ckm -n "__fish_ckm_using_subcommand segment" -s q -l quiet -d 'Print no summary on stderr (errors are still printed)'
complete -c ckm -n "__fish_ckm_using_subcommand segment" -s h -l help -d 'Print help'
complete -c ckm -n "__fish_ckm_using_subcommand segment" -s V -l version -d 'Print version'
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l map -d 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=\'Posting Date\'' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l date-format -d 'Date format for the ts column, strftime style (e.g. \'%d.%m.%Y %H:%M\'), instead of detecting it' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l encoding -d 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing' -r -f -a "utf-8\t''
latin-1\t''
windows-1252\t''"
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l delimiter -d 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l preset -d 'A platform\'s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l sheet -d 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l engine -d 'Where the lines are aggregated: `local` (this machine) or `spark` (a Spark Connect server, --remote; INPUT is then a path the cluster reads, or give --table)' -r -f -a "local\t''
spark\t''"
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l remote -d 'The Spark Connect server for --engine spark: sc://HOST:PORT/;token=...;use_ssl=true' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l table -d 'With --engine spark, read this table of the cluster\'s catalog (catalog.db.orders) instead of INPUT' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l baskets -d 'A basket file instead of a transactions table: one basket per line, no header (`-` for stdin)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l item-col -d 'The item column of a transactions table (default item_id, else item_name)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l min-support -d 'Minimum support as a fraction of baskets (inclusive), e.g. 0.001 or 1/1000' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l min-count -d 'Minimum support as a number of baskets (inclusive)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l max-len -d 'Longest itemset (0 = no limit)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l max-itemsets -d 'Stop with an error beyond this many frequent itemsets, rather than run out of memory' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l min-confidence -d 'Minimum confidence (inclusive), a fraction' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l min-lift -d 'Minimum lift (inclusive)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l max-consequent -d 'Most items in a rule\'s consequent' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l sort -d 'Order of the rules (descending; ties by antecedent, then consequent)' -r -f -a "lift\t''
confidence\t''
support\t''
leverage\t''"
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l top -d 'Keep only the first N rules after sorting' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l antecedent-has -d 'Keep rules whose antecedent contains this item (repeatable: all must be there)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l consequent-has -d 'Keep rules whose consequent contains this item (repeatable: all must be there)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l itemsets -d 'Write the frequent itemsets here (items, support, count, length)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l rejects -d 'Write transaction lines left out (no item, no basket) here, with a reason (default: beside a file output as NAME.rejects.csv)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -s o -l output -d 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l format -d 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)' -r -f -a "csv\t''
tsv\t''
parquet\t''
json\t''
ndjson\t''
arrow\t''"
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l manifest -d 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l audit-log -d 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l policy -d 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l role -d 'The role of --policy whose limits apply to every output of this run' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l encrypt-to -d 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l identity -d 'The age identity file that decrypts inputs ending in .age (age-keygen\'s output)' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l dayfirst -d 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year'
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l closed -d 'Only closed itemsets in --itemsets (no superset with the same count)'
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -l maximal -d 'Only maximal itemsets in --itemsets (no frequent superset)'
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -s q -l quiet -d 'Print no summary on stderr (errors are still printed)'
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -s h -l help -d 'Print help'
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -s V -l version -d 'Print version'
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -a "mine" -d 'Frequent itemsets and association rules (the default when no verb is given)'
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -a "sequences" -d 'Sequential patterns over each customer\'s orders in time order (PrefixSpan)'
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -a "recommend" -d 'For each customer, items not yet bought: by association rules (--rules) or by a recommender fitted on the transactions (EASE, item-kNN), with why'
complete -c ckm -n "__fish_ckm_using_subcommand rules; and not __fish_seen_subcommand_from mine sequences recommend help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l map -d 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=\'Posting Date\'' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l date-format -d 'Date format for the ts column, strftime style (e.g. \'%d.%m.%Y %H:%M\'), instead of detecting it' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l encoding -d 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing' -r -f -a "utf-8\t''
latin-1\t''
windows-1252\t''"
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l delimiter -d 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l preset -d 'A platform\'s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l sheet -d 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l engine -d 'Where the lines are aggregated: `local` (this machine) or `spark` (a Spark Connect server, --remote; INPUT is then a path the cluster reads, or give --table)' -r -f -a "local\t''
spark\t''"
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l remote -d 'The Spark Connect server for --engine spark: sc://HOST:PORT/;token=...;use_ssl=true' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l table -d 'With --engine spark, read this table of the cluster\'s catalog (catalog.db.orders) instead of INPUT' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l baskets -d 'A basket file instead of a transactions table: one basket per line, no header (`-` for stdin)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l item-col -d 'The item column of a transactions table (default item_id, else item_name)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l min-support -d 'Minimum support as a fraction of baskets (inclusive), e.g. 0.001 or 1/1000' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l min-count -d 'Minimum support as a number of baskets (inclusive)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l max-len -d 'Longest itemset (0 = no limit)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l max-itemsets -d 'Stop with an error beyond this many frequent itemsets, rather than run out of memory' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l min-confidence -d 'Minimum confidence (inclusive), a fraction' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l min-lift -d 'Minimum lift (inclusive)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l max-consequent -d 'Most items in a rule\'s consequent' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l sort -d 'Order of the rules (descending; ties by antecedent, then consequent)' -r -f -a "lift\t''
confidence\t''
support\t''
leverage\t''"
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l top -d 'Keep only the first N rules after sorting' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l antecedent-has -d 'Keep rules whose antecedent contains this item (repeatable: all must be there)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l consequent-has -d 'Keep rules whose consequent contains this item (repeatable: all must be there)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l itemsets -d 'Write the frequent itemsets here (items, support, count, length)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l rejects -d 'Write transaction lines left out (no item, no basket) here, with a reason (default: beside a file output as NAME.rejects.csv)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -s o -l output -d 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l format -d 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)' -r -f -a "csv\t''
tsv\t''
parquet\t''
json\t''
ndjson\t''
arrow\t''"
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l manifest -d 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l audit-log -d 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l policy -d 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l role -d 'The role of --policy whose limits apply to every output of this run' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l encrypt-to -d 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l identity -d 'The age identity file that decrypts inputs ending in .age (age-keygen\'s output)' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l dayfirst -d 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year'
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l closed -d 'Only closed itemsets in --itemsets (no superset with the same count)'
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -l maximal -d 'Only maximal itemsets in --itemsets (no frequent superset)'
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -s q -l quiet -d 'Print no summary on stderr (errors are still printed)'
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -s h -l help -d 'Print help'
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from mine" -s V -l version -d 'Print version'
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from sequences" -l map -d 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=\'Posting Date\'' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from sequences" -l date-format -d 'Date format for the ts column, strftime style (e.g. \'%d.%m.%Y %H:%M\'), instead of detecting it' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from sequences" -l encoding -d 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing' -r -f -a "utf-8\t''
latin-1\t''
windows-1252\t''"
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from sequences" -l delimiter -d 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from sequences" -l preset -d 'A platform\'s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from sequences" -l sheet -d 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from sequences" -l item-col -d 'The item column (default item_id, else item_name)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from sequences" -l min-support -d 'Minimum support as a fraction of customers (inclusive)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from sequences" -l min-count -d 'Minimum support as a number of customers (inclusive)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from sequences" -l max-len -d 'Most items in a pattern (0 = no limit)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from sequences" -l max-gap -d 'Most days between consecutive elements of a pattern' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from sequences" -l max-patterns -d 'Stop with an error beyond this many patterns, rather than run out of memory' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from sequences" -l top -d 'Keep only the N patterns with the most customers' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from sequences" -l rejects -d 'Write lines left out (no customer, item or date) here, with a reason (default: beside a file output as NAME.rejects.csv)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from sequences" -s o -l output -d 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from sequences" -l format -d 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)' -r -f -a "csv\t''
tsv\t''
parquet\t''
json\t''
ndjson\t''
arrow\t''"
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from sequences" -l manifest -d 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from sequences" -l audit-log -d 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from sequences" -l policy -d 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from sequences" -l role -d 'The role of --policy whose limits apply to every output of this run' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from sequences" -l encrypt-to -d 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from sequences" -l identity -d 'The age identity file that decrypts inputs ending in .age (age-keygen\'s output)' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from sequences" -l dayfirst -d 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year'
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from sequences" -s q -l quiet -d 'Print no summary on stderr (errors are still printed)'
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from sequences" -s h -l help -d 'Print help'
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from sequences" -s V -l version -d 'Print version'
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from recommend" -l rules -d 'Rules written by `ckm rules` (CSV, TSV, Parquet, JSON); without it, a recommender is fitted on --transactions (--model)' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from recommend" -l transactions -d 'The transactions table whose customers get recommendations' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from recommend" -l map -d 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=\'Posting Date\'' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from recommend" -l date-format -d 'Date format for the ts column, strftime style (e.g. \'%d.%m.%Y %H:%M\'), instead of detecting it' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from recommend" -l encoding -d 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing' -r -f -a "utf-8\t''
latin-1\t''
windows-1252\t''"
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from recommend" -l delimiter -d 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from recommend" -l preset -d 'A platform\'s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from recommend" -l sheet -d 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from recommend" -l item-col -d 'The item column the rules were mined on (default item_id, else item_name)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from recommend" -l top -d 'Recommendations per customer' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from recommend" -l model -d 'Without --rules, the recommender fitted on the transactions: auto fits ease (λ 500), item-knn, ease with four other ridges and rules on all but the last quarter of the time span, and keeps ease (λ 500) unless another\'s precision on what customers first bought in that quarter is higher by more than a standard error; rules are mined on the orders' -r -f -a "auto\t''
item-knn\t''
ease\t''
rules\t''"
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from recommend" -l lambda -d 'EASE\'s ridge λ (default: auto tries 125 to 2000, ease takes 500)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from recommend" -l max-items -d 'EASE models at most this many items, the most bought ones (it holds 12 bytes per pair of items)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from recommend" -l min-support -d 'The rules\' minimum support, a fraction of the orders (default 0.005)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from recommend" -l holdout-start -d 'Fit on the lines before DATE (YYYY-MM-DD) and score the recommendations, and the most popular items as a baseline, on what customers active before DATE first bought from it on: precision, recall and hit rate at --top, and coverage' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from recommend" -l evaluation -d 'Write the holdout scores here, a row per recommender (needs --holdout-start)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from recommend" -l rejects -d 'Write lines left out (no customer or item) here, with a reason (default: beside a file output as NAME.rejects.csv)' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from recommend" -s o -l output -d 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from recommend" -l format -d 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)' -r -f -a "csv\t''
tsv\t''
parquet\t''
json\t''
ndjson\t''
arrow\t''"
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from recommend" -l manifest -d 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from recommend" -l audit-log -d 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from recommend" -l policy -d 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from recommend" -l role -d 'The role of --policy whose limits apply to every output of this run' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from recommend" -l encrypt-to -d 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable' -r
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from recommend" -l identity -d 'The age identity file that decrypts inputs ending in .age (age-keygen\'s output)' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from recommend" -l dayfirst -d 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year'
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from recommend" -s q -l quiet -d 'Print no summary on stderr (errors are still printed)'
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from recommend" -s h -l help -d 'Print help'
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from recommend" -s V -l version -d 'Print version'
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from help" -f -a "mine" -d 'Frequent itemsets and association rules (the default when no verb is given)'
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from help" -f -a "sequences" -d 'Sequential patterns over each customer\'s orders in time order (PrefixSpan)'
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from help" -f -a "recommend" -d 'For each customer, items not yet bought: by association rules (--rules) or by a recommender fitted on the transactions (EASE, item-kNN), with why'
complete -c ckm -n "__fish_ckm_using_subcommand rules; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and not __fish_seen_subcommand_from customers sales help" -l audit-log -d 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and not __fish_seen_subcommand_from customers sales help" -l policy -d 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and not __fish_seen_subcommand_from customers sales help" -l role -d 'The role of --policy whose limits apply to every output of this run' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and not __fish_seen_subcommand_from customers sales help" -l encrypt-to -d 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and not __fish_seen_subcommand_from customers sales help" -l identity -d 'The age identity file that decrypts inputs ending in .age (age-keygen\'s output)' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and not __fish_seen_subcommand_from customers sales help" -s h -l help -d 'Print help'
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and not __fish_seen_subcommand_from customers sales help" -s V -l version -d 'Print version'
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and not __fish_seen_subcommand_from customers sales help" -f -a "customers" -d 'Per-customer repeat purchases, P(alive) and value by BG/NBD and Gamma-Gamma'
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and not __fish_seen_subcommand_from customers sales help" -f -a "sales" -d 'Revenue, orders, customers or quantity per period, forecast with prediction intervals (ETS, Theta, ARIMA, baselines, and the ETS + Theta ensemble)'
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and not __fish_seen_subcommand_from customers sales help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from customers" -l map -d 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=\'Posting Date\'' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from customers" -l date-format -d 'Date format for the ts column, strftime style (e.g. \'%d.%m.%Y %H:%M\'), instead of detecting it' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from customers" -l encoding -d 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing' -r -f -a "utf-8\t''
latin-1\t''
windows-1252\t''"
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from customers" -l delimiter -d 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from customers" -l preset -d 'A platform\'s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from customers" -l sheet -d 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from customers" -l engine -d 'Where the lines are aggregated: `local` (this machine) or `spark` (a Spark Connect server, --remote; INPUT is then a path the cluster reads, or give --table)' -r -f -a "local\t''
spark\t''"
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from customers" -l remote -d 'The Spark Connect server for --engine spark: sc://HOST:PORT/;token=...;use_ssl=true' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from customers" -l table -d 'With --engine spark, read this table of the cluster\'s catalog (catalog.db.orders) instead of INPUT' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from customers" -l model -d 'Purchase model: bgnbd (BG/NBD), pareto-nbd (Pareto/NBD) or mbgnbd (MBG/NBD); or the path of a model saved with --model-out, to score the input with it instead of fitting (a file named like a model needs a directory, e.g. ./bgnbd)' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from customers" -l model-out -d 'Write the fitted models (kind, parameters, standard errors, log-likelihood, time unit, calibration end) as JSON, for scoring later with --model PATH' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from customers" -l time-unit -d 'Unit of recency, T and the horizon (purchases are counted per calendar day); default week, or the saved model\'s' -r -f -a "day\t''
week\t''
month\t''"
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from customers" -l calibration-end -l as-of -d 'End of the calibration period (YYYY-MM-DD); default: the latest transaction\'s date' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from customers" -l holdout-end -d 'End of a holdout period after --calibration-end (YYYY-MM-DD): fit on the calibration period, predict the holdout, and compare with what the customers actually bought' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from customers" -l evaluation -d 'Write the holdout comparison (mean predicted and actual repeat transactions by calibration frequency 0..7+) to this table' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from customers" -l horizon -d 'Forecast horizon, in time units' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from customers" -l discount-rate -d 'Discount rate per time unit for the CLV' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from customers" -s o -l output -d 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from customers" -l format -d 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)' -r -f -a "csv\t''
tsv\t''
parquet\t''
json\t''
ndjson\t''
arrow\t''"
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from customers" -l manifest -d 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from customers" -l audit-log -d 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from customers" -l policy -d 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from customers" -l role -d 'The role of --policy whose limits apply to every output of this run' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from customers" -l encrypt-to -d 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from customers" -l identity -d 'The age identity file that decrypts inputs ending in .age (age-keygen\'s output)' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from customers" -l dayfirst -d 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year'
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from customers" -l no-spend -d 'Skip the Gamma-Gamma spend model (no expected_avg_value or clv)'
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from customers" -s q -l quiet -d 'Print no summary on stderr (errors are still printed)'
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from customers" -s h -l help -d 'Print help'
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from customers" -s V -l version -d 'Print version'
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l map -d 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=\'Posting Date\'' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l date-format -d 'Date format for the ts column, strftime style (e.g. \'%d.%m.%Y %H:%M\'), instead of detecting it' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l encoding -d 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing' -r -f -a "utf-8\t''
latin-1\t''
windows-1252\t''"
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l delimiter -d 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l preset -d 'A platform\'s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l sheet -d 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l engine -d 'Where the lines are aggregated: `local` (this machine) or `spark` (a Spark Connect server, --remote; INPUT is then a path the cluster reads, or give --table)' -r -f -a "local\t''
spark\t''"
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l remote -d 'The Spark Connect server for --engine spark: sc://HOST:PORT/;token=...;use_ssl=true' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l table -d 'With --engine spark, read this table of the cluster\'s catalog (catalog.db.orders) instead of INPUT' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l date-column -d 'Date column of a --series table' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l value-column -d 'Value column of a --series table' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l measure -d 'What to forecast from transactions: revenue (sum of amount), orders (distinct order_id), customers (distinct customer_id) or quantity' -r -f -a "revenue\t''
orders\t''
customers\t''
quantity\t''"
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l period -d 'Calendar period of the series (weeks start on Monday)' -r -f -a "day\t''
week\t''
month\t''
quarter\t''
year\t''"
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l by -d 'Forecast each value of this column separately (channel, category, or any column; with --segments, a column of the segments file)' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l segments -d 'A `ckm segment` output (or any table with customer_id): each customer\'s lines go to the group of the --by column there (default rfm_segment)' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l rejects -d 'Write transaction lines left out (no ts, or nothing to measure) here, with a reason (default: beside a file output as NAME.rejects.csv)' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l horizon -d 'Periods to forecast; default one season (28 days, 13 weeks, 12 months, 8 quarters, 6 years)' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l model -d 'Model: auto is the mean of ets and theta, or of the blend of ets, theta and arima whose backtests over all the series were clearly better' -r -f -a "auto\t''
ets\t''
theta\t''
arima\t''
seasonal-naive\t''
naive\t''
mean\t''
ensemble\t''"
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l season -d 'Season length in periods; default 7 (day), 52 (week), 12 (month), 4 (quarter), 1 (year: no season)' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l level -d 'Prediction interval levels in percent' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l holdout -d 'Hold out the last N periods: every model is fitted on the rest and scored on them (MAE, RMSE, MASE, sMAPE)' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l evaluation -d 'Write the holdout scores per series and model to this table' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -s o -l output -d 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l format -d 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)' -r -f -a "csv\t''
tsv\t''
parquet\t''
json\t''
ndjson\t''
arrow\t''"
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l manifest -d 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l audit-log -d 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l policy -d 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l role -d 'The role of --policy whose limits apply to every output of this run' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l encrypt-to -d 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable' -r
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l identity -d 'The age identity file that decrypts inputs ending in .age (age-keygen\'s output)' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l dayfirst -d 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year'
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l series -d 'The input is a ready series: a date column and a value column (see --date-column, --value-column), summed per period'
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -l keep-partial -d 'Keep an incomplete last period (dropped by default: it would look like a drop in sales)'
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -s q -l quiet -d 'Print no summary on stderr (errors are still printed)'
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -s h -l help -d 'Print help'
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from sales" -s V -l version -d 'Print version'
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from help" -f -a "customers" -d 'Per-customer repeat purchases, P(alive) and value by BG/NBD and Gamma-Gamma'
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from help" -f -a "sales" -d 'Revenue, orders, customers or quantity per period, forecast with prediction intervals (ETS, Theta, ARIMA, baselines, and the ETS + Theta ensemble)'
complete -c ckm -n "__fish_ckm_using_subcommand forecast; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ckm -n "__fish_ckm_using_subcommand churn; and not __fish_seen_subcommand_from train score help" -l map -d 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=\'Posting Date\'' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and not __fish_seen_subcommand_from train score help" -l date-format -d 'Date format for the ts column, strftime style (e.g. \'%d.%m.%Y %H:%M\'), instead of detecting it' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and not __fish_seen_subcommand_from train score help" -l encoding -d 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing' -r -f -a "utf-8\t''
latin-1\t''
windows-1252\t''"
complete -c ckm -n "__fish_ckm_using_subcommand churn; and not __fish_seen_subcommand_from train score help" -l delimiter -d 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and not __fish_seen_subcommand_from train score help" -l preset -d 'A platform\'s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and not __fish_seen_subcommand_from train score help" -l sheet -d 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and not __fish_seen_subcommand_from train score help" -l engine -d 'Where the lines are aggregated: `local` (this machine) or `spark` (a Spark Connect server, --remote; INPUT is then a path the cluster reads, or give --table)' -r -f -a "local\t''
spark\t''"
complete -c ckm -n "__fish_ckm_using_subcommand churn; and not __fish_seen_subcommand_from train score help" -l remote -d 'The Spark Connect server for --engine spark: sc://HOST:PORT/;token=...;use_ssl=true' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and not __fish_seen_subcommand_from train score help" -l table -d 'With --engine spark, read this table of the cluster\'s catalog (catalog.db.orders) instead of INPUT' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and not __fish_seen_subcommand_from train score help" -l method -d 'Score churn risk as 1 - P(alive) of this customer-base model, fitted on the input' -r -f -a "bgnbd\t''
pareto-nbd\t''
mbgnbd\t''"
complete -c ckm -n "__fish_ckm_using_subcommand churn; and not __fish_seen_subcommand_from train score help" -l bands -d 'Shares of customers in the high and medium risk bands' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and not __fish_seen_subcommand_from train score help" -s o -l output -d 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and not __fish_seen_subcommand_from train score help" -l format -d 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)' -r -f -a "csv\t''
tsv\t''
parquet\t''
json\t''
ndjson\t''
arrow\t''"
complete -c ckm -n "__fish_ckm_using_subcommand churn; and not __fish_seen_subcommand_from train score help" -l manifest -d 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand churn; and not __fish_seen_subcommand_from train score help" -l audit-log -d 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand churn; and not __fish_seen_subcommand_from train score help" -l policy -d 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand churn; and not __fish_seen_subcommand_from train score help" -l role -d 'The role of --policy whose limits apply to every output of this run' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and not __fish_seen_subcommand_from train score help" -l encrypt-to -d 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and not __fish_seen_subcommand_from train score help" -l identity -d 'The age identity file that decrypts inputs ending in .age (age-keygen\'s output)' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand churn; and not __fish_seen_subcommand_from train score help" -l dayfirst -d 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year'
complete -c ckm -n "__fish_ckm_using_subcommand churn; and not __fish_seen_subcommand_from train score help" -s q -l quiet -d 'Print no summary on stderr (errors are still printed)'
complete -c ckm -n "__fish_ckm_using_subcommand churn; and not __fish_seen_subcommand_from train score help" -s h -l help -d 'Print help'
complete -c ckm -n "__fish_ckm_using_subcommand churn; and not __fish_seen_subcommand_from train score help" -s V -l version -d 'Print version'
complete -c ckm -n "__fish_ckm_using_subcommand churn; and not __fish_seen_subcommand_from train score help" -a "train" -d 'Train a churn model, report out-of-fold metrics and score the training customers'
complete -c ckm -n "__fish_ckm_using_subcommand churn; and not __fish_seen_subcommand_from train score help" -a "score" -d 'Score customers with a model saved by `ckm churn train --model-out`'
complete -c ckm -n "__fish_ckm_using_subcommand churn; and not __fish_seen_subcommand_from train score help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l map -d 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=\'Posting Date\'' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l date-format -d 'Date format for the ts column, strftime style (e.g. \'%d.%m.%Y %H:%M\'), instead of detecting it' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l encoding -d 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing' -r -f -a "utf-8\t''
latin-1\t''
windows-1252\t''"
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l delimiter -d 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l preset -d 'A platform\'s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l sheet -d 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l engine -d 'Where the lines are aggregated: `local` (this machine) or `spark` (a Spark Connect server, --remote; INPUT is then a path the cluster reads, or give --table)' -r -f -a "local\t''
spark\t''"
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l remote -d 'The Spark Connect server for --engine spark: sc://HOST:PORT/;token=...;use_ssl=true' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l table -d 'With --engine spark, read this table of the cluster\'s catalog (catalog.db.orders) instead of INPUT' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l target -d 'The label column of a customer table: yes/no, true/false, 1/0' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l id -d 'The customer id column (default: customer_id, customerID, CustomerId, id, ...)' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l exclude -d 'Columns not to use as features, comma-separated' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l features -d 'Use only these columns as features, comma-separated' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l cutoff -d 'Transactions: the last day of the history the features come from (YYYY-MM-DD); default: the latest line minus --window' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l window -d 'Transactions: a customer churned when they bought nothing in this many days after the cutoff' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l model -d 'logistic, gbdt, or auto (the better out-of-fold ROC AUC)' -r -f -a "auto\t''
logistic\t''
gbdt\t''"
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l folds -d 'Cross-validation folds (stratified)' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l folds-file -d 'Read each customer\'s fold from this CSV (id,fold), e.g. the folds scikit-learn used' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l seed -d 'Seed for the folds and the trees\' early-stopping sample' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l cv-sample -d 'Cross-validate the models on a stratified sample of this many customers when there are more (0: all); the chosen model is then fitted on every customer. The out-of-fold metrics, the threshold and the calibration are the sample\'s' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l class-weight -d 'Weight the classes equally in training (probabilities then overstate churn)' -r -f -a "none\t''
balanced\t''"
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l bands -d 'Shares of customers in the high and medium risk bands' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l model-out -d 'Save the model (features, encodings, parameters, training metrics) as JSON' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l metrics -d 'Write the metrics as JSON' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l rejects -d 'Write rows that could not be used (a label that is not yes/no; a transaction line without customer_id or ts) here, with a reason (default: beside a file output as NAME.rejects.csv)' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -s o -l output -d 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l format -d 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)' -r -f -a "csv\t''
tsv\t''
parquet\t''
json\t''
ndjson\t''
arrow\t''"
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l manifest -d 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l audit-log -d 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l policy -d 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l role -d 'The role of --policy whose limits apply to every output of this run' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l encrypt-to -d 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l identity -d 'The age identity file that decrypts inputs ending in .age (age-keygen\'s output)' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -l dayfirst -d 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year'
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -s q -l quiet -d 'Print no summary on stderr (errors are still printed)'
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -s h -l help -d 'Print help'
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from train" -s V -l version -d 'Print version'
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from score" -l map -d 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=\'Posting Date\'' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from score" -l date-format -d 'Date format for the ts column, strftime style (e.g. \'%d.%m.%Y %H:%M\'), instead of detecting it' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from score" -l encoding -d 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing' -r -f -a "utf-8\t''
latin-1\t''
windows-1252\t''"
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from score" -l delimiter -d 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from score" -l preset -d 'A platform\'s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from score" -l sheet -d 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from score" -l model -d 'The model saved by `ckm churn train --model-out`' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from score" -s o -l output -d 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from score" -l format -d 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)' -r -f -a "csv\t''
tsv\t''
parquet\t''
json\t''
ndjson\t''
arrow\t''"
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from score" -l manifest -d 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from score" -l audit-log -d 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from score" -l policy -d 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from score" -l role -d 'The role of --policy whose limits apply to every output of this run' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from score" -l encrypt-to -d 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable' -r
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from score" -l identity -d 'The age identity file that decrypts inputs ending in .age (age-keygen\'s output)' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from score" -l dayfirst -d 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year'
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from score" -s q -l quiet -d 'Print no summary on stderr (errors are still printed)'
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from score" -s h -l help -d 'Print help'
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from score" -s V -l version -d 'Print version'
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from help" -f -a "train" -d 'Train a churn model, report out-of-fold metrics and score the training customers'
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from help" -f -a "score" -d 'Score customers with a model saved by `ckm churn train --model-out`'
complete -c ckm -n "__fish_ckm_using_subcommand churn; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ckm -n "__fish_ckm_using_subcommand report" -l map -d 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=\'Posting Date\'' -r
complete -c ckm -n "__fish_ckm_using_subcommand report" -l date-format -d 'Date format for the ts column, strftime style (e.g. \'%d.%m.%Y %H:%M\'), instead of detecting it' -r
complete -c ckm -n "__fish_ckm_using_subcommand report" -l encoding -d 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing' -r -f -a "utf-8\t''
latin-1\t''
windows-1252\t''"
complete -c ckm -n "__fish_ckm_using_subcommand report" -l delimiter -d 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |' -r
complete -c ckm -n "__fish_ckm_using_subcommand report" -l preset -d 'A platform\'s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)' -r
complete -c ckm -n "__fish_ckm_using_subcommand report" -l sheet -d 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)' -r
complete -c ckm -n "__fish_ckm_using_subcommand report" -l engine -d 'Where the lines are aggregated: `local` (this machine) or `spark` (a Spark Connect server, --remote; INPUT is then a path the cluster reads, or give --table)' -r -f -a "local\t''
spark\t''"
complete -c ckm -n "__fish_ckm_using_subcommand report" -l remote -d 'The Spark Connect server for --engine spark: sc://HOST:PORT/;token=...;use_ssl=true' -r
complete -c ckm -n "__fish_ckm_using_subcommand report" -l table -d 'With --engine spark, read this table of the cluster\'s catalog (catalog.db.orders) instead of INPUT' -r
complete -c ckm -n "__fish_ckm_using_subcommand report" -s o -l output -d 'Where the report goes: .html/.htm or .md; without it, a terminal summary' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand report" -l format -d 'The format, overriding the extension' -r -f -a "html\t''
md\t''
terminal\t''"
complete -c ckm -n "__fish_ckm_using_subcommand report" -l title -d 'The report\'s title' -r
complete -c ckm -n "__fish_ckm_using_subcommand report" -l as-of -d 'The day the key figures and cohorts are computed to (YYYY-MM-DD); default: the latest line\'s day. The analyses use every line of the input' -r
complete -c ckm -n "__fish_ckm_using_subcommand report" -l currency -d 'Currency code or symbol shown with money (EUR, USD, £, ...)' -r
complete -c ckm -n "__fish_ckm_using_subcommand report" -l customers -d 'A customer table (`ckm ingest --customers` style) whose non-personal attributes (plan, region, ...) are broken down by customers and revenue' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand report" -l segments -d 'A `ckm segment` output to use instead of running it' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand report" -l rules -d 'A `ckm rules` output to use instead of running it' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand report" -l forecast -d 'A `ckm forecast sales` output to use instead of running it' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand report" -l clv -d 'A `ckm forecast customers` output to use instead of running it' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand report" -l churn -d 'A `ckm churn` output (with churn_probability and risk_band) to use instead of running it' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand report" -l clean-manifest -d 'A `ckm clean --manifest` file: its rejected rows by reason go in the data-quality section' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand report" -l manifest -d 'Write a JSON run record' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand report" -l audit-log -d 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand report" -l policy -d 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand report" -l role -d 'The role of --policy whose limits apply to every output of this run' -r
complete -c ckm -n "__fish_ckm_using_subcommand report" -l encrypt-to -d 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable' -r
complete -c ckm -n "__fish_ckm_using_subcommand report" -l identity -d 'The age identity file that decrypts inputs ending in .age (age-keygen\'s output)' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand report" -l dayfirst -d 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year'
complete -c ckm -n "__fish_ckm_using_subcommand report" -s q -l quiet -d 'Print no summary on stderr (errors are still printed)'
complete -c ckm -n "__fish_ckm_using_subcommand report" -s h -l help -d 'Print help'
complete -c ckm -n "__fish_ckm_using_subcommand report" -s V -l version -d 'Print version'
complete -c ckm -n "__fish_ckm_using_subcommand generate-sample" -l out-dir -d 'Folder to write the sample exports into' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand generate-sample" -l customers -d 'Number of customers' -r
complete -c ckm -n "__fish_ckm_using_subcommand generate-sample" -l seed -d 'Random seed: the same seed writes the same bytes' -r
complete -c ckm -n "__fish_ckm_using_subcommand generate-sample" -l audit-log -d 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand generate-sample" -l policy -d 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand generate-sample" -l role -d 'The role of --policy whose limits apply to every output of this run' -r
complete -c ckm -n "__fish_ckm_using_subcommand generate-sample" -l encrypt-to -d 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable' -r
complete -c ckm -n "__fish_ckm_using_subcommand generate-sample" -l identity -d 'The age identity file that decrypts inputs ending in .age (age-keygen\'s output)' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand generate-sample" -s h -l help -d 'Print help'
complete -c ckm -n "__fish_ckm_using_subcommand generate-sample" -s V -l version -d 'Print version'
complete -c ckm -n "__fish_ckm_using_subcommand generate-docs" -l out-dir -d 'Folder that receives man/ and completions/' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand generate-docs" -l audit-log -d 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand generate-docs" -l policy -d 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand generate-docs" -l role -d 'The role of --policy whose limits apply to every output of this run' -r
complete -c ckm -n "__fish_ckm_using_subcommand generate-docs" -l encrypt-to -d 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable' -r
complete -c ckm -n "__fish_ckm_using_subcommand generate-docs" -l identity -d 'The age identity file that decrypts inputs ending in .age (age-keygen\'s output)' -r -F
complete -c ckm -n "__fish_ckm_using_subcommand generate-docs" -s h -l help -d 'Print help'
complete -c ckm -n "__fish_ckm_using_subcommand generate-docs" -s V -l version -d 'Print version'
complete -c ckm -n "__fish_ckm_using_subcommand help; and not __fish_seen_subcommand_from ingest clean segment rules forecast churn report generate-sample generate-docs help" -f -a "ingest" -d 'Read CSV, TSV, Parquet, JSON, NDJSON or Arrow exports into the canonical transactions table'
complete -c ckm -n "__fish_ckm_using_subcommand help; and not __fish_seen_subcommand_from ingest clean segment rules forecast churn report generate-sample generate-docs help" -f -a "clean" -d 'Remove duplicates, reject unusable rows with a reason, separate returns, normalise ids'
complete -c ckm -n "__fish_ckm_using_subcommand help; and not __fish_seen_subcommand_from ingest clean segment rules forecast churn report generate-sample generate-docs help" -f -a "segment" -d 'One row per customer: RFM features, scores and segments, k-means clusters, outliers'
complete -c ckm -n "__fish_ckm_using_subcommand help; and not __fish_seen_subcommand_from ingest clean segment rules forecast churn report generate-sample generate-docs help" -f -a "rules" -d 'Frequent itemsets and association rules (FP-Growth) from baskets or transactions'
complete -c ckm -n "__fish_ckm_using_subcommand help; and not __fish_seen_subcommand_from ingest clean segment rules forecast churn report generate-sample generate-docs help" -f -a "forecast" -d 'Forecasts: customers\' future purchases, survival and value (buy-till-you-die models), and sales per period with prediction intervals'
complete -c ckm -n "__fish_ckm_using_subcommand help; and not __fish_seen_subcommand_from ingest clean segment rules forecast churn report generate-sample generate-docs help" -f -a "churn" -d 'Churn: train a model on labelled customers or on labels derived from transactions, score new customers with it, or score churn risk as 1 - P(alive) (BG/NBD)'
complete -c ckm -n "__fish_ckm_using_subcommand help; and not __fish_seen_subcommand_from ingest clean segment rules forecast churn report generate-sample generate-docs help" -f -a "report" -d 'The customer-knowledge report: key figures, revenue and its forecast, segments, cohorts, rules, CLV and churn risk, as one self-contained HTML page, Markdown, or a terminal summary'
complete -c ckm -n "__fish_ckm_using_subcommand help; and not __fish_seen_subcommand_from ingest clean segment rules forecast churn report generate-sample generate-docs help" -f -a "generate-sample" -d 'Write the deterministic sample CRM exports under sample-data/'
complete -c ckm -n "__fish_ckm_using_subcommand help; and not __fish_seen_subcommand_from ingest clean segment rules forecast churn report generate-sample generate-docs help" -f -a "generate-docs" -d 'Regenerate the man pages and shell completions from these definitions'
complete -c ckm -n "__fish_ckm_using_subcommand help; and not __fish_seen_subcommand_from ingest clean segment rules forecast churn report generate-sample generate-docs help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ckm -n "__fish_ckm_using_subcommand help; and __fish_seen_subcommand_from rules" -f -a "mine" -d 'Frequent itemsets and association rules (the default when no verb is given)'
complete -c ckm -n "__fish_ckm_using_subcommand help; and __fish_seen_subcommand_from rules" -f -a "sequences" -d 'Sequential patterns over each customer\'s orders in time order (PrefixSpan)'
complete -c ckm -n "__fish_ckm_using_subcommand help; and __fish_seen_subcommand_from rules" -f -a "recommend" -d 'For each customer, items not yet bought: by association rules (--rules) or by a recommender fitted on the transactions (EASE, item-kNN), with why'
complete -c ckm -n "__fish_ckm_using_subcommand help; and __fish_seen_subcommand_from forecast" -f -a "customers" -d 'Per-customer repeat purchases, P(alive) and value by BG/NBD and Gamma-Gamma'
complete -c ckm -n "__fish_ckm_using_subcommand help; and __fish_seen_subcommand_from forecast" -f -a "sales" -d 'Revenue, orders, customers or quantity per period, forecast with prediction intervals (ETS, Theta, ARIMA, baselines, and the ETS + Theta ensemble)'
complete -c ckm -n "__fish_ckm_using_subcommand help; and __fish_seen_subcommand_from churn" -f -a "train" -d 'Train a churn model, report out-of-fold metrics and score the training customers'
complete -c ckm -n "__fish_ckm_using_subcommand help; and __fish_seen_subcommand_from churn" -f -a "score" -d 'Score customers with a model saved by `ckm churn train --model-out`'
