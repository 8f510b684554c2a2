//! The sample data (`sample-data/`, written by `ckm generate-sample`): small realistic CRM
//! exports made up from a seed: a web-shop orders CSV (US dates), a store point-of-sale TSV
//! with other headers, the web shop's customer accounts (CSV) and the stores' loyalty members
//! (CSV), with fake names, emails and phones. The two channels number customers differently
//! (web account 1000001, loyalty card L300037): people who buy in both appear under two ids,
//! linked only by an email or phone written differently in each export, and a few people with
//! two web accounts are linked only through their loyalty record. Customers arrive over two
//! years, buy at their own rate with a December peak, and some stop buying (the
//! buy-till-you-die story). A handful of dirty rows of every kind `ckm clean` handles are mixed
//! in at fixed places. Same seed, same bytes.

use std::path::Path;

use anyhow::{Context, Result};

/// SplitMix64: tiny, fast, and stable forever, which a committed sample needs.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.uniform() * n as f64) as usize % n.max(1)
    }
    fn exponential(&mut self, rate: f64) -> f64 {
        -(1.0 - self.uniform()).ln() / rate
    }
    /// Gamma(shape, 1) by Marsaglia and Tsang, boosted for shape < 1.
    fn gamma(&mut self, shape: f64) -> f64 {
        if shape < 1.0 {
            return self.gamma(shape + 1.0) * self.uniform().powf(1.0 / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let (x, v) = loop {
                let x = self.normal();
                let v = 1.0 + c * x;
                if v > 0.0 {
                    break (x, v * v * v);
                }
            };
            let u = self.uniform();
            if u < 1.0 - 0.0331 * x.powi(4) || u.ln() < 0.5 * x * x + d * (1.0 - v + v.ln()) {
                return d * v;
            }
        }
    }
    fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

struct Product {
    sku: &'static str,
    name: &'static str,
    category: &'static str,
    price: f64,
}

const PRODUCTS: &[Product] = &[
    Product {
        sku: "CF-1001",
        name: "House Blend Coffee 250g",
        category: "Coffee",
        price: 7.49,
    },
    Product {
        sku: "CF-1002",
        name: "Espresso Roast 500g",
        category: "Coffee",
        price: 13.99,
    },
    Product {
        sku: "CF-1003",
        name: "Decaf Colombia 250g",
        category: "Coffee",
        price: 8.29,
    },
    Product {
        sku: "CF-1004",
        name: "Single Origin Ethiopia 250g",
        category: "Coffee",
        price: 10.90,
    },
    Product {
        sku: "CF-1005",
        name: "Cold Brew Concentrate 1L",
        category: "Coffee",
        price: 9.50,
    },
    Product {
        sku: "TE-2001",
        name: "Earl Grey Tea, 50 bags",
        category: "Tea",
        price: 5.99,
    },
    Product {
        sku: "TE-2002",
        name: "Green Sencha 100g",
        category: "Tea",
        price: 6.75,
    },
    Product {
        sku: "TE-2003",
        name: "Chamomile Herbal, 40 bags",
        category: "Tea",
        price: 4.25,
    },
    Product {
        sku: "TE-2004",
        name: "Chai Spice Blend 200g",
        category: "Tea",
        price: 8.95,
    },
    Product {
        sku: "EQ-3001",
        name: "Pour-Over Dripper",
        category: "Equipment",
        price: 24.00,
    },
    Product {
        sku: "EQ-3002",
        name: "Paper Filters (100)",
        category: "Equipment",
        price: 4.50,
    },
    Product {
        sku: "EQ-3003",
        name: "Burr Grinder",
        category: "Equipment",
        price: 89.00,
    },
    Product {
        sku: "EQ-3004",
        name: "French Press 1L",
        category: "Equipment",
        price: 32.50,
    },
    Product {
        sku: "EQ-3005",
        name: "Milk Frother",
        category: "Equipment",
        price: 19.99,
    },
    Product {
        sku: "EQ-3006",
        name: "Gooseneck Kettle",
        category: "Equipment",
        price: 45.00,
    },
    Product {
        sku: "MG-4001",
        name: "Stoneware Mug, 350ml",
        category: "Mugs",
        price: 12.00,
    },
    Product {
        sku: "MG-4002",
        name: "Travel Tumbler",
        category: "Mugs",
        price: 22.00,
    },
    Product {
        sku: "MG-4003",
        name: "Espresso Cups (set of 2)",
        category: "Mugs",
        price: 14.50,
    },
    Product {
        sku: "SN-5001",
        name: "Almond Biscotti",
        category: "Snacks",
        price: 3.95,
    },
    Product {
        sku: "SN-5002",
        name: "Dark Chocolate 70%",
        category: "Snacks",
        price: 2.99,
    },
    Product {
        sku: "SN-5003",
        name: "Oat Cookies",
        category: "Snacks",
        price: 3.49,
    },
    Product {
        sku: "SN-5004",
        name: "Caramel Syrup 250ml",
        category: "Snacks",
        price: 6.20,
    },
    Product {
        sku: "GF-6001",
        name: "Gift Card 25",
        category: "Gifts",
        price: 25.00,
    },
    Product {
        sku: "GF-6002",
        name: "Holiday Gift Box",
        category: "Gifts",
        price: 39.00,
    },
    Product {
        sku: "GF-6003",
        name: "Tasting Set \"World Tour\"",
        category: "Gifts",
        price: 29.90,
    },
];

const FIRST_NAMES: &[&str] = &[
    "Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn", "Robin",
    "Drew", "Kim", "Lee", "Noa", "Mia", "Luca", "Emma", "Noah", "Olivia", "Liam", "Ava", "Zoë", "José",
    "Chloé", "Mateo", "Ingrid", "Ravi", "Mei", "Aiko", "Omar", "Fatima", "Sven", "Anja", "Marta",
];
const LAST_NAMES: &[&str] = &[
    "Smith", "Johnson", "Brown", "Garcia", "Miller", "Davis", "Martinez", "Lopez", "Wilson", "Anderson",
    "Thomas", "Moore", "Jackson", "White", "Harris", "Clark", "Lewis", "Young", "King", "Wright", "Müller",
    "O'Neil", "Nguyen", "Patel", "Kowalski", "Rossi", "Dubois", "Svensson", "Tanaka", "Okafor",
];
const CITIES: &[&str] = &[
    "Springfield",
    "Riverton",
    "Lakeside",
    "Fairview",
    "Greenville",
    "Madison",
    "Oakridge",
];
const STORES: &[&str] = &["Downtown", "Mall East", "Airport"];

/// Days since 2024-01-01 of the sample's two years.
const DAYS: f64 = 731.0;

fn day_to_datetime(day: f64) -> chrono::NaiveDateTime {
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
        .expect("a valid date")
        .and_hms_opt(0, 0, 0)
        .expect("a valid time");
    start + chrono::Duration::seconds((day * 86_400.0) as i64)
}

/// Relative demand by month: a December peak, a summer dip.
fn season(day: f64) -> f64 {
    use chrono::Datelike;
    match day_to_datetime(day).month() {
        11 => 1.35,
        12 => 1.9,
        1 => 0.8,
        6..=8 => 0.8,
        _ => 1.0,
    }
}

struct Customer {
    /// Web-shop account number, for people who buy online.
    web_id: Option<u32>,
    /// A second web account opened later with another email, used from
    /// [`SECOND_ACCOUNT_AFTER_DAYS`] after signing up.
    second_web_id: Option<u32>,
    second_email: String,
    /// Loyalty card number, for people who buy in the stores.
    store_id: Option<String>,
    first: &'static str,
    last: &'static str,
    email: String,
    phone: String,
    signup_day: f64,
    plan: &'static str,
    city: &'static str,
    web_share: f64,
}

impl Customer {
    fn web_account_on(&self, day: f64) -> u32 {
        match self.second_web_id {
            Some(second) if day > self.signup_day + SECOND_ACCOUNT_AFTER_DAYS => second,
            _ => self.web_id.expect("web orders come from web customers"),
        }
    }
}

/// People with a second web account use it from this many days after signing up.
const SECOND_ACCOUNT_AFTER_DAYS: f64 = 120.0;

struct OrderLine {
    day: f64,
    /// Index into the customers.
    customer: usize,
    order: u32,
    product: usize,
    quantity: i32,
    web: bool,
    store: usize,
}

/// Writes the four sample exports into `out_dir` for `customers` customers from `seed`;
/// returns the customers and order lines made.
pub fn write_sample(out_dir: &Path, customers: usize, seed: u64) -> Result<(usize, usize)> {
    let mut rng = Rng(seed);
    let customers = make_customers(&mut rng, customers);
    let lines = make_orders(&mut rng, &customers);
    std::fs::create_dir_all(out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    write_customers(&out_dir.join("customers.csv"), &customers)?;
    write_store_members(&out_dir.join("store_members.csv"), &customers)?;
    write_web_orders(&out_dir.join("web_orders.csv"), &lines, &customers)?;
    write_store_sales(&out_dir.join("store_sales.tsv"), &lines, &customers)?;
    Ok((customers.len(), lines.len()))
}

fn make_customers(rng: &mut Rng, count: usize) -> Vec<Customer> {
    (0..count)
        .map(|i| {
            let first = rng.pick(FIRST_NAMES);
            let last = rng.pick(LAST_NAMES);
            let local: String = format!("{}.{}", first, last)
                .to_lowercase()
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
                .collect();
            let domain = rng.pick(&["example.com", "example.org", "mail.example.net", "gmail.com"]);
            // The running number keeps addresses unique: two people never share one.
            let email = format!("{local}{}@{domain}", 10 + i);
            let second_email = format!("{}.{local}{}@example.org", &first[..1].to_lowercase(), 10 + i);
            let digits = 2_000_000 + (rng.next_u64() % 7_000_000) as u32;
            let area = 200 + rng.below(700);
            let phone = match rng.below(3) {
                0 => format!("({area}) 555-{:04}", digits % 10_000),
                1 => format!("+1 {area}-555-{:04}", digits % 10_000),
                _ => format!("{area}555{:04}", digits % 10_000),
            };
            // Online only, store only, or both in some proportion.
            let web_share = [0.0, 0.1, 0.5, 0.9, 1.0, 1.0][rng.below(6)];
            let both = web_share > 0.0 && web_share < 1.0;
            Customer {
                web_id: (web_share > 0.0).then_some(1_000_001 + i as u32),
                second_web_id: (both && i % 25 == 7).then_some(3_000_001 + i as u32),
                second_email,
                store_id: (web_share < 1.0).then(|| format!("L{}", 300_000 + 37 * i)),
                first,
                last,
                email,
                phone,
                signup_day: rng.uniform() * DAYS * 0.8,
                plan: rng.pick(&["free", "free", "free", "member", "member", "premium"]),
                city: rng.pick(CITIES),
                web_share,
            }
        })
        .collect()
}

fn make_orders(rng: &mut Rng, customers: &[Customer]) -> Vec<OrderLine> {
    let mut lines = Vec::new();
    let mut order = 100_000u32;
    for (index, customer) in customers.iter().enumerate() {
        // Purchase rate per day (gamma-distributed across customers) and a chance of leaving
        // after each purchase (beta-like): BG/NBD's story.
        let rate = rng.gamma(0.9) / 30.0;
        let leave = 0.05 + 0.4 * rng.uniform().powi(2);
        let favourite = rng.below(PRODUCTS.len());
        let mut day = customer.signup_day;
        loop {
            let basket = 1 + rng.below(3) + usize::from(rng.uniform() < 0.2);
            order += 1;
            let web = rng.uniform() < customer.web_share;
            let store = rng.below(STORES.len());
            let mut used = Vec::new();
            for _ in 0..basket {
                let product = if rng.uniform() < 0.4 {
                    favourite
                } else {
                    rng.below(PRODUCTS.len())
                };
                if used.contains(&product) {
                    continue;
                }
                used.push(product);
                let quantity = 1 + i32::from(rng.uniform() < 0.25) + i32::from(rng.uniform() < 0.05);
                lines.push(OrderLine {
                    day,
                    customer: index,
                    order,
                    product,
                    quantity,
                    web,
                    store,
                });
            }
            if rng.uniform() < leave {
                break;
            }
            // Thinning: candidate gaps are accepted in proportion to the season.
            loop {
                day += rng.exponential(rate.max(1e-4) * 1.9);
                if day >= DAYS || rng.uniform() < season(day) / 1.9 {
                    break;
                }
            }
            if day >= DAYS {
                break;
            }
        }
    }
    lines.sort_by(|a, b| a.day.total_cmp(&b.day).then(a.order.cmp(&b.order)));
    lines
}

/// The web shop's customer accounts.
fn write_customers(path: &Path, customers: &[Customer]) -> Result<()> {
    let mut w = csv::Writer::from_path(path).with_context(|| format!("writing {}", path.display()))?;
    w.write_record([
        "customer_id",
        "first_name",
        "last_name",
        "email",
        "phone",
        "signup_date",
        "plan",
        "city",
    ])?;
    let mut accounts = Vec::new();
    for c in customers {
        let Some(id) = c.web_id else { continue };
        let email = if id % 97 == 0 {
            c.email.to_uppercase()
        } else {
            c.email.clone()
        };
        // Someone with a second account left the phone off the first one: the two accounts
        // share nothing, and only the loyalty record links them.
        let phone = if c.second_web_id.is_some() {
            String::new()
        } else {
            c.phone.clone()
        };
        accounts.push((id, c, email, phone, c.signup_day));
        if let Some(second) = c.second_web_id {
            accounts.push((
                second,
                c,
                c.second_email.clone(),
                c.phone.clone(),
                c.signup_day + SECOND_ACCOUNT_AFTER_DAYS,
            ));
        }
    }
    accounts.sort_by_key(|a| a.0);
    for (id, c, email, phone, signup_day) in accounts {
        w.write_record([
            id.to_string(),
            c.first.to_string(),
            c.last.to_string(),
            email,
            phone,
            day_to_datetime(signup_day).format("%Y-%m-%d").to_string(),
            c.plan.to_string(),
            c.city.to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// The stores' loyalty members: other headers, one name column, contact details typed at the
/// till (Gmail addresses without their dots or with a `+tag`, phones in other formats), and
/// some members who gave only one of the two.
fn write_store_members(path: &Path, customers: &[Customer]) -> Result<()> {
    let mut w = csv::Writer::from_path(path).with_context(|| format!("writing {}", path.display()))?;
    w.write_record(["client_id", "name", "email", "mobile", "joined", "home_store"])?;
    for (i, c) in customers.iter().enumerate() {
        let Some(card) = &c.store_id else { continue };
        let email = match i % 10 {
            // Phone only.
            0 | 1 => String::new(),
            _ => match c.email.split_once('@') {
                Some((local, "gmail.com")) if i % 3 == 0 => format!("{}@gmail.com", local.replace('.', "")),
                Some((local, "gmail.com")) => format!("{local}+loyalty@googlemail.com"),
                _ if i % 7 == 0 => format!("  {}", c.email.to_uppercase()),
                _ => c.email.clone(),
            },
        };
        let digits: String = c.phone.chars().filter(char::is_ascii_digit).collect();
        let national = &digits[digits.len() - 10..];
        let mobile = match i % 10 {
            // Email only.
            2 | 3 => String::new(),
            4 | 5 => format!("+1 {} {} {}", &national[..3], &national[3..6], &national[6..]),
            6 | 7 => format!("1-{}-{}-{}", &national[..3], &national[3..6], &national[6..]),
            _ => format!("{}.{}.{}", &national[..3], &national[3..6], &national[6..]),
        };
        w.write_record([
            card.clone(),
            format!("{} {}", c.first, c.last),
            email,
            mobile,
            day_to_datetime(c.signup_day).format("%Y-%m-%d").to_string(),
            STORES[i % STORES.len()].to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn price_text(price: f64) -> String {
    format!("{price:.2}")
}

/// The web shop's export: US dates, spreadsheet-style headers, dirty rows at fixed places.
fn write_web_orders(path: &Path, lines: &[OrderLine], customers: &[Customer]) -> Result<()> {
    let mut w = csv::Writer::from_path(path).with_context(|| format!("writing {}", path.display()))?;
    w.write_record([
        "Order ID",
        "Order Date",
        "Customer ID",
        "Product",
        "Category",
        "Qty",
        "Price",
        "Email",
    ])?;
    let web: Vec<&OrderLine> = lines.iter().filter(|l| l.web).collect();
    for (i, line) in web.iter().enumerate() {
        let product = &PRODUCTS[line.product];
        let person = &customers[line.customer];
        let account = person.web_account_on(line.day);
        let email = if Some(account) == person.second_web_id {
            person.second_email.clone()
        } else {
            person.email.clone()
        };
        let date = day_to_datetime(line.day).format("%-m/%-d/%Y %-H:%M").to_string();
        let mut record = vec![
            format!("WEB-{}", line.order),
            date,
            account.to_string(),
            product.name.to_string(),
            product.category.to_string(),
            line.quantity.to_string(),
            price_text(product.price),
            email.clone(),
        ];
        // Dirty rows of every kind `clean` handles, at fixed positions.
        match i {
            100 | 2_000 => record[2] = format!(" {account} "),
            300 | 2_300 => record[2] = format!("{account}.0"),
            500 => record[2] = String::new(),
            700 => record[1] = "13/45/2024 25:00".into(),
            900 => record[5] = "two".into(),
            1_100 => record[6] = "0.00".into(),
            1_300 => record[1] = "3/14/2031 10:00".into(),
            1_500 => record[1] = "12/31/1969 23:00".into(),
            1_700 => record[6] = format!("${}", price_text(product.price)),
            _ => {}
        }
        w.write_record(&record)?;
        if i % 1_000 == 450 {
            // The export job ran twice over the same minute: an exact duplicate.
            w.write_record(&record)?;
        }
        if i % 800 == 600 {
            // A return: the same item back, as a negative quantity a week later.
            let back = day_to_datetime(line.day + 7.0)
                .format("%-m/%-d/%Y %-H:%M")
                .to_string();
            w.write_record([
                format!("WEB-R{}", line.order),
                back,
                account.to_string(),
                product.name.to_string(),
                product.category.to_string(),
                "-1".to_string(),
                price_text(product.price),
                email,
            ])?;
        }
    }
    w.flush()?;
    Ok(())
}

/// The stores' point-of-sale export: tab-separated, ISO timestamps, other headers, and
/// cancelled receipts marked with a `C` prefix as many retail systems do.
fn write_store_sales(path: &Path, lines: &[OrderLine], customers: &[Customer]) -> Result<()> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b'\t')
        .from_path(path)
        .with_context(|| format!("writing {}", path.display()))?;
    w.write_record([
        "receipt_no",
        "transaction_time",
        "client_id",
        "sku",
        "description",
        "units",
        "unit_price",
        "store",
    ])?;
    let store: Vec<&OrderLine> = lines.iter().filter(|l| !l.web).collect();
    for (i, line) in store.iter().enumerate() {
        let product = &PRODUCTS[line.product];
        let mut record = vec![
            format!("{}", line.order),
            day_to_datetime(line.day).format("%Y-%m-%dT%H:%M:%S").to_string(),
            customers[line.customer]
                .store_id
                .clone()
                .expect("store sales come from loyalty members"),
            product.sku.to_string(),
            product.name.to_string(),
            line.quantity.to_string(),
            price_text(product.price),
            STORES[line.store].to_string(),
        ];
        match i {
            50 => record[2] = "   ".into(),
            250 => record[6] = "-1.00".into(),
            450 => record[1] = "not recorded".into(),
            _ => {}
        }
        w.write_record(&record)?;
        if i % 700 == 350 {
            w.write_record(&record)?;
        }
        if i % 600 == 200 {
            let mut cancelled = record.clone();
            cancelled[0] = format!("C{}", line.order);
            cancelled[5] = format!("-{}", line.quantity);
            w.write_record(&cancelled)?;
        }
    }
    w.flush()?;
    Ok(())
}
