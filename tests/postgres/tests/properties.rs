//! Property test on a real PostgreSQL server: for random pairs of a table's
//! versions (columns kept, renamed, widened, made NOT NULL with a default,
//! made nullable, dropped, added) and random rows, the generated migration
//! keeps every surviving value (a NULL made NOT NULL becomes the default),
//! and its down part either brings the first version back or fails,
//! leaving the database as it was.
//!
//! `PROPTEST_CASES` sets the number of cases (48 by default). Needs
//! `STILLROOM_TEST_POSTGRES`, as the other PostgreSQL tests.

use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use stillroom::postgres::{Client, Migrator, connect};
use stillroom::{
    Column, Error, GenerateOptions, Generated, History, Kind, Schema, SqlType, Table, Target,
};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Type {
    Int,
    BigInt,
    Double,
    Text,
    Bool,
}

impl Type {
    fn column(self, name: &str) -> Column {
        let (sql, kind) = match self {
            Self::Int => (SqlType::Integer, Kind::Int),
            Self::BigInt => (SqlType::Integer, Kind::BigInt),
            Self::Double => (SqlType::Real, Kind::Double),
            Self::Text => (SqlType::Text, Kind::Text),
            Self::Bool => (SqlType::Integer, Kind::Bool),
        };
        let mut c = Column::new(name, sql);
        c.kind = Some(kind);
        c
    }

    /// A value as SQL, from a random number.
    fn literal(self, n: i64) -> String {
        match self {
            Self::Int => (n % 100_000).to_string(),
            Self::BigInt => (n * 1_000_003).to_string(),
            Self::Double => format!("{}.25", n % 1000),
            Self::Text => format!("'t{n}''s'"),
            Self::Bool => (n % 2 == 0).to_string(),
        }
    }

    /// The types a column of this type may become without losing a value.
    fn widened(self) -> Vec<Type> {
        match self {
            Self::Int => vec![Self::Int, Self::BigInt, Self::Double, Self::Text],
            Self::BigInt => vec![Self::BigInt, Self::Text],
            Self::Double | Self::Bool => vec![self, Self::Text],
            Self::Text => vec![Self::Text],
        }
    }
}

/// One column of the first version and what becomes of it.
#[derive(Debug, Clone)]
struct Plan {
    ty: Type,
    nullable: bool,
    default: Option<i64>,
    fate: Fate,
}

#[derive(Debug, Clone)]
enum Fate {
    Kept {
        renamed: bool,
        to: Type,
        nullable: bool,
        default: Option<i64>,
    },
    Dropped,
}

fn ty() -> impl Strategy<Value = Type> {
    prop_oneof![
        Just(Type::Int),
        Just(Type::BigInt),
        Just(Type::Double),
        Just(Type::Text),
        Just(Type::Bool)
    ]
}

fn plan() -> impl Strategy<Value = Plan> {
    (ty(), any::<bool>(), proptest::option::of(0i64..50)).prop_flat_map(
        |(ty, nullable, default)| {
            let kept = (
                any::<bool>(),
                proptest::sample::select(ty.widened()),
                any::<bool>(),
                proptest::option::of(0i64..50),
            )
                .prop_map(|(renamed, to, nullable, default)| Fate::Kept {
                    renamed,
                    to,
                    nullable,
                    default,
                });
            let fate = prop_oneof![4 => kept, 1 => Just(Fate::Dropped)];
            fate.prop_map(move |fate| Plan {
                ty,
                nullable,
                default,
                fate,
            })
        },
    )
}

/// One case: the kept or dropped columns' plans, the added columns (type,
/// default), and the rows of the first version.
type Case = (Vec<Plan>, Vec<(Type, i64)>, Vec<Vec<Option<i64>>>);

fn case() -> impl Strategy<Value = Case> {
    (
        proptest::collection::vec(plan(), 1..5),
        proptest::collection::vec((ty(), 0i64..50), 0..3),
    )
        .prop_flat_map(|(plans, added)| {
            let width = plans.len();
            let rows = proptest::collection::vec(
                proptest::collection::vec(proptest::option::of(0i64..10_000), width),
                0..12,
            );
            (Just(plans), Just(added), rows)
        })
}

fn default_sql(ty: Type, n: i64) -> String {
    ty.literal(n)
}

fn versions(plans: &[Plan], added: &[(Type, i64)]) -> (Schema, Schema) {
    let key = || {
        let mut id = Column::new("id", SqlType::Integer);
        id.kind = Some(Kind::BigInt);
        id
    };
    let mut v1 = Table::new("t");
    v1.columns.push(key());
    v1.primary_key.columns.push("id".into());
    let mut v2 = v1.clone();
    for (i, p) in plans.iter().enumerate() {
        let name = format!("c{i}");
        let mut c = p.ty.column(&name);
        c.nullable = p.nullable;
        c.default = p.default.map(|d| default_sql(p.ty, d));
        if !c.nullable && c.default.is_none() {
            c.default = Some(default_sql(p.ty, 1));
        }
        v1.columns.push(c);
        if let Fate::Kept {
            renamed,
            to,
            nullable,
            default,
        } = &p.fate
        {
            let new_name = if *renamed {
                format!("r{i}")
            } else {
                name.clone()
            };
            let mut n = to.column(&new_name);
            n.nullable = *nullable;
            n.default = default.map(|d| default_sql(*to, d));
            if !n.nullable && n.default.is_none() {
                n.default = Some(default_sql(*to, 2));
            }
            if *renamed {
                n.renamed_from = Some(name);
            }
            v2.columns.push(n);
        }
    }
    for (j, (ty, d)) in added.iter().enumerate() {
        let mut c = ty.column(&format!("a{j}"));
        c.nullable = false;
        c.default = Some(default_sql(*ty, *d));
        v2.columns.push(c);
    }
    (
        Schema::new([v1]).expect("a valid first version"),
        Schema::new([v2]).expect("a valid second version"),
    )
}

/// Fails the case with a message (inside `run`, whose errors are boxed).
macro_rules! ensure {
    ($cond:expr, $($what:tt)+) => {
        if !$cond {
            return Err(format!($($what)+).into());
        }
    };
}

fn url() -> String {
    std::env::var("STILLROOM_TEST_POSTGRES")
        .expect("set STILLROOM_TEST_POSTGRES: the PostgreSQL suite runs against a real server")
}

fn column_texts(
    client: &mut Client,
    column: &str,
) -> Result<Vec<Option<String>>, Box<dyn std::error::Error>> {
    Ok(client
        .query(
            &format!("SELECT \"{column}\"::text FROM t ORDER BY id"),
            &[],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect())
}

fn run(
    plans: &[Plan],
    added: &[(Type, i64)],
    rows: &[Vec<Option<i64>>],
) -> Result<(), Box<dyn std::error::Error>> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let schema = format!("p_{}_{n}", std::process::id());
    let dir = std::env::temp_dir().join(format!("stillroom-pg-prop-{schema}"));
    let _ = std::fs::remove_dir_all(&dir);
    let mut client = connect(&url())?;
    client.batch_execute(&format!(
        "DROP SCHEMA IF EXISTS \"{schema}\" CASCADE; CREATE SCHEMA \"{schema}\"; SET search_path TO \"{schema}\""
    ))?;
    let result = (|| -> Result<(), Box<dyn std::error::Error>> {
        let (v1, v2) = versions(plans, added);
        let lossy = GenerateOptions {
            allow_data_loss: true,
            ..Default::default()
        };
        stillroom::postgres::generate(&mut client, &dir, &v1, "one", lossy.clone())?;
        let changed = matches!(
            stillroom::postgres::generate(&mut client, &dir, &v2, "two", lossy)?,
            Generated::Written { .. }
        );
        let history = History::read(&dir)?;
        Migrator::new(&history)
            .schema(&v1)
            .upgrade(&mut client, &Target::Relative(1))?;
        for (id, row) in rows.iter().enumerate() {
            let mut names = vec!["id".to_owned()];
            let mut values = vec![id.to_string()];
            for (i, (p, v)) in plans.iter().zip(row).enumerate() {
                if let Some(v) = v {
                    names.push(format!("c{i}"));
                    values.push(p.ty.literal(*v));
                } else if p.nullable {
                    names.push(format!("c{i}"));
                    values.push("NULL".into());
                }
            }
            client.batch_execute(&format!(
                "INSERT INTO t ({}) VALUES ({})",
                names.join(", "),
                values.join(", ")
            ))?;
        }
        let before: Vec<Vec<Option<String>>> = (0..plans.len())
            .map(|i| column_texts(&mut client, &format!("c{i}")))
            .collect::<Result<_, _>>()?;
        Migrator::new(&history).schema(&v2).migrate(&mut client)?;
        // Every kept value is there, under its new name, in its new type's
        // spelling of the same value; a NULL made NOT NULL is the default.
        let v2t = &v2.tables()[0];
        for (i, p) in plans.iter().enumerate() {
            let Fate::Kept { renamed, .. } = &p.fate else {
                continue;
            };
            let name = if *renamed {
                format!("r{i}")
            } else {
                format!("c{i}")
            };
            let column = v2t.column(&name).ok_or("a kept column")?;
            let after = column_texts(&mut client, &name)?;
            let default_text: Option<String> = match (&column.default, column.nullable) {
                (Some(d), false) => Some(
                    client
                        .query_one(&format!("SELECT ({d})::{}::text", pg_type(column)), &[])?
                        .get(0),
                ),
                _ => None,
            };
            for (was, now) in before[i].iter().zip(&after) {
                let expected = match was {
                    None => default_text.clone(),
                    Some(v) => Some(retyped(v, pg_type(column))),
                };
                ensure!(
                    *now == expected,
                    "column {name} of {p:?}: {now:?}, expected {expected:?}"
                );
            }
        }
        let left = stillroom::postgres::differences(&mut client, &v2)?;
        ensure!(left.is_empty(), "after the upgrade: {left:?}");
        if !changed {
            return Ok(());
        }
        // Down: back to the first version, or an error and nothing changed.
        let snapshot = snapshot(&mut client)?;
        match Migrator::new(&history)
            .schema(&v1)
            .allow_data_loss(true)
            .downgrade(&mut client, &Target::Relative(-1))
        {
            Ok(_) => {
                let left = stillroom::postgres::differences(&mut client, &v1)?;
                ensure!(left.is_empty(), "after the downgrade: {left:?}");
            }
            Err(Error::PostgresStatement(_)) => {
                ensure!(
                    snapshot == self::snapshot(&mut client)?,
                    "a failed downgrade changed the database"
                );
            }
            Err(e) => return Err(e.into()),
        }
        Ok(())
    })();
    let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"));
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn pg_type(c: &Column) -> &'static str {
    match c.kind {
        Some(Kind::Int) => "INTEGER",
        Some(Kind::BigInt) => "BIGINT",
        Some(Kind::Double) => "DOUBLE PRECISION",
        Some(Kind::Bool) => "BOOLEAN",
        _ => "TEXT",
    }
}

/// A value's text after its column became `to`: the same text, except a
/// whole number read as a double keeps no fraction (`5` is `5`).
fn retyped(text: &str, _to: &str) -> String {
    text.to_owned()
}

fn snapshot(client: &mut Client) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    Ok(client
        .query(
            "SELECT string_agg(t::text, '|' ORDER BY id) FROM t UNION ALL \
             SELECT string_agg(column_name || data_type, ',' ORDER BY ordinal_position) \
             FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 't'",
            &[],
        )?
        .iter()
        .map(|r| r.get::<_, Option<String>>(0).unwrap_or_default())
        .collect())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(48),
        ..ProptestConfig::default()
    })]

    #[test]
    fn generated_migrations_keep_every_surviving_value((plans, added, rows) in case()) {
        run(&plans, &added, &rows).map_err(|e| TestCaseError::fail(e.to_string()))?;
    }
}
