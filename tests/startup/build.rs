//! Writes the application the startup comparison runs: 300 models and a
//! history of 1,000 revisions that builds exactly their schema (the first
//! creates the tables, each later one adds a column to one of them, every
//! tenth with an index). Generated rather than committed: about 600 KB of
//! text that says nothing a reader needs.

use std::fmt::Write as _;
use std::path::Path;

const TABLES: usize = 300;
const REVISIONS: usize = 1_000;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let out = Path::new(&out);
    let dir = out.join("migrations");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the migrations directory");

    // extras[t]: the revisions that add a column to table t.
    let mut extras: Vec<Vec<usize>> = vec![Vec::new(); TABLES];
    for r in 2..=REVISIONS {
        extras[r % TABLES].push(r);
    }

    let mut up = String::new();
    let mut down = String::new();
    for t in 0..TABLES {
        let _ = write!(
            up,
            "CREATE TABLE \"table_{t:03}\" (\n    \"id\" INTEGER NOT NULL PRIMARY KEY,\n    \"name\" TEXT NOT NULL,\n    \"created_at\" TEXT NOT NULL,\n    \"score\" REAL NOT NULL DEFAULT 0,\n    \"active\" INTEGER NOT NULL DEFAULT 1 CHECK (\"active\" IN (0, 1)),\n    \"note\" TEXT"
        );
        if t > 0 {
            let _ = write!(
                up,
                ",\n    \"parent_id\" INTEGER REFERENCES \"table_{:03}\" (\"id\") ON DELETE CASCADE",
                t - 1
            );
        }
        let _ = writeln!(up, "\n) STRICT;");
        let _ = writeln!(
            up,
            "CREATE INDEX \"ix_table_{t:03}_name\" ON \"table_{t:03}\" (\"name\");"
        );
    }
    for t in (0..TABLES).rev() {
        let _ = writeln!(down, "DROP TABLE \"table_{t:03}\";");
    }
    let mut parent = write_file(&dir, 1, "none", "create the tables", &up, &down);
    for r in 2..=REVISIONS {
        let t = r % TABLES;
        let mut up = format!("ALTER TABLE \"table_{t:03}\" ADD COLUMN \"extra_{r}\" TEXT;\n");
        let mut down = String::new();
        if r % 10 == 0 {
            let _ = writeln!(
                up,
                "CREATE INDEX \"ix_table_{t:03}_extra_{r}\" ON \"table_{t:03}\" (\"extra_{r}\");"
            );
            let _ = writeln!(down, "DROP INDEX \"ix_table_{t:03}_extra_{r}\";");
        }
        let _ = writeln!(
            down,
            "ALTER TABLE \"table_{t:03}\" DROP COLUMN \"extra_{r}\";"
        );
        let message = format!("add table_{t:03}.extra_{r}");
        parent = write_file(&dir, r, &parent, &message, &up, &down);
    }

    let mut models = String::new();
    for (t, extras) in extras.iter().enumerate() {
        let _ = writeln!(
            models,
            "/// Table {t}.\n#[derive(stillroom::Model, Debug, Clone, PartialEq)]\n#[model(table = \"table_{t:03}\")]\npub struct Table{t:03} {{\n    #[model(primary_key)]\n    pub id: i64,\n    #[model(index)]\n    pub name: String,\n    pub created_at: String,\n    #[model(default = \"0\")]\n    pub score: f64,\n    #[model(default = \"1\")]\n    pub active: bool,\n    pub note: Option<String>,"
        );
        if t > 0 {
            let _ = writeln!(
                models,
                "    #[model(references = \"table_{:03}(id)\", on_delete = \"cascade\")]\n    pub parent_id: Option<i64>,",
                t - 1
            );
        }
        for r in extras {
            let index = if r % 10 == 0 {
                "    #[model(index)]\n"
            } else {
                ""
            };
            let _ = writeln!(models, "{index}    pub extra_{r}: Option<String>,");
        }
        let _ = writeln!(models, "}}\n");
    }
    let _ = writeln!(
        models,
        "/// The 1,000 revisions, embedded.\npub static MIGRATIONS: stillroom::Migrations = stillroom::embed_migrations!({:?});",
        dir.to_str().expect("OUT_DIR is UTF-8")
    );
    std::fs::write(out.join("app.rs"), models).expect("write app.rs");
}

/// Writes revision `r` on top of `parent`; returns its id.
fn write_file(dir: &Path, r: usize, parent: &str, message: &str, up: &str, down: &str) -> String {
    let revision = format!("{r:04}_{}", message.replace([' ', '.'], "_"));
    let text = format!(
        "-- stillroom migration\n-- revision: {revision}\n-- parent: {parent}\n-- message: {message}\n-- requires: SQLite 3.37.0\n\n-- migrate:up\n{up}\n-- migrate:down\n{down}"
    );
    std::fs::write(dir.join(format!("{revision}.sql")), text).expect("write a migration");
    revision
}
