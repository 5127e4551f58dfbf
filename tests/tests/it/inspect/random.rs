//! Random schemas as stillroom creates them, from a seed: the same seed
//! always gives the same schema (no dependency on proptest's generator, so
//! the checked-in models of seeded cases stay valid across its versions).
//!
//! Each has 1–4 tables, STRICT or not, with keyword and odd names; columns of
//! every STRICT type and, on plain tables, common declared types; nullable
//! columns, defaults holding quotes, backslashes and parentheses, bool
//! CHECKs and other CHECKs; single, composite and AUTOINCREMENT keys;
//! indexes with stillroom's names and others; foreign keys, composite and
//! self-referencing, with actions; table CHECKs.

use std::collections::BTreeSet;

use stillroom::{
    Action, Column, ForeignKey, Index, Schema, SqlType, Table, ValueCheck, quote_ident,
};

/// SplitMix64: small, fast and fully determined by its seed.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed ^ 0x5EED_0F57_1112_0000)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const TABLE_NAMES: &[&str] = &[
    "jobs",
    "user_roles",
    "userRoles",
    "order",
    "match",
    "self",
    "option",
    "String",
    "my table",
    "2fa",
    "Ünïcode",
    "a-b",
    "x\"y",
    "HTTPLog",
    "ORDERS_archive",
    "t",
];

const COLUMN_NAMES: &[&str] = &[
    "name",
    "type",
    "where",
    "self",
    "crate",
    "fn",
    "async",
    "gen",
    "Order Date",
    "order_date",
    "first-name",
    "1st",
    "CamelCase",
    "a b",
    "a_b",
    "prénom",
    "_",
    "x\"q",
    "back\\slash",
    "value",
    "row",
    "stmt",
    "table",
    "_private",
    "UPPER",
    "count",
];

/// Declared types a plain table may have besides the STRICT ones.
const DECLARED: &[&str] = &[
    "VARCHAR(40)",
    "DATETIME",
    "BOOLEAN",
    "DECIMAL(10,2)",
    "JSON",
    "NUMERIC",
    "DOUBLE PRECISION",
    "CHARACTER(20)",
    "UNSIGNED BIG INT",
    "CLOB",
    "DATE",
    "FLOAT",
    "TINYINT(1)",
    "MONEY",
    "STRING",
    "NVARCHAR(100)",
];

const STRICT_TYPES: &[SqlType] = &[
    SqlType::Integer,
    SqlType::Real,
    SqlType::Text,
    SqlType::Blob,
    SqlType::Any,
];

/// A random schema, valid as stillroom's models are.
pub(crate) fn schema(seed: u64) -> Schema {
    let mut rng = Rng::new(seed);
    let mut names = Names::default();
    let mut tables: Vec<Table> = Vec::new();
    for _ in 0..=rng.below(4) {
        let name = names.table(&mut rng);
        let mut table = table(&mut rng, name);
        if rng.chance(45) {
            foreign_key(&mut rng, &mut table, &tables);
        }
        indexes(&mut rng, &mut table, &mut names);
        if rng.chance(25) && table.columns.len() > 1 {
            let a = quote_ident(&table.columns[0].name);
            let b = quote_ident(&table.columns[table.columns.len() - 1].name);
            table.checks.push(format!("{a} IS NOT NULL OR {b} IS NULL"));
        }
        tables.push(table);
    }
    match Schema::new(tables) {
        Ok(schema) => schema,
        Err(e) => panic!("seed {seed} made an invalid schema: {e}"),
    }
}

/// The SQL that creates `schema`, as stillroom renders it.
pub(crate) fn sql(schema: &Schema) -> String {
    schema
        .create_statements()
        .iter()
        .map(|s| format!("{s};\n"))
        .collect()
}

/// Names taken so far: tables (ignoring case, as SQLite does) and indexes
/// (database-wide).
#[derive(Default)]
struct Names {
    tables: BTreeSet<String>,
    indexes: BTreeSet<String>,
}

impl Names {
    fn table(&mut self, rng: &mut Rng) -> String {
        loop {
            let name = *rng.pick(TABLE_NAMES);
            if self.tables.insert(name.to_lowercase()) {
                return name.to_owned();
            }
        }
    }

    fn index(&mut self, name: String) -> Option<String> {
        self.indexes.insert(name.to_lowercase()).then_some(name)
    }
}

fn table(rng: &mut Rng, name: String) -> Table {
    let mut t = Table::new(name);
    t.strict = rng.chance(70);
    let mut taken = BTreeSet::new();
    for _ in 0..=rng.below(6) {
        let name = *rng.pick(COLUMN_NAMES);
        if taken.insert(name.to_lowercase()) {
            let column = column(rng, name, t.strict);
            t.columns.push(column);
        }
    }
    key(rng, &mut t);
    t
}

fn column(rng: &mut Rng, name: &str, strict: bool) -> Column {
    let sql_type = if !strict && rng.chance(45) {
        let declared: &&str = rng.pick(DECLARED);
        SqlType::parse(declared)
    } else if rng.chance(10) {
        SqlType::Declared("INT".into())
    } else {
        rng.pick(STRICT_TYPES).clone()
    };
    let mut c = Column::new(name, sql_type);
    c.nullable = rng.chance(40);
    if rng.chance(35) {
        c.default = Some((*rng.pick(defaults(&c.sql_type))).to_owned());
    }
    let integer = matches!(&c.sql_type, SqlType::Integer)
        || matches!(&c.sql_type, SqlType::Declared(d) if d.contains("INT") || d == "BOOLEAN");
    if integer && rng.chance(35) {
        c.checks.push(ValueCheck::Boolean.render(name));
    }
    if rng.chance(20) {
        let q = quote_ident(name);
        let checks = [
            format!("{q} >= 0"),
            format!("length({q}) > 0"),
            format!("{q} <> 'a\"b'"),
            format!(r"{q} NOT LIKE '%\%'"),
        ];
        c.checks.push(rng.pick(&checks).clone());
    }
    c
}

/// Defaults a column of this type might have, as SQL.
fn defaults(sql_type: &SqlType) -> &'static [&'static str] {
    match sql_type {
        SqlType::Integer => &["0", "-3", "42", "(1 + 2)", "0x1F"],
        SqlType::Real => &["1.5", "-0.25", "1e3"],
        SqlType::Blob => &["X'00FF'", "x''"],
        _ => &[
            "'x'",
            "'it''s'",
            "'say \"hi\"'",
            r"'back\slash'",
            "''",
            "(lower('A'))",
            "CURRENT_TIMESTAMP",
            "'\"#'",
            "NULL",
        ],
    }
}

/// A key: one column (maybe AUTOINCREMENT when it is INTEGER) or, on wider
/// tables, two or three in a random order. Keys are NOT NULL and no key is
/// a bool.
fn key(rng: &mut Rng, t: &mut Table) {
    let n = t.columns.len();
    let mut key: Vec<usize> = vec![0];
    if n > 2 && rng.chance(35) {
        key = (0..n).collect();
        for i in (1..n).rev() {
            key.swap(i, rng.below(i + 1));
        }
        key.truncate(2 + rng.below(2));
    }
    for &i in &key {
        let c = &mut t.columns[i];
        c.nullable = false;
        c.checks.retain(|check| !check.ends_with("IN (0, 1)"));
    }
    t.primary_key.columns = key.iter().map(|&i| t.columns[i].name.clone()).collect();
    t.primary_key.autoincrement =
        key.len() == 1 && t.columns[key[0]].sql_type == SqlType::Integer && rng.chance(40);
}

/// Whether the derive can name `name` in `references = "t(c)"`.
fn referable(name: &str) -> bool {
    !name.contains(['(', ')', '"', '\'', '`', ';', ','])
}

/// A foreign key from new columns of `t` to the key of an earlier table or
/// of `t` itself.
fn foreign_key(rng: &mut Rng, t: &mut Table, earlier: &[Table]) {
    let own = t.clone();
    let parent = earlier.get(rng.below(earlier.len() + 1)).unwrap_or(&own);
    let key = &parent.primary_key.columns;
    if !referable(&parent.name) || !key.iter().all(|k| referable(k)) {
        return;
    }
    let mut fk = ForeignKey {
        columns: Vec::new(),
        references_table: parent.name.clone(),
        references_columns: key.clone(),
        on_delete: Action::NoAction,
        on_update: Action::NoAction,
    };
    let nullable = rng.chance(50);
    for k in key {
        let Some(target) = parent.columns.iter().find(|c| &c.name == k) else {
            return;
        };
        if t.strict && !target.sql_type.allowed_in_strict() {
            return;
        }
        let mut name = format!("ref_{}", k.to_lowercase());
        while t.column_ci(&name).is_some() {
            name.push('_');
        }
        let mut c = Column::new(name.clone(), target.sql_type.clone());
        c.nullable = nullable;
        t.columns.push(c);
        fk.columns.push(name);
    }
    let actions: &[Action] = if nullable {
        &[
            Action::NoAction,
            Action::Cascade,
            Action::SetNull,
            Action::Restrict,
            Action::SetDefault,
        ]
    } else {
        &[Action::NoAction, Action::Cascade, Action::Restrict]
    };
    fk.on_delete = *rng.pick(actions);
    fk.on_update = *rng.pick(actions);
    t.foreign_keys.push(fk);
}

/// Up to three indexes: one column with stillroom's name, or several with
/// its name or another.
fn indexes(rng: &mut Rng, t: &mut Table, names: &mut Names) {
    for n in 0..rng.below(4) {
        let count = 1 + rng.below(t.columns.len().min(3));
        let mut columns: Vec<String> = Vec::new();
        for _ in 0..count {
            let c = &rng.pick(&t.columns).name;
            if !columns.contains(c) {
                columns.push(c.clone());
            }
        }
        let unique = rng.chance(40);
        let name = match rng.below(3) {
            0 => format!("idx_{}_{n}", t.name),
            1 if columns.len() > 1 => format!("My Index \"{n}\" of {}", t.name),
            _ => Index::default_name(&t.name, &columns, unique),
        };
        if let Some(name) = names.index(name) {
            t.indexes.push(Index {
                name,
                columns,
                unique,
            });
        }
    }
    t.indexes.sort();
}
