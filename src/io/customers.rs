//! Customer attribute tables (`ckm ingest --customers`) and identity resolution applied to the
//! transactions: each channel's own customer id becomes one unified `customer_id`, the source
//! id moves to `source_customer_id`.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use anyhow::Result;
use polars::prelude::*;

use crate::error::CkmError;
use crate::io::manifest::InputRecord;
use crate::io::privacy::{self, PiiKind, SOURCE_CUSTOMER_ID};
use crate::io::read::ReadSettings;
use crate::io::{read, schema, write};
use crate::mining::identity::{self, MatchRule, SourceRecord};

/// Source records read from customer tables, with what was read.
pub struct CustomerTables {
    pub records: Vec<SourceRecord>,
    pub inputs: Vec<InputRecord>,
    pub rows: u64,
    /// Rows without a customer id: they cannot be linked to anything and are counted, not used.
    pub rows_without_id: u64,
    pub warnings: Vec<String>,
}

/// Text of a column, whatever its type in the source (Parquet ids are often integers).
fn text_values(df: &DataFrame, name: &str) -> PolarsResult<StringChunked> {
    Ok(df.column(name)?.cast(&DataType::String)?.str()?.clone())
}

/// Values by row: `get(row)` on a many-chunked column searches the chunks every time.
fn by_row(column: &StringChunked) -> Vec<Option<&str>> {
    column.iter().collect()
}

/// Reads each `[NAME=]PATH` customer table: its id column (found like a transactions table's
/// customer_id), every email and phone column (found by header), and the channel from the
/// `NAME=` prefix or a channel column.
pub fn read_customer_tables(
    specs: &[String],
    read_args: &ReadSettings,
    default_country: Option<&str>,
    hash_files: bool,
) -> Result<CustomerTables> {
    let mut tables = CustomerTables {
        records: Vec::new(),
        inputs: Vec::new(),
        rows: 0,
        rows_without_id: 0,
        warnings: Vec::new(),
    };
    for spec in read::resolve_inputs(specs)? {
        let source = read::open_source(spec, read_args)?;
        let display = source.spec.display.clone();
        let df = read::scan_raw(&source)?.collect().map_err(|e| {
            CkmError::invalid(
                read::diagnose(&source).unwrap_or_else(|| format!("reading customer table {display}: {e}")),
            )
        })?;
        let headers: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|h| h.to_string())
            .filter(|h| h != read::RAW_ROW_INDEX)
            .collect();
        let mapping = schema::map_columns(&headers, &Default::default()).map_err(CkmError::invalid)?;
        let Some(id_header) = mapping.source_of(schema::CUSTOMER_ID) else {
            let closest = schema::closest_headers(schema::CUSTOMER_ID, &headers, 3);
            return Err(CkmError::invalid(format!(
                "customer table {display}: no customer id column; headers found: {}{}; rename the \
                 id column to customer_id",
                schema::quote_list(&headers),
                if closest.is_empty() {
                    String::new()
                } else {
                    format!(" (closest: {})", schema::quote_list(&closest))
                }
            )));
        };
        let of_kind = |kind: PiiKind| -> Vec<&String> {
            headers
                .iter()
                .filter(|h| h.as_str() != id_header && privacy::pii_kind_by_name(h) == Some(kind))
                .collect()
        };
        let email_headers = of_kind(PiiKind::Email);
        let phone_headers = of_kind(PiiKind::Phone);
        if email_headers.is_empty() && phone_headers.is_empty() {
            tables.warnings.push(format!(
                "customer table {display} has no email or phone column (headers: {}): its ids \
                 are linked to nothing",
                schema::quote_list(&headers)
            ));
        }
        let id_text = text_values(&df, id_header)?;
        let channel_text = match (&source.spec.channel, mapping.source_of(schema::CHANNEL)) {
            (Some(_), _) | (None, None) => None,
            (None, Some(header)) => Some(text_values(&df, header)?),
        };
        let email_text: Vec<StringChunked> = email_headers
            .iter()
            .map(|h| text_values(&df, h))
            .collect::<PolarsResult<_>>()?;
        let phone_text: Vec<StringChunked> = phone_headers
            .iter()
            .map(|h| text_values(&df, h))
            .collect::<PolarsResult<_>>()?;
        let ids = by_row(&id_text);
        let channels = channel_text.as_ref().map(by_row);
        let emails: Vec<Vec<Option<&str>>> = email_text.iter().map(by_row).collect();
        let phones: Vec<Vec<Option<&str>>> = phone_text.iter().map(by_row).collect();
        let fixed_channel = source.spec.channel.clone().unwrap_or_default();
        for row in 0..df.height() {
            let Some(id) = ids[row].and_then(identity::normalise_source_id) else {
                tables.rows_without_id += 1;
                continue;
            };
            let channel = channels
                .as_ref()
                .and_then(|c| c[row])
                .map(|c| c.trim().to_string())
                .unwrap_or_else(|| fixed_channel.clone());
            let row_emails: Vec<String> = emails
                .iter()
                .filter_map(|c| c[row].and_then(identity::normalise_email))
                .collect();
            let row_phones: Vec<String> = phones
                .iter()
                .filter_map(|c| c[row].and_then(|p| identity::normalise_phone(p, default_country)))
                .collect();
            // One record per contact detail beyond the first: records with one id are one node.
            let count = row_emails.len().max(row_phones.len()).max(1);
            for k in 0..count {
                tables.records.push(SourceRecord {
                    channel: channel.clone(),
                    source_id: id.clone(),
                    email: row_emails.get(k).cloned(),
                    phone: row_phones.get(k).cloned(),
                });
            }
        }
        tables.rows += df.height() as u64;
        let (bytes, sha256) = match &source.original_path {
            Some(path) if hash_files => {
                let (bytes, sha) = write::hash_file(path)?;
                (Some(bytes), Some(sha))
            }
            Some(path) => (std::fs::metadata(path).ok().map(|m| m.len()), None),
            None => (None, None),
        };
        tables.inputs.push(InputRecord {
            path: display,
            bytes,
            sha256,
            rows: df.height() as u64,
        });
    }
    Ok(tables)
}

/// What resolution did, for the summary and `--identity-map`.
pub struct IdentityOutcome {
    /// source_channel, source_customer_id, customer_id, rule: one row per source id.
    pub map: DataFrame,
    pub source_ids: u64,
    pub customers: u64,
    pub merged_by: Vec<(MatchRule, u64)>,
}

/// The unified id of a record: its channel and id, `web:10001`, or the id alone for records
/// from a table with no channel.
fn unified_id(record: &SourceRecord) -> String {
    if record.channel.is_empty() {
        record.source_id.clone()
    } else {
        format!("{}:{}", record.channel, record.source_id)
    }
}

/// Resolves identities over the customer records and the transactions' own (channel, id)
/// pairs, and rewrites the table: `customer_id` unified, `source_customer_id` as it was.
/// A transaction id is looked up under its channel, then among records with no channel.
pub fn unify(df: &mut DataFrame, mut records: Vec<SourceRecord>) -> Result<IdentityOutcome> {
    let ids = text_values(df, schema::CUSTOMER_ID)?;
    let channels = text_values(df, schema::CHANNEL)?;
    let mut record_of_key: HashMap<(String, String), usize> = HashMap::new();
    for (i, record) in records.iter().enumerate() {
        record_of_key
            .entry((record.channel.clone(), record.source_id.clone()))
            .or_insert(i);
    }
    // Distinct (channel, raw id) pairs of the transactions, each resolved to a record once.
    let mut pair_of: HashMap<(Option<&str>, &str), u32> = HashMap::new();
    let mut pair_record: Vec<Option<usize>> = Vec::new();
    let mut row_pair: Vec<Option<u32>> = Vec::with_capacity(df.height());
    for (id, channel) in ids.iter().zip(channels.iter()) {
        let Some(raw) = id else {
            row_pair.push(None);
            continue;
        };
        let next = pair_of.len() as u32;
        let pair = *pair_of.entry((channel, raw)).or_insert_with(|| {
            let record = identity::normalise_source_id(raw).map(|id| {
                let channel = channel.map(str::trim).unwrap_or_default().to_string();
                let own = (channel.clone(), id.clone());
                let shared = (String::new(), id.clone());
                match record_of_key.get(&own).or_else(|| record_of_key.get(&shared)) {
                    Some(&known) => known,
                    None => {
                        records.push(SourceRecord {
                            channel,
                            source_id: id,
                            email: None,
                            phone: None,
                        });
                        record_of_key.insert(own, records.len() - 1);
                        records.len() - 1
                    }
                }
            });
            pair_record.push(record);
            next
        });
        row_pair.push(Some(pair));
    }

    let resolution = identity::resolve(&records);
    let pair_unified: Vec<Option<String>> = pair_record
        .iter()
        .map(|r| r.map(|r| unified_id(&records[resolution.representative[r]])))
        .collect();
    let unified: StringChunked = row_pair
        .iter()
        .map(|p| p.and_then(|p| pair_unified[p as usize].as_deref()))
        .collect();
    let source = df
        .column(schema::CUSTOMER_ID)?
        .clone()
        .with_name(SOURCE_CUSTOMER_ID.into());
    df.with_column(unified.with_name(schema::CUSTOMER_ID.into()).into_column())?;
    let position = df.get_column_index(schema::CUSTOMER_ID).unwrap_or(0) + 1;
    df.insert_column(position, source)?;

    // The map: one row per distinct source id, in a stable order.
    let mut seen: HashSet<(&str, &str)> = HashSet::new();
    let mut rows: Vec<(&str, &str, String, &'static str)> = Vec::new();
    let mut merged: HashMap<MatchRule, u64> = HashMap::new();
    for (i, record) in records.iter().enumerate() {
        if !seen.insert((&record.channel, &record.source_id)) {
            continue;
        }
        let rule = resolution.rule[i];
        *merged.entry(rule).or_default() += 1;
        rows.push((
            &record.channel,
            &record.source_id,
            unified_id(&records[resolution.representative[i]]),
            rule.name(),
        ));
    }
    rows.sort();
    let map = DataFrame::new(
        rows.len(),
        vec![
            Column::new(
                "source_channel".into(),
                rows.iter()
                    .map(|r| (!r.0.is_empty()).then_some(r.0))
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                SOURCE_CUSTOMER_ID.into(),
                rows.iter().map(|r| r.1).collect::<Vec<_>>(),
            ),
            Column::new(
                schema::CUSTOMER_ID.into(),
                rows.iter().map(|r| r.2.as_str()).collect::<Vec<_>>(),
            ),
            Column::new("rule".into(), rows.iter().map(|r| r.3).collect::<Vec<_>>()),
        ],
    )?;
    let mut merged_by: Vec<(MatchRule, u64)> = merged.into_iter().collect();
    merged_by.sort();
    Ok(IdentityOutcome {
        source_ids: rows.len() as u64,
        customers: resolution.groups as u64,
        merged_by,
        map,
    })
}

/// Customer id -> segment from a segments table's `column`.
pub fn segments_of_customers(
    path: &str,
    column: &str,
    read_args: &ReadSettings,
) -> Result<HashMap<String, String>> {
    let spec = read::resolve_inputs(&[path.to_string()])?
        .pop()
        .ok_or_else(|| CkmError::usage("--segments needs a file"))?;
    let source = read::open_source(spec, read_args)?;
    let mut raw = read::scan_raw(&source)?;
    let columns = raw.collect_schema()?;
    for name in [schema::CUSTOMER_ID, column] {
        if !columns.contains(name) {
            return Err(CkmError::usage(format!(
                "--segments {path}: no column '{name}'; the columns are {}",
                columns
                    .iter_names()
                    .map(|n| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    let table = raw
        .select([
            col(schema::CUSTOMER_ID).cast(DataType::String),
            col(column).cast(DataType::String),
        ])
        .collect()?;
    let ids = table.column(schema::CUSTOMER_ID)?.str()?;
    let segments = table.column(column)?.str()?;
    let mut map = HashMap::with_capacity(table.height());
    for (id, segment) in ids.iter().zip(segments.iter()) {
        if let (Some(id), Some(segment)) = (id, segment) {
            map.insert(id.to_string(), segment.to_string());
        }
    }
    Ok(map)
}
