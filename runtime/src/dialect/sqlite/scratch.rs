//! SQLite's scratch database: a new in-memory one for each replay, where
//! autogenerate tries a migration (`autogenerate/scratch.rs`) and `merge`
//! and `squash` try a history (`history/team.rs`).

use rusqlite::Connection;

use super::introspect::{LiveSchema, introspect};
use super::render::render;
use super::runner::apply_parts;
use crate::autogenerate::diff::{DiffOptions, diff};
use crate::autogenerate::ops::Op;
use crate::autogenerate::scratch::{Part, Scratch};
use crate::dialect::Dialect;
use crate::history::replay::{Direction, replay};
use crate::history::team::Replayer;
use crate::history::{History, Migration};
use crate::schema::Schema;
use crate::{Error, Result};

/// An in-memory SQLite database, made by the last replay.
#[derive(Default)]
pub(crate) struct InMemory {
    conn: Option<Connection>,
}

impl InMemory {
    fn conn(&self) -> Result<&Connection> {
        self.conn.as_ref().ok_or_else(|| Error::BadTarget {
            message: "internal: the scratch database was used before a replay".into(),
        })
    }
}

impl Scratch for InMemory {
    const DIALECT: Dialect = Dialect::Sqlite;
    type Live = LiveSchema;

    fn schema(live: &LiveSchema) -> &Schema {
        &live.schema
    }

    fn unsupported(live: &LiveSchema) -> &[String] {
        &live.unsupported
    }

    fn form(&self, models: &Schema) -> Result<Schema> {
        Ok(models.clone())
    }

    fn replay(&mut self, history: &History) -> Result<LiveSchema> {
        let replayed = replay(history)?;
        self.conn = Some(replayed.conn);
        Ok(replayed.schema)
    }

    fn run(&mut self, m: &Migration, direction: Direction) -> Result<()> {
        apply_parts(self.conn()?, &[(m, direction)])
    }

    fn introspect(&mut self) -> Result<LiveSchema> {
        introspect(self.conn()?)
    }

    fn render(&self, ops: &[Op], before: &LiveSchema) -> Part {
        let rendered = render(ops, before);
        Part {
            sql: rendered.sql,
            foreign_keys_off: rendered.foreign_keys_off,
            requires: Some(rendered.requires),
        }
    }
}

impl Replayer for InMemory {
    const DIALECT: Dialect = Dialect::Sqlite;

    fn schema(&mut self, history: &History) -> Result<Schema> {
        Ok(replay(history)?.schema.schema)
    }

    fn create_and_drop(&mut self, history: &History) -> Result<(String, String, Vec<String>)> {
        let target = replay(history)?.schema;
        let create = diff(&Schema::default(), &target.schema, DiffOptions::ALLOW_LOSS)?;
        let mut up = render(&create.ops, &crate::LiveSchema::default()).sql;
        for object in target.views.iter().chain(&target.triggers) {
            up.push_str(&format!(
                "\n-- hand-written: `{}`\n{};\n",
                object.name, object.sql
            ));
        }
        let drop = diff(&target.schema, &Schema::default(), DiffOptions::ALLOW_LOSS)?;
        Ok((up, render(&drop.ops, &target).sql, drop.data_loss))
    }

    fn form(&self, models: &Schema) -> Result<Schema> {
        Ok(models.clone())
    }

    fn statements<'a>(&self, sql: &'a str) -> Vec<&'a str> {
        crate::dialect::sqlite::sql_text::split_statements(sql)
            .into_iter()
            .map(|s| s.sql)
            .collect()
    }
}
