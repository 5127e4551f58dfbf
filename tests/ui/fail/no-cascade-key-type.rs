// After a derive error, `get` and `delete_by_key` with the real key type
// should not add errors of their own.
use stillroom::Model;

#[derive(Model, Debug)]
struct Job {
    #[model(primary_key)]
    id: String,
    #[model(default = "queued")]
    status: String,
}

fn main() -> stillroom::Result<()> {
    let conn = stillroom::rusqlite::Connection::open_in_memory()?;
    let found: Option<Job> = Job::get(&conn, "a")?;
    println!("{found:?}");
    Job::delete_by_key(&conn, String::from("a"))?;
    Ok(())
}
