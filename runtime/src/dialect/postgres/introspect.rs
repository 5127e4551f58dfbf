//! A live PostgreSQL schema (the connection's current schema) read from the
//! catalog into schema values, in the form [`types`](super::types) gives
//! the models, with the names of its constraints (which ALTERs need).

use std::collections::{BTreeMap, HashMap};

use postgres::{GenericClient, Row};

use super::types::{canonical_type, read_default};
use crate::Result;
use crate::schema::{Action, Column, ForeignKey, Index, Schema, SqlType, Table};

/// The prefix of the comment stillroom puts on each CHECK it creates: the
/// expression as the model wrote it (PostgreSQL prints its own rewriting
/// of it), and whether it is a column's or the table's.
pub(crate) const COLUMN_CHECK: &str = "stillroom column check: ";
pub(crate) const TABLE_CHECK: &str = "stillroom table check: ";

/// A live schema: the tables as schema values, and the constraint names.
#[derive(Debug, Clone, Default)]
pub(crate) struct Live {
    pub(crate) schema: Schema,
    /// By table name, lower-cased.
    pub(crate) names: BTreeMap<String, Names>,
    /// What cannot be compared, one description each.
    pub(crate) unsupported: Vec<String>,
}

/// The names of one table's constraints.
#[derive(Debug, Clone, Default)]
pub(crate) struct Names {
    pub(crate) primary_key: Option<String>,
    /// Each foreign key (as the table has it) and its constraint's name.
    pub(crate) foreign_keys: Vec<(ForeignKey, String)>,
    /// Each check: its column (none for a table check), its expression
    /// as the table has it, and its constraint's name.
    pub(crate) checks: Vec<(Option<String>, String, String)>,
}

impl Live {
    pub(crate) fn names(&self, table: &str) -> Names {
        self.names
            .get(&table.to_lowercase())
            .cloned()
            .unwrap_or_default()
    }
}

/// Reads the tables of the connection's current schema, except
/// stillroom's own.
pub(crate) fn introspect(client: &mut impl GenericClient) -> Result<Live> {
    let mut live = Live::default();
    let mut tables = Vec::new();
    let rows = client.query(
        "SELECT c.oid, c.relname::text, c.relkind::text FROM pg_class c \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f') \
         ORDER BY c.relname",
        &[],
    )?;
    // One query per catalog for the whole schema, each row keyed by its
    // table: a constant number of round trips whatever the number of tables.
    let columns = by_table(client.query(COLUMNS, &[])?);
    let constraints = by_table(client.query(CONSTRAINTS, &[])?);
    let indexes = by_table(client.query(INDEXES, &[])?);
    let none = Vec::new();
    for row in rows {
        let (oid, name, kind): (u32, String, String) = (row.get(0), row.get(1), row.get(2));
        if name.starts_with("stillroom_") {
            continue;
        }
        match kind.as_str() {
            "v" => live.unsupported.push(format!("view `{name}`")),
            "m" => live.unsupported.push(format!("materialized view `{name}`")),
            "f" => live.unsupported.push(format!("foreign table `{name}`")),
            _ => {
                let rows = Rows {
                    columns: columns.get(&oid).unwrap_or(&none),
                    constraints: constraints.get(&oid).unwrap_or(&none),
                    indexes: indexes.get(&oid).unwrap_or(&none),
                };
                let (table, names) = read_table(&rows, &name, &mut live.unsupported);
                live.names.insert(name.to_lowercase(), names);
                tables.push(table);
            }
        }
    }
    live.schema = Schema::from_tables_unchecked(tables);
    Ok(live)
}

/// A table's rows of the three catalog queries.
struct Rows<'a> {
    columns: &'a [Row],
    constraints: &'a [Row],
    indexes: &'a [Row],
}

/// Rows grouped by their first column, the table's oid (in query order).
fn by_table(rows: Vec<Row>) -> HashMap<u32, Vec<Row>> {
    let mut out: HashMap<u32, Vec<Row>> = HashMap::new();
    for row in rows {
        out.entry(row.get(0)).or_default().push(row);
    }
    out
}

/// The tables of the current schema: the restriction every catalog query
/// below shares.
macro_rules! in_schema {
    ($relation:literal) => {
        concat!(
            $relation,
            " IN (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p'))"
        )
    };
}

const COLUMNS: &str = concat!(
    "SELECT a.attrelid, a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull, \
     pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, a.attgenerated::text \
     FROM pg_attribute a \
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
     WHERE a.attnum > 0 AND NOT a.attisdropped AND ",
    in_schema!("a.attrelid"),
    " ORDER BY a.attrelid, a.attnum"
);

const CONSTRAINTS: &str = concat!(
    "SELECT con.conrelid, con.conname::text, con.contype::text, \
     ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, o) \
           JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o), \
     cf.relname::text, \
     ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, o) \
           JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o), \
     con.confdeltype::text, con.confupdtype::text, \
     pg_get_constraintdef(con.oid), obj_description(con.oid, 'pg_constraint') \
     FROM pg_constraint con LEFT JOIN pg_class cf ON cf.oid = con.confrelid \
     WHERE ",
    in_schema!("con.conrelid"),
    " ORDER BY con.conrelid, con.conname"
);

const INDEXES: &str = concat!(
    "SELECT ix.indrelid, i.relname::text, ix.indisunique, \
     ARRAY(SELECT a.attname::text FROM unnest(ix.indkey::int2[]) WITH ORDINALITY k(n, o) \
           JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.n ORDER BY k.o), \
     ix.indexprs IS NOT NULL OR ix.indpred IS NOT NULL, ix.indnkeyatts <> ix.indnatts \
     FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid \
     WHERE NOT ix.indisprimary AND ",
    in_schema!("ix.indrelid"),
    " ORDER BY ix.indrelid, i.relname"
);

fn read_table(rows: &Rows<'_>, name: &str, unsupported: &mut Vec<String>) -> (Table, Names) {
    let mut table = Table::new(name);
    table.strict = false;
    let mut identity = Vec::new();
    for row in rows.columns {
        let column_name: String = row.get(1);
        let declared: String = row.get(2);
        let not_null: bool = row.get(3);
        let default: Option<String> = row.get(4);
        let identity_kind: String = row.get(5);
        let generated: String = row.get(6);
        let mut c = Column::new(&column_name, SqlType::Declared(canonical_type(&declared)));
        c.nullable = !not_null;
        if !generated.is_empty() {
            unsupported.push(format!("generated column `{name}.{column_name}`"));
        }
        if !identity_kind.is_empty() {
            identity.push(column_name.clone());
        } else {
            c.default = default.as_deref().map(read_default);
        }
        table.columns.push(c);
    }
    let mut names = Names::default();
    read_constraints(rows.constraints, &mut table, &mut names, unsupported);
    table.primary_key.autoincrement = matches!(
        (table.primary_key.columns.as_slice(), identity.as_slice()),
        ([key], [id]) if key == id
    );
    for id in identity.iter().filter(|_| !table.primary_key.autoincrement) {
        unsupported.push(format!(
            "identity column `{name}.{id}` outside a one-column key"
        ));
    }
    read_indexes(rows.indexes, &mut table, unsupported);
    (table, names)
}

fn read_constraints(
    rows: &[Row],
    table: &mut Table,
    names: &mut Names,
    unsupported: &mut Vec<String>,
) {
    for row in rows {
        let conname: String = row.get(1);
        let kind: String = row.get(2);
        let columns: Vec<String> = row.get(3);
        match kind.as_str() {
            "p" => {
                table.primary_key.columns = columns;
                names.primary_key = Some(conname);
            }
            "f" => {
                let fk = ForeignKey {
                    columns,
                    references_table: row.get::<_, Option<String>>(4).unwrap_or_default(),
                    references_columns: row.get(5),
                    on_delete: action(&row.get::<_, String>(6)),
                    on_update: action(&row.get::<_, String>(7)),
                };
                table.foreign_keys.push(fk.clone());
                names.foreign_keys.push((fk, conname));
            }
            "c" => {
                let definition: String = row.get(8);
                let comment: Option<String> = row.get(9);
                let (column, expr) = match comment.as_deref() {
                    Some(c) if c.starts_with(COLUMN_CHECK) => {
                        (columns.first().cloned(), c[COLUMN_CHECK.len()..].to_owned())
                    }
                    Some(c) if c.starts_with(TABLE_CHECK) => {
                        (None, c[TABLE_CHECK.len()..].to_owned())
                    }
                    _ => (
                        (columns.len() == 1).then(|| columns[0].clone()),
                        check_expression(&definition),
                    ),
                };
                match column
                    .as_deref()
                    .and_then(|c| table.columns.iter_mut().find(|x| x.name == c))
                {
                    Some(col) => col.checks.push(expr.clone()),
                    None => table.checks.push(expr.clone()),
                }
                names.checks.push((column, expr, conname));
            }
            // Unique constraints are read as their unique indexes.
            "u" => {}
            _ => unsupported.push(format!(
                "constraint `{conname}` on `{}` ({})",
                table.name,
                row.get::<_, String>(8)
            )),
        }
    }
}

fn read_indexes(rows: &[Row], table: &mut Table, unsupported: &mut Vec<String>) {
    for row in rows {
        let name: String = row.get(1);
        if row.get::<_, bool>(4) || row.get::<_, bool>(5) {
            unsupported.push(format!(
                "index `{name}` on `{}` (an expression, partial or covering index)",
                table.name
            ));
            continue;
        }
        table.indexes.push(Index {
            name,
            columns: row.get(3),
            unique: row.get(2),
        });
    }
    table.indexes.sort_by(|a, b| a.name.cmp(&b.name));
}

fn action(code: &str) -> Action {
    match code {
        "r" => Action::Restrict,
        "c" => Action::Cascade,
        "n" => Action::SetNull,
        "d" => Action::SetDefault,
        _ => Action::NoAction,
    }
}

/// `CHECK ((x > 0))` as `x > 0`: the expression inside a definition.
fn check_expression(definition: &str) -> String {
    let inner = definition
        .trim()
        .strip_prefix("CHECK")
        .map(str::trim)
        .unwrap_or(definition);
    let inner = inner.strip_suffix(" NOT VALID").unwrap_or(inner);
    let mut text = inner.trim();
    while text.starts_with('(') && text.ends_with(')') && balanced(&text[1..text.len() - 1]) {
        text = text[1..text.len() - 1].trim();
    }
    text.to_owned()
}

/// Whether the parentheses of `text` balance (quotes not considered: what
/// PostgreSQL prints of a check keeps them in pairs).
fn balanced(text: &str) -> bool {
    let mut depth = 0i64;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checks_expression_is_read_from_its_definition() {
        assert_eq!(check_expression("CHECK ((amount > 0))"), "amount > 0");
        assert_eq!(
            check_expression("CHECK (((a > 0) AND (b > 0)))"),
            "(a > 0) AND (b > 0)"
        );
        assert_eq!(check_expression("CHECK ((x > 0)) NOT VALID"), "x > 0");
    }
}
