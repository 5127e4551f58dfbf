// After a derive error, code that uses the model must not add errors of its
// own ("`Model` is not implemented", type mismatches on the key): the user
// sees only the attribute mistake.
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
    let table = Job::table();
    println!("{}", table.create_table_sql());
    let job = Job {
        id: "a".into(),
        status: "queued".into(),
    };
    job.insert(&conn)?;
    let all: Vec<Job> = Job::all(&conn)?;
    println!("{all:?}");
    Ok(())
}
