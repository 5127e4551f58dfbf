use stillroom::Model;

#[derive(Model)]
struct Task {
    #[model(primary_key, autoincrement)]
    id: i64,
    #[model(primary_key)]
    job_id: String,
}

fn main() {}
