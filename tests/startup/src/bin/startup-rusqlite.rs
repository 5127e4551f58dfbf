//! The yardstick: hand-written rusqlite that opens the database and reads
//! stillroom's ledger (revision and checksum, in order), then exits.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args_os()
        .nth(1)
        .ok_or("usage: startup-rusqlite DATABASE")?;
    let conn = rusqlite::Connection::open(path)?;
    let mut stmt =
        conn.prepare("SELECT revision, checksum FROM stillroom_migrations ORDER BY position")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let ledger = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    std::hint::black_box(ledger);
    Ok(())
}
