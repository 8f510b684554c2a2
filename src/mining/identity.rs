//! One customer across channels: source records (a channel's customer id with the email and
//! phone it holds) that share a normalised email or phone number are one customer, transitively.
//! Pure: strings in, groups out.

use foldhash::{HashMap, HashMapExt};

/// Emails compare trimmed and lower-cased; Gmail ignores dots and `+tags` in the local part and
/// treats googlemail.com as gmail.com, so the same person typed three ways is one address.
/// Returns `None` for text that is not an address (no `@`, an empty side, spaces inside).
pub fn normalise_email(text: &str) -> Option<String> {
    let lowered = text.trim().to_lowercase();
    let (local, domain) = lowered.rsplit_once('@')?;
    if local.is_empty()
        || domain.is_empty()
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || lowered.chars().any(char::is_whitespace)
        || local.contains('@')
    {
        return None;
    }
    if domain == "gmail.com" || domain == "googlemail.com" {
        let without_tag = local.split('+').next().unwrap_or(local);
        let without_dots: String = without_tag.chars().filter(|&c| c != '.').collect();
        if without_dots.is_empty() {
            return None;
        }
        return Some(format!("{without_dots}@gmail.com"));
    }
    Some(format!("{local}@{domain}"))
}

/// Customer ids compare trimmed, and an integer that a spreadsheet turned into a float
/// (`17850.0`) as the integer it was, as `ckm clean` does. `None` for a blank id.
pub fn normalise_source_id(text: &str) -> Option<String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return None;
    }
    if let Some((integer, fraction)) = trimmed.split_once('.') {
        let digits = integer.strip_prefix(['-', '+']).unwrap_or(integer);
        if !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !fraction.is_empty()
            && fraction.bytes().all(|b| b == b'0')
        {
            return Some(integer.to_string());
        }
    }
    Some(trimmed.to_string())
}

/// Fewer digits than this is not a phone number that can identify anyone (`0`, `n/a`, `911`).
const MIN_PHONE_DIGITS: usize = 7;
/// E.164 allows 15 digits after the country code's `+`.
const MAX_PHONE_DIGITS: usize = 15;

/// Phone numbers compare as digits in international form, without the `+`.
///
/// `+44 20 7946 0958` and `0044 20 7946 0958` are international already. A number written
/// without a country code gets `default_country` (`--default-country 1`): `(555) 123-4567`
/// becomes `15551234567`, and a trunk `0` (`020 7946 0958` with 44) is dropped first. A national
/// number that already starts with the default country code and is longer than a national
/// number (`1 555 123 4567`, 11 digits) is taken as international. Without a default country,
/// such numbers compare as their digits. An extension (`x12`, `ext. 12`) is ignored.
pub fn normalise_phone(text: &str, default_country: Option<&str>) -> Option<String> {
    let lowered = text.trim().to_lowercase();
    let extension_at = ["ext", "x", "#"]
        .iter()
        .filter_map(|marker| lowered.find(marker))
        .min()
        .unwrap_or(lowered.len());
    // "+44 (0)20 ...": the (0) is the trunk prefix, dialled only from inside the country.
    let number = lowered[..extension_at].replace("(0)", "");
    if number.chars().any(|c| c.is_alphabetic()) {
        return None;
    }
    let international_plus = number.trim_start().starts_with('+');
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    let normalised = if international_plus {
        digits
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest.to_string()
    } else {
        match default_country {
            Some(country) => {
                // National significant numbers are 10 digits in NANP and at most that in most plans.
                if digits.starts_with(country) && digits.len() >= country.len() + 10 {
                    digits
                } else {
                    format!("{country}{}", digits.trim_start_matches('0'))
                }
            }
            None => digits,
        }
    };
    let length = normalised.len();
    if !(MIN_PHONE_DIGITS..=MAX_PHONE_DIGITS).contains(&length) {
        return None;
    }
    // 0000000 and 1111111 are placeholders, not people.
    if normalised.bytes().all(|b| b == normalised.as_bytes()[0]) {
        return None;
    }
    Some(normalised)
}

/// Disjoint sets with path halving and union by size: near-constant time per operation, so
/// resolution stays linear in the number of records.
#[derive(Debug, Clone)]
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    pub fn new(count: usize) -> Self {
        UnionFind {
            parent: (0..count as u32).collect(),
            size: vec![1; count],
        }
    }

    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grandparent = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grandparent;
            x = grandparent;
        }
        x
    }

    /// Joins the sets of `a` and `b`; true when they were apart.
    pub fn union(&mut self, a: u32, b: u32) -> bool {
        let (mut a, mut b) = (self.find(a), self.find(b));
        if a == b {
            return false;
        }
        if self.size[a as usize] < self.size[b as usize] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b as usize] = a;
        self.size[a as usize] += self.size[b as usize];
        true
    }
}

/// One source record: a channel's customer id and the contact details it holds, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRecord {
    pub channel: String,
    pub source_id: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// How a record came to be in its group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MatchRule {
    /// Nothing links it to another record.
    Alone,
    Email,
    Phone,
    EmailAndPhone,
}

impl MatchRule {
    pub fn name(self) -> &'static str {
        match self {
            MatchRule::Alone => "own id",
            MatchRule::Email => "email",
            MatchRule::Phone => "phone",
            MatchRule::EmailAndPhone => "email and phone",
        }
    }
}

/// The result of [`resolve`], one entry per input record, in input order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    /// Index of the group's representative record: the record with the smallest
    /// (channel, source id), so the unified id depends on the group's members only,
    /// never on the order records were read in.
    pub representative: Vec<usize>,
    /// Which shared key put each record in its group (shared with any other record of it).
    pub rule: Vec<MatchRule>,
    pub groups: usize,
}

/// Groups records that share a normalised email or phone, transitively (union-find over
/// the records, with one hash map per key kind: linear in the number of records).
/// Records with the same channel and source id are one record and always one group.
pub fn resolve(records: &[SourceRecord]) -> Resolution {
    let count = records.len();
    let mut sets = UnionFind::new(count);
    let mut first_with_id: HashMap<(&str, &str), u32> = HashMap::with_capacity(count);
    let mut first_with_email: HashMap<&str, u32> = HashMap::with_capacity(count);
    let mut first_with_phone: HashMap<&str, u32> = HashMap::with_capacity(count);
    let mut email_shared = vec![false; count];
    let mut phone_shared = vec![false; count];
    for (i, record) in records.iter().enumerate() {
        let i = i as u32;
        let first = *first_with_id
            .entry((record.channel.as_str(), record.source_id.as_str()))
            .or_insert(i);
        sets.union(first, i);
        if let Some(email) = &record.email {
            let first = *first_with_email.entry(email.as_str()).or_insert(i);
            if first != i {
                sets.union(first, i);
                email_shared[first as usize] = true;
                email_shared[i as usize] = true;
            }
        }
        if let Some(phone) = &record.phone {
            let first = *first_with_phone.entry(phone.as_str()).or_insert(i);
            if first != i {
                sets.union(first, i);
                phone_shared[first as usize] = true;
                phone_shared[i as usize] = true;
            }
        }
    }
    let roots: Vec<u32> = (0..count as u32).map(|i| sets.find(i)).collect();
    let mut smallest_of_root: HashMap<u32, usize> = HashMap::new();
    for (i, &root) in roots.iter().enumerate() {
        let key = |j: usize| (&records[j].channel, &records[j].source_id);
        smallest_of_root
            .entry(root)
            .and_modify(|best| {
                if key(i) < key(*best) {
                    *best = i;
                }
            })
            .or_insert(i);
    }
    // A record repeated under one id shares the rules of its copies.
    let mut id_rules: HashMap<(&str, &str), (bool, bool)> = HashMap::new();
    for (i, record) in records.iter().enumerate() {
        let entry = id_rules
            .entry((record.channel.as_str(), record.source_id.as_str()))
            .or_default();
        entry.0 |= email_shared[i];
        entry.1 |= phone_shared[i];
    }
    let rule = records
        .iter()
        .map(
            |record| match id_rules[&(record.channel.as_str(), record.source_id.as_str())] {
                (false, false) => MatchRule::Alone,
                (true, false) => MatchRule::Email,
                (false, true) => MatchRule::Phone,
                (true, true) => MatchRule::EmailAndPhone,
            },
        )
        .collect();
    Resolution {
        representative: roots.iter().map(|r| smallest_of_root[r]).collect(),
        rule,
        groups: smallest_of_root.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn emails_normalise() {
        assert_eq!(
            normalise_email("  Jane.Doe@Example.COM "),
            Some("jane.doe@example.com".into())
        );
        assert_eq!(
            normalise_email("j.a.n.e+shop@gmail.com"),
            Some("jane@gmail.com".into())
        );
        assert_eq!(
            normalise_email("JANE@googlemail.com"),
            Some("jane@gmail.com".into())
        );
        // Dots and tags matter elsewhere.
        assert_eq!(
            normalise_email("j.ane+x@example.org"),
            Some("j.ane+x@example.org".into())
        );
        assert_eq!(normalise_email("not an email"), None);
        assert_eq!(normalise_email("@example.com"), None);
        assert_eq!(normalise_email("jane@"), None);
        assert_eq!(normalise_email("jane@localhost"), None);
        assert_eq!(normalise_email("ja ne@example.com"), None);
        assert_eq!(normalise_email("a@b@example.com"), None);
        assert_eq!(normalise_email("+@gmail.com"), None);
        assert_eq!(normalise_email(""), None);
    }

    #[test]
    fn source_ids_normalise() {
        assert_eq!(normalise_source_id(" 17850.0 "), Some("17850".into()));
        assert_eq!(normalise_source_id("17850"), Some("17850".into()));
        assert_eq!(normalise_source_id("17850.5"), Some("17850.5".into()));
        assert_eq!(normalise_source_id("A.0"), Some("A.0".into()));
        assert_eq!(normalise_source_id("   "), None);
    }

    #[test]
    fn phones_normalise() {
        let us = Some("1");
        assert_eq!(normalise_phone("(555) 123-4567", us), Some("15551234567".into()));
        assert_eq!(normalise_phone("+1 555 123 4567", us), Some("15551234567".into()));
        assert_eq!(normalise_phone("1-555-123-4567", us), Some("15551234567".into()));
        assert_eq!(
            normalise_phone("555.123.4567 x89", us),
            Some("15551234567".into())
        );
        assert_eq!(
            normalise_phone("555-123-4567 ext. 2", us),
            Some("15551234567".into())
        );
        assert_eq!(
            normalise_phone("00 44 20 7946 0958", us),
            Some("442079460958".into())
        );
        assert_eq!(
            normalise_phone("+44 (0)20 7946 0958", us),
            Some("442079460958".into())
        );
        assert_eq!(
            normalise_phone("020 7946 0958", Some("44")),
            Some("442079460958".into())
        );
        assert_eq!(normalise_phone("5551234567", None), Some("5551234567".into()));
        assert_eq!(normalise_phone("n/a", us), None);
        assert_eq!(normalise_phone("0", us), None);
        assert_eq!(normalise_phone("000-0000", None), None);
        assert_eq!(normalise_phone("+1 555 123 4567 8901 2345", us), None);
        assert_eq!(normalise_phone("", us), None);
    }

    fn record(channel: &str, id: &str, email: Option<&str>, phone: Option<&str>) -> SourceRecord {
        SourceRecord {
            channel: channel.into(),
            source_id: id.into(),
            email: email.map(String::from),
            phone: phone.map(String::from),
        }
    }

    #[test]
    fn resolution_is_transitive() {
        // web A shares an email with crm B, which shares a phone with store C.
        let records = vec![
            record("store", "C", Some("c@x.org"), Some("15550001111")),
            record("web", "A", Some("a@x.org"), None),
            record("crm", "B", Some("a@x.org"), Some("15550001111")),
            record("web", "D", Some("d@x.org"), Some("15559999999")),
        ];
        let resolved = resolve(&records);
        assert_eq!(resolved.groups, 2);
        // The representative is the smallest (channel, id): crm/B.
        assert_eq!(resolved.representative, vec![2, 2, 2, 3]);
        assert_eq!(
            resolved.rule,
            vec![
                MatchRule::Phone,
                MatchRule::Email,
                MatchRule::EmailAndPhone,
                MatchRule::Alone
            ]
        );
    }

    #[test]
    fn the_same_id_twice_is_one_customer() {
        let records = vec![
            record("web", "A", Some("a@x.org"), None),
            record("web", "A", None, Some("15550001111")),
            record("store", "A", None, None),
        ];
        let resolved = resolve(&records);
        assert_eq!(resolved.groups, 2);
        assert_eq!(resolved.representative, vec![0, 0, 2]);
        assert_eq!(resolved.rule, vec![MatchRule::Alone; 3]);
    }

    /// Brute force: repeat pairwise merging until nothing changes.
    fn brute_force_groups(records: &[SourceRecord]) -> Vec<usize> {
        let n = records.len();
        let mut label: Vec<usize> = (0..n).collect();
        let linked = |a: &SourceRecord, b: &SourceRecord| {
            (a.channel == b.channel && a.source_id == b.source_id)
                || (a.email.is_some() && a.email == b.email)
                || (a.phone.is_some() && a.phone == b.phone)
        };
        loop {
            let mut changed = false;
            for i in 0..n {
                for j in 0..n {
                    if linked(&records[i], &records[j]) && label[i] != label[j] {
                        let low = label[i].min(label[j]);
                        label[i] = low;
                        label[j] = low;
                        changed = true;
                    }
                }
            }
            if !changed {
                return label;
            }
        }
    }

    proptest! {
        #[test]
        fn groups_match_brute_force_and_ignore_order(
            raw in prop::collection::vec(
                (0u8..2, 0u8..6, prop::option::of(0u8..5), prop::option::of(0u8..5)), 0..40),
            rotation in 0usize..40,
        ) {
            let records: Vec<SourceRecord> = raw.iter().map(|(c, id, e, p)| SourceRecord {
                channel: format!("ch{c}"),
                source_id: format!("id{id}"),
                email: e.map(|e| format!("e{e}@x.org")),
                phone: p.map(|p| format!("555000{p}")),
            }).collect();
            let resolved = resolve(&records);
            let expected = brute_force_groups(&records);
            for i in 0..records.len() {
                for j in 0..records.len() {
                    prop_assert_eq!(
                        resolved.representative[i] == resolved.representative[j],
                        expected[i] == expected[j]
                    );
                }
            }
            // The unified id does not depend on the order records arrive in.
            let mut rotated = records.clone();
            if !rotated.is_empty() {
                let k = rotation % rotated.len();
                rotated.rotate_left(k);
                let again = resolve(&rotated);
                for (i, record) in rotated.iter().enumerate() {
                    let original = records.iter().position(|r| r == record).unwrap();
                    let a = &records[resolved.representative[original]];
                    let b = &rotated[again.representative[i]];
                    prop_assert_eq!((&a.channel, &a.source_id), (&b.channel, &b.source_id));
                }
            }
        }
    }
}
