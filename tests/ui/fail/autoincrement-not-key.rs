use stillroom::Model;

#[derive(Model)]
struct Job {
    #[model(primary_key)]
    id: String,
    #[model(autoincrement)]
    seq: i64,
}

fn main() {}
