//! A no-op startup through stillroom: open the database, migrate (nothing
//! to do on an up-to-date one), exit. The first run creates the database.

use stillroom_startup as app;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args_os()
        .nth(1)
        .ok_or("usage: startup-stillroom DATABASE")?;
    // The models and migrations are linked through the library.
    let _ = &app::MIGRATIONS;
    let conn = stillroom::open(path)?;
    let report = stillroom::migrate(&conn)?;
    if !report.ran.is_empty() {
        eprintln!("applied {} revisions", report.ran.len());
    }
    Ok(())
}
