//! The models as PostgreSQL declares them: each column's type from what its
//! Rust type holds ([`Kind`]), defaults and checks in PostgreSQL's
//! spelling. Introspection reads a database into the same form, so the two
//! compare as schema values.

use crate::model::column_type::ValueCheck;
use crate::schema::{Column, Kind, Schema, SqlType, Table};
use crate::{Error, Result};

/// PostgreSQL's one spelling of a type name, as `format_type` prints it or
/// as a model declares it (`int8`, `bigint` and `BIGINT` are `BIGINT`;
/// `timestamp with time zone` is `TIMESTAMPTZ`; `character varying(40)`
/// is `VARCHAR(40)`).
pub(crate) fn canonical_type(declared: &str) -> String {
    let upper = declared
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_uppercase();
    let (base, args) = match upper.find('(') {
        Some(at) => (upper[..at].trim_end(), upper[at..].replace(' ', "")),
        None => (upper.as_str(), String::new()),
    };
    let name = match base {
        "INT" | "INT4" | "INTEGER" | "SERIAL" | "SERIAL4" => "INTEGER",
        "INT8" | "BIGINT" | "BIGSERIAL" | "SERIAL8" => "BIGINT",
        "INT2" | "SMALLINT" | "SMALLSERIAL" => "SMALLINT",
        "FLOAT8" | "DOUBLE PRECISION" | "FLOAT" => "DOUBLE PRECISION",
        "FLOAT4" | "REAL" => "REAL",
        "BOOL" | "BOOLEAN" => "BOOLEAN",
        "DECIMAL" | "NUMERIC" => "NUMERIC",
        "CHARACTER VARYING" | "VARCHAR" => "VARCHAR",
        "CHARACTER" | "CHAR" | "BPCHAR" => "CHAR",
        "TIMESTAMP WITH TIME ZONE" | "TIMESTAMPTZ" => "TIMESTAMPTZ",
        "TIMESTAMP WITHOUT TIME ZONE" | "TIMESTAMP" => "TIMESTAMP",
        "TIME WITHOUT TIME ZONE" | "TIME" => "TIME",
        "TIME WITH TIME ZONE" | "TIMETZ" => "TIMETZ",
        other => other,
    };
    format!("{name}{args}")
}

/// The column's PostgreSQL type: from its [`Kind`] when the model's Rust
/// type gives one, else from its SQLite type.
pub(crate) fn column_type(table: &str, c: &Column) -> Result<String> {
    if let Some(kind) = c.kind {
        return Ok(match kind {
            Kind::Bool => "BOOLEAN",
            Kind::SmallInt => "SMALLINT",
            Kind::Int => "INTEGER",
            Kind::BigInt => "BIGINT",
            Kind::Float => "REAL",
            Kind::Double => "DOUBLE PRECISION",
            Kind::Text => "TEXT",
            Kind::Bytes => "BYTEA",
            Kind::Date => "DATE",
            Kind::Time => "TIME",
            Kind::Timestamp => "TIMESTAMP",
            Kind::TimestampTz => "TIMESTAMPTZ",
            Kind::Uuid => "UUID",
            Kind::Json => "JSONB",
        }
        .to_owned());
    }
    Ok(match &c.sql_type {
        SqlType::Integer => "BIGINT".to_owned(),
        SqlType::Real => "DOUBLE PRECISION".to_owned(),
        SqlType::Text => "TEXT".to_owned(),
        SqlType::Blob => "BYTEA".to_owned(),
        SqlType::Any => {
            return Err(Error::Unsupported {
                message: format!(
                    "column `{table}.{}` is `ANY` (a `rusqlite::types::Value` field), which PostgreSQL has no type for: give the field a concrete type",
                    c.name
                ),
            });
        }
        SqlType::Declared(declared) => canonical_type(declared),
    })
}

/// The models' schema as PostgreSQL declares it.
pub(crate) fn form_schema(models: &Schema) -> Result<Schema> {
    let tables = models
        .tables()
        .iter()
        .map(form_table)
        .collect::<Result<Vec<_>>>()?;
    Ok(Schema::from_tables_unchecked(tables))
}

fn form_table(t: &Table) -> Result<Table> {
    let mut out = t.clone();
    out.strict = false;
    for c in &mut out.columns {
        let pg = column_type(&t.name, c)?;
        // A key column is NOT NULL in PostgreSQL whatever it says.
        if t.primary_key
            .columns
            .iter()
            .any(|k| k.eq_ignore_ascii_case(&c.name))
        {
            c.nullable = false;
        }
        if c.kind == Some(Kind::Bool) {
            // BOOLEAN holds only true and false: the 0/1 CHECK SQLite needs
            // is the type itself here, and defaults are spelt as booleans.
            let check = ValueCheck::Boolean.render(&c.name);
            c.checks.retain(|x| *x != check);
            c.default = c.default.as_deref().map(boolean_default);
        }
        c.sql_type = SqlType::Declared(pg);
    }
    Ok(out)
}

/// A `bool` field's default as PostgreSQL spells it (`0` is `false`).
fn boolean_default(default: &str) -> String {
    match default.trim().trim_matches(|c| c == '(' || c == ')') {
        "0" => "false".to_owned(),
        "1" => "true".to_owned(),
        other if other.eq_ignore_ascii_case("true") || other.eq_ignore_ascii_case("false") => {
            other.to_ascii_lowercase()
        }
        _ => default.to_owned(),
    }
}

/// A default as `pg_get_expr` prints it, in the spelling a model writes:
/// casts of literals dropped (`'queued'::text` is `'queued'`, `'-1'::integer`
/// is `-1`).
pub(crate) fn read_default(expr: &str) -> String {
    let mut text = expr.trim().to_owned();
    // `'...'::type` (one literal and a cast), the usual shape.
    if text.starts_with('\'')
        && let Some(end) = literal_end(&text)
        && text[end..].starts_with("::")
    {
        let literal = &text[..end];
        let inner = &literal[1..literal.len() - 1];
        let numeric = inner.parse::<f64>().is_ok() && !inner.trim().is_empty();
        let cast = canonical_type(&text[end + 2..]);
        let number_type = matches!(
            cast.as_str(),
            "SMALLINT" | "INTEGER" | "BIGINT" | "REAL" | "DOUBLE PRECISION" | "NUMERIC"
        );
        text = if numeric && number_type {
            inner.to_owned()
        } else {
            literal.to_owned()
        };
    }
    text
}

/// The index after the `'...'` literal at the start of `text`.
fn literal_end(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        if bytes[i] == b'\'' {
            if bytes.get(i + 1) == Some(&b'\'') {
                i += 2;
            } else {
                return Some(i + 1);
            }
        } else {
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_have_one_spelling() {
        for (given, canonical) in [
            ("bigint", "BIGINT"),
            ("int8", "BIGINT"),
            ("integer", "INTEGER"),
            ("timestamp with time zone", "TIMESTAMPTZ"),
            ("timestamp without time zone", "TIMESTAMP"),
            ("character varying(40)", "VARCHAR(40)"),
            ("numeric(10, 2)", "NUMERIC(10,2)"),
            ("double precision", "DOUBLE PRECISION"),
            ("jsonb", "JSONB"),
        ] {
            assert_eq!(canonical_type(given), canonical, "{given}");
        }
    }

    #[test]
    fn the_models_types_come_from_their_kind() -> Result<()> {
        let mut done = Column::new("done", SqlType::Integer);
        done.kind = Some(Kind::Bool);
        done.checks.push(ValueCheck::Boolean.render("done"));
        done.default = Some("0".into());
        let mut at = Column::new("at", SqlType::Text);
        at.kind = Some(Kind::TimestampTz);
        let mut t = Table::new("job");
        t.columns = vec![Column::new("id", SqlType::Integer), done, at];
        t.primary_key.columns.push("id".into());
        let formed = form_table(&t)?;
        let types: Vec<&str> = formed.columns.iter().map(|c| c.sql_type.as_sql()).collect();
        assert_eq!(types, ["BIGINT", "BOOLEAN", "TIMESTAMPTZ"]);
        assert!(formed.columns[1].checks.is_empty());
        assert_eq!(formed.columns[1].default.as_deref(), Some("false"));
        let any = Column::new("v", SqlType::Any);
        assert!(column_type("t", &any).is_err());
        Ok(())
    }

    #[test]
    fn defaults_read_back_as_written() {
        assert_eq!(read_default("'queued'::text"), "'queued'");
        assert_eq!(read_default("'-1'::integer"), "-1");
        assert_eq!(read_default("'it''s'::text"), "'it''s'");
        assert_eq!(read_default("0"), "0");
        assert_eq!(read_default("false"), "false");
        assert_eq!(read_default("CURRENT_TIMESTAMP"), "CURRENT_TIMESTAMP");
        assert_eq!(read_default("'2020-01-01'::date"), "'2020-01-01'");
    }
}
