
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'ckm' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'ckm'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'ckm' {
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'The role of --policy whose limits apply to every output of this run')
            [CompletionResult]::new('--encrypt-to', '--encrypt-to', [CompletionResultType]::ParameterName, 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The age identity file that decrypts inputs ending in .age (age-keygen''s output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('ingest', 'ingest', [CompletionResultType]::ParameterValue, 'Read CSV, TSV, Parquet, JSON, NDJSON or Arrow exports into the canonical transactions table')
            [CompletionResult]::new('clean', 'clean', [CompletionResultType]::ParameterValue, 'Remove duplicates, reject unusable rows with a reason, separate returns, normalise ids')
            [CompletionResult]::new('segment', 'segment', [CompletionResultType]::ParameterValue, 'One row per customer: RFM features, scores and segments, k-means clusters, outliers')
            [CompletionResult]::new('rules', 'rules', [CompletionResultType]::ParameterValue, 'Frequent itemsets and association rules (FP-Growth) from baskets or transactions')
            [CompletionResult]::new('forecast', 'forecast', [CompletionResultType]::ParameterValue, 'Forecasts: customers'' future purchases, survival and value (buy-till-you-die models), and sales per period with prediction intervals')
            [CompletionResult]::new('churn', 'churn', [CompletionResultType]::ParameterValue, 'Churn: train a model on labelled customers or on labels derived from transactions, score new customers with it, or score churn risk as 1 - P(alive) (BG/NBD)')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'The customer-knowledge report: key figures, revenue and its forecast, segments, cohorts, rules, CLV and churn risk, as one self-contained HTML page, Markdown, or a terminal summary')
            [CompletionResult]::new('generate-sample', 'generate-sample', [CompletionResultType]::ParameterValue, 'Write the deterministic sample CRM exports under sample-data/')
            [CompletionResult]::new('generate-docs', 'generate-docs', [CompletionResultType]::ParameterValue, 'Regenerate the man pages and shell completions from these definitions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ckm;ingest' {
            [CompletionResult]::new('--map', '--map', [CompletionResultType]::ParameterName, 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=''Posting Date''')
            [CompletionResult]::new('--date-format', '--date-format', [CompletionResultType]::ParameterName, 'Date format for the ts column, strftime style (e.g. ''%d.%m.%Y %H:%M''), instead of detecting it')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |')
            [CompletionResult]::new('--preset', '--preset', [CompletionResultType]::ParameterName, 'A platform''s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)')
            [CompletionResult]::new('--sheet', '--sheet', [CompletionResultType]::ParameterName, 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)')
            [CompletionResult]::new('--customers', '--customers', [CompletionResultType]::ParameterName, 'Customer attribute tables (CRM, web-shop accounts, loyalty members), NAME=PATH to give the channel whose ids they hold (repeatable). Records that share a normalised email or phone number become one customer: customer_id becomes the unified id and the channel''s own id moves to source_customer_id')
            [CompletionResult]::new('--default-country', '--default-country', [CompletionResultType]::ParameterName, 'Country calling code for phone numbers written without one (1 for the US and Canada, 44 for the UK); without it such numbers compare as written')
            [CompletionResult]::new('--identity-map', '--identity-map', [CompletionResultType]::ParameterName, 'Write the identity mapping (source_channel, source_customer_id, customer_id, rule) here; needs --customers')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Environment variable holding the secret for --pseudonymize')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'File holding the secret for --pseudonymize (a trailing newline is ignored); beats --secret-env')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)')
            [CompletionResult]::new('--manifest', '--manifest', [CompletionResultType]::ParameterName, 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'The role of --policy whose limits apply to every output of this run')
            [CompletionResult]::new('--encrypt-to', '--encrypt-to', [CompletionResultType]::ParameterName, 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The age identity file that decrypts inputs ending in .age (age-keygen''s output)')
            [CompletionResult]::new('--dayfirst', '--dayfirst', [CompletionResultType]::ParameterName, 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Print the column mapping chosen for each input and why, then exit')
            [CompletionResult]::new('--pseudonymize', '--pseudonymize', [CompletionResultType]::ParameterName, 'Replace customer_id (and source_customer_id) with keyed pseudonyms: `c_` and the first 20 hex digits of HMAC-SHA256(secret, id). The same secret gives the same pseudonyms in every run and every command, so outputs still join')
            [CompletionResult]::new('--keep-pii', '--keep-pii', [CompletionResultType]::ParameterName, 'Keep columns that hold personal data (emails, phones, names, addresses, postcodes, birth dates, IP addresses), which are dropped by default')
            [CompletionResult]::new('--mask-pii', '--mask-pii', [CompletionResultType]::ParameterName, 'Keep personal-data columns in a masked form (j***@example.com, ***4567, J***) for outputs people read')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ckm;clean' {
            [CompletionResult]::new('--map', '--map', [CompletionResultType]::ParameterName, 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=''Posting Date''')
            [CompletionResult]::new('--date-format', '--date-format', [CompletionResultType]::ParameterName, 'Date format for the ts column, strftime style (e.g. ''%d.%m.%Y %H:%M''), instead of detecting it')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |')
            [CompletionResult]::new('--preset', '--preset', [CompletionResultType]::ParameterName, 'A platform''s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)')
            [CompletionResult]::new('--sheet', '--sheet', [CompletionResultType]::ParameterName, 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)')
            [CompletionResult]::new('--rejects', '--rejects', [CompletionResultType]::ParameterName, 'Where the removed rows go, with their values, source row and a `reason` column (format from the extension, CSV by default)')
            [CompletionResult]::new('--returns', '--returns', [CompletionResultType]::ParameterName, 'Returns and cancellations: drop them (to rejects), keep them (flagged in an `is_return` column), or net them against the customer''s matching purchases')
            [CompletionResult]::new('--max-date', '--max-date', [CompletionResultType]::ParameterName, 'Latest acceptable timestamp (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS); later rows are rejected as in the future. Default: now')
            [CompletionResult]::new('--memory-limit', '--memory-limit', [CompletionResultType]::ParameterName, 'Memory the run may hold (8G, 512M, or 40% of this machine''s); lines beyond it are spilled to disk by customer and cleaned partition by partition, with the same output. Default: half of this machine''s memory (or of the container''s limit)')
            [CompletionResult]::new('--temp-dir', '--temp-dir', [CompletionResultType]::ParameterName, 'Where lines spilled over --memory-limit go (removed at the end of the run). Default: the system''s temporary directory, or the output''s directory when that one is held in memory (tmpfs)')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Environment variable holding the secret for --pseudonymize')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'File holding the secret for --pseudonymize (a trailing newline is ignored); beats --secret-env')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)')
            [CompletionResult]::new('--manifest', '--manifest', [CompletionResultType]::ParameterName, 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'The role of --policy whose limits apply to every output of this run')
            [CompletionResult]::new('--encrypt-to', '--encrypt-to', [CompletionResultType]::ParameterName, 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The age identity file that decrypts inputs ending in .age (age-keygen''s output)')
            [CompletionResult]::new('--dayfirst', '--dayfirst', [CompletionResultType]::ParameterName, 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year')
            [CompletionResult]::new('--pseudonymize', '--pseudonymize', [CompletionResultType]::ParameterName, 'Replace customer_id (and source_customer_id) with keyed pseudonyms: `c_` and the first 20 hex digits of HMAC-SHA256(secret, id). The same secret gives the same pseudonyms in every run and every command, so outputs still join')
            [CompletionResult]::new('--keep-pii', '--keep-pii', [CompletionResultType]::ParameterName, 'Keep columns that hold personal data (emails, phones, names, addresses, postcodes, birth dates, IP addresses), which are dropped by default')
            [CompletionResult]::new('--mask-pii', '--mask-pii', [CompletionResultType]::ParameterName, 'Keep personal-data columns in a masked form (j***@example.com, ***4567, J***) for outputs people read')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ckm;segment' {
            [CompletionResult]::new('--map', '--map', [CompletionResultType]::ParameterName, 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=''Posting Date''')
            [CompletionResult]::new('--date-format', '--date-format', [CompletionResultType]::ParameterName, 'Date format for the ts column, strftime style (e.g. ''%d.%m.%Y %H:%M''), instead of detecting it')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |')
            [CompletionResult]::new('--preset', '--preset', [CompletionResultType]::ParameterName, 'A platform''s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)')
            [CompletionResult]::new('--sheet', '--sheet', [CompletionResultType]::ParameterName, 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Where the lines are aggregated: `local` (this machine) or `spark` (a Spark Connect server, --remote; INPUT is then a path the cluster reads, or give --table)')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'The Spark Connect server for --engine spark: sc://HOST:PORT/;token=...;use_ssl=true')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'With --engine spark, read this table of the cluster''s catalog (catalog.db.orders) instead of INPUT')
            [CompletionResult]::new('--as-of', '--as-of', [CompletionResultType]::ParameterName, 'Date the features are computed as of (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS); default: the day after the latest line')
            [CompletionResult]::new('--bins', '--bins', [CompletionResultType]::ParameterName, 'Number of score levels for r_score, f_score and m_score')
            [CompletionResult]::new('--segment-map', '--segment-map', [CompletionResultType]::ParameterName, 'Segment rules replacing the built-in map: CSV with segment,r_min,r_max,f_min,f_max, or TOML (.toml) with [[segment]] tables of name, r = [min, max], f = [min, max]')
            [CompletionResult]::new('--rejects', '--rejects', [CompletionResultType]::ParameterName, 'Write lines without a customer_id here, with a reason (default: beside a file output as NAME.rejects.csv)')
            [CompletionResult]::new('--clusters', '--clusters', [CompletionResultType]::ParameterName, 'k-means clusters: a number, or `auto` to pick k in 2..10 by silhouette score')
            [CompletionResult]::new('--features', '--features', [CompletionResultType]::ParameterName, 'Features to cluster on and to check for outliers, comma-separated')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for k-means initialisation and silhouette sampling: same input and seed, same clusters')
            [CompletionResult]::new('--runs', '--runs', [CompletionResultType]::ParameterName, 'k-means runs from different seeded starts; the lowest inertia is kept')
            [CompletionResult]::new('--outlier-threshold', '--outlier-threshold', [CompletionResultType]::ParameterName, 'Robust z-score beyond which a feature marks a customer as an outlier')
            [CompletionResult]::new('--profiles', '--profiles', [CompletionResultType]::ParameterName, 'Write the cluster profiles (size, shares, mean and median of each feature) here')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Environment variable holding the secret for --pseudonymize')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'File holding the secret for --pseudonymize (a trailing newline is ignored); beats --secret-env')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)')
            [CompletionResult]::new('--manifest', '--manifest', [CompletionResultType]::ParameterName, 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'The role of --policy whose limits apply to every output of this run')
            [CompletionResult]::new('--encrypt-to', '--encrypt-to', [CompletionResultType]::ParameterName, 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The age identity file that decrypts inputs ending in .age (age-keygen''s output)')
            [CompletionResult]::new('--dayfirst', '--dayfirst', [CompletionResultType]::ParameterName, 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year')
            [CompletionResult]::new('--pseudonymize', '--pseudonymize', [CompletionResultType]::ParameterName, 'Replace customer_id (and source_customer_id) with keyed pseudonyms: `c_` and the first 20 hex digits of HMAC-SHA256(secret, id). The same secret gives the same pseudonyms in every run and every command, so outputs still join')
            [CompletionResult]::new('--keep-pii', '--keep-pii', [CompletionResultType]::ParameterName, 'Keep columns that hold personal data (emails, phones, names, addresses, postcodes, birth dates, IP addresses), which are dropped by default')
            [CompletionResult]::new('--mask-pii', '--mask-pii', [CompletionResultType]::ParameterName, 'Keep personal-data columns in a masked form (j***@example.com, ***4567, J***) for outputs people read')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ckm;rules' {
            [CompletionResult]::new('--map', '--map', [CompletionResultType]::ParameterName, 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=''Posting Date''')
            [CompletionResult]::new('--date-format', '--date-format', [CompletionResultType]::ParameterName, 'Date format for the ts column, strftime style (e.g. ''%d.%m.%Y %H:%M''), instead of detecting it')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |')
            [CompletionResult]::new('--preset', '--preset', [CompletionResultType]::ParameterName, 'A platform''s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)')
            [CompletionResult]::new('--sheet', '--sheet', [CompletionResultType]::ParameterName, 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Where the lines are aggregated: `local` (this machine) or `spark` (a Spark Connect server, --remote; INPUT is then a path the cluster reads, or give --table)')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'The Spark Connect server for --engine spark: sc://HOST:PORT/;token=...;use_ssl=true')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'With --engine spark, read this table of the cluster''s catalog (catalog.db.orders) instead of INPUT')
            [CompletionResult]::new('--baskets', '--baskets', [CompletionResultType]::ParameterName, 'A basket file instead of a transactions table: one basket per line, no header (`-` for stdin)')
            [CompletionResult]::new('--item-col', '--item-col', [CompletionResultType]::ParameterName, 'The item column of a transactions table (default item_id, else item_name)')
            [CompletionResult]::new('--min-support', '--min-support', [CompletionResultType]::ParameterName, 'Minimum support as a fraction of baskets (inclusive), e.g. 0.001 or 1/1000')
            [CompletionResult]::new('--min-count', '--min-count', [CompletionResultType]::ParameterName, 'Minimum support as a number of baskets (inclusive)')
            [CompletionResult]::new('--max-len', '--max-len', [CompletionResultType]::ParameterName, 'Longest itemset (0 = no limit)')
            [CompletionResult]::new('--max-itemsets', '--max-itemsets', [CompletionResultType]::ParameterName, 'Stop with an error beyond this many frequent itemsets, rather than run out of memory')
            [CompletionResult]::new('--min-confidence', '--min-confidence', [CompletionResultType]::ParameterName, 'Minimum confidence (inclusive), a fraction')
            [CompletionResult]::new('--min-lift', '--min-lift', [CompletionResultType]::ParameterName, 'Minimum lift (inclusive)')
            [CompletionResult]::new('--max-consequent', '--max-consequent', [CompletionResultType]::ParameterName, 'Most items in a rule''s consequent')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Order of the rules (descending; ties by antecedent, then consequent)')
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'Keep only the first N rules after sorting')
            [CompletionResult]::new('--antecedent-has', '--antecedent-has', [CompletionResultType]::ParameterName, 'Keep rules whose antecedent contains this item (repeatable: all must be there)')
            [CompletionResult]::new('--consequent-has', '--consequent-has', [CompletionResultType]::ParameterName, 'Keep rules whose consequent contains this item (repeatable: all must be there)')
            [CompletionResult]::new('--itemsets', '--itemsets', [CompletionResultType]::ParameterName, 'Write the frequent itemsets here (items, support, count, length)')
            [CompletionResult]::new('--rejects', '--rejects', [CompletionResultType]::ParameterName, 'Write transaction lines left out (no item, no basket) here, with a reason (default: beside a file output as NAME.rejects.csv)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)')
            [CompletionResult]::new('--manifest', '--manifest', [CompletionResultType]::ParameterName, 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'The role of --policy whose limits apply to every output of this run')
            [CompletionResult]::new('--encrypt-to', '--encrypt-to', [CompletionResultType]::ParameterName, 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The age identity file that decrypts inputs ending in .age (age-keygen''s output)')
            [CompletionResult]::new('--dayfirst', '--dayfirst', [CompletionResultType]::ParameterName, 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year')
            [CompletionResult]::new('--closed', '--closed', [CompletionResultType]::ParameterName, 'Only closed itemsets in --itemsets (no superset with the same count)')
            [CompletionResult]::new('--maximal', '--maximal', [CompletionResultType]::ParameterName, 'Only maximal itemsets in --itemsets (no frequent superset)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('mine', 'mine', [CompletionResultType]::ParameterValue, 'Frequent itemsets and association rules (the default when no verb is given)')
            [CompletionResult]::new('sequences', 'sequences', [CompletionResultType]::ParameterValue, 'Sequential patterns over each customer''s orders in time order (PrefixSpan)')
            [CompletionResult]::new('recommend', 'recommend', [CompletionResultType]::ParameterValue, 'For each customer, items not yet bought: by association rules (--rules) or by a recommender fitted on the transactions (EASE, item-kNN), with why')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ckm;rules;mine' {
            [CompletionResult]::new('--map', '--map', [CompletionResultType]::ParameterName, 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=''Posting Date''')
            [CompletionResult]::new('--date-format', '--date-format', [CompletionResultType]::ParameterName, 'Date format for the ts column, strftime style (e.g. ''%d.%m.%Y %H:%M''), instead of detecting it')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |')
            [CompletionResult]::new('--preset', '--preset', [CompletionResultType]::ParameterName, 'A platform''s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)')
            [CompletionResult]::new('--sheet', '--sheet', [CompletionResultType]::ParameterName, 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Where the lines are aggregated: `local` (this machine) or `spark` (a Spark Connect server, --remote; INPUT is then a path the cluster reads, or give --table)')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'The Spark Connect server for --engine spark: sc://HOST:PORT/;token=...;use_ssl=true')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'With --engine spark, read this table of the cluster''s catalog (catalog.db.orders) instead of INPUT')
            [CompletionResult]::new('--baskets', '--baskets', [CompletionResultType]::ParameterName, 'A basket file instead of a transactions table: one basket per line, no header (`-` for stdin)')
            [CompletionResult]::new('--item-col', '--item-col', [CompletionResultType]::ParameterName, 'The item column of a transactions table (default item_id, else item_name)')
            [CompletionResult]::new('--min-support', '--min-support', [CompletionResultType]::ParameterName, 'Minimum support as a fraction of baskets (inclusive), e.g. 0.001 or 1/1000')
            [CompletionResult]::new('--min-count', '--min-count', [CompletionResultType]::ParameterName, 'Minimum support as a number of baskets (inclusive)')
            [CompletionResult]::new('--max-len', '--max-len', [CompletionResultType]::ParameterName, 'Longest itemset (0 = no limit)')
            [CompletionResult]::new('--max-itemsets', '--max-itemsets', [CompletionResultType]::ParameterName, 'Stop with an error beyond this many frequent itemsets, rather than run out of memory')
            [CompletionResult]::new('--min-confidence', '--min-confidence', [CompletionResultType]::ParameterName, 'Minimum confidence (inclusive), a fraction')
            [CompletionResult]::new('--min-lift', '--min-lift', [CompletionResultType]::ParameterName, 'Minimum lift (inclusive)')
            [CompletionResult]::new('--max-consequent', '--max-consequent', [CompletionResultType]::ParameterName, 'Most items in a rule''s consequent')
            [CompletionResult]::new('--sort', '--sort', [CompletionResultType]::ParameterName, 'Order of the rules (descending; ties by antecedent, then consequent)')
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'Keep only the first N rules after sorting')
            [CompletionResult]::new('--antecedent-has', '--antecedent-has', [CompletionResultType]::ParameterName, 'Keep rules whose antecedent contains this item (repeatable: all must be there)')
            [CompletionResult]::new('--consequent-has', '--consequent-has', [CompletionResultType]::ParameterName, 'Keep rules whose consequent contains this item (repeatable: all must be there)')
            [CompletionResult]::new('--itemsets', '--itemsets', [CompletionResultType]::ParameterName, 'Write the frequent itemsets here (items, support, count, length)')
            [CompletionResult]::new('--rejects', '--rejects', [CompletionResultType]::ParameterName, 'Write transaction lines left out (no item, no basket) here, with a reason (default: beside a file output as NAME.rejects.csv)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)')
            [CompletionResult]::new('--manifest', '--manifest', [CompletionResultType]::ParameterName, 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'The role of --policy whose limits apply to every output of this run')
            [CompletionResult]::new('--encrypt-to', '--encrypt-to', [CompletionResultType]::ParameterName, 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The age identity file that decrypts inputs ending in .age (age-keygen''s output)')
            [CompletionResult]::new('--dayfirst', '--dayfirst', [CompletionResultType]::ParameterName, 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year')
            [CompletionResult]::new('--closed', '--closed', [CompletionResultType]::ParameterName, 'Only closed itemsets in --itemsets (no superset with the same count)')
            [CompletionResult]::new('--maximal', '--maximal', [CompletionResultType]::ParameterName, 'Only maximal itemsets in --itemsets (no frequent superset)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ckm;rules;sequences' {
            [CompletionResult]::new('--map', '--map', [CompletionResultType]::ParameterName, 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=''Posting Date''')
            [CompletionResult]::new('--date-format', '--date-format', [CompletionResultType]::ParameterName, 'Date format for the ts column, strftime style (e.g. ''%d.%m.%Y %H:%M''), instead of detecting it')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |')
            [CompletionResult]::new('--preset', '--preset', [CompletionResultType]::ParameterName, 'A platform''s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)')
            [CompletionResult]::new('--sheet', '--sheet', [CompletionResultType]::ParameterName, 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)')
            [CompletionResult]::new('--item-col', '--item-col', [CompletionResultType]::ParameterName, 'The item column (default item_id, else item_name)')
            [CompletionResult]::new('--min-support', '--min-support', [CompletionResultType]::ParameterName, 'Minimum support as a fraction of customers (inclusive)')
            [CompletionResult]::new('--min-count', '--min-count', [CompletionResultType]::ParameterName, 'Minimum support as a number of customers (inclusive)')
            [CompletionResult]::new('--max-len', '--max-len', [CompletionResultType]::ParameterName, 'Most items in a pattern (0 = no limit)')
            [CompletionResult]::new('--max-gap', '--max-gap', [CompletionResultType]::ParameterName, 'Most days between consecutive elements of a pattern')
            [CompletionResult]::new('--max-patterns', '--max-patterns', [CompletionResultType]::ParameterName, 'Stop with an error beyond this many patterns, rather than run out of memory')
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'Keep only the N patterns with the most customers')
            [CompletionResult]::new('--rejects', '--rejects', [CompletionResultType]::ParameterName, 'Write lines left out (no customer, item or date) here, with a reason (default: beside a file output as NAME.rejects.csv)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)')
            [CompletionResult]::new('--manifest', '--manifest', [CompletionResultType]::ParameterName, 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'The role of --policy whose limits apply to every output of this run')
            [CompletionResult]::new('--encrypt-to', '--encrypt-to', [CompletionResultType]::ParameterName, 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The age identity file that decrypts inputs ending in .age (age-keygen''s output)')
            [CompletionResult]::new('--dayfirst', '--dayfirst', [CompletionResultType]::ParameterName, 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ckm;rules;recommend' {
            [CompletionResult]::new('--rules', '--rules', [CompletionResultType]::ParameterName, 'Rules written by `ckm rules` (CSV, TSV, Parquet, JSON); without it, a recommender is fitted on --transactions (--model)')
            [CompletionResult]::new('--transactions', '--transactions', [CompletionResultType]::ParameterName, 'The transactions table whose customers get recommendations')
            [CompletionResult]::new('--map', '--map', [CompletionResultType]::ParameterName, 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=''Posting Date''')
            [CompletionResult]::new('--date-format', '--date-format', [CompletionResultType]::ParameterName, 'Date format for the ts column, strftime style (e.g. ''%d.%m.%Y %H:%M''), instead of detecting it')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |')
            [CompletionResult]::new('--preset', '--preset', [CompletionResultType]::ParameterName, 'A platform''s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)')
            [CompletionResult]::new('--sheet', '--sheet', [CompletionResultType]::ParameterName, 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)')
            [CompletionResult]::new('--item-col', '--item-col', [CompletionResultType]::ParameterName, 'The item column the rules were mined on (default item_id, else item_name)')
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'Recommendations per customer')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Without --rules, the recommender fitted on the transactions: auto fits ease (λ 500), item-knn, ease with four other ridges and rules on all but the last quarter of the time span, and keeps ease (λ 500) unless another''s precision on what customers first bought in that quarter is higher by more than a standard error; rules are mined on the orders')
            [CompletionResult]::new('--lambda', '--lambda', [CompletionResultType]::ParameterName, 'EASE''s ridge λ (default: auto tries 125 to 2000, ease takes 500)')
            [CompletionResult]::new('--max-items', '--max-items', [CompletionResultType]::ParameterName, 'EASE models at most this many items, the most bought ones (it holds 12 bytes per pair of items)')
            [CompletionResult]::new('--min-support', '--min-support', [CompletionResultType]::ParameterName, 'The rules'' minimum support, a fraction of the orders (default 0.005)')
            [CompletionResult]::new('--holdout-start', '--holdout-start', [CompletionResultType]::ParameterName, 'Fit on the lines before DATE (YYYY-MM-DD) and score the recommendations, and the most popular items as a baseline, on what customers active before DATE first bought from it on: precision, recall and hit rate at --top, and coverage')
            [CompletionResult]::new('--evaluation', '--evaluation', [CompletionResultType]::ParameterName, 'Write the holdout scores here, a row per recommender (needs --holdout-start)')
            [CompletionResult]::new('--rejects', '--rejects', [CompletionResultType]::ParameterName, 'Write lines left out (no customer or item) here, with a reason (default: beside a file output as NAME.rejects.csv)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)')
            [CompletionResult]::new('--manifest', '--manifest', [CompletionResultType]::ParameterName, 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'The role of --policy whose limits apply to every output of this run')
            [CompletionResult]::new('--encrypt-to', '--encrypt-to', [CompletionResultType]::ParameterName, 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The age identity file that decrypts inputs ending in .age (age-keygen''s output)')
            [CompletionResult]::new('--dayfirst', '--dayfirst', [CompletionResultType]::ParameterName, 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ckm;rules;help' {
            [CompletionResult]::new('mine', 'mine', [CompletionResultType]::ParameterValue, 'Frequent itemsets and association rules (the default when no verb is given)')
            [CompletionResult]::new('sequences', 'sequences', [CompletionResultType]::ParameterValue, 'Sequential patterns over each customer''s orders in time order (PrefixSpan)')
            [CompletionResult]::new('recommend', 'recommend', [CompletionResultType]::ParameterValue, 'For each customer, items not yet bought: by association rules (--rules) or by a recommender fitted on the transactions (EASE, item-kNN), with why')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ckm;rules;help;mine' {
            break
        }
        'ckm;rules;help;sequences' {
            break
        }
        'ckm;rules;help;recommend' {
            break
        }
        'ckm;rules;help;help' {
            break
        }
        'ckm;forecast' {
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'The role of --policy whose limits apply to every output of this run')
            [CompletionResult]::new('--encrypt-to', '--encrypt-to', [CompletionResultType]::ParameterName, 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The age identity file that decrypts inputs ending in .age (age-keygen''s output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('customers', 'customers', [CompletionResultType]::ParameterValue, 'Per-customer repeat purchases, P(alive) and value by BG/NBD and Gamma-Gamma')
            [CompletionResult]::new('sales', 'sales', [CompletionResultType]::ParameterValue, 'Revenue, orders, customers or quantity per period, forecast with prediction intervals (ETS, Theta, ARIMA, baselines, and the ETS + Theta ensemble)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ckm;forecast;customers' {
            [CompletionResult]::new('--map', '--map', [CompletionResultType]::ParameterName, 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=''Posting Date''')
            [CompletionResult]::new('--date-format', '--date-format', [CompletionResultType]::ParameterName, 'Date format for the ts column, strftime style (e.g. ''%d.%m.%Y %H:%M''), instead of detecting it')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |')
            [CompletionResult]::new('--preset', '--preset', [CompletionResultType]::ParameterName, 'A platform''s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)')
            [CompletionResult]::new('--sheet', '--sheet', [CompletionResultType]::ParameterName, 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Where the lines are aggregated: `local` (this machine) or `spark` (a Spark Connect server, --remote; INPUT is then a path the cluster reads, or give --table)')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'The Spark Connect server for --engine spark: sc://HOST:PORT/;token=...;use_ssl=true')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'With --engine spark, read this table of the cluster''s catalog (catalog.db.orders) instead of INPUT')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Purchase model: bgnbd (BG/NBD), pareto-nbd (Pareto/NBD) or mbgnbd (MBG/NBD); or the path of a model saved with --model-out, to score the input with it instead of fitting (a file named like a model needs a directory, e.g. ./bgnbd)')
            [CompletionResult]::new('--model-out', '--model-out', [CompletionResultType]::ParameterName, 'Write the fitted models (kind, parameters, standard errors, log-likelihood, time unit, calibration end) as JSON, for scoring later with --model PATH')
            [CompletionResult]::new('--time-unit', '--time-unit', [CompletionResultType]::ParameterName, 'Unit of recency, T and the horizon (purchases are counted per calendar day); default week, or the saved model''s')
            [CompletionResult]::new('--calibration-end', '--calibration-end', [CompletionResultType]::ParameterName, 'End of the calibration period (YYYY-MM-DD); default: the latest transaction''s date')
            [CompletionResult]::new('--as-of', '--as-of', [CompletionResultType]::ParameterName, 'End of the calibration period (YYYY-MM-DD); default: the latest transaction''s date')
            [CompletionResult]::new('--holdout-end', '--holdout-end', [CompletionResultType]::ParameterName, 'End of a holdout period after --calibration-end (YYYY-MM-DD): fit on the calibration period, predict the holdout, and compare with what the customers actually bought')
            [CompletionResult]::new('--evaluation', '--evaluation', [CompletionResultType]::ParameterName, 'Write the holdout comparison (mean predicted and actual repeat transactions by calibration frequency 0..7+) to this table')
            [CompletionResult]::new('--horizon', '--horizon', [CompletionResultType]::ParameterName, 'Forecast horizon, in time units')
            [CompletionResult]::new('--discount-rate', '--discount-rate', [CompletionResultType]::ParameterName, 'Discount rate per time unit for the CLV')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)')
            [CompletionResult]::new('--manifest', '--manifest', [CompletionResultType]::ParameterName, 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'The role of --policy whose limits apply to every output of this run')
            [CompletionResult]::new('--encrypt-to', '--encrypt-to', [CompletionResultType]::ParameterName, 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The age identity file that decrypts inputs ending in .age (age-keygen''s output)')
            [CompletionResult]::new('--dayfirst', '--dayfirst', [CompletionResultType]::ParameterName, 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year')
            [CompletionResult]::new('--no-spend', '--no-spend', [CompletionResultType]::ParameterName, 'Skip the Gamma-Gamma spend model (no expected_avg_value or clv)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ckm;forecast;sales' {
            [CompletionResult]::new('--map', '--map', [CompletionResultType]::ParameterName, 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=''Posting Date''')
            [CompletionResult]::new('--date-format', '--date-format', [CompletionResultType]::ParameterName, 'Date format for the ts column, strftime style (e.g. ''%d.%m.%Y %H:%M''), instead of detecting it')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |')
            [CompletionResult]::new('--preset', '--preset', [CompletionResultType]::ParameterName, 'A platform''s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)')
            [CompletionResult]::new('--sheet', '--sheet', [CompletionResultType]::ParameterName, 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Where the lines are aggregated: `local` (this machine) or `spark` (a Spark Connect server, --remote; INPUT is then a path the cluster reads, or give --table)')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'The Spark Connect server for --engine spark: sc://HOST:PORT/;token=...;use_ssl=true')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'With --engine spark, read this table of the cluster''s catalog (catalog.db.orders) instead of INPUT')
            [CompletionResult]::new('--date-column', '--date-column', [CompletionResultType]::ParameterName, 'Date column of a --series table')
            [CompletionResult]::new('--value-column', '--value-column', [CompletionResultType]::ParameterName, 'Value column of a --series table')
            [CompletionResult]::new('--measure', '--measure', [CompletionResultType]::ParameterName, 'What to forecast from transactions: revenue (sum of amount), orders (distinct order_id), customers (distinct customer_id) or quantity')
            [CompletionResult]::new('--period', '--period', [CompletionResultType]::ParameterName, 'Calendar period of the series (weeks start on Monday)')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Forecast each value of this column separately (channel, category, or any column; with --segments, a column of the segments file)')
            [CompletionResult]::new('--segments', '--segments', [CompletionResultType]::ParameterName, 'A `ckm segment` output (or any table with customer_id): each customer''s lines go to the group of the --by column there (default rfm_segment)')
            [CompletionResult]::new('--rejects', '--rejects', [CompletionResultType]::ParameterName, 'Write transaction lines left out (no ts, or nothing to measure) here, with a reason (default: beside a file output as NAME.rejects.csv)')
            [CompletionResult]::new('--horizon', '--horizon', [CompletionResultType]::ParameterName, 'Periods to forecast; default one season (28 days, 13 weeks, 12 months, 8 quarters, 6 years)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Model: auto is the mean of ets and theta, or of the blend of ets, theta and arima whose backtests over all the series were clearly better')
            [CompletionResult]::new('--season', '--season', [CompletionResultType]::ParameterName, 'Season length in periods; default 7 (day), 52 (week), 12 (month), 4 (quarter), 1 (year: no season)')
            [CompletionResult]::new('--level', '--level', [CompletionResultType]::ParameterName, 'Prediction interval levels in percent')
            [CompletionResult]::new('--holdout', '--holdout', [CompletionResultType]::ParameterName, 'Hold out the last N periods: every model is fitted on the rest and scored on them (MAE, RMSE, MASE, sMAPE)')
            [CompletionResult]::new('--evaluation', '--evaluation', [CompletionResultType]::ParameterName, 'Write the holdout scores per series and model to this table')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)')
            [CompletionResult]::new('--manifest', '--manifest', [CompletionResultType]::ParameterName, 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'The role of --policy whose limits apply to every output of this run')
            [CompletionResult]::new('--encrypt-to', '--encrypt-to', [CompletionResultType]::ParameterName, 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The age identity file that decrypts inputs ending in .age (age-keygen''s output)')
            [CompletionResult]::new('--dayfirst', '--dayfirst', [CompletionResultType]::ParameterName, 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year')
            [CompletionResult]::new('--series', '--series', [CompletionResultType]::ParameterName, 'The input is a ready series: a date column and a value column (see --date-column, --value-column), summed per period')
            [CompletionResult]::new('--keep-partial', '--keep-partial', [CompletionResultType]::ParameterName, 'Keep an incomplete last period (dropped by default: it would look like a drop in sales)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ckm;forecast;help' {
            [CompletionResult]::new('customers', 'customers', [CompletionResultType]::ParameterValue, 'Per-customer repeat purchases, P(alive) and value by BG/NBD and Gamma-Gamma')
            [CompletionResult]::new('sales', 'sales', [CompletionResultType]::ParameterValue, 'Revenue, orders, customers or quantity per period, forecast with prediction intervals (ETS, Theta, ARIMA, baselines, and the ETS + Theta ensemble)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ckm;forecast;help;customers' {
            break
        }
        'ckm;forecast;help;sales' {
            break
        }
        'ckm;forecast;help;help' {
            break
        }
        'ckm;churn' {
            [CompletionResult]::new('--map', '--map', [CompletionResultType]::ParameterName, 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=''Posting Date''')
            [CompletionResult]::new('--date-format', '--date-format', [CompletionResultType]::ParameterName, 'Date format for the ts column, strftime style (e.g. ''%d.%m.%Y %H:%M''), instead of detecting it')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |')
            [CompletionResult]::new('--preset', '--preset', [CompletionResultType]::ParameterName, 'A platform''s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)')
            [CompletionResult]::new('--sheet', '--sheet', [CompletionResultType]::ParameterName, 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Where the lines are aggregated: `local` (this machine) or `spark` (a Spark Connect server, --remote; INPUT is then a path the cluster reads, or give --table)')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'The Spark Connect server for --engine spark: sc://HOST:PORT/;token=...;use_ssl=true')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'With --engine spark, read this table of the cluster''s catalog (catalog.db.orders) instead of INPUT')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'Score churn risk as 1 - P(alive) of this customer-base model, fitted on the input')
            [CompletionResult]::new('--bands', '--bands', [CompletionResultType]::ParameterName, 'Shares of customers in the high and medium risk bands')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)')
            [CompletionResult]::new('--manifest', '--manifest', [CompletionResultType]::ParameterName, 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'The role of --policy whose limits apply to every output of this run')
            [CompletionResult]::new('--encrypt-to', '--encrypt-to', [CompletionResultType]::ParameterName, 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The age identity file that decrypts inputs ending in .age (age-keygen''s output)')
            [CompletionResult]::new('--dayfirst', '--dayfirst', [CompletionResultType]::ParameterName, 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('train', 'train', [CompletionResultType]::ParameterValue, 'Train a churn model, report out-of-fold metrics and score the training customers')
            [CompletionResult]::new('score', 'score', [CompletionResultType]::ParameterValue, 'Score customers with a model saved by `ckm churn train --model-out`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ckm;churn;train' {
            [CompletionResult]::new('--map', '--map', [CompletionResultType]::ParameterName, 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=''Posting Date''')
            [CompletionResult]::new('--date-format', '--date-format', [CompletionResultType]::ParameterName, 'Date format for the ts column, strftime style (e.g. ''%d.%m.%Y %H:%M''), instead of detecting it')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |')
            [CompletionResult]::new('--preset', '--preset', [CompletionResultType]::ParameterName, 'A platform''s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)')
            [CompletionResult]::new('--sheet', '--sheet', [CompletionResultType]::ParameterName, 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Where the lines are aggregated: `local` (this machine) or `spark` (a Spark Connect server, --remote; INPUT is then a path the cluster reads, or give --table)')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'The Spark Connect server for --engine spark: sc://HOST:PORT/;token=...;use_ssl=true')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'With --engine spark, read this table of the cluster''s catalog (catalog.db.orders) instead of INPUT')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'The label column of a customer table: yes/no, true/false, 1/0')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'The customer id column (default: customer_id, customerID, CustomerId, id, ...)')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'Columns not to use as features, comma-separated')
            [CompletionResult]::new('--features', '--features', [CompletionResultType]::ParameterName, 'Use only these columns as features, comma-separated')
            [CompletionResult]::new('--cutoff', '--cutoff', [CompletionResultType]::ParameterName, 'Transactions: the last day of the history the features come from (YYYY-MM-DD); default: the latest line minus --window')
            [CompletionResult]::new('--window', '--window', [CompletionResultType]::ParameterName, 'Transactions: a customer churned when they bought nothing in this many days after the cutoff')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'logistic, gbdt, or auto (the better out-of-fold ROC AUC)')
            [CompletionResult]::new('--folds', '--folds', [CompletionResultType]::ParameterName, 'Cross-validation folds (stratified)')
            [CompletionResult]::new('--folds-file', '--folds-file', [CompletionResultType]::ParameterName, 'Read each customer''s fold from this CSV (id,fold), e.g. the folds scikit-learn used')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for the folds and the trees'' early-stopping sample')
            [CompletionResult]::new('--cv-sample', '--cv-sample', [CompletionResultType]::ParameterName, 'Cross-validate the models on a stratified sample of this many customers when there are more (0: all); the chosen model is then fitted on every customer. The out-of-fold metrics, the threshold and the calibration are the sample''s')
            [CompletionResult]::new('--class-weight', '--class-weight', [CompletionResultType]::ParameterName, 'Weight the classes equally in training (probabilities then overstate churn)')
            [CompletionResult]::new('--bands', '--bands', [CompletionResultType]::ParameterName, 'Shares of customers in the high and medium risk bands')
            [CompletionResult]::new('--model-out', '--model-out', [CompletionResultType]::ParameterName, 'Save the model (features, encodings, parameters, training metrics) as JSON')
            [CompletionResult]::new('--metrics', '--metrics', [CompletionResultType]::ParameterName, 'Write the metrics as JSON')
            [CompletionResult]::new('--rejects', '--rejects', [CompletionResultType]::ParameterName, 'Write rows that could not be used (a label that is not yes/no; a transaction line without customer_id or ts) here, with a reason (default: beside a file output as NAME.rejects.csv)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)')
            [CompletionResult]::new('--manifest', '--manifest', [CompletionResultType]::ParameterName, 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'The role of --policy whose limits apply to every output of this run')
            [CompletionResult]::new('--encrypt-to', '--encrypt-to', [CompletionResultType]::ParameterName, 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The age identity file that decrypts inputs ending in .age (age-keygen''s output)')
            [CompletionResult]::new('--dayfirst', '--dayfirst', [CompletionResultType]::ParameterName, 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ckm;churn;score' {
            [CompletionResult]::new('--map', '--map', [CompletionResultType]::ParameterName, 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=''Posting Date''')
            [CompletionResult]::new('--date-format', '--date-format', [CompletionResultType]::ParameterName, 'Date format for the ts column, strftime style (e.g. ''%d.%m.%Y %H:%M''), instead of detecting it')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |')
            [CompletionResult]::new('--preset', '--preset', [CompletionResultType]::ParameterName, 'A platform''s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)')
            [CompletionResult]::new('--sheet', '--sheet', [CompletionResultType]::ParameterName, 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'The model saved by `ckm churn train --model-out`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output file; its extension picks the format (.csv .tsv .parquet .json .ndjson .jsonl .arrow). Without it, or with `-`, the table goes to stdout as CSV')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format, overriding the extension (`arrow` is an Arrow IPC stream, the fast typed way to pipe between ckm commands)')
            [CompletionResult]::new('--manifest', '--manifest', [CompletionResultType]::ParameterName, 'Write a JSON run record: version, command line, inputs and outputs with sizes, sha256 and row counts, parameters, summary figures and timings')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'The role of --policy whose limits apply to every output of this run')
            [CompletionResult]::new('--encrypt-to', '--encrypt-to', [CompletionResultType]::ParameterName, 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The age identity file that decrypts inputs ending in .age (age-keygen''s output)')
            [CompletionResult]::new('--dayfirst', '--dayfirst', [CompletionResultType]::ParameterName, 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ckm;churn;help' {
            [CompletionResult]::new('train', 'train', [CompletionResultType]::ParameterValue, 'Train a churn model, report out-of-fold metrics and score the training customers')
            [CompletionResult]::new('score', 'score', [CompletionResultType]::ParameterValue, 'Score customers with a model saved by `ckm churn train --model-out`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ckm;churn;help;train' {
            break
        }
        'ckm;churn;help;score' {
            break
        }
        'ckm;churn;help;help' {
            break
        }
        'ckm;report' {
            [CompletionResult]::new('--map', '--map', [CompletionResultType]::ParameterName, 'Map a canonical column to a source header, overriding the automatic mapping (repeatable), e.g. --map ts=''Posting Date''')
            [CompletionResult]::new('--date-format', '--date-format', [CompletionResultType]::ParameterName, 'Date format for the ts column, strftime style (e.g. ''%d.%m.%Y %H:%M''), instead of detecting it')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'Text encoding of delimited input; anything but UTF-8 is decoded before parsing')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'Field delimiter of delimited input, instead of sniffing it among , ; TAB |')
            [CompletionResult]::new('--preset', '--preset', [CompletionResultType]::ParameterName, 'A platform''s standard export, read as the platform writes it: shopify-orders, stripe-payments, salesforce-opportunity-products, square-item-details, square-transactions, woocommerce-orders; or none to map headers by their names alone (default: recognised from the headers)')
            [CompletionResult]::new('--sheet', '--sheet', [CompletionResultType]::ParameterName, 'The sheet of a spreadsheet input (.xlsx, .xls, .ods) to read, by name (default: the first)')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Where the lines are aggregated: `local` (this machine) or `spark` (a Spark Connect server, --remote; INPUT is then a path the cluster reads, or give --table)')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'The Spark Connect server for --engine spark: sc://HOST:PORT/;token=...;use_ssl=true')
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'With --engine spark, read this table of the cluster''s catalog (catalog.db.orders) instead of INPUT')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Where the report goes: .html/.htm or .md; without it, a terminal summary')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Where the report goes: .html/.htm or .md; without it, a terminal summary')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'The format, overriding the extension')
            [CompletionResult]::new('--title', '--title', [CompletionResultType]::ParameterName, 'The report''s title')
            [CompletionResult]::new('--as-of', '--as-of', [CompletionResultType]::ParameterName, 'The day the key figures and cohorts are computed to (YYYY-MM-DD); default: the latest line''s day. The analyses use every line of the input')
            [CompletionResult]::new('--currency', '--currency', [CompletionResultType]::ParameterName, 'Currency code or symbol shown with money (EUR, USD, £, ...)')
            [CompletionResult]::new('--customers', '--customers', [CompletionResultType]::ParameterName, 'A customer table (`ckm ingest --customers` style) whose non-personal attributes (plan, region, ...) are broken down by customers and revenue')
            [CompletionResult]::new('--segments', '--segments', [CompletionResultType]::ParameterName, 'A `ckm segment` output to use instead of running it')
            [CompletionResult]::new('--rules', '--rules', [CompletionResultType]::ParameterName, 'A `ckm rules` output to use instead of running it')
            [CompletionResult]::new('--forecast', '--forecast', [CompletionResultType]::ParameterName, 'A `ckm forecast sales` output to use instead of running it')
            [CompletionResult]::new('--clv', '--clv', [CompletionResultType]::ParameterName, 'A `ckm forecast customers` output to use instead of running it')
            [CompletionResult]::new('--churn', '--churn', [CompletionResultType]::ParameterName, 'A `ckm churn` output (with churn_probability and risk_band) to use instead of running it')
            [CompletionResult]::new('--clean-manifest', '--clean-manifest', [CompletionResultType]::ParameterName, 'A `ckm clean --manifest` file: its rejected rows by reason go in the data-quality section')
            [CompletionResult]::new('--manifest', '--manifest', [CompletionResultType]::ParameterName, 'Write a JSON run record')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'The role of --policy whose limits apply to every output of this run')
            [CompletionResult]::new('--encrypt-to', '--encrypt-to', [CompletionResultType]::ParameterName, 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The age identity file that decrypts inputs ending in .age (age-keygen''s output)')
            [CompletionResult]::new('--dayfirst', '--dayfirst', [CompletionResultType]::ParameterName, 'Read slash dates as day/month/year (D/M/YYYY) instead of the US month/day/year')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors are still printed)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no summary on stderr (errors are still printed)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ckm;generate-sample' {
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'Folder to write the sample exports into')
            [CompletionResult]::new('--customers', '--customers', [CompletionResultType]::ParameterName, 'Number of customers')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Random seed: the same seed writes the same bytes')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'The role of --policy whose limits apply to every output of this run')
            [CompletionResult]::new('--encrypt-to', '--encrypt-to', [CompletionResultType]::ParameterName, 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The age identity file that decrypts inputs ending in .age (age-keygen''s output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ckm;generate-docs' {
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'Folder that receives man/ and completions/')
            [CompletionResult]::new('--audit-log', '--audit-log', [CompletionResultType]::ParameterName, 'Append one JSON line per run (time, user, host, version, command line with secrets redacted, inputs and outputs with sha256 and rows, exit code) to this file, created with mode 0600')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'A role policy (TOML): which columns and report sections each role may receive and whether its customer ids are pseudonymised; needs --role')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'The role of --policy whose limits apply to every output of this run')
            [CompletionResult]::new('--encrypt-to', '--encrypt-to', [CompletionResultType]::ParameterName, 'Encrypt every file this run writes (outputs, rejects, models, manifests, the report) to this age recipient (age1...) or to the recipients in this file; repeatable')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'The age identity file that decrypts inputs ending in .age (age-keygen''s output)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'ckm;help' {
            [CompletionResult]::new('ingest', 'ingest', [CompletionResultType]::ParameterValue, 'Read CSV, TSV, Parquet, JSON, NDJSON or Arrow exports into the canonical transactions table')
            [CompletionResult]::new('clean', 'clean', [CompletionResultType]::ParameterValue, 'Remove duplicates, reject unusable rows with a reason, separate returns, normalise ids')
            [CompletionResult]::new('segment', 'segment', [CompletionResultType]::ParameterValue, 'One row per customer: RFM features, scores and segments, k-means clusters, outliers')
            [CompletionResult]::new('rules', 'rules', [CompletionResultType]::ParameterValue, 'Frequent itemsets and association rules (FP-Growth) from baskets or transactions')
            [CompletionResult]::new('forecast', 'forecast', [CompletionResultType]::ParameterValue, 'Forecasts: customers'' future purchases, survival and value (buy-till-you-die models), and sales per period with prediction intervals')
            [CompletionResult]::new('churn', 'churn', [CompletionResultType]::ParameterValue, 'Churn: train a model on labelled customers or on labels derived from transactions, score new customers with it, or score churn risk as 1 - P(alive) (BG/NBD)')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'The customer-knowledge report: key figures, revenue and its forecast, segments, cohorts, rules, CLV and churn risk, as one self-contained HTML page, Markdown, or a terminal summary')
            [CompletionResult]::new('generate-sample', 'generate-sample', [CompletionResultType]::ParameterValue, 'Write the deterministic sample CRM exports under sample-data/')
            [CompletionResult]::new('generate-docs', 'generate-docs', [CompletionResultType]::ParameterValue, 'Regenerate the man pages and shell completions from these definitions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ckm;help;ingest' {
            break
        }
        'ckm;help;clean' {
            break
        }
        'ckm;help;segment' {
            break
        }
        'ckm;help;rules' {
            [CompletionResult]::new('mine', 'mine', [CompletionResultType]::ParameterValue, 'Frequent itemsets and association rules (the default when no verb is given)')
            [CompletionResult]::new('sequences', 'sequences', [CompletionResultType]::ParameterValue, 'Sequential patterns over each customer''s orders in time order (PrefixSpan)')
            [CompletionResult]::new('recommend', 'recommend', [CompletionResultType]::ParameterValue, 'For each customer, items not yet bought: by association rules (--rules) or by a recommender fitted on the transactions (EASE, item-kNN), with why')
            break
        }
        'ckm;help;rules;mine' {
            break
        }
        'ckm;help;rules;sequences' {
            break
        }
        'ckm;help;rules;recommend' {
            break
        }
        'ckm;help;forecast' {
            [CompletionResult]::new('customers', 'customers', [CompletionResultType]::ParameterValue, 'Per-customer repeat purchases, P(alive) and value by BG/NBD and Gamma-Gamma')
            [CompletionResult]::new('sales', 'sales', [CompletionResultType]::ParameterValue, 'Revenue, orders, customers or quantity per period, forecast with prediction intervals (ETS, Theta, ARIMA, baselines, and the ETS + Theta ensemble)')
            break
        }
        'ckm;help;forecast;customers' {
            break
        }
        'ckm;help;forecast;sales' {
            break
        }
        'ckm;help;churn' {
            [CompletionResult]::new('train', 'train', [CompletionResultType]::ParameterValue, 'Train a churn model, report out-of-fold metrics and score the training customers')
            [CompletionResult]::new('score', 'score', [CompletionResultType]::ParameterValue, 'Score customers with a model saved by `ckm churn train --model-out`')
            break
        }
        'ckm;help;churn;train' {
            break
        }
        'ckm;help;churn;score' {
            break
        }
        'ckm;help;report' {
            break
        }
        'ckm;help;generate-sample' {
            break
        }
        'ckm;help;generate-docs' {
            break
        }
        'ckm;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
