//! What the PostgreSQL tests share: the server, and a schema and a
//! migrations directory of a test's own.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use stillroom::postgres::{Client, connect};

/// The server: `STILLROOM_TEST_POSTGRES`, a connection string.
pub fn url() -> String {
    std::env::var("STILLROOM_TEST_POSTGRES").unwrap_or_else(|_| {
        panic!(
            "set STILLROOM_TEST_POSTGRES to a PostgreSQL connection string (e.g. `host=127.0.0.1 user=postgres dbname=test`): this suite runs against a real server"
        )
    })
}

/// A schema of its own on the server and an empty migrations directory;
/// both removed when dropped, so tests run in parallel.
pub struct Scratch {
    pub schema: String,
    pub dir: PathBuf,
}

impl Scratch {
    pub fn new(label: &str) -> Result<Self, Box<dyn std::error::Error>> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let schema = format!(
            "{label}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let dir = std::env::temp_dir().join(format!("stillroom-pg-{schema}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        connect(&url())?.batch_execute(&format!(
            "DROP SCHEMA IF EXISTS \"{schema}\" CASCADE; CREATE SCHEMA \"{schema}\""
        ))?;
        Ok(Self { schema, dir })
    }

    /// A connection whose current schema is this one.
    pub fn client(&self) -> Result<Client, Box<dyn std::error::Error>> {
        let mut client = connect(&url())?;
        client.batch_execute(&format!("SET search_path TO \"{}\"", self.schema))?;
        Ok(client)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Ok(mut client) = connect(&url()) {
            let _ = client.batch_execute(&format!(
                "DROP SCHEMA IF EXISTS \"{}\" CASCADE",
                self.schema
            ));
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
