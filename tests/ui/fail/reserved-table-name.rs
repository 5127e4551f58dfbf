use stillroom::Model;

#[derive(Model)]
#[model(table = "sqlite_jobs")]
struct Job {
    #[model(primary_key)]
    id: String,
}

fn main() {}
