//! SQLite's DDL for schema values: `CREATE TABLE` (STRICT, inline
//! `PRIMARY KEY AUTOINCREMENT`) and `CREATE INDEX`, as the public methods
//! `Schema::create_statements`, `Table::create_statements` and
//! `Index::create_sql` give it.

use std::fmt::Write as _;

use crate::schema::{
    Action, Column, ForeignKey, Index, Schema, Table, dependency_order, ident_list, quote_ident,
};

impl Schema {
    /// The DDL that creates the whole schema on an empty SQLite database:
    /// tables in an order where every table comes after the tables it
    /// references (where the references allow one), each followed by its
    /// indexes.
    pub fn create_statements(&self) -> Vec<String> {
        let mut out = Vec::new();
        for table in dependency_order(self.tables()) {
            out.extend(table.create_statements());
        }
        out
    }
}

impl Table {
    /// The `CREATE TABLE` statement followed by one `CREATE INDEX` per index.
    pub fn create_statements(&self) -> Vec<String> {
        let mut out = vec![self.create_table_sql()];
        out.extend(self.indexes.iter().map(|i| i.create_sql(&self.name)));
        out
    }

    /// The `CREATE TABLE` statement, without a trailing semicolon.
    ///
    /// ```
    /// use stillroom::{Column, SqlType, Table};
    ///
    /// let mut t = Table::new("notes");
    /// t.columns.push(Column::new("id", SqlType::Integer));
    /// t.primary_key.columns.push("id".into());
    /// assert_eq!(
    ///     t.create_table_sql(),
    ///     "CREATE TABLE \"notes\" (\n    \"id\" INTEGER NOT NULL PRIMARY KEY\n) STRICT"
    /// );
    /// ```
    pub fn create_table_sql(&self) -> String {
        self.create_table_sql_named(&self.name)
    }

    /// The `CREATE TABLE` statement for this table under another name (the
    /// new table of a rebuild).
    pub fn create_table_sql_named(&self, name: &str) -> String {
        let inline_key = self.primary_key.columns.len() == 1;
        let mut parts: Vec<String> = self
            .columns
            .iter()
            .map(|c| {
                let key = inline_key && self.primary_key.columns[0] == c.name;
                column_definition(c, key, key && self.primary_key.autoincrement)
            })
            .collect();
        if self.primary_key.columns.len() > 1 {
            parts.push(format!(
                "PRIMARY KEY ({})",
                ident_list(&self.primary_key.columns)
            ));
        }
        parts.extend(self.foreign_keys.iter().map(foreign_key_clause));
        parts.extend(self.checks.iter().map(|c| format!("CHECK ({c})")));

        let mut sql = format!("CREATE TABLE {} (\n    ", quote_ident(name));
        sql.push_str(&parts.join(",\n    "));
        sql.push_str("\n)");
        if self.strict {
            sql.push_str(" STRICT");
        }
        sql
    }
}

impl Index {
    /// The `CREATE [UNIQUE] INDEX` statement on `table`, without a trailing
    /// semicolon.
    ///
    /// ```
    /// use stillroom::Index;
    ///
    /// let ix = Index { name: "ix_jobs_created_at".into(), columns: vec!["created_at".into()], unique: false };
    /// assert_eq!(ix.create_sql("jobs"), r#"CREATE INDEX "ix_jobs_created_at" ON "jobs" ("created_at")"#);
    /// ```
    pub fn create_sql(&self, table: &str) -> String {
        format!(
            "CREATE {}INDEX {} ON {} ({})",
            if self.unique { "UNIQUE " } else { "" },
            quote_ident(&self.name),
            quote_ident(table),
            ident_list(&self.columns)
        )
    }
}

/// One column definition inside `CREATE TABLE`.
///
/// Primary-key columns say `NOT NULL` explicitly: SQLite lets a non-INTEGER
/// primary key hold NULL otherwise (a long-standing quirk it keeps for
/// compatibility).
pub(crate) fn column_definition(column: &Column, primary_key: bool, autoincrement: bool) -> String {
    let mut sql = format!("{} {}", quote_ident(&column.name), column.sql_type.as_sql());
    if !column.nullable {
        sql.push_str(" NOT NULL");
    }
    if primary_key {
        sql.push_str(" PRIMARY KEY");
        if autoincrement {
            sql.push_str(" AUTOINCREMENT");
        }
    }
    if let Some(default) = &column.default {
        let _ = write!(sql, " DEFAULT {default}");
    }
    for check in &column.checks {
        let _ = write!(sql, " CHECK ({check})");
    }
    sql
}

fn foreign_key_clause(fk: &ForeignKey) -> String {
    let mut sql = format!(
        "FOREIGN KEY ({}) REFERENCES {} ({})",
        ident_list(&fk.columns),
        quote_ident(&fk.references_table),
        ident_list(&fk.references_columns)
    );
    if fk.on_delete != Action::NoAction {
        let _ = write!(sql, " ON DELETE {}", fk.on_delete.as_sql());
    }
    if fk.on_update != Action::NoAction {
        let _ = write!(sql, " ON UPDATE {}", fk.on_update.as_sql());
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{PrimaryKey, SqlType};

    fn jobs() -> Table {
        let mut t = Table::new("jobs");
        t.columns.push(Column::new("id", SqlType::Text));
        let mut status = Column::new("status", SqlType::Text);
        status.default = Some("'queued'".into());
        t.columns.push(status);
        let mut message = Column::new("message", SqlType::Text);
        message.nullable = true;
        t.columns.push(message);
        t.primary_key.columns.push("id".into());
        t
    }

    #[test]
    fn renders_simple_table() {
        assert_eq!(
            jobs().create_table_sql(),
            "CREATE TABLE \"jobs\" (\n    \"id\" TEXT NOT NULL PRIMARY KEY,\n    \"status\" TEXT NOT NULL DEFAULT 'queued',\n    \"message\" TEXT\n) STRICT"
        );
    }

    #[test]
    fn renders_composite_key_foreign_keys_checks_and_non_strict() {
        let mut t = Table::new("order");
        t.strict = false;
        t.columns.push(Column::new("a b", SqlType::Integer));
        let mut flag = Column::new("fl\"ag", SqlType::Declared("BOOLEAN".into()));
        flag.checks.push("\"fl\"\"ag\" IN (0, 1)".into());
        t.columns.push(flag);
        t.primary_key = PrimaryKey {
            columns: vec!["a b".into(), "fl\"ag".into()],
            autoincrement: false,
        };
        t.foreign_keys.push(ForeignKey {
            columns: vec!["a b".into()],
            references_table: "parent".into(),
            references_columns: vec!["id".into()],
            on_delete: Action::Cascade,
            on_update: Action::SetNull,
        });
        t.checks.push("\"a b\" > 0".into());
        assert_eq!(
            t.create_table_sql(),
            "CREATE TABLE \"order\" (\n    \"a b\" INTEGER NOT NULL,\n    \"fl\"\"ag\" BOOLEAN NOT NULL CHECK (\"fl\"\"ag\" IN (0, 1)),\n    PRIMARY KEY (\"a b\", \"fl\"\"ag\"),\n    FOREIGN KEY (\"a b\") REFERENCES \"parent\" (\"id\") ON DELETE CASCADE ON UPDATE SET NULL,\n    CHECK (\"a b\" > 0)\n)"
        );
    }

    #[test]
    fn renders_autoincrement_and_indexes() {
        let mut t = Table::new("events");
        t.columns.push(Column::new("id", SqlType::Integer));
        t.columns.push(Column::new("at", SqlType::Text));
        t.primary_key = PrimaryKey {
            columns: vec!["id".into()],
            autoincrement: true,
        };
        t.indexes.push(Index {
            name: "uq_events_at".into(),
            columns: vec!["at".into()],
            unique: true,
        });
        assert_eq!(
            t.create_statements(),
            [
                "CREATE TABLE \"events\" (\n    \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n    \"at\" TEXT NOT NULL\n) STRICT",
                "CREATE UNIQUE INDEX \"uq_events_at\" ON \"events\" (\"at\")",
            ]
        );
    }

    #[test]
    fn quoting_survives_sqlite() -> rusqlite::Result<()> {
        let conn = rusqlite::Connection::open_in_memory()?;
        let mut t = Table::new("select \"weird\" 'name'");
        t.columns.push(Column::new("from", SqlType::Text));
        t.primary_key.columns.push("from".into());
        t.indexes.push(Index {
            name: "ix \"q\"".into(),
            columns: vec!["from".into()],
            unique: false,
        });
        for sql in t.create_statements() {
            conn.execute(&sql, [])?;
        }
        let name: String = conn.query_row(
            "SELECT name FROM sqlite_schema WHERE type = 'table'",
            [],
            |r| r.get(0),
        )?;
        assert_eq!(name, t.name);
        Ok(())
    }
}
