use stillroom::Model;

#[derive(Model)]
#[model(table = "jobs")]
struct Job {
    #[model(primary_key)]
    id: String,
    #[model(default = "'queued'")]
    status: String,
    #[model(index)]
    created_at: String,
}

static MIGRATIONS: stillroom::Migrations = stillroom::embed_migrations!(); // ./migrations

fn main() -> stillroom::Result<()> {
    // `cargo run -- db <command>`: generate, apply and inspect migrations.
    stillroom::cli::Cli::new(&MIGRATIONS)
        .default_database("app.db")
        .dispatch();

    let conn = stillroom::open("app.db")?; // WAL, foreign keys on, busy timeout
    stillroom::migrate(&conn)?; // apply what is pending, then verify
    let id = format!("job-{}", Job::count(&conn)? + 1);
    Job {
        id,
        status: "queued".into(),
        created_at: "2026-12-06".into(),
    }
    .insert(&conn)?;
    let queued = Job::select(&conn, "status = ?1", ["queued"])?;
    println!("{} queued jobs", queued.len());
    Ok(())
}

#[cfg(test)]
mod tests {
    /// The CI gate: fails, saying what to run, when a model changed and no
    /// migration was generated.
    #[test]
    fn migrations_match_the_models() -> stillroom::Result<()> {
        stillroom::check(super::MIGRATIONS.dir(), stillroom::registry()?)
    }
}
